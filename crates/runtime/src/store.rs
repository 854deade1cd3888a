//! Persistent state behind a trait: the `redb` database by default, memory for tests.
//!
//! Guarantee: [`StateStore::commit`] applies a batch of changes atomically and durably: after
//! it returns, all of them survive a crash; if the process dies during it, none of them do.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;

use redb::{Database, ReadableDatabase, TableDefinition};

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

    fn definition(self) -> TableDefinition<'static, &'static [u8], &'static [u8]> {
        TableDefinition::new(match self {
            Table::Code => "code",
            Table::Artifacts => "artifacts",
            Table::Contracts => "contracts",
            Table::Storage => "storage",
            Table::Nonces => "nonces",
            Table::Balances => "balances",
            Table::Precompiles => "precompiles",
        })
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

/// One write: `Some(value)` sets the key, `None` removes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub table: Table,
    pub key: Vec<u8>,
    pub value: Option<Vec<u8>>,
}

/// A failure of the storage layer (I/O, corruption): never caused by a contract.
#[derive(Debug, thiserror::Error)]
#[error("state store: {0}")]
pub struct StoreError(pub String);

fn store_err(e: impl std::fmt::Display) -> StoreError {
    StoreError(e.to_string())
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

/// The default store: one `redb` database file, embedded, with durable atomic commits.
pub struct RedbStore {
    db: Database,
}

impl RedbStore {
    /// Opens (or creates) the database at `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let db = Database::create(path).map_err(store_err)?;
        // Create every table up front, so reads never meet a missing table.
        let tx = db.begin_write().map_err(store_err)?;
        for t in Table::ALL {
            tx.open_table(t.definition()).map_err(store_err)?;
        }
        tx.commit().map_err(store_err)?;
        Ok(Self { db })
    }
}

impl StateStore for RedbStore {
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        let tx = self.db.begin_read().map_err(store_err)?;
        let t = tx.open_table(table.definition()).map_err(store_err)?;
        Ok(t.get(key).map_err(store_err)?.map(|v| v.value().to_vec()))
    }

    fn scan(&self, table: Table, prefix: &[u8]) -> Result<Entries, StoreError> {
        let tx = self.db.begin_read().map_err(store_err)?;
        let t = tx.open_table(table.definition()).map_err(store_err)?;
        let mut out = Vec::new();
        for entry in t.range(prefix..).map_err(store_err)? {
            let (k, v) = entry.map_err(store_err)?;
            if !k.value().starts_with(prefix) {
                break;
            }
            out.push((k.value().to_vec(), v.value().to_vec()));
        }
        Ok(out)
    }

    fn commit(&self, changes: &[Change]) -> Result<(), StoreError> {
        let tx = self.db.begin_write().map_err(store_err)?;
        for table in Table::ALL {
            let mut t = tx.open_table(table.definition()).map_err(store_err)?;
            for c in changes.iter().filter(|c| c.table == table) {
                match &c.value {
                    Some(v) => {
                        t.insert(c.key.as_slice(), v.as_slice()).map_err(store_err)?;
                    }
                    None => {
                        t.remove(c.key.as_slice()).map_err(store_err)?;
                    }
                }
            }
        }
        // redb's default durability makes the commit durable before it returns.
        tx.commit().map_err(store_err)
    }
}
