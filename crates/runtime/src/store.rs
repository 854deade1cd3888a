//! Persistent state behind a trait: the `redb` database by default ([`RedbStore`], in
//! `store/file.rs`, opened under the checks of `store/guard.rs`), memory for tests.
//!
//! Guarantee: [`StateStore::commit`] applies a batch of changes atomically and durably: after
//! it returns, all of them survive a crash; if the process dies during it, none of them do.
//! A damaged database file is a [`StoreError::Corrupt`] naming the file, never a panic and
//! never a silently different state (docs/runtime.md, "Integrity of the state database").

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

mod dump;
mod file;
mod guard;

pub use dump::{export, import, DUMP_FORMAT};
pub use file::{Access, OpenOptions, RedbStore, VerifyReport, FORMAT_VERSION};
pub use guard::contained_panics;

/// The tables of the state (docs/runtime.md, "Storage layout").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Table {
    /// Code hash → module bytes.
    Code,
    /// Artifact key → serialized prepared module.
    Artifacts,
    /// Contract address → code hash.
    Contracts,
    /// Contract address ‖ key → value.
    Storage,
    /// Deployer address → next default salt (u64 LE).
    Nonces,
    /// Account address → balance (u128 LE); absent means zero.
    Balances,
    /// Installed precompile's code hash → its code size (u64 LE); the code is in `Code`.
    Precompiles,
}

impl Table {
    pub const ALL: [Table; 7] = [
        Table::Code,
        Table::Artifacts,
        Table::Contracts,
        Table::Storage,
        Table::Nonces,
        Table::Balances,
        Table::Precompiles,
    ];

    /// The table's name in the database and in dumps.
    pub fn name(self) -> &'static str {
        match self {
            Table::Code => "code",
            Table::Artifacts => "artifacts",
            Table::Contracts => "contracts",
            Table::Storage => "storage",
            Table::Nonces => "nonces",
            Table::Balances => "balances",
            Table::Precompiles => "precompiles",
        }
    }

    /// The table named `name`, if there is one.
    pub fn from_name(name: &str) -> Option<Table> {
        Table::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// The amount a `balances` entry holds: absent (or malformed) is zero.
pub(crate) fn balance_of(entry: Option<Vec<u8>>) -> u128 {
    entry.and_then(|b| b.try_into().ok()).map_or(0, u128::from_le_bytes)
}

/// The `balances` entry for `amount`: none for zero, so empty accounts take no space.
pub(crate) fn balance_entry(amount: u128) -> Option<Vec<u8>> {
    (amount != 0).then(|| amount.to_le_bytes().to_vec())
}

/// The count a `nonces` entry holds: absent (or malformed) is zero.
pub(crate) fn nonce_of(entry: Option<Vec<u8>>) -> u64 {
    entry.and_then(|b| b.try_into().ok()).map_or(0, u64::from_le_bytes)
}

/// (key, value) pairs, in key order.
pub type Entries = Vec<(Vec<u8>, Vec<u8>)>;

/// (table, key, value) triples, in table then key order: a whole database.
pub type TableEntries = Vec<(Table, Vec<u8>, Vec<u8>)>;

/// One write: `Some(value)` sets the key, `None` removes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub table: Table,
    pub key: Vec<u8>,
    pub value: Option<Vec<u8>>,
}

/// What a user can do about a damaged database; every [`StoreError::Corrupt`] says it.
pub const RECOVERY_HINT: &str = "Restore it from a backup (`gasket state --import FILE --data NEW_DIR` reads a dump \
made with `gasket state --export FILE`), or move the file aside to start an empty state; \
`gasket state --verify` reports what is wrong";

/// A failure of the storage layer: never caused by a contract. Every variant that concerns a
/// database file names it.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file is damaged, or is not a gasket state database (empty, another file type,
    /// another program's redb database). Never reinitialised.
    #[error("state database {} is damaged or not a gasket state database: {detail}. {RECOVERY_HINT}", path.display())]
    Corrupt { path: PathBuf, detail: String },
    /// A read-only (or no-create) open found no database.
    #[error("no state database at {} (deploy a contract first, or check --data)", path.display())]
    Missing { path: PathBuf },
    /// Another process holds the database's lock, and kept it for the whole wait.
    #[error("state database {} is locked by {holder}; gave up after waiting {waited_ms} ms (raise --wait-lock SECONDS to wait longer)", path.display())]
    Locked { path: PathBuf, holder: String, waited_ms: u64 },
    /// An I/O error on the database file.
    #[error("state database {}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    /// A write to a store opened read-only.
    #[error("state database {} is open read-only; this command cannot write to it", path.display())]
    ReadOnly { path: PathBuf },
    /// A dump that cannot be imported (`line` 0: the file as a whole).
    #[error("state dump {}, line {line}: {detail}", path.display())]
    Dump { path: PathBuf, line: usize, detail: String },
    /// An entry the runtime read is malformed (a code hash of the wrong length, missing code).
    #[error("state store: malformed entry: {0}")]
    Malformed(String),
}

impl StoreError {
    /// Whether the error is a damaged database or dump (as opposed to a lock or an I/O error).
    pub fn is_corrupt(&self) -> bool {
        matches!(self, StoreError::Corrupt { .. } | StoreError::Dump { .. } | StoreError::Malformed(_))
    }
}

/// Where the runtime keeps its state. Reads see every committed batch.
pub trait StateStore: Send + Sync {
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError>;
    /// Every entry whose key starts with `prefix`, in key order.
    fn scan(&self, table: Table, prefix: &[u8]) -> Result<Entries, StoreError>;
    /// Applies all changes atomically and durably.
    fn commit(&self, changes: &[Change]) -> Result<(), StoreError>;
}

/// Every table's entries, keyed by (table, key).
type MemTables = BTreeMap<(Table, Vec<u8>), Vec<u8>>;

/// An in-memory store, for tests.
#[derive(Debug, Default)]
pub struct MemStore {
    data: Mutex<MemTables>,
}

impl MemStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, MemTables> {
        self.data.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl StateStore for MemStore {
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.lock().get(&(table, key.to_vec())).cloned())
    }

    fn scan(&self, table: Table, prefix: &[u8]) -> Result<Entries, StoreError> {
        Ok(self
            .lock()
            .range((table, prefix.to_vec())..)
            .take_while(|((t, k), _)| *t == table && k.starts_with(prefix))
            .map(|((_, k), v)| (k.clone(), v.clone()))
            .collect())
    }

    fn commit(&self, changes: &[Change]) -> Result<(), StoreError> {
        let mut data = self.lock();
        for c in changes {
            match &c.value {
                Some(v) => data.insert((c.table, c.key.clone()), v.clone()),
                None => data.remove(&(c.table, c.key.clone())),
            };
        }
        Ok(())
    }
}
