//! `gasket precompile install FILE.wasm` (prints the code hash), `gasket precompile call HASH
//! [--input FILE|-] [--gas N] [--from HEX] [--height N] [--time N] [--json]` (prints the
//! program's stdout, or a JSON receipt) and `gasket precompile list`: WASI precompiles over the
//! same redb state in `--data` as `deploy` and `call` (docs/wasi.md, "Precompiles"). `call`
//! exits with the program's exit code (1 for a trap, out of gas or an output cap), passing its
//! stderr through; its state changes are kept only when it exits with 0.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use gasket_runtime::{to_hex, BlockContext, PrecompileContext, PrecompileReceipt, PrecompileStatus, Runtime};
use serde_json::json;

use gasket::Tier;

use crate::contract::{open_runtime, parse_address, parse_hex, DEFAULT_ACCOUNT};
use crate::{EXIT_ERROR, EXIT_OK};

fn fail(err: &mut dyn Write, message: &str) -> u8 {
    let _ = writeln!(err, "error: {message}");
    EXIT_ERROR
}

/// Reads a module file: binary, or WAT text.
pub fn read_code(file: &Path) -> Result<Vec<u8>, String> {
    let code = std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    if code.starts_with(b"\0asm") {
        Ok(code)
    } else {
        wat::parse_bytes(&code).map(|c| c.into_owned()).map_err(|e| format!("{}: {e}", file.display()))
    }
}

pub fn install(file: &Path, data: &Path, json_out: bool, tier: Tier, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let run = || -> Result<[u8; 32], String> {
        let code = read_code(file)?;
        open_runtime(data, true, tier)?.install_precompile(&code).map_err(|e| e.to_string())
    };
    match run() {
        Ok(hash) => {
            let _ = if json_out {
                writeln!(out, "{}", json!({"code_hash": to_hex(&hash)}))
            } else {
                writeln!(out, "0x{}", to_hex(&hash))
            };
            EXIT_OK
        }
        Err(e) => fail(err, &e),
    }
}

pub fn list(data: &Path, json_out: bool, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    match open_runtime(data, false, Tier::Interpreter).and_then(|rt| rt.precompiles().map_err(|e| e.to_string())) {
        Ok(entries) => {
            if json_out {
                let items: Vec<_> =
                    entries.iter().map(|(h, n)| json!({"code_hash": to_hex(h), "code_bytes": n})).collect();
                let _ = writeln!(out, "{}", json!(items));
            } else {
                for (h, n) in entries {
                    let _ = writeln!(out, "0x{} {n} bytes", to_hex(&h));
                }
            }
            EXIT_OK
        }
        Err(e) => fail(err, &e),
    }
}

/// The options of `precompile call`.
pub struct CallArgs {
    pub hash: String,
    pub input: Option<String>,
    pub gas: u64,
    pub data: PathBuf,
    pub from: Option<String>,
    pub height: u64,
    pub time: u64,
    pub json: bool,
    pub tier: Tier,
}

fn status_text(s: &PrecompileStatus) -> String {
    match s {
        PrecompileStatus::Exited(c) => format!("exit {c}"),
        PrecompileStatus::Trapped(t) => format!("trap: {t}"),
        PrecompileStatus::OutOfGas => "trap: out of gas".into(),
        PrecompileStatus::OutputLimit(m) | PrecompileStatus::Failed(m) => m.clone(),
    }
}

/// Prints a receipt as `call` does and returns the exit code.
pub fn report(r: &PrecompileReceipt, json_out: bool, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    if json_out {
        let events: Vec<_> = r
            .events
            .iter()
            .map(|e| json!({"contract": e.contract.to_string(), "topics": e.topics.iter().map(|t| to_hex(t)).collect::<Vec<_>>(), "data": to_hex(&e.data)}))
            .collect();
        let receipt = json!({
            "status": status_text(&r.status),
            "exit_code": r.exit_code,
            "stdout": String::from_utf8_lossy(&r.stdout),
            "stderr": String::from_utf8_lossy(&r.stderr),
            "gas_used": r.gas_used,
            "events": events,
        });
        let _ = writeln!(out, "{receipt}");
    } else {
        let _ = out.write_all(&r.stdout);
        let _ = err.write_all(&r.stderr);
        if !matches!(r.status, PrecompileStatus::Exited(_)) {
            let _ = writeln!(err, "{}", status_text(&r.status));
        }
        let _ = writeln!(err, "gas_used: {}", r.gas_used);
    }
    u8::try_from(r.exit_code).unwrap_or(255)
}

pub fn call(a: CallArgs, stdin: &mut dyn Read, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let mut run = || -> Result<PrecompileReceipt, String> {
        let hash: [u8; 32] = parse_hex(&a.hash)
            .map_err(|e| e.to_string())?
            .try_into()
            .map_err(|_| format!("`{}` is not a 32-byte code hash", a.hash))?;
        let input = match a.input.as_deref() {
            None => Vec::new(),
            Some("-") => {
                let mut v = Vec::new();
                stdin.read_to_end(&mut v).map_err(|e| format!("cannot read stdin: {e}"))?;
                v
            }
            Some(path) => std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?,
        };
        let caller =
            a.from.as_deref().map(parse_address).transpose().map_err(|e| e.to_string())?.unwrap_or(DEFAULT_ACCOUNT);
        let rt: Runtime = open_runtime(&a.data, false, a.tier)?;
        if !rt.precompiles().map_err(|e| e.to_string())?.iter().any(|(h, _)| *h == hash) {
            return Err(format!("no precompile 0x{}", to_hex(&hash)));
        }
        let block = BlockContext { height: a.height, time: a.time, ..BlockContext::default() };
        let ctx = PrecompileContext { caller, block, ..PrecompileContext::default() };
        rt.call_precompile(&hash, &input, a.gas, &ctx).map_err(|e| e.to_string())
    };
    match run() {
        Ok(r) => report(&r, a.json, out, err),
        Err(e) => fail(err, &e),
    }
}
