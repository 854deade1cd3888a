//! A plain, versioned text dump of a state database, for backups: [`export`] writes every
//! entry, [`import`] restores one into a new database, after checking the dump's entry count
//! and digest (the same digest as the database header's), so a damaged or truncated dump is
//! refused as [`StoreError::Dump`] naming the line.
//!
//! Format (version 1), one record per line:
//! ```text
//! gasket-state-dump 1
//! # comment lines start with '#'
//! TABLE KEY_HEX VALUE_HEX        (TABLE: code, artifacts, contracts, storage, nonces, balances)
//! end ENTRIES DIGEST_HEX
//! ```
//! Keys and values are lowercase hex, `-` for an empty one. Nothing may follow `end`.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;

use super::file::{OpenOptions, RedbStore, VerifyReport};
use super::guard::{precheck, Digest, Found};
use super::{Change, StateStore, StoreError, Table};

/// The first line of every dump, without its version.
pub const DUMP_FORMAT: &str = "gasket-state-dump";
const DUMP_VERSION: u32 = 1;

fn hex_or_dash(b: &[u8]) -> String {
    if b.is_empty() {
        "-".into()
    } else {
        crate::to_hex(b)
    }
}

/// Writes every entry of `store` to `out`; returns how many.
pub fn export(store: &RedbStore, out: &mut dyn Write) -> Result<u64, StoreError> {
    let io = |source| StoreError::Io { path: store.path().to_path_buf(), source };
    let entries = store.entries()?;
    writeln!(out, "{DUMP_FORMAT} {DUMP_VERSION}").map_err(io)?;
    writeln!(out, "# gasket state of {}: TABLE KEY VALUE, hex", store.path().display()).map_err(io)?;
    let mut digest = Digest::default();
    for (table, k, v) in &entries {
        digest.add(*table, k, v);
        writeln!(out, "{} {} {}", table.name(), hex_or_dash(k), hex_or_dash(v)).map_err(io)?;
    }
    writeln!(out, "end {} {}", entries.len(), digest.to_hex()).map_err(io)?;
    out.flush().map_err(io)?;
    Ok(entries.len() as u64)
}

/// Parses a dump; every error names its line.
fn parse(dump: &Path, text: &str) -> Result<Vec<Change>, StoreError> {
    let err = |line: usize, detail: String| StoreError::Dump { path: dump.to_path_buf(), line, detail };
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
    let first = lines.next().map(|(_, l)| l).unwrap_or("");
    if first != format!("{DUMP_FORMAT} {DUMP_VERSION}") {
        let shown: String = first.chars().take(40).collect();
        return Err(err(1, format!("expected `{DUMP_FORMAT} {DUMP_VERSION}`, found `{shown}`")));
    }
    let hex = |line: usize, s: &str| {
        if s == "-" {
            return Ok(Vec::new());
        }
        crate::from_hex(s).filter(|b| !b.is_empty()).ok_or_else(|| err(line, "a key or value that is not hex".into()))
    };
    let mut changes = Vec::new();
    let mut seen = BTreeSet::new();
    let mut digest = Digest::default();
    let mut end = None;
    for (n, line) in lines {
        if line.starts_with('#') || line.is_empty() && end.is_none() {
            continue;
        }
        if end.is_some() {
            return Err(err(n, "text after the `end` line".into()));
        }
        let fields: Vec<&str> = line.split(' ').collect();
        match fields.as_slice() {
            ["end", count, d] => end = Some((n, count.to_string(), d.to_string())),
            [table, k, v] => {
                let table = Table::from_name(table)
                    .ok_or_else(|| err(n, format!("unknown table `{}`", table.chars().take(20).collect::<String>())))?;
                let (k, v) = (hex(n, k)?, hex(n, v)?);
                if !seen.insert((table, k.clone())) {
                    return Err(err(
                        n,
                        format!("a second entry for key {} of table {}", hex_or_dash(&k), table.name()),
                    ));
                }
                digest.add(table, &k, &v);
                changes.push(Change { table, key: k, value: Some(v) });
            }
            _ => {
                return Err(err(
                    n,
                    format!("expected `TABLE KEY VALUE` or `end N DIGEST`, found {} fields", fields.len()),
                ))
            }
        }
    }
    let Some((n, count, d)) = end else {
        return Err(err(0, "no `end` line: the dump is truncated".into()));
    };
    if count != changes.len().to_string() || d != digest.to_hex() {
        return Err(err(
            n,
            format!(
                "the dump's {} entries (digest {}) do not match its end line ({count} entries, digest {d})",
                changes.len(),
                digest.to_hex()
            ),
        ));
    }
    Ok(changes)
}

/// Restores the dump at `dump` into a new database at `db`, in one commit; refuses if a file
/// exists at `db` (an import never overwrites). Returns the new database's report.
pub fn import(dump: &Path, db: &Path) -> Result<VerifyReport, StoreError> {
    let bytes = std::fs::read(dump).map_err(|source| StoreError::Io { path: dump.to_path_buf(), source })?;
    let text = std::str::from_utf8(&bytes).map_err(|e| StoreError::Dump {
        path: dump.to_path_buf(),
        line: 0,
        detail: format!("not text: {e}"),
    })?;
    let changes = parse(dump, text)?;
    if precheck(db).map_err(|_| exists(db))? != Found::Nothing {
        return Err(exists(db));
    }
    let store = RedbStore::open_with(db, &OpenOptions::default())?;
    store.commit(&changes)?;
    drop(store);
    // Reopen, so the report is of the file as it now is on disk.
    Ok(RedbStore::open_with(db, &OpenOptions::read_only())?.report().clone())
}

fn exists(db: &Path) -> StoreError {
    StoreError::Io {
        path: db.to_path_buf(),
        source: std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            "a file already exists there; import into a new --data directory (an import never overwrites)",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dump_of(entries: &[(Table, &[u8], &[u8])]) -> String {
        let mut d = Digest::default();
        let mut s = format!("{DUMP_FORMAT} 1\n");
        for (t, k, v) in entries {
            d.add(*t, k, v);
            s.push_str(&format!("{} {} {}\n", t.name(), hex_or_dash(k), hex_or_dash(v)));
        }
        s.push_str(&format!("end {} {}\n", entries.len(), d.to_hex()));
        s
    }

    #[test]
    fn parse_accepts_a_dump_and_refuses_damage() {
        let p = Path::new("d.txt");
        let good = dump_of(&[(Table::Storage, b"k", b"v"), (Table::Code, b"\x01", b"")]);
        assert_eq!(parse(p, &good).unwrap().len(), 2);
        let line_of = |text: &str| match parse(p, text) {
            Err(StoreError::Dump { line, .. }) => line,
            other => panic!("{other:?}"),
        };
        assert_eq!(line_of(&good.replace("storage 6b 76", "storage 6b 77")), 4);
        assert_eq!(line_of(&good.replace("gasket-state-dump 1", "gasket-state-dump 2")), 1);
        assert_eq!(line_of(&good.replace("storage", "storagex")), 2);
        assert_eq!(line_of(&good.replace("6b 76", "6b zz")), 2);
        assert_eq!(line_of(&good.lines().take(3).collect::<Vec<_>>().join("\n")), 0);
        assert_eq!(line_of(&format!("{good}code 01 02\n")), 5);
        let dup = dump_of(&[(Table::Storage, b"k", b"v"), (Table::Storage, b"k", b"w")]);
        assert_eq!(line_of(&dup), 3);
    }
}
