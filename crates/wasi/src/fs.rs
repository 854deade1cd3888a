//! Descriptors and the opt-in read-only in-memory directory.
//!
//! Descriptors 0, 1 and 2 are stdin, stdout and stderr; descriptor 3 is the preopened
//! directory if the run has one. New descriptors take the lowest free number from 3 up, at
//! most [`MAX_FDS`] open at once. Paths are resolved inside the directory only: an absolute
//! path, or `..` above the preopen, is `ENOTCAPABLE`; there are no symbolic links. Inode
//! numbers are node indices in insertion order, and every time stamp is 0, so what a program
//! sees of the directory depends only on its contents.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use crate::abi::{errno, filetype, rights, Errno};

/// Most descriptors open at once.
pub const MAX_FDS: usize = 1024;
/// Limits of [`MemDir::load`]: total file bytes and entries.
pub const MAX_LOAD_BYTES: u64 = 256 << 20;
pub const MAX_LOAD_ENTRIES: usize = 100_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Node {
    Dir { parent: usize, entries: BTreeMap<String, usize> },
    File(Arc<[u8]>),
}

/// A read-only directory tree held in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemDir {
    /// Node 0 is the root.
    pub(crate) nodes: Vec<Node>,
}

impl Default for MemDir {
    fn default() -> Self {
        Self::new()
    }
}

/// Why a directory could not be built.
#[derive(Debug, thiserror::Error)]
pub enum DirError {
    #[error("`{0}` is not a relative path of plain names")]
    BadPath(String),
    #[error("`{0}` is both a file and a directory")]
    Conflict(String),
    #[error("cannot read {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("directory {path} exceeds {what}")]
    TooLarge { path: String, what: &'static str },
}

impl MemDir {
    pub fn new() -> Self {
        Self { nodes: vec![Node::Dir { parent: 0, entries: BTreeMap::new() }] }
    }

    /// The directory node at `path` under the root, creating missing directories.
    fn dir_at(&mut self, parts: &[&str], whole: &str) -> Result<usize, DirError> {
        let mut at = 0;
        for part in parts {
            let next = match &self.nodes[at] {
                Node::Dir { entries, .. } => entries.get(*part).copied(),
                Node::File(_) => return Err(DirError::Conflict(whole.to_string())),
            };
            at = match next {
                Some(n) => n,
                None => {
                    let n = self.nodes.len();
                    self.nodes.push(Node::Dir { parent: at, entries: BTreeMap::new() });
                    if let Node::Dir { entries, .. } = &mut self.nodes[at] {
                        entries.insert(part.to_string(), n);
                    }
                    n
                }
            };
        }
        match self.nodes[at] {
            Node::Dir { .. } => Ok(at),
            Node::File(_) => Err(DirError::Conflict(whole.to_string())),
        }
    }

    fn parts(path: &str) -> Result<Vec<&str>, DirError> {
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        if path.starts_with('/') || parts.iter().any(|p| *p == "." || *p == "..") {
            return Err(DirError::BadPath(path.to_string()));
        }
        Ok(parts)
    }

    /// Adds (or replaces) the file at relative `path`, creating its directories.
    pub fn add_file(&mut self, path: &str, contents: impl Into<Arc<[u8]>>) -> Result<&mut Self, DirError> {
        let parts = Self::parts(path)?;
        let Some((name, dirs)) = parts.split_last() else { return Err(DirError::BadPath(path.to_string())) };
        let dir = self.dir_at(dirs, path)?;
        let existing = match &self.nodes[dir] {
            Node::Dir { entries, .. } => entries.get(*name).copied(),
            Node::File(_) => None,
        };
        match existing {
            Some(n) if matches!(self.nodes[n], Node::Dir { .. }) => return Err(DirError::Conflict(path.to_string())),
            Some(n) => self.nodes[n] = Node::File(contents.into()),
            None => {
                let n = self.nodes.len();
                self.nodes.push(Node::File(contents.into()));
                if let Node::Dir { entries, .. } = &mut self.nodes[dir] {
                    entries.insert(name.to_string(), n);
                }
            }
        }
        Ok(self)
    }

    /// Adds an empty directory at relative `path` (and its parents).
    pub fn add_dir(&mut self, path: &str) -> Result<&mut Self, DirError> {
        let parts = Self::parts(path)?;
        self.dir_at(&parts, path)?;
        Ok(self)
    }

    /// A copy of the host directory `root`, read once (files and directories; anything else,
    /// such as a symbolic link, is skipped), in name order, within [`MAX_LOAD_BYTES`] and
    /// [`MAX_LOAD_ENTRIES`].
    pub fn load(root: &Path) -> Result<Self, DirError> {
        let mut dir = Self::new();
        let mut bytes = 0u64;
        let mut stack = vec![(root.to_path_buf(), String::new())];
        while let Some((host, rel)) = stack.pop() {
            let io = |source| DirError::Io { path: host.display().to_string(), source };
            let mut names: Vec<_> = std::fs::read_dir(&host).map_err(io)?.collect::<Result<_, _>>().map_err(io)?;
            names.sort_by_key(|e| e.file_name());
            for entry in names {
                let Some(name) = entry.file_name().to_str().map(str::to_string) else { continue };
                let path = if rel.is_empty() { name } else { format!("{rel}/{name}") };
                let kind = entry.file_type().map_err(io)?;
                if dir.nodes.len() >= MAX_LOAD_ENTRIES {
                    return Err(DirError::TooLarge { path: root.display().to_string(), what: "100,000 entries" });
                }
                if kind.is_dir() {
                    dir.add_dir(&path)?;
                    stack.push((entry.path(), path));
                } else if kind.is_file() {
                    let data = std::fs::read(entry.path())
                        .map_err(|source| DirError::Io { path: entry.path().display().to_string(), source })?;
                    bytes += data.len() as u64;
                    if bytes > MAX_LOAD_BYTES {
                        return Err(DirError::TooLarge { path: root.display().to_string(), what: "256 MiB" });
                    }
                    dir.add_file(&path, data)?;
                }
            }
        }
        Ok(dir)
    }

    pub(crate) fn filetype(&self, node: usize) -> u8 {
        match self.nodes[node] {
            Node::Dir { .. } => filetype::DIRECTORY,
            Node::File(_) => filetype::REGULAR_FILE,
        }
    }

    pub(crate) fn size(&self, node: usize) -> u64 {
        match &self.nodes[node] {
            Node::Dir { entries, .. } => entries.len() as u64,
            Node::File(data) => data.len() as u64,
        }
    }

    /// Resolves `path` from directory `from`, never above `root`.
    pub(crate) fn resolve(&self, root: usize, from: usize, path: &str) -> Result<usize, Errno> {
        if path.starts_with('/') {
            return Err(errno::NOTCAPABLE);
        }
        if path.is_empty() {
            return Err(errno::NOENT);
        }
        let mut at = from;
        let mut depth = self.depth(root, from);
        for part in path.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    if depth == 0 {
                        return Err(errno::NOTCAPABLE);
                    }
                    depth -= 1;
                    at = match self.nodes[at] {
                        Node::Dir { parent, .. } => parent,
                        Node::File(_) => return Err(errno::NOTDIR),
                    };
                }
                name => {
                    at = match &self.nodes[at] {
                        Node::Dir { entries, .. } => *entries.get(name).ok_or(errno::NOENT)?,
                        Node::File(_) => return Err(errno::NOTDIR),
                    };
                    depth += 1;
                }
            }
        }
        // A trailing slash names a directory.
        if path.ends_with('/') && !matches!(self.nodes[at], Node::Dir { .. }) {
            return Err(errno::NOTDIR);
        }
        Ok(at)
    }

    /// How many levels `node` is below `root` (0 if it is the root).
    fn depth(&self, root: usize, mut node: usize) -> usize {
        let mut d = 0;
        while node != root {
            match self.nodes[node] {
                Node::Dir { parent, .. } if parent != node => node = parent,
                _ => break,
            }
            d += 1;
        }
        d
    }

    /// A directory's entries as `fd_readdir` lists them: `.`, `..`, then children in name
    /// order, each as (name, inode, filetype).
    pub(crate) fn listing(&self, node: usize) -> Vec<(String, u64, u8)> {
        let Node::Dir { parent, entries } = &self.nodes[node] else { return Vec::new() };
        let mut out = vec![
            (".".to_string(), node as u64, filetype::DIRECTORY),
            ("..".to_string(), *parent as u64, filetype::DIRECTORY),
        ];
        out.extend(entries.iter().map(|(name, n)| (name.clone(), *n as u64, self.filetype(*n))));
        out
    }
}

/// What a descriptor refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FdKind {
    Stdin,
    Stdout,
    Stderr,
    /// A directory of the preopened tree; `preopen` is its name if it is the preopen itself.
    Dir {
        node: usize,
        preopen: Option<String>,
    },
    File {
        node: usize,
        pos: u64,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fd {
    pub kind: FdKind,
    pub base: u64,
    pub inheriting: u64,
    pub flags: u16,
}

/// The descriptor table and the directory it refers into.
#[derive(Debug, Default)]
pub(crate) struct Fds {
    pub table: BTreeMap<u32, Fd>,
    pub dir: Option<Arc<MemDir>>,
}

impl Fds {
    pub fn new(preopen: Option<(String, MemDir)>) -> Self {
        let stdio = |kind, base| Fd { kind, base, inheriting: 0, flags: 0 };
        let mut table = BTreeMap::new();
        table.insert(0, stdio(FdKind::Stdin, rights::STDIN));
        table.insert(1, stdio(FdKind::Stdout, rights::STDOUT));
        table.insert(2, stdio(FdKind::Stderr, rights::STDOUT));
        let dir = preopen.map(|(name, dir)| {
            let kind = FdKind::Dir { node: 0, preopen: Some(name) };
            table.insert(
                3,
                Fd { kind, base: rights::DIR_READ, inheriting: rights::DIR_READ | rights::FILE_READ, flags: 0 },
            );
            Arc::new(dir)
        });
        Self { table, dir }
    }

    pub fn get(&self, fd: u32) -> Result<&Fd, Errno> {
        self.table.get(&fd).ok_or(errno::BADF)
    }

    pub fn get_mut(&mut self, fd: u32) -> Result<&mut Fd, Errno> {
        self.table.get_mut(&fd).ok_or(errno::BADF)
    }

    /// The directory and the node of directory descriptor `fd`.
    pub fn dir_of(&self, fd: u32) -> Result<(&MemDir, usize, &Fd), Errno> {
        let entry = self.get(fd)?;
        match (&entry.kind, &self.dir) {
            (FdKind::Dir { node, .. }, Some(dir)) => Ok((dir, *node, entry)),
            _ => Err(errno::NOTDIR),
        }
    }

    /// The lowest free descriptor from 3 up.
    pub fn free(&self) -> Result<u32, Errno> {
        if self.table.len() >= MAX_FDS {
            return Err(errno::MFILE);
        }
        (3..).find(|n| !self.table.contains_key(n)).ok_or(errno::MFILE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> MemDir {
        let mut d = MemDir::new();
        d.add_file("a.txt", b"hello".to_vec()).unwrap().add_file("sub/b.txt", b"bb".to_vec()).unwrap();
        d.add_dir("empty").unwrap();
        d
    }

    #[test]
    fn resolution_stays_inside_the_root() {
        let d = tree();
        let sub = d.resolve(0, 0, "sub").unwrap();
        assert_eq!(d.resolve(0, 0, "sub/b.txt"), d.resolve(0, sub, "b.txt"));
        assert_eq!(d.resolve(0, sub, "../a.txt"), d.resolve(0, 0, "a.txt"));
        assert_eq!(d.resolve(0, 0, "../a.txt"), Err(errno::NOTCAPABLE));
        assert_eq!(d.resolve(0, 0, "/a.txt"), Err(errno::NOTCAPABLE));
        assert_eq!(d.resolve(0, 0, "nope"), Err(errno::NOENT));
        assert_eq!(d.resolve(0, 0, "a.txt/x"), Err(errno::NOTDIR));
        assert_eq!(d.resolve(0, 0, "a.txt/"), Err(errno::NOTDIR));
        assert_eq!(d.resolve(0, 0, "./sub/./"), Ok(sub));
        assert_eq!(d.resolve(0, 0, ""), Err(errno::NOENT));
    }

    #[test]
    fn building_rejects_bad_paths_and_conflicts() {
        let mut d = tree();
        assert!(matches!(d.add_file("/abs", vec![]), Err(DirError::BadPath(_))));
        assert!(matches!(d.add_file("x/../y", vec![]), Err(DirError::BadPath(_))));
        assert!(matches!(d.add_file("sub", vec![]), Err(DirError::Conflict(_))));
        assert!(matches!(d.add_file("a.txt/c", vec![]), Err(DirError::Conflict(_))));
        let listing: Vec<String> = d.listing(0).into_iter().map(|(n, _, _)| n).collect();
        assert_eq!(listing, [".", "..", "a.txt", "empty", "sub"]);
    }
}
