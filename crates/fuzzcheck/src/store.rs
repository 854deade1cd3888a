//! Target (e): damaged state databases. A reference database with real contract state (the
//! counter and the token contracts, deployed and called) is damaged by a plan read from the
//! data ([`Damage`]: zero a range, overwrite a range with garbage, flip bits, truncate,
//! replace the file) and opened as the CLI opens it, read-only and read-write, each on its
//! own copy.
//!
//! Property: every open either succeeds with exactly the reference state (every entry of
//! every table), or fails with a typed [`StoreError`] whose message names the file. Never a
//! panic (one escaping the store is a finding; one the store contained is counted), never a
//! different state opened as valid. A read-write open that succeeds must also commit, and the
//! commit must be there when the file is opened again.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use gasket_runtime::{
    contained_panics, Address, Change, OpenOptions, RedbStore, Runtime, RuntimeConfig, StateStore, Status, StoreError,
    Table,
};

use crate::{guard, Finding, XorShift};

/// Every entry of a database, in table then key order.
pub type Snapshot = gasket_runtime::TableEntries;

/// The undamaged database: its bytes and its entries.
pub struct Reference {
    pub bytes: Vec<u8>,
    pub entries: Snapshot,
}

const COUNTER: &[u8] = include_bytes!("../../../contracts/wasm/counter.wasm");
const TOKEN: &[u8] = include_bytes!("../../../contracts/wasm/token.wasm");

/// A directory of this process's own for the target's files: in `/dev/shm` where there is one
/// (every writable open commits, and a commit is two fsyncs), else the temporary directory.
fn scratch() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let shm = Path::new("/dev/shm");
        let base = if shm.is_dir() { shm.to_path_buf() } else { std::env::temp_dir() };
        let dir = base.join(format!("gasket-damaged-store-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create the scratch directory");
        dir
    })
}

/// The reference database, built once per process.
pub fn reference() -> &'static Reference {
    static REF: OnceLock<Reference> = OnceLock::new();
    REF.get_or_init(|| {
        let path = scratch().join("reference.redb");
        let _ = std::fs::remove_file(&path);
        {
            let store = Arc::new(RedbStore::open(&path).expect("create the reference database"));
            let rt = Runtime::new(store, RuntimeConfig::default()).expect("runtime");
            let (alice, bob) = (Address([0xa1; 20]), Address([0xb0; 20]));
            let ok = |addr, func: &str, input: &[u8]| {
                let r = rt.call(alice, addr, func, input, 10_000_000, Default::default()).expect("call");
                assert_eq!(r.status, Status::Success, "{func}: {r:?}");
            };
            let counter = rt.deploy(COUNTER, alice, b"").expect("deploy the counter").address;
            for _ in 0..3 {
                ok(counter, "increment", b"");
            }
            let token = rt.deploy(TOKEN, alice, b"").expect("deploy the token").address;
            ok(token, "init", b"");
            ok(token, "mint", &[&alice.0[..], &1_000_000u128.to_le_bytes()].concat());
            for i in 0..20u128 {
                let to = Address([i as u8; 20]);
                ok(token, "transfer", &[&to.0[..], &(i + 1).to_le_bytes()].concat());
            }
            rt.credit(&bob, 12345).expect("credit");
        }
        let bytes = std::fs::read(&path).expect("read the reference database");
        let entries = RedbStore::open_with(&path, &OpenOptions::read_only())
            .and_then(|s| s.entries())
            .expect("reopen the reference database");
        Reference { bytes, entries }
    })
}

/// One edit of a damage plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Damage {
    /// Zero `len` bytes at `at`.
    Zero { at: usize, len: usize },
    /// Overwrite bytes at `at` with `bytes`.
    Garbage { at: usize, bytes: Vec<u8> },
    /// Flip bit `bit` (0..8) of the byte at `at`.
    Flip { at: usize, bit: u8 },
    /// Cut the file to `len` bytes.
    Truncate { len: usize },
    /// Replace the whole file (empty, another file type, anything).
    Replace(Vec<u8>),
}

impl Damage {
    /// Applies the edit; positions past the end are clamped.
    pub fn apply(&self, file: &mut Vec<u8>) {
        let n = file.len();
        match self {
            Damage::Zero { at, len } => {
                let at = (*at).min(n);
                file[at..(at + len).min(n)].fill(0);
            }
            Damage::Garbage { at, bytes } => {
                let at = (*at).min(n);
                let end = (at + bytes.len()).min(n);
                file[at..end].copy_from_slice(&bytes[..end - at]);
            }
            Damage::Flip { at, bit } => {
                if let Some(b) = file.get_mut(*at) {
                    *b ^= 1 << (bit % 8);
                }
            }
            Damage::Truncate { len } => file.truncate(*len),
            Damage::Replace(bytes) => *file = bytes.clone(),
        }
    }
}

/// Reads a damage plan from fuzz data: up to 16 edits, each an opcode byte and its operands
/// (positions are scaled to the reference file, biased to its first pages, where redb keeps
/// its header and most of this small database's pages). Opcode 5 replaces the file with the
/// rest of the data.
pub fn plan(data: &[u8], file_len: usize) -> Vec<Damage> {
    let mut r = Reader(data);
    let mut edits = Vec::new();
    while edits.len() < 16 {
        let Some(op) = r.byte() else { break };
        let raw = r.u32() as usize;
        // Two in three positions fall in the first 64 KiB.
        let at = if op & 0x80 == 0 && !raw.is_multiple_of(3) { raw % 65_536 } else { raw % file_len.max(1) };
        edits.push(match op % 6 {
            0 => Damage::Zero { at, len: 1 + r.u16() as usize * 4 },
            1 => {
                let len = 1 + r.u16() as usize % 8192;
                let seed = r.u32() as u64;
                Damage::Garbage { at, bytes: XorShift::for_case(seed, len as u64).bytes(len) }
            }
            2 | 3 => Damage::Flip { at, bit: r.byte().unwrap_or(0) },
            4 => Damage::Truncate { len: at },
            _ => Damage::Replace(r.rest().to_vec()),
        });
    }
    edits
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn byte(&mut self) -> Option<u8> {
        let (b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(*b)
    }
    fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.byte().unwrap_or(0), self.byte().unwrap_or(0)])
    }
    fn u32(&mut self) -> u32 {
        u32::from(self.u16()) | u32::from(self.u16()) << 16
    }
    fn rest(&mut self) -> &[u8] {
        std::mem::take(&mut self.0)
    }
}

/// How opening one damaged file went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DamageReport {
    /// Opens that gave the reference state.
    pub intact: u64,
    /// Opens refused with `StoreError::Corrupt`.
    pub corrupt: u64,
    /// Opens refused with another typed error (I/O, missing file).
    pub other_errors: u64,
    /// redb panics the store contained (each also a `Corrupt`).
    pub contained_panics: u64,
}

impl DamageReport {
    pub fn add(&mut self, o: &DamageReport) {
        self.intact += o.intact;
        self.corrupt += o.corrupt;
        self.other_errors += o.other_errors;
        self.contained_panics += o.contained_panics;
    }
}

/// The probe commit of a read-write open that succeeded.
fn probe() -> Change {
    Change { table: Table::Storage, key: b"gasket-probe".to_vec(), value: Some(b"after the damage".to_vec()) }
}

fn open_and_check(path: &Path, options: &OpenOptions, reference: &Snapshot) -> Result<Option<StoreError>, Finding> {
    let opened = guard("opening a damaged database", || {
        RedbStore::open_with(path, options).and_then(|s| Ok((s.entries()?, s)))
    })?;
    let (entries, store) = match opened {
        Ok(x) => x,
        Err(e) => {
            let msg = e.to_string();
            if !msg.contains(&path.display().to_string()) {
                return Err(Finding::new("unnamed-file", format!("the error does not name {}: {msg}", path.display())));
            }
            return Ok(Some(e));
        }
    };
    if entries != *reference {
        return Err(Finding::new(
            "different-state",
            format!(
                "{} opened {:?} as valid with {} entries that differ from the reference's {}",
                path.display(),
                options.access,
                entries.len(),
                reference.len()
            ),
        ));
    }
    if options.access == gasket_runtime::Access::ReadWrite {
        guard("committing to a repaired database", || store.commit(&[probe()]))?
            .map_err(|e| Finding::new("commit-failed", format!("{} opened but cannot commit: {e}", path.display())))?;
        drop(store);
        let again = guard("reopening after a commit", || {
            RedbStore::open_with(path, &OpenOptions::read_only()).and_then(|s| s.entries())
        })?
        .map_err(|e| Finding::new("commit-lost", format!("{} does not reopen after a commit: {e}", path.display())))?;
        let mut expected = reference.clone();
        let p = probe();
        expected.push((p.table, p.key, p.value.unwrap_or_default()));
        expected.sort();
        let mut again = again;
        again.sort();
        if again != expected {
            return Err(Finding::new(
                "commit-lost",
                format!("{} lost or changed entries after a commit", path.display()),
            ));
        }
    }
    Ok(None)
}

/// Writes `damaged` to two files and checks a read-only and a read-write open of them.
pub fn check_damaged(damaged: &[u8]) -> Result<DamageReport, Finding> {
    let reference = reference();
    let before = contained_panics();
    let mut report = DamageReport::default();
    // A file of its own per open, so that checks on several threads never share one.
    static NEXT: AtomicU64 = AtomicU64::new(0);
    for (name, options) in [("read-only", OpenOptions::read_only()), ("read-write", OpenOptions::existing())] {
        let path = scratch().join(format!("{}-{name}.redb", NEXT.fetch_add(1, Ordering::Relaxed)));
        std::fs::write(&path, damaged).map_err(|e| Finding::new("usage", format!("{}: {e}", path.display())))?;
        let outcome = open_and_check(&path, &options, &reference.entries);
        let _ = std::fs::remove_file(&path);
        match outcome? {
            None => report.intact += 1,
            Some(StoreError::Corrupt { .. }) => report.corrupt += 1,
            Some(_) => report.other_errors += 1,
        }
    }
    report.contained_panics = contained_panics() - before;
    Ok(report)
}

/// (e): applies the damage plan in `data` to the reference database and checks both opens.
pub fn damaged_store(data: &[u8]) -> Result<DamageReport, Finding> {
    let reference = reference();
    let mut file = reference.bytes.clone();
    for edit in plan(data, file.len()) {
        edit.apply(&mut file);
    }
    check_damaged(&file)
}
