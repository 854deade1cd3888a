//! `gasket deploy`, `gasket call`, `gasket state`, `gasket credit`: the contract runtime from
//! the command line, over a redb database in `--data DIR` (default `./.gasket`). With `--json`
//! each command prints one JSON object.
//!
//! Opening: `state` (and its `--verify`, `--export`) opens read-only and never creates a
//! database; `call` opens an existing database only; `deploy`, `credit` and `state --import`
//! may create one. A locked database is waited for `--wait-lock SECONDS`. Exit codes follow the
//! CLI's rule ([`crate`]): `call` exits 1 when the contract reverted, trapped or ran out of gas
//! (state unchanged), 2 for anything wrong with the command or its input (bad address, no
//! contract, no such entry point or one that takes parameters, a value over the balance, a
//! damaged database), in which case nothing runs and no gas is charged.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use gasket::{ExternType, Module, Tier};
use gasket_runtime::{
    to_hex, Address, BlockContext, CallReceipt, OpenOptions, RedbStore, Runtime, RuntimeConfig, RuntimeError,
    StateStore, Status, StoreError, Table,
};
use serde_json::json;

use crate::input::{self, InputError};
use crate::{EXIT_ERROR, EXIT_FAILED, EXIT_OK};

/// The default deployer and caller: the address 0x00…01.
pub const DEFAULT_ACCOUNT: Address = Address([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);

/// Why a contract command did not run: every one exits 2.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    Input(#[from] InputError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Runtime(#[from] RuntimeError),
    #[error("cannot create {}: {source}", path.display())]
    CreateDir { path: PathBuf, source: std::io::Error },
    /// A bad argument, or a call that cannot be made as asked.
    #[error("{0}")]
    Usage(String),
}

/// Where the state database of `--data DIR` lives.
pub fn db_path(data: &Path) -> PathBuf {
    data.join("state.redb")
}

/// Opens the state database of `data` with `options`; creating needs the directory first.
fn open_store(data: &Path, options: &OpenOptions) -> Result<Arc<RedbStore>, CommandError> {
    if options.create {
        std::fs::create_dir_all(data).map_err(|source| CommandError::CreateDir { path: data.to_path_buf(), source })?;
    }
    Ok(Arc::new(RedbStore::open_with(&db_path(data), options)?))
}

/// Opens the runtime over the state in `data` for the precompile commands; `create` allows a
/// new database (`install`), otherwise it must exist.
pub(crate) fn open_runtime(data: &Path, create: bool, tier: Tier) -> Result<Runtime, String> {
    let options = if create { OpenOptions::default() } else { OpenOptions::existing() };
    let store = open_store(data, &options).map_err(|e| e.to_string())?;
    runtime(&store, tier).map_err(|e| e.to_string())
}

fn runtime(store: &Arc<RedbStore>, tier: Tier) -> Result<Runtime, CommandError> {
    let mut config = RuntimeConfig::default();
    config.engine.tier = tier;
    Ok(Runtime::new(Arc::clone(store) as Arc<dyn StateStore>, config)?)
}

fn wait(seconds: f64) -> Duration {
    Duration::try_from_secs_f64(seconds.max(0.0)).unwrap_or(Duration::MAX)
}

pub(crate) fn parse_address(s: &str) -> Result<Address, CommandError> {
    Address::from_hex(s).ok_or_else(|| CommandError::Usage(format!("`{s}` is not a 20-byte hex address")))
}

pub(crate) fn parse_hex(s: &str) -> Result<Vec<u8>, CommandError> {
    gasket_runtime::from_hex(s.strip_prefix("0x").unwrap_or(s))
        .ok_or_else(|| CommandError::Usage(format!("`{s}` is not hex")))
}

fn fail(err: &mut dyn Write, e: &CommandError) -> u8 {
    let _ = writeln!(err, "error: {e}");
    EXIT_ERROR
}

/// A contract's storage: (key, value) pairs in key order.
type Storage = Vec<(Vec<u8>, Vec<u8>)>;

pub struct DeployArgs {
    pub file: PathBuf,
    pub data: PathBuf,
    pub from: Option<String>,
    pub salt: Option<String>,
    pub json: bool,
    pub wait_lock: f64,
    pub tier: Tier,
}

pub fn deploy(a: DeployArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let run = || -> Result<(Address, [u8; 32], u64), CommandError> {
        let code = input::load(&a.file)?.binary;
        let from = a.from.as_deref().map(parse_address).transpose()?.unwrap_or(DEFAULT_ACCOUNT);
        let salt = a.salt.as_deref().map(parse_hex).transpose()?;
        let rt = runtime(&open_store(&a.data, &OpenOptions::default().wait_lock(wait(a.wait_lock)))?, a.tier)?;
        let salt = match salt {
            Some(s) => s,
            None => rt.nonce(&from)?.to_le_bytes().to_vec(),
        };
        let r = rt.deploy(&code, from, &salt).map_err(|e| match e {
            RuntimeError::Code(e) => CommandError::Usage(format!("{}: invalid code: {e}", a.file.display())),
            RuntimeError::NotAContract(why) => {
                CommandError::Usage(format!("{}: not a contract: {why}", a.file.display()))
            }
            e => e.into(),
        })?;
        Ok((r.address, r.code_hash, r.gas_used))
    };
    match run() {
        Ok((address, code_hash, gas)) => {
            let _ = if a.json {
                writeln!(
                    out,
                    "{}",
                    json!({"address": address.to_string(), "code_hash": to_hex(&code_hash), "gas_used": gas})
                )
            } else {
                writeln!(out, "{address}")
            };
            EXIT_OK
        }
        Err(e) => fail(err, &e),
    }
}

pub struct CallArgs {
    pub address: String,
    pub function: String,
    pub input: Option<String>,
    pub gas: u64,
    /// Moved from the caller to the contract with the call.
    pub value: u128,
    pub data: PathBuf,
    pub from: Option<String>,
    pub height: u64,
    pub time: u64,
    pub json: bool,
    pub wait_lock: f64,
    pub tier: Tier,
}

/// Checks, without running anything, that `function` is an entry point of the contract at
/// `address`: an exported function with no parameters and no results.
fn check_entry_point(store: &RedbStore, rt: &Runtime, address: &Address, function: &str) -> Result<(), CommandError> {
    let no_contract = || CommandError::Usage(format!("no contract at {address}"));
    let hash = store.get(Table::Contracts, &address.0)?.ok_or_else(no_contract)?;
    let code = store.get(Table::Code, &hash)?.ok_or_else(|| StoreError::Malformed(format!("no code for {address}")))?;
    let module = Module::from_binary(rt.engine(), &code).map_err(RuntimeError::Code)?;
    let entry_points: Vec<&str> = module
        .exports()
        .filter(|(_, ty)| matches!(ty, ExternType::Func(f) if f.params().is_empty() && f.results().is_empty()))
        .map(|(name, _)| name)
        .collect();
    let export = module.exports().find(|(name, _)| *name == function).map(|(_, ty)| ty);
    match export {
        Some(ExternType::Func(f)) if f.params().is_empty() && f.results().is_empty() => Ok(()),
        Some(ExternType::Func(f)) => Err(CommandError::Usage(format!(
            "`{function}` of {address} has type {f}, but an entry point takes no parameters and returns nothing \
             (input goes in --input); entry points: {}",
            entry_points.join(", ")
        ))),
        Some(other) => Err(CommandError::Usage(format!("`{function}` of {address} is a {other}, not a function"))),
        None => Err(CommandError::Usage(format!(
            "the contract at {address} has no entry point `{function}`; entry points: {}",
            entry_points.join(", ")
        ))),
    }
}

pub fn call(a: CallArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let run = || -> Result<CallReceipt, CommandError> {
        let address = parse_address(&a.address)?;
        let input = a.input.as_deref().map(parse_hex).transpose()?.unwrap_or_default();
        let from = a.from.as_deref().map(parse_address).transpose()?.unwrap_or(DEFAULT_ACCOUNT);
        let store = open_store(&a.data, &OpenOptions::existing().wait_lock(wait(a.wait_lock)))?;
        let rt = runtime(&store, a.tier)?;
        check_entry_point(&store, &rt, &address, &a.function)?;
        let balance = rt.balance(&from)?;
        if a.value > balance {
            return Err(CommandError::Usage(format!(
                "--value {} is more than the caller {from}'s balance of {balance} (fund it with `gasket credit`)",
                a.value
            )));
        }
        let block = BlockContext { height: a.height, time: a.time, ..BlockContext::default() };
        Ok(rt.call_value(from, address, &a.function, &input, a.value, a.gas, block)?)
    };
    let r = match run() {
        Ok(r) => r,
        Err(e) => return fail(err, &e),
    };
    let status = match &r.status {
        Status::Success => "success".to_string(),
        Status::Reverted => "reverted".to_string(),
        Status::OutOfGas => "out of gas".to_string(),
        Status::Trapped(t) => format!("trapped: {t}"),
        Status::Failed(f) => format!("failed: {f}"),
    };
    if a.json {
        let events: Vec<_> = r
            .events
            .iter()
            .map(|e| json!({"contract": e.contract.to_string(), "topics": e.topics.iter().map(|t| to_hex(t)).collect::<Vec<_>>(), "data": to_hex(&e.data)}))
            .collect();
        let _ = writeln!(
            out,
            "{}",
            json!({"status": status, "return": to_hex(&r.return_data), "gas_used": r.gas_used, "events": events})
        );
    } else {
        let _ = writeln!(out, "status: {status}");
        let _ = writeln!(out, "return: 0x{}", to_hex(&r.return_data));
        let _ = writeln!(out, "gas_used: {}", r.gas_used);
        for e in &r.events {
            let topics: Vec<String> = e.topics.iter().map(|t| format!("0x{}", to_hex(t))).collect();
            let _ = writeln!(out, "event: {} topics [{}] data 0x{}", e.contract, topics.join(", "), to_hex(&e.data));
        }
    }
    match r.status {
        Status::Success => EXIT_OK,
        Status::Reverted | Status::OutOfGas | Status::Trapped(_) => EXIT_FAILED,
        // What the checks above did not foresee, but is still the request's fault.
        Status::Failed(_) => EXIT_ERROR,
    }
}

/// What `gasket state` does.
#[derive(Debug, Clone)]
pub enum StateAction {
    /// Dump one contract's storage.
    Show(String),
    /// Check the database and report.
    Verify,
    /// Write a dump of every entry to the file (`-`: standard output).
    Export(PathBuf),
    /// Restore a dump into a new database.
    Import(PathBuf),
}

pub struct StateArgs {
    pub action: StateAction,
    pub data: PathBuf,
    pub json: bool,
    pub wait_lock: f64,
}

pub fn state(a: StateArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let read_only = OpenOptions::read_only().wait_lock(wait(a.wait_lock));
    let result = match &a.action {
        StateAction::Show(address) => show(address, &a.data, &read_only, a.json, out),
        StateAction::Verify => verify(&a.data, &read_only, a.json, out),
        StateAction::Export(file) => export(&a.data, &read_only, file, a.json, out),
        StateAction::Import(file) => import(&a.data, file, a.json, out),
    };
    match result {
        Ok(()) => EXIT_OK,
        Err(e) => fail(err, &e),
    }
}

fn show(
    address: &str,
    data: &Path,
    options: &OpenOptions,
    json_out: bool,
    out: &mut dyn Write,
) -> Result<(), CommandError> {
    let parsed = parse_address(address)?;
    let rt = runtime(&open_store(data, options)?, Tier::Interpreter)?;
    if !rt.exists(&parsed)? {
        return Err(CommandError::Usage(format!("no contract at {parsed}")));
    }
    let entries: Storage = rt.storage(&parsed)?;
    if json_out {
        let map: serde_json::Map<String, serde_json::Value> =
            entries.iter().map(|(k, v)| (to_hex(k), json!(to_hex(v)))).collect();
        let _ = writeln!(out, "{}", json!({"address": address, "storage": map}));
    } else {
        for (k, v) in &entries {
            let _ = writeln!(out, "0x{} = 0x{}", to_hex(k), to_hex(v));
        }
    }
    Ok(())
}

/// `--verify`: a read-only open runs every check (the file, the commit selector, redb's page
/// checksums on a private copy, gasket's header against every entry) and reports them.
fn verify(data: &Path, options: &OpenOptions, json_out: bool, out: &mut dyn Write) -> Result<(), CommandError> {
    let path = db_path(data);
    let report = RedbStore::open_with(&path, options)?.report().clone();
    let pages = if report.page_checksums { "verified" } else { "not checked" };
    let total: u64 = report.entries.iter().map(|(_, n)| n).sum();
    if json_out {
        let entries: serde_json::Map<String, serde_json::Value> =
            report.entries.iter().map(|(t, n)| (t.name().to_string(), json!(n))).collect();
        let _ = writeln!(
            out,
            "{}",
            json!({"path": path.display().to_string(), "ok": true, "bytes": report.file_bytes, "format": report.format,
                   "entries": entries, "digest": report.digest, "page_checksums": pages})
        );
    } else {
        let counts: Vec<String> = report.entries.iter().map(|(t, n)| format!("{} {n}", t.name())).collect();
        let _ = writeln!(out, "state database {}: ok", path.display());
        let _ = writeln!(out, "  file: {} bytes, gasket format {}", report.file_bytes, report.format);
        let _ = writeln!(out, "  entries: {} ({total} in all)", counts.join(", "));
        let _ = writeln!(out, "  digest: {} (matches the integrity header)", report.digest);
        let _ = writeln!(out, "  redb page checksums: {pages}");
    }
    Ok(())
}

fn export(
    data: &Path,
    options: &OpenOptions,
    file: &Path,
    json_out: bool,
    out: &mut dyn Write,
) -> Result<(), CommandError> {
    let store = open_store(data, options)?;
    let entries = if file == Path::new("-") {
        gasket_runtime::export(&store, out)?
    } else {
        // Written beside the target and renamed, so a failed export never leaves half a dump.
        let partial = file.with_extension("partial");
        let io = |source| StoreError::Io { path: file.to_path_buf(), source };
        let mut w = std::io::BufWriter::new(std::fs::File::create(&partial).map_err(io)?);
        let n = gasket_runtime::export(&store, &mut w)?;
        drop(w);
        std::fs::rename(&partial, file).map_err(io)?;
        n
    };
    if file != Path::new("-") {
        let _ = if json_out {
            writeln!(out, "{}", json!({"exported": entries, "file": file.display().to_string()}))
        } else {
            writeln!(out, "exported {entries} entries from {} to {}", store.path().display(), file.display())
        };
    }
    Ok(())
}

fn import(data: &Path, file: &Path, json_out: bool, out: &mut dyn Write) -> Result<(), CommandError> {
    std::fs::create_dir_all(data).map_err(|source| CommandError::CreateDir { path: data.to_path_buf(), source })?;
    let path = db_path(data);
    let report = gasket_runtime::import(file, &path)?;
    let total: u64 = report.entries.iter().map(|(_, n)| n).sum();
    let _ = if json_out {
        writeln!(out, "{}", json!({"imported": total, "path": path.display().to_string(), "digest": report.digest}))
    } else {
        writeln!(out, "imported {total} entries from {} into {}", file.display(), path.display())
    };
    Ok(())
}

/// `gasket credit ADDRESS AMOUNT`: adds to an account's balance.
pub fn credit(
    address: &str,
    amount: u128,
    data: &Path,
    json_out: bool,
    wait_lock: f64,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let run = || -> Result<(Address, u128), CommandError> {
        let address = parse_address(address)?;
        let rt = runtime(&open_store(data, &OpenOptions::default().wait_lock(wait(wait_lock)))?, Tier::Interpreter)?;
        Ok((address, rt.credit(&address, amount)?))
    };
    match run() {
        Ok((address, balance)) => {
            let _ = if json_out {
                writeln!(out, "{}", json!({"address": address.to_string(), "balance": balance.to_string()}))
            } else {
                writeln!(out, "balance: {balance}")
            };
            EXIT_OK
        }
        Err(e) => fail(err, &e),
    }
}
