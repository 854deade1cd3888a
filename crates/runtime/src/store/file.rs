//! [`RedbStore`]: the state in one redb database file, opened only after it passes every check
//! of `guard.rs`, read-only when asked, waiting a bounded time for another process's lock.
//!
//! Guarantees (docs/runtime.md, "Integrity of the state database"):
//! - An open either yields a store whose contents are exactly the last committed state, or a
//!   typed [`StoreError`]: `Corrupt` for a damaged or foreign file, never a panic, never an
//!   empty database in place of an existing file.
//! - A writable open runs redb's integrity check (every page checksum of the committed trees)
//!   and refuses the roll-back to an older commit that redb would otherwise make silently;
//!   every open of either kind then checks gasket's header against a scan of all entries.
//! - Every commit is two-phase, so redb never needs that roll-back after a crash either.
//! - A read-only open never writes, never creates, and works on a read-only directory.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use redb::{
    Builder, Database, DatabaseError, ReadOnlyDatabase, ReadableDatabase, ReadableTable, StorageBackend,
    TableDefinition, TableHandle,
};

use super::guard::{contain, corrupt, precheck, Digest, Found, Header};
use super::{Change, Entries, StateStore, StoreError, Table, TableEntries};

/// The version of gasket's layout of the database, in its header.
pub const FORMAT_VERSION: u32 = 1;

const META: TableDefinition<'static, &'static [u8], &'static [u8]> = TableDefinition::new("gasket_meta");
const HEADER_KEY: &[u8] = b"header";
/// How often a locked open is retried while it waits.
const LOCK_POLL: Duration = Duration::from_millis(50);

fn definition(table: Table) -> TableDefinition<'static, &'static [u8], &'static [u8]> {
    TableDefinition::new(table.name())
}

/// Whether a store may write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    ReadWrite,
    /// Opens the file read-only; commits fail with [`StoreError::ReadOnly`].
    ReadOnly,
}

/// How [`RedbStore::open_with`] opens a database.
#[derive(Debug, Clone)]
pub struct OpenOptions {
    pub access: Access,
    /// Create a new database if there is no file (read-write only). An existing file is never
    /// replaced, whatever it holds.
    pub create: bool,
    /// How long to wait for another process's lock on the file before [`StoreError::Locked`].
    pub wait_lock: Duration,
}

impl Default for OpenOptions {
    /// Read-write, creating the database if there is none, not waiting for a lock.
    fn default() -> Self {
        Self { access: Access::ReadWrite, create: true, wait_lock: Duration::ZERO }
    }
}

impl OpenOptions {
    /// Read-only: never creates, never writes.
    pub fn read_only() -> Self {
        Self { access: Access::ReadOnly, create: false, ..Self::default() }
    }

    /// Read-write on an existing database only.
    pub fn existing() -> Self {
        Self { create: false, ..Self::default() }
    }

    pub fn wait_lock(self, wait: Duration) -> Self {
        Self { wait_lock: wait, ..self }
    }
}

/// What the checks of an open found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    pub path: PathBuf,
    /// The file's size.
    pub file_bytes: u64,
    /// gasket's format version, from the header.
    pub format: u32,
    /// Entries per table, in [`Table::ALL`] order.
    pub entries: Vec<(Table, u64)>,
    /// The digest of all entries, equal to the header's.
    pub digest: String,
    /// Whether redb verified every page checksum of the committed trees (always, today: a
    /// writable open on the file, a read-only one on a private copy).
    pub page_checksums: bool,
    /// Whether this open created the database.
    pub created: bool,
    /// Whether this open wrote the integrity header into a database from before it existed.
    pub upgraded: bool,
}

enum Handle {
    Write(Database),
    Read(ReadOnlyDatabase),
}

/// The default store: one redb database file, embedded, with durable atomic commits.
pub struct RedbStore {
    path: PathBuf,
    handle: Handle,
    /// Set once a call into redb panicked: redb's state is then unknown, so every later
    /// operation fails with `Corrupt` rather than trusting it.
    poisoned: AtomicBool,
    report: VerifyReport,
}

/// Why one attempt to open failed.
enum Attempt {
    Locked,
    /// The file appeared between the checks and the creation: look at it again.
    Retry,
    /// A read-only open of a file that needs a write first (recovery after a crash, or the
    /// integrity header of a database written before it existed).
    NeedsWrite(&'static str),
    Failed(StoreError),
}

impl From<StoreError> for Attempt {
    fn from(e: StoreError) -> Self {
        Attempt::Failed(e)
    }
}

/// A redb error on the file at `path` as a [`StoreError`].
fn db_err(path: &Path, e: impl Into<redb::Error>) -> StoreError {
    match e.into() {
        redb::Error::Io(source) if source.kind() == std::io::ErrorKind::UnexpectedEof => {
            corrupt(path, format!("the file ends inside redb's structures ({source})"))
        }
        redb::Error::Io(source) => StoreError::Io { path: path.to_path_buf(), source },
        redb::Error::Corrupted(detail) => corrupt(path, format!("redb: {detail}")),
        redb::Error::UpgradeRequired(v) => {
            corrupt(path, format!("redb file format {v}, which this gasket cannot read"))
        }
        e => corrupt(path, format!("redb: {e}")),
    }
}

fn attempt_err(path: &Path, e: DatabaseError) -> Attempt {
    match e {
        DatabaseError::DatabaseAlreadyOpen | DatabaseError::LockProtocolMismatch => Attempt::Locked,
        e => Attempt::Failed(db_err(path, e)),
    }
}

impl RedbStore {
    /// Opens the database at `path` read-write, creating it if there is no file
    /// ([`OpenOptions::default`]).
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Self::open_with(path, &OpenOptions::default())
    }

    /// Opens the database at `path` as `options` say, after the checks of the module doc.
    pub fn open_with(path: &Path, options: &OpenOptions) -> Result<Self, StoreError> {
        let deadline = Instant::now() + options.wait_lock;
        let started = Instant::now();
        let mut recovered = false;
        loop {
            let result = match precheck(path)? {
                Found::Nothing if options.access == Access::ReadWrite && options.create => Self::create(path),
                Found::Nothing => return Err(StoreError::Missing { path: path.to_path_buf() }),
                Found::Redb => match options.access {
                    Access::ReadWrite => Self::open_writable(path),
                    Access::ReadOnly => Self::open_read_only(path),
                },
            };
            match result {
                Ok(store) => return Ok(store),
                Err(Attempt::Failed(e)) => return Err(e),
                Err(Attempt::Retry) => continue,
                Err(Attempt::NeedsWrite(why)) if !recovered => {
                    // One writable open recovers the file (or adds the header); it is closed at
                    // once and the read-only open tried again.
                    match Self::open_writable(path) {
                        Ok(store) => {
                            drop(store);
                            recovered = true;
                            continue;
                        }
                        Err(Attempt::Failed(StoreError::Io { source, .. })) => {
                            let source = std::io::Error::new(
                                source.kind(),
                                format!("{why}, so it must be opened once for writing, which failed: {source}"),
                            );
                            return Err(StoreError::Io { path: path.to_path_buf(), source });
                        }
                        Err(Attempt::Failed(e)) => return Err(e),
                        Err(Attempt::Locked | Attempt::Retry) => {}
                        Err(Attempt::NeedsWrite(why)) => return Err(corrupt(path, why)),
                    }
                }
                Err(Attempt::NeedsWrite(why)) => return Err(corrupt(path, why)),
                Err(Attempt::Locked) => {}
            }
            // Locked: wait and try again, until the deadline.
            if Instant::now() >= deadline {
                return Err(StoreError::Locked {
                    path: path.to_path_buf(),
                    holder: super::guard::lock_holders(path),
                    waited_ms: started.elapsed().as_millis() as u64,
                });
            }
            std::thread::sleep(LOCK_POLL.min(deadline.saturating_duration_since(Instant::now())));
        }
    }

    /// Creates a new database in a file that did not exist, with its tables and header.
    fn create(path: &Path) -> Result<Self, Attempt> {
        let file = match std::fs::OpenOptions::new().read(true).write(true).create_new(true).open(path) {
            Ok(f) => f,
            // Created by another process since the precheck: open it as an existing file.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(Attempt::Retry),
            Err(source) => return Err(StoreError::Io { path: path.to_path_buf(), source }.into()),
        };
        let db = contain(path, "creating the database", || {
            let backend = redb::backends::FileBackend::new(file).map_err(|e| db_err(path, e))?;
            Database::builder().create_with_backend(backend).map_err(|e| db_err(path, e))
        })?;
        let header = Header { format: FORMAT_VERSION, ..Header::default() };
        contain(path, "initialising the database", || write_header(path, &db, &header))?;
        let mut store = Self::finish(path, Handle::Write(db), true, false)?;
        store.report.created = true;
        Ok(store)
    }

    fn open_writable(path: &Path) -> Result<Self, Attempt> {
        let rollback = Arc::new(AtomicBool::new(false));
        let builder = checked_builder(&rollback);
        let opened = contain(path, "opening the database", || Ok(builder.open(path)))?;
        let db = match opened {
            Ok(db) => db,
            Err(DatabaseError::RepairAborted) if rollback.load(Ordering::Relaxed) => {
                return Err(corrupt(
                    path,
                    "the latest commit fails its checksums; redb would fall back to an older commit and lose it",
                )
                .into())
            }
            Err(e) => return Err(attempt_err(path, e)),
        };
        let upgraded = match contain(path, "reading the integrity header", || read_header(path, &db))? {
            Some(_) => false,
            None => {
                // Written by a gasket from before the header: adopt it if it holds only gasket's
                // tables (its pages just passed redb's check).
                contain(path, "adding the integrity header", || {
                    let (counts, digest) = scan_digest(path, &db)?;
                    let entries = counts.iter().map(|(_, n)| n).sum();
                    let header = Header { format: FORMAT_VERSION, entries, digest };
                    write_header(path, &db, &header)?;
                    Ok(())
                })?;
                true
            }
        };
        Ok(Self::finish(path, Handle::Write(db), true, upgraded)?)
    }

    fn open_read_only(path: &Path) -> Result<Self, Attempt> {
        // redb's page check first, on a copy: a plain read-only open follows the file's pointers
        // unchecked (its allocator state, read at open, included), and a damaged one can make it
        // allocate gigabytes. The copy is read again afterwards: if it changed, a writer was at
        // work and the check proves nothing, so the open waits as for a lock.
        let copy = contain(path, "checking the page checksums", || check_pages_in_memory(path))?;
        let again = std::fs::read(path).map_err(|source| StoreError::Io { path: path.to_path_buf(), source })?;
        if again != copy.bytes {
            return Err(Attempt::Locked);
        }
        copy.verdict?;
        let opened = contain(path, "opening the database read-only", || Ok(Database::builder().open_read_only(path)))?;
        let db = match opened {
            Ok(db) => db,
            Err(DatabaseError::RepairAborted) => {
                return Err(Attempt::NeedsWrite("it was not closed cleanly (a crash)"))
            }
            Err(e) => return Err(attempt_err(path, e)),
        };
        if contain(path, "reading the integrity header", || read_header(path, &db))?.is_none() {
            return Err(Attempt::NeedsWrite("it has no integrity header yet (written by an older gasket)"));
        }
        Ok(Self::finish(path, Handle::Read(db), true, false)?)
    }

    /// Checks the header against a scan of every entry and builds the store.
    fn finish(path: &Path, handle: Handle, page_checksums: bool, upgraded: bool) -> Result<Self, StoreError> {
        let (counts, digest, header) = contain(path, "verifying the contents", || {
            let (counts, digest) = match &handle {
                Handle::Write(db) => scan_digest(path, db)?,
                Handle::Read(db) => scan_digest(path, db)?,
            };
            let header = match &handle {
                Handle::Write(db) => read_header(path, db)?,
                Handle::Read(db) => read_header(path, db)?,
            };
            Ok((counts, digest, header))
        })?;
        let header = header.ok_or_else(|| corrupt(path, "the integrity header is missing"))?;
        if header.format != FORMAT_VERSION {
            return Err(corrupt(path, format!("gasket format {} (this gasket reads {FORMAT_VERSION})", header.format)));
        }
        let total: u64 = counts.iter().map(|(_, n)| n).sum();
        if header.digest != digest || header.entries != total {
            return Err(corrupt(
                path,
                format!(
                    "the contents do not match the integrity header ({total} entries with digest {}; the header says {} entries with digest {})",
                    digest.to_hex(),
                    header.entries,
                    header.digest.to_hex()
                ),
            ));
        }
        let file_bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let report = VerifyReport {
            path: path.to_path_buf(),
            file_bytes,
            format: header.format,
            entries: counts,
            digest: header.digest.to_hex(),
            page_checksums,
            created: false,
            upgraded,
        };
        Ok(Self { path: path.to_path_buf(), handle, poisoned: AtomicBool::new(false), report })
    }

    /// The path of the database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What the checks of this store's open found.
    pub fn report(&self) -> &VerifyReport {
        &self.report
    }

    /// Every entry of every table, in table then key order (for dumps).
    pub fn entries(&self) -> Result<TableEntries, StoreError> {
        let mut out = Vec::new();
        for table in Table::ALL {
            out.extend(self.scan(table, b"")?.into_iter().map(|(k, v)| (table, k, v)));
        }
        Ok(out)
    }

    fn begin_read(&self) -> Result<redb::ReadTransaction, StoreError> {
        match &self.handle {
            Handle::Write(db) => db.begin_read(),
            Handle::Read(db) => db.begin_read(),
        }
        .map_err(|e| db_err(&self.path, e))
    }

    /// Runs a call into redb under [`contain`]; a panic poisons the store.
    fn guarded<T>(&self, what: &str, f: impl FnOnce() -> Result<T, StoreError>) -> Result<T, StoreError> {
        if self.poisoned.load(Ordering::Relaxed) {
            return Err(corrupt(&self.path, "an earlier operation on this database failed inside redb"));
        }
        let r = contain(&self.path, what, f);
        if matches!(r, Err(StoreError::Corrupt { .. })) {
            self.poisoned.store(true, Ordering::Relaxed);
        }
        r
    }
}

/// A builder whose open runs redb's integrity check and refuses its silent roll-back: redb calls
/// the repair callback at progress 0.3 only when the latest commit does not verify and it is
/// about to fall back to the one before, which would lose a committed state; `rollback` records
/// that the repair was aborted for that reason.
fn checked_builder(rollback: &Arc<AtomicBool>) -> Builder {
    let flag = Arc::clone(rollback);
    let mut builder = Database::builder();
    builder.set_check_integrity_on_open(true).set_repair_callback(move |session| {
        if (0.2..0.4).contains(&session.progress()) {
            flag.store(true, Ordering::Relaxed);
            session.abort();
        }
    });
    builder
}

/// The bytes a read-only open checked, and what redb's check of them found.
struct CheckedCopy {
    bytes: Vec<u8>,
    verdict: Result<(), StoreError>,
}

/// redb's page-checksum check, for a read-only open: run on a private in-memory copy of the
/// file (redb can check only a database it may write), so the file itself is never written.
/// The check verifies each page against the checksum its parent holds before following its
/// pointers, so a damaged page is refused before redb trusts it (a plain read-only open would
/// follow a damaged pointer: a 4 GiB allocation for one page, docs/fuzzing.md). A copy of a
/// file a crash left unrecovered is recovered in memory.
fn check_pages_in_memory(path: &Path) -> Result<CheckedCopy, StoreError> {
    let io = |source| StoreError::Io { path: path.to_path_buf(), source };
    let bytes = std::fs::read(path).map_err(io)?;
    let backend = redb::backends::InMemoryBackend::new();
    backend.set_len(bytes.len() as u64).map_err(io)?;
    backend.write(0, &bytes).map_err(io)?;
    let rollback = Arc::new(AtomicBool::new(false));
    let verdict = match checked_builder(&rollback).create_with_backend(backend) {
        Ok(_) => Ok(()),
        Err(DatabaseError::RepairAborted) if rollback.load(Ordering::Relaxed) => Err(corrupt(
            path,
            "the latest commit fails its checksums; redb would fall back to an older commit and lose it",
        )),
        // The copy is in memory: an I/O error is a read past its end, so the file is short.
        Err(e) => Err(match db_err(path, e) {
            StoreError::Io { source, .. } => {
                corrupt(path, format!("redb's structures point past the end of the file ({source})"))
            }
            other => other,
        }),
    };
    Ok(CheckedCopy { bytes, verdict })
}

/// Counts and digests every entry of the six tables; a table that does not exist has none.
fn scan_digest(path: &Path, db: &impl ReadableDatabase) -> Result<(Vec<(Table, u64)>, Digest), StoreError> {
    let tx = db.begin_read().map_err(|e| db_err(path, e))?;
    let names: Vec<String> = tx.list_tables().map_err(|e| db_err(path, e))?.map(|t| t.name().to_string()).collect();
    let foreign: Vec<&String> = names.iter().filter(|n| Table::from_name(n).is_none() && *n != META.name()).collect();
    if !foreign.is_empty() {
        return Err(corrupt(path, format!("a redb database, but not gasket's: it has tables {foreign:?}")));
    }
    let mut digest = Digest::default();
    let mut counts = Vec::with_capacity(Table::ALL.len());
    for table in Table::ALL {
        let mut n = 0u64;
        if names.iter().any(|x| x == table.name()) {
            let t = tx.open_table(definition(table)).map_err(|e| db_err(path, e))?;
            for entry in t.iter().map_err(|e| db_err(path, e))? {
                let (k, v) = entry.map_err(|e| db_err(path, e))?;
                digest.add(table, k.value(), v.value());
                n += 1;
            }
        }
        counts.push((table, n));
    }
    Ok((counts, digest))
}

/// The header, `None` if the database has no `gasket_meta` table.
fn read_header(path: &Path, db: &impl ReadableDatabase) -> Result<Option<Header>, StoreError> {
    let tx = db.begin_read().map_err(|e| db_err(path, e))?;
    let t = match tx.open_table(META) {
        Ok(t) => t,
        Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
        Err(e) => return Err(db_err(path, e)),
    };
    let bytes = t.get(HEADER_KEY).map_err(|e| db_err(path, e))?.map(|v| v.value().to_vec());
    let bytes = bytes.ok_or_else(|| corrupt(path, "the integrity header is missing from its table"))?;
    Header::decode(&bytes).map(Some).map_err(|d| corrupt(path, d))
}

/// Creates every table and writes `header`, in one two-phase commit.
fn write_header(path: &Path, db: &Database, header: &Header) -> Result<(), StoreError> {
    let mut tx = db.begin_write().map_err(|e| db_err(path, e))?;
    tx.set_two_phase_commit(true);
    for t in Table::ALL {
        tx.open_table(definition(t)).map_err(|e| db_err(path, e))?;
    }
    tx.open_table(META)
        .map_err(|e| db_err(path, e))?
        .insert(HEADER_KEY, header.encode().as_slice())
        .map_err(|e| db_err(path, e))?;
    tx.commit().map_err(|e| db_err(path, e))
}

impl StateStore for RedbStore {
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        let path = &self.path;
        self.guarded("reading", || {
            let t = self.begin_read()?.open_table(definition(table)).map_err(|e| db_err(path, e))?;
            Ok(t.get(key).map_err(|e| db_err(path, e))?.map(|v| v.value().to_vec()))
        })
    }

    fn scan(&self, table: Table, prefix: &[u8]) -> Result<Entries, StoreError> {
        let path = &self.path;
        self.guarded("reading", || {
            let tx = self.begin_read()?;
            let t = tx.open_table(definition(table)).map_err(|e| db_err(path, e))?;
            let mut out = Vec::new();
            for entry in t.range(prefix..).map_err(|e| db_err(path, e))? {
                let (k, v) = entry.map_err(|e| db_err(path, e))?;
                if !k.value().starts_with(prefix) {
                    break;
                }
                out.push((k.value().to_vec(), v.value().to_vec()));
            }
            Ok(out)
        })
    }

    fn commit(&self, changes: &[Change]) -> Result<(), StoreError> {
        let path = &self.path;
        let Handle::Write(db) = &self.handle else { return Err(StoreError::ReadOnly { path: path.clone() }) };
        self.guarded("committing", || {
            let mut tx = db.begin_write().map_err(|e| db_err(path, e))?;
            // Two-phase: the commit slot is switched only after the new pages are durable, so
            // no crash can leave a latest commit that fails its checksums (which an open refuses).
            tx.set_two_phase_commit(true);
            let mut meta = tx.open_table(META).map_err(|e| db_err(path, e))?;
            let bytes = meta.get(HEADER_KEY).map_err(|e| db_err(path, e))?.map(|v| v.value().to_vec());
            let mut header = Header::decode(&bytes.unwrap_or_default()).map_err(|d| corrupt(path, d))?;
            for table in Table::ALL {
                let mut t = tx.open_table(definition(table)).map_err(|e| db_err(path, e))?;
                for c in changes.iter().filter(|c| c.table == table) {
                    let old = match &c.value {
                        Some(v) => {
                            header.digest.add(table, &c.key, v);
                            header.entries += 1;
                            t.insert(c.key.as_slice(), v.as_slice())
                                .map_err(|e| db_err(path, e))?
                                .map(|g| g.value().to_vec())
                        }
                        None => t.remove(c.key.as_slice()).map_err(|e| db_err(path, e))?.map(|g| g.value().to_vec()),
                    };
                    if let Some(old) = old {
                        header.digest.remove(table, &c.key, &old);
                        header.entries = header.entries.saturating_sub(1);
                    }
                }
            }
            meta.insert(HEADER_KEY, header.encode().as_slice()).map_err(|e| db_err(path, e))?;
            drop(meta);
            // redb's default durability makes the commit durable before it returns.
            tx.commit().map_err(|e| db_err(path, e))
        })
    }
}
