//! The checks a state database passes before gasket trusts it, and the containment of what
//! its dependency does on damaged input.
//!
//! - [`precheck`]: the file exists, is a regular file, is not empty and starts with redb's
//!   magic number; anything else is refused as [`StoreError::Corrupt`], never initialised.
//! - [`contain`]: runs a redb operation with panics caught (and kept off stderr), each turned
//!   into [`StoreError::Corrupt`] naming the file and the panic's message and location.
//! - [`Header`] and [`Digest`]: gasket's own integrity header, kept inside the database and
//!   updated in every commit's transaction: a format version, the number of entries and an
//!   order-independent digest of all of them (the sum, modulo 2^256, of each entry's SHA-256),
//!   so that a full scan proves the contents are the ones last committed.

use std::cell::{Cell, RefCell};
use std::io::Read;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::Once;

use sha2::{Digest as _, Sha256};

use super::{StoreError, Table};

/// redb's magic number: the first 9 bytes of every redb database file.
pub(crate) const REDB_MAGIC: [u8; 9] = [b'r', b'e', b'd', b'b', 0x1A, 0x0A, 0xA9, 0x0D, 0x0A];

pub(crate) fn corrupt(path: &Path, detail: impl Into<String>) -> StoreError {
    StoreError::Corrupt { path: path.to_path_buf(), detail: detail.into() }
}

/// What a file at `path` is, before any database code reads it.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Found {
    /// No file: a new database may be created there.
    Nothing,
    /// A file starting with redb's magic number.
    Redb,
}

/// Classifies the file at `path`; refuses (as `Corrupt`) anything that is not a redb database.
pub(crate) fn precheck(path: &Path) -> Result<Found, StoreError> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Found::Nothing),
        Err(source) => return Err(StoreError::Io { path: path.to_path_buf(), source }),
    };
    if !meta.is_file() {
        return Err(corrupt(path, "it is not a regular file"));
    }
    if meta.len() == 0 {
        return Err(corrupt(path, "the file is empty (0 bytes); an empty file is never reinitialised"));
    }
    let mut head = [0u8; REDB_HEADER_LEN];
    let n = std::fs::File::open(path)
        .and_then(|mut f| read_up_to(&mut f, &mut head))
        .map_err(|source| StoreError::Io { path: path.to_path_buf(), source })?;
    let head = &head[..n];
    if head.starts_with(&REDB_MAGIC) {
        check_commit_slots(path, head)?;
        return Ok(Found::Redb);
    }
    let what = if head.starts_with(b"\0asm") {
        "a WebAssembly module".to_string()
    } else if head.starts_with(super::DUMP_FORMAT.as_bytes()) {
        "a gasket state dump (restore it with `gasket state --import`)".to_string()
    } else {
        let hex: String = head.iter().take(8).map(|b| format!("{b:02x}")).collect();
        format!("a file of {} bytes starting with 0x{hex}", meta.len())
    };
    Err(corrupt(path, format!("it is not a redb database (no redb magic number): {what}")))
}

/// The first bytes of a redb file: magic, flags, geometry and its two commit slots.
const REDB_HEADER_LEN: usize = 320;
/// redb's file format 3: the god byte after the magic number, then two 128-byte commit slots
/// at 64 and 192, each starting with its format version, its user root's non-null flag at 1,
/// the user root (page number, checksum, length: 32 bytes) at 8 and its transaction id at 104.
const GOD_BYTE: usize = 9;
const PRIMARY_BIT: u8 = 1;
const RECOVERY_REQUIRED: u8 = 2;
const SLOTS: [usize; 2] = [64, 192];
const SLOT_TRANSACTION_ID: usize = 104;
const USER_ROOT_NON_NULL: usize = 1;
const USER_ROOT: usize = 8;
const USER_ROOT_LEN: usize = 32;
const SLOT_FORMAT_3: u8 = 3;

/// Refuses a cleanly closed redb file whose slot selector names a commit older than the other
/// slot's when the two hold different user data.
///
/// redb opens the commit its "primary" bit selects and does not compare the two slots; with
/// that bit damaged it would silently open the commit before the last, whose pages (and
/// gasket's header inside it) are all valid. Each commit writes the other slot, then flips the
/// bit, so the primary is older than the other slot only in the window between the two writes:
/// after a crash there (the flag `recovery required` is then set, or the newer commit is redb's
/// own repair commit, which changes no user data: the same user root). Outside it, an older
/// primary with a different user root is a damaged selector that would lose the latest commit.
fn check_commit_slots(path: &Path, head: &[u8]) -> Result<(), StoreError> {
    if head.len() < REDB_HEADER_LEN || SLOTS.iter().any(|s| head[*s] != SLOT_FORMAT_3) {
        return Ok(()); // redb itself reports a short file or another format
    }
    let god = head[GOD_BYTE];
    let id = |slot: usize| {
        let at = SLOTS[slot] + SLOT_TRANSACTION_ID;
        u64::from_le_bytes(head[at..at + 8].try_into().unwrap_or_default())
    };
    // The user root: its non-null flag (byte 1) and its header (page, checksum, length).
    let user_root = |slot: usize| {
        let s = SLOTS[slot];
        (head[s + USER_ROOT_NON_NULL], &head[s + USER_ROOT..s + USER_ROOT + USER_ROOT_LEN])
    };
    let primary = usize::from(god & PRIMARY_BIT != 0);
    let (newer, older) = (id(primary), id(1 - primary));
    if god & RECOVERY_REQUIRED == 0 && newer < older && user_root(primary) != user_root(1 - primary) {
        return Err(corrupt(
            path,
            format!(
                "redb's commit selector names the older commit (transaction {newer}; the other slot holds {older}, \
                 with other data): opening it would silently drop the latest commit"
            ),
        ));
    }
    Ok(())
}

fn read_up_to(f: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// Who holds a lock on the file at `path`, for [`StoreError::Locked`]: on Linux the processes
/// that `/proc/locks` lists for its inode, with their command lines; elsewhere (or if none is
/// listed) "another process".
pub(crate) fn lock_holders(path: &Path) -> String {
    let holders = holder_pids(path);
    if holders.is_empty() {
        return format!("another process (the lock is on {} itself)", path.display());
    }
    let named: Vec<String> = holders
        .into_iter()
        .map(|pid| {
            if pid == std::process::id() {
                return format!("this process ({pid}: another handle on the same file)");
            }
            let cmd = std::fs::read(format!("/proc/{pid}/cmdline"))
                .map(|b| {
                    let s: Vec<String> = b
                        .split(|c| *c == 0)
                        .filter(|a| !a.is_empty())
                        .map(|a| String::from_utf8_lossy(a).into())
                        .collect();
                    s.join(" ")
                })
                .unwrap_or_default();
            let cmd: String = cmd.chars().take(120).collect();
            if cmd.is_empty() {
                format!("process {pid}")
            } else {
                format!("process {pid} (`{cmd}`)")
            }
        })
        .collect();
    named.join(", ")
}

#[cfg(target_os = "linux")]
fn holder_pids(path: &Path) -> Vec<u32> {
    use std::os::unix::fs::MetadataExt;
    let Ok(meta) = std::fs::metadata(path) else { return Vec::new() };
    let Ok(locks) = std::fs::read_to_string("/proc/locks") else { return Vec::new() };
    let mut pids: Vec<u32> = locks
        .lines()
        .filter_map(|line| {
            // "1: FLOCK  ADVISORY  WRITE 1234 fd:01:5678 0 EOF"; the "-> " of a waiter is skipped.
            let fields: Vec<&str> = line.split_whitespace().filter(|f| *f != "->").collect();
            let pid: u32 = fields.get(4)?.parse().ok()?;
            let inode: u64 = fields.get(5)?.rsplit(':').next()?.parse().ok()?;
            (inode == meta.ino()).then_some(pid)
        })
        .collect();
    pids.sort_unstable();
    pids.dedup();
    pids
}

#[cfg(not(target_os = "linux"))]
fn holder_pids(_: &Path) -> Vec<u32> {
    Vec::new()
}

thread_local! {
    /// Depth of [`contain`] calls on this thread: panics inside are recorded, not printed.
    static CONTAINED: Cell<u32> = const { Cell::new(0) };
    /// The message and location of the last panic recorded on this thread.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
    /// How many panics [`contain`] caught on this thread.
    static PANICS: Cell<u64> = const { Cell::new(0) };
}

static HOOK: Once = Once::new();

/// How many panics of the storage dependency [`contain`] has caught on the calling thread.
/// Each is a redb bug on damaged input (docs/redb-panics.md); the corruption tests print it.
pub fn contained_panics() -> u64 {
    PANICS.with(Cell::get)
}

/// Installs, once per process, a panic hook that records panics raised inside [`contain`] on
/// the current thread instead of printing them, and hands every other panic to the hook that
/// was installed before it.
fn install_hook() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if CONTAINED.with(Cell::get) > 0 {
                let msg = info
                    .payload()
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| info.payload().downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "non-string panic payload".into());
                let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
                LAST_PANIC.with(|p| *p.borrow_mut() = Some(format!("{msg}{at}")));
            } else {
                previous(info);
            }
        }));
    });
}

/// Runs `f`, a call into the database library on the file at `path`; a panic inside becomes
/// [`StoreError::Corrupt`] naming the file and the panic (the dependency is not trusted to
/// survive every damaged input, so the store boundary contains it).
pub(crate) fn contain<T>(path: &Path, what: &str, f: impl FnOnce() -> Result<T, StoreError>) -> Result<T, StoreError> {
    install_hook();
    CONTAINED.with(|c| c.set(c.get() + 1));
    let result = catch_unwind(AssertUnwindSafe(f));
    CONTAINED.with(|c| c.set(c.get() - 1));
    result.unwrap_or_else(|_| {
        PANICS.with(|n| n.set(n.get() + 1));
        let panic = LAST_PANIC.with(|p| p.borrow_mut().take()).unwrap_or_else(|| "unknown panic".into());
        Err(corrupt(path, format!("the database library failed while {what} (redb panicked: {panic})")))
    })
}

/// An order-independent digest of a set of entries: the sum modulo 2^256 of the SHA-256 of
/// each (table, key, value), little-endian. Adding and removing entries updates it in O(1),
/// so every commit keeps it current in the same transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Digest(pub [u8; 32]);

impl Digest {
    fn entry_hash(table: Table, key: &[u8], value: &[u8]) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(b"gasket/state-entry/v1");
        h.update([Table::ALL.iter().position(|t| *t == table).unwrap_or(0) as u8]);
        h.update((key.len() as u32).to_le_bytes());
        h.update(key);
        h.update(value);
        h.finalize().into()
    }

    /// Adds the entry (table, key, value).
    pub fn add(&mut self, table: Table, key: &[u8], value: &[u8]) {
        let x = Self::entry_hash(table, key, value);
        let mut carry = 0u16;
        for (a, b) in self.0.iter_mut().zip(x) {
            let s = *a as u16 + b as u16 + carry;
            *a = s as u8;
            carry = s >> 8;
        }
    }

    /// Removes the entry (table, key, value), which must have been added.
    pub fn remove(&mut self, table: Table, key: &[u8], value: &[u8]) {
        let x = Self::entry_hash(table, key, value);
        let mut borrow = 0i16;
        for (a, b) in self.0.iter_mut().zip(x) {
            let d = *a as i16 - b as i16 - borrow;
            *a = d.rem_euclid(256) as u8;
            borrow = (d < 0) as i16;
        }
    }

    pub fn to_hex(self) -> String {
        crate::to_hex(&self.0)
    }
}

/// gasket's integrity header, the one entry of the database's `gasket_meta` table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Header {
    /// The format version ([`super::FORMAT_VERSION`]).
    pub format: u32,
    /// How many entries the six state tables hold together.
    pub entries: u64,
    /// The [`Digest`] of all of them.
    pub digest: Digest,
}

const HEADER_MAGIC: &[u8; 12] = b"gasket-state";
const HEADER_LEN: usize = 12 + 4 + 8 + 32 + 8;

impl Header {
    pub fn encode(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(HEADER_LEN);
        v.extend_from_slice(HEADER_MAGIC);
        v.extend_from_slice(&self.format.to_le_bytes());
        v.extend_from_slice(&self.entries.to_le_bytes());
        v.extend_from_slice(&self.digest.0);
        let check = Sha256::digest(&v);
        v.extend_from_slice(&check[..8]);
        v
    }

    /// Decodes a header; `Err` says what is wrong with the bytes.
    pub fn decode(bytes: &[u8]) -> Result<Header, String> {
        if bytes.len() != HEADER_LEN || &bytes[..12] != HEADER_MAGIC {
            return Err(format!("the integrity header is malformed ({} bytes)", bytes.len()));
        }
        let (body, check) = bytes.split_at(HEADER_LEN - 8);
        if Sha256::digest(body)[..8] != *check {
            return Err("the integrity header's checksum does not match".into());
        }
        let word = |r: std::ops::Range<usize>| body[r].to_vec();
        Ok(Header {
            format: u32::from_le_bytes(word(12..16).try_into().unwrap_or_default()),
            entries: u64::from_le_bytes(word(16..24).try_into().unwrap_or_default()),
            digest: Digest(word(24..56).try_into().unwrap_or_default()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_is_order_independent_and_removal_undoes_addition() {
        let mut a = Digest::default();
        a.add(Table::Storage, b"k1", b"v1");
        a.add(Table::Code, b"k2", b"v2");
        let mut b = Digest::default();
        b.add(Table::Code, b"k2", b"v2");
        b.add(Table::Storage, b"k1", b"v1");
        assert_eq!(a, b);
        b.add(Table::Nonces, b"k3", &[0xff; 40]);
        assert_ne!(a, b);
        b.remove(Table::Nonces, b"k3", &[0xff; 40]);
        assert_eq!(a, b);
        a.remove(Table::Storage, b"k1", b"v1");
        a.remove(Table::Code, b"k2", b"v2");
        assert_eq!(a, Digest::default());
        // The table is part of the entry.
        let (mut c, mut d) = (Digest::default(), Digest::default());
        c.add(Table::Code, b"k", b"v");
        d.add(Table::Storage, b"k", b"v");
        assert_ne!(c, d);
    }

    /// A redb header with the given god byte and (transaction id, user root byte) per slot.
    fn redb_header(god: u8, slots: [(u64, u8); 2]) -> Vec<u8> {
        let mut h = vec![0u8; REDB_HEADER_LEN];
        h[..9].copy_from_slice(&REDB_MAGIC);
        h[GOD_BYTE] = god;
        for (s, (id, root)) in SLOTS.iter().zip(slots) {
            h[*s] = SLOT_FORMAT_3;
            h[s + USER_ROOT_NON_NULL] = 1;
            h[s + USER_ROOT] = root;
            h[s + SLOT_TRANSACTION_ID..s + SLOT_TRANSACTION_ID + 8].copy_from_slice(&id.to_le_bytes());
        }
        h
    }

    #[test]
    fn a_selector_naming_an_older_commit_with_other_data_is_refused() {
        let p = Path::new("s.redb");
        // Primary (slot 1) newer: fine.
        assert!(check_commit_slots(p, &redb_header(PRIMARY_BIT, [(5, 1), (6, 2)])).is_ok());
        // Primary (slot 0) older, other user data, closed cleanly: the selector is damaged.
        assert!(matches!(check_commit_slots(p, &redb_header(0, [(5, 1), (6, 2)])), Err(StoreError::Corrupt { .. })));
        // The same user data (redb's repair or close commit): nothing would be lost.
        assert!(check_commit_slots(p, &redb_header(0, [(5, 1), (6, 1)])).is_ok());
        // A crash left it: the older commit may legitimately be primary.
        assert!(check_commit_slots(p, &redb_header(RECOVERY_REQUIRED, [(5, 1), (6, 2)])).is_ok());
    }

    #[test]
    fn header_round_trips_and_detects_a_flipped_bit() {
        let h = Header { format: 1, entries: 7, digest: Digest([9; 32]) };
        let bytes = h.encode();
        assert_eq!(Header::decode(&bytes), Ok(h));
        for i in 0..bytes.len() {
            let mut b = bytes.clone();
            b[i] ^= 1;
            assert!(Header::decode(&b).is_err(), "bit flip at {i} accepted");
        }
        assert!(Header::decode(&bytes[..10]).is_err());
    }
}
