//! The 46 functions of `wasi_snapshot_preview1`, engine-independent: each takes its raw
//! arguments, the guest's memory as a byte slice and a [`Meter`], and returns an errno or
//! stops the run. docs/wasi.md gives every function's behaviour and its reason.
//!
//! Guarantees: the base charge is made first, and a per-byte charge before the bytes move;
//! every guest pointer is checked ([`Mem`]) and a bad one is `EFAULT` with nothing changed,
//! except for outputs written before a later pointer failed (as on any POSIX host); no
//! argument can make a function panic or allocate more than the data it moves.

use crate::abi::{errno, filetype, flags, rights, size, Errno, Func};
use crate::ctx::{Stop, WasiCtx};
use crate::fs::{FdKind, Node};
use crate::mem::{total_len, Mem};
use crate::meter::Meter;

/// Why a call did not succeed: an errno for the guest, or the end of the run.
enum Fail {
    Errno(Errno),
    Stop(Stop),
}

impl From<Errno> for Fail {
    fn from(e: Errno) -> Self {
        Fail::Errno(e)
    }
}

impl From<Stop> for Fail {
    fn from(s: Stop) -> Self {
        Fail::Stop(s)
    }
}

type R = Result<(), Fail>;

/// The arguments of one call, as the engine passed them (i32 zero-extended, i64 as bits).
struct Args<'a>(&'a [u64]);

impl Args<'_> {
    fn u32(&self, i: usize) -> u32 {
        self.0.get(i).copied().unwrap_or(0) as u32
    }
    fn u64(&self, i: usize) -> u64 {
        self.0.get(i).copied().unwrap_or(0)
    }
}

fn require(fd_rights: u64, needed: u64) -> Result<(), Errno> {
    if fd_rights & needed == needed {
        Ok(())
    } else {
        Err(errno::NOTCAPABLE)
    }
}

impl WasiCtx {
    /// Calls `func` with `args` (one per parameter of its signature) on guest memory `memory`.
    /// `Ok(errno)` (0 for success; `proc_exit` never returns it); `Err` when the run must stop.
    pub fn call(&mut self, func: Func, args: &[u64], memory: &mut [u8], meter: &mut dyn Meter) -> Result<i32, Stop> {
        meter.call(func)?;
        let mut mem = Mem::new(memory);
        match self.dispatch(func, &Args(args), &mut mem, meter) {
            Ok(()) => Ok(errno::SUCCESS as i32),
            Err(Fail::Errno(e)) => Ok(e as i32),
            Err(Fail::Stop(s)) => Err(s),
        }
    }

    fn dispatch(&mut self, func: Func, a: &Args<'_>, m: &mut Mem<'_>, meter: &mut dyn Meter) -> R {
        use Func::*;
        match func {
            ArgsGet => strings_get(&self.args, a.u32(0), a.u32(1), m, meter),
            ArgsSizesGet => strings_sizes(&self.args, a.u32(0), a.u32(1), m),
            EnvironGet => strings_get(&self.env, a.u32(0), a.u32(1), m, meter),
            EnvironSizesGet => strings_sizes(&self.env, a.u32(0), a.u32(1), m),
            ClockResGet => {
                self.clock.now(a.u32(0)).ok_or(errno::INVAL)?;
                Ok(m.write_u64(a.u32(1), self.clock.tick())?)
            }
            ClockTimeGet => {
                let now = self.clock.now(a.u32(0)).ok_or(errno::INVAL)?;
                m.write_u64(a.u32(2), now)?;
                self.clock.advance(self.clock.tick());
                Ok(())
            }
            FdAdvise => {
                let fd = self.fds.get(a.u32(0))?;
                if a.u32(3) > 5 {
                    return Err(errno::INVAL.into());
                }
                Ok(require(fd.base, rights::FD_ADVISE)?)
            }
            FdAllocate => Ok(require(self.fds.get(a.u32(0))?.base, rights::FD_ALLOCATE)?),
            FdClose => {
                self.fds.table.remove(&a.u32(0)).ok_or(errno::BADF)?;
                Ok(())
            }
            FdDatasync => Ok(require(self.fds.get(a.u32(0))?.base, rights::FD_DATASYNC)?),
            FdSync => Ok(require(self.fds.get(a.u32(0))?.base, rights::FD_SYNC)?),
            FdFdstatGet => self.fdstat_get(a.u32(0), a.u32(1), m),
            FdFdstatSetFlags => {
                let fd = self.fds.get_mut(a.u32(0))?;
                require(fd.base, rights::FD_FDSTAT_SET_FLAGS)?;
                let f = a.u32(1) as u16;
                if f & !(flags::FDFLAGS_APPEND | flags::FDFLAGS_NONBLOCK) != 0 {
                    return Err(errno::NOTSUP.into());
                }
                fd.flags = f;
                Ok(())
            }
            FdFdstatSetRights => {
                let fd = self.fds.get_mut(a.u32(0))?;
                let (base, inheriting) = (a.u64(1), a.u64(2));
                if base & !fd.base != 0 || inheriting & !fd.inheriting != 0 {
                    return Err(errno::NOTCAPABLE.into());
                }
                fd.base = base;
                fd.inheriting = inheriting;
                Ok(())
            }
            FdFilestatGet => {
                let fd = self.fds.get(a.u32(0))?;
                require(fd.base, rights::FD_FILESTAT_GET)?;
                let (ino, ty, len) = match &fd.kind {
                    FdKind::Stdin | FdKind::Stdout | FdKind::Stderr => (0, filetype::UNKNOWN, 0),
                    FdKind::Dir { node, .. } | FdKind::File { node, .. } => {
                        let dir = self.fds.dir.as_deref().ok_or(errno::BADF)?;
                        (*node as u64, dir.filetype(*node), dir.size(*node))
                    }
                };
                Ok(write_filestat(m, a.u32(1), ino, ty, len)?)
            }
            FdFilestatSetSize => Ok(require(self.fds.get(a.u32(0))?.base, rights::FD_FILESTAT_SET_SIZE)?),
            FdFilestatSetTimes => Ok(require(self.fds.get(a.u32(0))?.base, 1 << 23)?),
            FdPread => self.read(a.u32(0), a.u32(1), a.u32(2), Some(a.u64(3)), a.u32(4), m, meter),
            FdRead => self.read(a.u32(0), a.u32(1), a.u32(2), None, a.u32(3), m, meter),
            FdPrestatGet => {
                let name = self.preopen_name(a.u32(0))?;
                let len = name.len() as u32;
                m.check(a.u32(1), size::PRESTAT)?;
                m.write(a.u32(1), &[0; 4])?;
                Ok(m.write_u32(a.u32(1) + 4, len)?)
            }
            FdPrestatDirName => {
                let name = self.preopen_name(a.u32(0))?.to_string();
                if (a.u32(2) as usize) < name.len() {
                    return Err(errno::NAMETOOLONG.into());
                }
                meter.bytes(name.len() as u64)?;
                Ok(m.write(a.u32(1), name.as_bytes())?)
            }
            FdPwrite | FdWrite => {
                let offset = (func == FdPwrite).then(|| a.u64(3));
                let nwritten = if func == FdPwrite { a.u32(4) } else { a.u32(3) };
                self.write(a.u32(0), a.u32(1), a.u32(2), offset, nwritten, m, meter)
            }
            FdReaddir => self.readdir(a.u32(0), a.u32(1), a.u32(2), a.u64(3), a.u32(4), m, meter),
            FdRenumber => {
                let (from, to) = (a.u32(0), a.u32(1));
                self.fds.get(to)?;
                let entry = self.fds.table.remove(&from).ok_or(errno::BADF)?;
                self.fds.table.insert(to, entry);
                Ok(())
            }
            FdSeek => self.seek(a.u32(0), a.u64(1) as i64, a.u32(2) as u8, a.u32(3), m),
            FdTell => self.seek(a.u32(0), 0, flags::WHENCE_CUR, a.u32(1), m),
            PathCreateDirectory | PathRemoveDirectory | PathUnlinkFile => {
                self.path(a.u32(0), a.u32(1), a.u32(2), m, meter)?;
                Err(errno::NOTCAPABLE.into())
            }
            PathFilestatGet => {
                let node = self.path(a.u32(0), a.u32(2), a.u32(3), m, meter)?;
                let dir = self.fds.dir.as_deref().ok_or(errno::BADF)?;
                Ok(write_filestat(m, a.u32(4), node as u64, dir.filetype(node), dir.size(node))?)
            }
            PathFilestatSetTimes => {
                self.path(a.u32(0), a.u32(2), a.u32(3), m, meter)?;
                Err(errno::NOTCAPABLE.into())
            }
            PathLink => {
                self.path_string(a.u32(0), a.u32(2), a.u32(3), m, meter)?;
                self.path_string(a.u32(4), a.u32(5), a.u32(6), m, meter)?;
                Err(errno::NOTCAPABLE.into())
            }
            PathRename => {
                self.path_string(a.u32(0), a.u32(1), a.u32(2), m, meter)?;
                self.path_string(a.u32(3), a.u32(4), a.u32(5), m, meter)?;
                Err(errno::NOTCAPABLE.into())
            }
            PathSymlink => {
                meter.bytes(a.u32(1) as u64)?;
                m.string(a.u32(0), a.u32(1))?;
                self.path_string(a.u32(2), a.u32(3), a.u32(4), m, meter)?;
                Err(errno::NOTCAPABLE.into())
            }
            PathOpen => self.open(a, m, meter),
            PathReadlink => {
                m.check(a.u32(3), a.u32(4))?;
                m.check(a.u32(5), 4)?;
                self.path(a.u32(0), a.u32(1), a.u32(2), m, meter)?;
                Err(errno::INVAL.into()) // the tree has no symbolic links
            }
            PollOneoff => self.poll(a.u32(0), a.u32(1), a.u32(2), a.u32(3), m, meter),
            ProcExit => Err(Stop::Exit(a.u32(0)).into()),
            ProcRaise => Err(errno::NOSYS.into()),
            SchedYield => Ok(()),
            RandomGet => {
                let (ptr, len) = (a.u32(0), a.u32(1));
                m.check(ptr, len)?;
                meter.bytes(len as u64)?;
                self.rng.fill(m.slice_mut(ptr, len)?);
                Ok(())
            }
            SockAccept | SockRecv | SockSend | SockShutdown => {
                self.fds.get(a.u32(0))?;
                Err(errno::NOTSOCK.into())
            }
        }
    }

    fn preopen_name(&self, fd: u32) -> Result<&str, Errno> {
        match &self.fds.get(fd)?.kind {
            FdKind::Dir { preopen: Some(name), .. } => Ok(name),
            _ => Err(errno::BADF),
        }
    }

    fn fdstat_get(&self, fd: u32, ptr: u32, m: &mut Mem<'_>) -> R {
        let entry = self.fds.get(fd)?;
        let ty = match &entry.kind {
            FdKind::Stdin | FdKind::Stdout | FdKind::Stderr => filetype::UNKNOWN,
            FdKind::Dir { .. } => filetype::DIRECTORY,
            FdKind::File { .. } => filetype::REGULAR_FILE,
        };
        m.check(ptr, size::FDSTAT)?;
        let mut buf = [0u8; size::FDSTAT as usize];
        buf[0] = ty;
        buf[2..4].copy_from_slice(&entry.flags.to_le_bytes());
        buf[8..16].copy_from_slice(&entry.base.to_le_bytes());
        buf[16..24].copy_from_slice(&entry.inheriting.to_le_bytes());
        Ok(m.write(ptr, &buf)?)
    }

    /// `fd_read` (`offset: None`) and `fd_pread`.
    #[allow(clippy::too_many_arguments)]
    fn read(
        &mut self,
        fd: u32,
        iovs: u32,
        count: u32,
        offset: Option<u64>,
        nread: u32,
        m: &mut Mem<'_>,
        meter: &mut dyn Meter,
    ) -> R {
        let iovs = m.iovecs(iovs, count)?;
        m.check(nread, 4)?;
        let want = total_len(&iovs);
        let entry = self.fds.get(fd)?;
        let (data, pos): (&[u8], u64) = match (&entry.kind, offset) {
            (FdKind::Stdin, None) => (&self.stdin, self.stdin_pos as u64),
            (FdKind::Stdin | FdKind::Stdout | FdKind::Stderr, Some(_)) => return Err(errno::SPIPE.into()),
            (FdKind::Stdout | FdKind::Stderr, None) => return Err(errno::BADF.into()),
            (FdKind::Dir { .. }, _) => return Err(errno::ISDIR.into()),
            (FdKind::File { node, pos }, _) => {
                require(entry.base, rights::FD_READ | if offset.is_some() { rights::FD_SEEK } else { 0 })?;
                let Some(Node::File(data)) = self.fds.dir.as_deref().map(|d| &d.nodes[*node]) else {
                    return Err(errno::BADF.into());
                };
                (data, offset.unwrap_or(*pos))
            }
        };
        let start = (pos.min(data.len() as u64)) as usize;
        let n = (want.min((data.len() - start) as u64)) as usize;
        meter.bytes(n as u64)?;
        let chunk = data[start..start + n].to_vec();
        m.scatter(&iovs, &chunk)?;
        m.write_u32(nread, n as u32)?;
        if offset.is_none() {
            match &mut self.fds.get_mut(fd)?.kind {
                FdKind::Stdin => self.stdin_pos = start + n,
                FdKind::File { pos, .. } => *pos = (start + n) as u64,
                _ => {}
            }
        }
        Ok(())
    }

    /// `fd_write` (`offset: None`) and `fd_pwrite`.
    #[allow(clippy::too_many_arguments)]
    fn write(
        &mut self,
        fd: u32,
        iovs: u32,
        count: u32,
        offset: Option<u64>,
        nwritten: u32,
        m: &mut Mem<'_>,
        meter: &mut dyn Meter,
    ) -> R {
        let iovs = m.iovecs(iovs, count)?;
        m.check(nwritten, 4)?;
        let entry = self.fds.get(fd)?;
        let (buf, limit, stream) = match (&entry.kind, offset) {
            (FdKind::Stdout | FdKind::Stderr | FdKind::Stdin, Some(_)) => return Err(errno::SPIPE.into()),
            (FdKind::Stdout, None) => (&mut self.stdout, self.stdout_limit, "stdout"),
            (FdKind::Stderr, None) => (&mut self.stderr, self.stderr_limit, "stderr"),
            (FdKind::Stdin, None) => return Err(errno::BADF.into()),
            (FdKind::Dir { .. }, _) => return Err(errno::ISDIR.into()),
            (FdKind::File { .. }, _) => return Err(errno::NOTCAPABLE.into()),
        };
        let n = total_len(&iovs);
        meter.bytes(n)?;
        if (buf.len() as u64).saturating_add(n) > limit as u64 {
            return Err(Stop::OutputLimit { stream, limit }.into());
        }
        buf.extend_from_slice(&m.gather(&iovs)?);
        Ok(m.write_u32(nwritten, n as u32)?)
    }

    fn seek(&mut self, fd: u32, offset: i64, whence: u8, out: u32, m: &mut Mem<'_>) -> R {
        let entry = self.fds.get(fd)?;
        let (node, pos) = match &entry.kind {
            FdKind::File { node, pos } => (*node, *pos),
            FdKind::Dir { .. } => return Err(errno::BADF.into()),
            _ => return Err(errno::SPIPE.into()),
        };
        let tell = offset == 0 && whence == flags::WHENCE_CUR;
        require(entry.base, if tell { rights::FD_TELL } else { rights::FD_SEEK })?;
        let len = self.fds.dir.as_deref().map_or(0, |d| d.size(node));
        let origin = match whence {
            flags::WHENCE_SET => 0,
            flags::WHENCE_CUR => pos,
            flags::WHENCE_END => len,
            _ => return Err(errno::INVAL.into()),
        };
        let new = (origin as i128) + offset as i128;
        if !(0..=i64::MAX as i128).contains(&new) {
            return Err(errno::INVAL.into());
        }
        m.write_u64(out, new as u64)?;
        if let FdKind::File { pos, .. } = &mut self.fds.get_mut(fd)?.kind {
            *pos = new as u64;
        }
        Ok(())
    }

    /// Reads a path argument for directory descriptor `fd` (charging its bytes).
    fn path_string(&self, fd: u32, ptr: u32, len: u32, m: &Mem<'_>, meter: &mut dyn Meter) -> Result<String, Fail> {
        self.fds.dir_of(fd)?;
        meter.bytes(len as u64)?;
        Ok(m.string(ptr, len)?)
    }

    /// Resolves a path argument relative to directory descriptor `fd`.
    fn path(&self, fd: u32, ptr: u32, len: u32, m: &Mem<'_>, meter: &mut dyn Meter) -> Result<usize, Fail> {
        let path = self.path_string(fd, ptr, len, m, meter)?;
        let (dir, node, _) = self.fds.dir_of(fd)?;
        Ok(dir.resolve(0, node, &path)?)
    }

    fn open(&mut self, a: &Args<'_>, m: &mut Mem<'_>, meter: &mut dyn Meter) -> R {
        let (fd, path, len, oflags, base, inheriting, fdflags, out) =
            (a.u32(0), a.u32(2), a.u32(3), a.u32(4) as u16, a.u64(5), a.u64(6), a.u32(7) as u16, a.u32(8));
        m.check(out, 4)?;
        let path = self.path_string(fd, path, len, m, meter)?;
        let (dir, from, entry) = self.fds.dir_of(fd)?;
        require(entry.base, rights::PATH_OPEN)?;
        let found = dir.resolve(0, from, &path);
        if oflags & flags::OFLAGS_EXCL != 0 && oflags & flags::OFLAGS_CREAT != 0 && found.is_ok() {
            return Err(errno::EXIST.into());
        }
        let writes = rights::FD_WRITE | rights::FD_ALLOCATE | rights::FD_FILESTAT_SET_SIZE | rights::FD_DATASYNC;
        if oflags & (flags::OFLAGS_CREAT | flags::OFLAGS_TRUNC) != 0
            || base & writes != 0
            || fdflags & !flags::FDFLAGS_NONBLOCK != 0
        {
            return Err(errno::NOTCAPABLE.into());
        }
        let node = found?;
        let is_dir = matches!(dir.nodes[node], Node::Dir { .. });
        if oflags & flags::OFLAGS_DIRECTORY != 0 && !is_dir {
            return Err(errno::NOTDIR.into());
        }
        let allowed = entry.inheriting & if is_dir { rights::DIR_READ } else { rights::FILE_READ };
        let kind = if is_dir { FdKind::Dir { node, preopen: None } } else { FdKind::File { node, pos: 0 } };
        let new =
            crate::fs::Fd { kind, base: base & allowed, inheriting: inheriting & entry.inheriting, flags: fdflags };
        let number = self.fds.free()?;
        m.write_u32(out, number)?;
        self.fds.table.insert(number, new);
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn readdir(
        &self,
        fd: u32,
        buf: u32,
        buf_len: u32,
        cookie: u64,
        used: u32,
        m: &mut Mem<'_>,
        meter: &mut dyn Meter,
    ) -> R {
        m.check(buf, buf_len)?;
        m.check(used, 4)?;
        let (dir, node, entry) = self.fds.dir_of(fd)?;
        require(entry.base, rights::FD_READDIR)?;
        let mut out = Vec::new();
        for (i, (name, ino, ty)) in
            dir.listing(node).into_iter().enumerate().skip(cookie.min(usize::MAX as u64) as usize)
        {
            if out.len() >= buf_len as usize {
                break;
            }
            let mut d = [0u8; size::DIRENT as usize];
            d[0..8].copy_from_slice(&(i as u64 + 1).to_le_bytes());
            d[8..16].copy_from_slice(&ino.to_le_bytes());
            d[16..20].copy_from_slice(&(name.len() as u32).to_le_bytes());
            d[20] = ty;
            out.extend_from_slice(&d);
            out.extend_from_slice(name.as_bytes());
        }
        out.truncate(buf_len as usize);
        meter.bytes(out.len() as u64)?;
        m.write(buf, &out)?;
        Ok(m.write_u32(used, out.len() as u32)?)
    }

    fn poll(&mut self, subs: u32, events: u32, count: u32, nevents: u32, m: &mut Mem<'_>, meter: &mut dyn Meter) -> R {
        if count == 0 {
            return Err(errno::INVAL.into());
        }
        m.check(subs, count.checked_mul(size::SUBSCRIPTION).ok_or(errno::FAULT)?)?;
        m.check(events, count.checked_mul(size::EVENT).ok_or(errno::FAULT)?)?;
        m.check(nevents, 4)?;
        meter.bytes(count as u64 * (size::SUBSCRIPTION + size::EVENT) as u64)?;
        // (userdata, error, type, nbytes) per event; clocks as (userdata, clock id, deadline).
        let mut ready: Vec<(u64, Errno, u8, u64)> = Vec::new();
        let mut clocks: Vec<(u64, u32, u64)> = Vec::new();
        for i in 0..count {
            let s = subs + i * size::SUBSCRIPTION;
            let userdata = m.read_u64(s)?;
            let tag = m.slice(s + 8, 1)?[0];
            match tag {
                flags::EVENTTYPE_CLOCK => {
                    let id = m.read_u32(s + 16)?;
                    let timeout = m.read_u64(s + 24)?;
                    let abs = m.read_u16(s + 40)? & flags::SUBCLOCKFLAGS_ABSTIME != 0;
                    match self.clock.now(id) {
                        Some(now) => {
                            clocks.push((userdata, id, if abs { timeout } else { now.saturating_add(timeout) }))
                        }
                        None => ready.push((userdata, errno::INVAL, tag, 0)),
                    }
                }
                flags::EVENTTYPE_FD_READ | flags::EVENTTYPE_FD_WRITE => {
                    let fd = m.read_u32(s + 16)?;
                    let (error, nbytes) = self.fd_readiness(fd, tag);
                    ready.push((userdata, error, tag, nbytes));
                }
                _ => ready.push((userdata, errno::INVAL, tag, 0)),
            }
        }
        if ready.is_empty() {
            // Only clocks: "sleep" until the earliest deadline, at once, by advancing the clock.
            let wait = clocks.iter().map(|&(_, id, at)| at.saturating_sub(self.clock.now(id).unwrap_or(0))).min();
            self.clock.advance(wait.unwrap_or(0));
        }
        for &(userdata, id, at) in &clocks {
            if self.clock.now(id).unwrap_or(0) >= at {
                ready.push((userdata, errno::SUCCESS, flags::EVENTTYPE_CLOCK, 0));
            }
        }
        for (i, (userdata, error, ty, nbytes)) in ready.iter().enumerate() {
            let mut e = [0u8; size::EVENT as usize];
            e[0..8].copy_from_slice(&userdata.to_le_bytes());
            e[8..10].copy_from_slice(&error.to_le_bytes());
            e[10] = *ty;
            e[16..24].copy_from_slice(&nbytes.to_le_bytes());
            m.write(events + i as u32 * size::EVENT, &e)?;
        }
        Ok(m.write_u32(nevents, ready.len() as u32)?)
    }

    /// An fd subscription's event: always ready at once (nothing here ever blocks).
    fn fd_readiness(&self, fd: u32, tag: u8) -> (Errno, u64) {
        let Ok(entry) = self.fds.get(fd) else { return (errno::BADF, 0) };
        let read = tag == flags::EVENTTYPE_FD_READ;
        match (&entry.kind, read) {
            (FdKind::Stdin, true) => (errno::SUCCESS, (self.stdin.len() - self.stdin_pos) as u64),
            (FdKind::Stdout, false) => (errno::SUCCESS, self.stdout_limit.saturating_sub(self.stdout.len()) as u64),
            (FdKind::Stderr, false) => (errno::SUCCESS, self.stderr_limit.saturating_sub(self.stderr.len()) as u64),
            (FdKind::File { node, pos }, true) => {
                let len = self.fds.dir.as_deref().map_or(0, |d| d.size(*node));
                (errno::SUCCESS, len.saturating_sub(*pos))
            }
            _ => (errno::NOTCAPABLE, 0),
        }
    }
}

fn strings_sizes(strings: &[Vec<u8>], count: u32, size_ptr: u32, m: &mut Mem<'_>) -> R {
    m.check(count, 4)?;
    m.check(size_ptr, 4)?;
    m.write_u32(count, strings.len() as u32)?;
    Ok(m.write_u32(size_ptr, strings.iter().map(Vec::len).sum::<usize>() as u32)?)
}

fn strings_get(strings: &[Vec<u8>], ptrs: u32, buf: u32, m: &mut Mem<'_>, meter: &mut dyn Meter) -> R {
    let total: usize = strings.iter().map(Vec::len).sum();
    m.check(ptrs, (strings.len() as u32).checked_mul(4).ok_or(errno::FAULT)?)?;
    m.check(buf, total as u32)?;
    meter.bytes(total as u64)?;
    let mut at = buf;
    for (i, s) in strings.iter().enumerate() {
        m.write_u32(ptrs + 4 * i as u32, at)?;
        m.write(at, s)?;
        at += s.len() as u32;
    }
    Ok(())
}

fn write_filestat(m: &mut Mem<'_>, ptr: u32, ino: u64, ty: u8, len: u64) -> Result<(), Errno> {
    let mut st = [0u8; size::FILESTAT as usize];
    st[8..16].copy_from_slice(&ino.to_le_bytes());
    st[16] = ty;
    st[24..32].copy_from_slice(&1u64.to_le_bytes());
    st[32..40].copy_from_slice(&len.to_le_bytes());
    m.write(ptr, &st)
}
