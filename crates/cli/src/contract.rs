//! `gasket deploy`, `gasket call`, `gasket state`, `gasket credit`: the contract runtime from the command line,
//! over a redb database in `--data DIR` (default `./.gasket`). With `--json` each command prints
//! one JSON object. `call` exits 1 when the call reverted, trapped, ran out of gas or could not
//! run; its state changes are then discarded, so the database is unchanged.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use gasket_runtime::{to_hex, Address, BlockContext, CallReceipt, RedbStore, Runtime, RuntimeConfig, Status};
use serde_json::json;

use crate::{EXIT_ERROR, EXIT_FAILED, EXIT_OK};

/// The default deployer and caller: the address 0x00…01.
pub const DEFAULT_ACCOUNT: Address = Address([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);

pub(crate) fn open(data: &Path) -> Result<Runtime, String> {
    std::fs::create_dir_all(data).map_err(|e| format!("cannot create {}: {e}", data.display()))?;
    let store = RedbStore::open(&data.join("state.redb")).map_err(|e| e.to_string())?;
    Runtime::new(Arc::new(store), RuntimeConfig::default()).map_err(|e| e.to_string())
}

pub(crate) fn parse_address(s: &str) -> Result<Address, String> {
    Address::from_hex(s).ok_or_else(|| format!("`{s}` is not a 20-byte hex address"))
}

pub(crate) fn parse_hex(s: &str) -> Result<Vec<u8>, String> {
    gasket_runtime::from_hex(s.strip_prefix("0x").unwrap_or(s)).ok_or_else(|| format!("`{s}` is not hex"))
}

fn fail(err: &mut dyn Write, message: &str) -> u8 {
    let _ = writeln!(err, "error: {message}");
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
}

pub fn deploy(a: DeployArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let run = || -> Result<(Address, [u8; 32], u64), String> {
        let code = std::fs::read(&a.file).map_err(|e| format!("cannot read {}: {e}", a.file.display()))?;
        let code = if code.starts_with(b"\0asm") {
            code
        } else {
            wat::parse_bytes(&code).map_err(|e| e.to_string())?.into_owned()
        };
        let rt = open(&a.data)?;
        let from = a.from.as_deref().map(parse_address).transpose()?.unwrap_or(DEFAULT_ACCOUNT);
        let salt = match &a.salt {
            Some(s) => parse_hex(s)?,
            None => rt.nonce(&from).map_err(|e| e.to_string())?.to_le_bytes().to_vec(),
        };
        let r = rt.deploy(&code, from, &salt).map_err(|e| e.to_string())?;
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
}

pub fn call(a: CallArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let run = || -> Result<CallReceipt, String> {
        let address = parse_address(&a.address)?;
        let input = a.input.as_deref().map(parse_hex).transpose()?.unwrap_or_default();
        let from = a.from.as_deref().map(parse_address).transpose()?.unwrap_or(DEFAULT_ACCOUNT);
        let rt = open(&a.data)?;
        if !rt.exists(&address).map_err(|e| e.to_string())? {
            return Err(format!("no contract at {address}"));
        }
        let block = BlockContext { height: a.height, time: a.time, ..BlockContext::default() };
        rt.call_value(from, address, &a.function, &input, a.value, a.gas, block).map_err(|e| e.to_string())
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
    if r.status == Status::Success {
        EXIT_OK
    } else {
        EXIT_FAILED
    }
}

pub fn state(address: &str, data: &Path, json_out: bool, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let run = || -> Result<Storage, String> {
        let address = parse_address(address)?;
        let rt = open(data)?;
        if !rt.exists(&address).map_err(|e| e.to_string())? {
            return Err(format!("no contract at {address}"));
        }
        rt.storage(&address).map_err(|e| e.to_string())
    };
    match run() {
        Ok(entries) => {
            if json_out {
                let map: serde_json::Map<String, serde_json::Value> =
                    entries.iter().map(|(k, v)| (to_hex(k), json!(to_hex(v)))).collect();
                let _ = writeln!(out, "{}", json!({"address": address, "storage": map}));
            } else {
                for (k, v) in &entries {
                    let _ = writeln!(out, "0x{} = 0x{}", to_hex(k), to_hex(v));
                }
            }
            EXIT_OK
        }
        Err(e) => fail(err, &e),
    }
}

/// `gasket credit ADDRESS AMOUNT`: adds to an account's balance.
pub fn credit(
    address: &str,
    amount: u128,
    data: &Path,
    json_out: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let run = || -> Result<(Address, u128), String> {
        let address = parse_address(address)?;
        let rt = open(data)?;
        Ok((address, rt.credit(&address, amount).map_err(|e| e.to_string())?))
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
