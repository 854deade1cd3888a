//! `gasket wasi FILE.wasm [--gas N] [--stdin FILE] [--time T] [--seed HEX] [--env K=V]
//! [--dir HOST[::GUEST]] [-- ARGS...]`: runs a WASI command as `wasmtime run` does, but
//! deterministically (docs/wasi.md). stdin is the file given, else the process's stdin read to
//! its end before the run; the program's stdout and stderr are passed through after it; the
//! exit code is the program's (a trap, running out of gas or an output cap: 1, with the reason
//! on stderr; an unreadable file, an invalid module or not a command: 2). With `--gas N` the
//! run is metered and `gas_used: N` follows on stderr.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use std::sync::Arc;

use gasket::{Engine, Module};
use gasket_runtime::{
    BlockContext, MemStore, PrecompileContext, PrecompileStatus, Runtime, RuntimeConfig, MAX_PRECOMPILE_OUTPUT,
    PRECOMPILE_NAMESPACE,
};
use gasket_wasi::{engine_config, linker, run_command, ClockConfig, MemDir, Outcome, RunResult, WasiConfig, WasiCtx};

use crate::EXIT_ERROR;

/// Caps on captured stdout and stderr for the command line: 64 MiB each.
pub const CLI_OUTPUT_LIMIT: usize = 64 << 20;

/// The options of `gasket wasi`.
#[derive(Debug, Clone, Default)]
pub struct WasiArgs {
    pub file: PathBuf,
    pub gas: Option<u64>,
    pub stdin: Option<PathBuf>,
    /// Block time in seconds: the realtime clock's start.
    pub time: Option<u64>,
    /// The generator's seed, 32 bytes in hex.
    pub seed: Option<String>,
    pub env: Vec<String>,
    pub dir: Option<String>,
    pub args: Vec<String>,
    pub tier: gasket::Tier,
}

/// Why `gasket wasi` could not run the program.
#[derive(Debug, thiserror::Error)]
pub enum WasiCliError {
    #[error("cannot read {}: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("--seed must be 32 bytes of hex (64 digits), not `{0}`")]
    Seed(String),
    #[error("--env takes NAME=VALUE, not `{0}`")]
    Env(String),
    #[error(transparent)]
    Dir(#[from] gasket_wasi::DirError),
    #[error(transparent)]
    Wasi(#[from] gasket_wasi::WasiError),
    #[error("{0}")]
    Precompile(String),
}

/// Parses `--seed`: exactly 32 bytes of hex, with or without `0x`.
pub fn parse_seed(text: &str) -> Result<[u8; 32], WasiCliError> {
    let hex = text.strip_prefix("0x").unwrap_or(text);
    gasket_runtime::from_hex(hex).and_then(|b| b.try_into().ok()).ok_or_else(|| WasiCliError::Seed(text.to_string()))
}

/// The run's configuration from the options (reading stdin and the directory).
pub fn config(a: &WasiArgs, stdin: &mut dyn Read) -> Result<WasiConfig, WasiCliError> {
    let input = match &a.stdin {
        Some(path) => std::fs::read(path).map_err(|source| WasiCliError::Read { path: path.clone(), source })?,
        None => {
            let mut v = Vec::new();
            stdin.read_to_end(&mut v).map_err(|source| WasiCliError::Read { path: "<stdin>".into(), source })?;
            v
        }
    };
    let env = a
        .env
        .iter()
        .map(|kv| kv.split_once('=').map(|(k, v)| (k.to_string(), v.to_string())).ok_or(WasiCliError::Env(kv.clone())))
        .collect::<Result<_, _>>()?;
    let preopen = match &a.dir {
        Some(spec) => {
            let (host, guest) = spec.split_once("::").unwrap_or((spec, spec));
            Some((guest.to_string(), MemDir::load(Path::new(host))?))
        }
        None => None,
    };
    let mut args = vec![a.file.display().to_string()];
    args.extend(a.args.iter().cloned());
    Ok(WasiConfig {
        args,
        env,
        stdin: input,
        stdout_limit: CLI_OUTPUT_LIMIT,
        stderr_limit: CLI_OUTPUT_LIMIT,
        clock: ClockConfig { realtime_ns: a.time.unwrap_or(0).saturating_mul(1_000_000_000), ..ClockConfig::default() },
        seed: a.seed.as_deref().map(parse_seed).transpose()?.unwrap_or([0; 32]),
        preopen,
    })
}

/// Loads and runs the program. A program that imports the `gasket_precompile` host module
/// runs as a precompile of a runtime over an empty in-memory state (its store starts empty
/// and is dropped afterwards), with the caller 0x00…01 and block height 0.
pub fn run(a: &WasiArgs, stdin: &mut dyn Read) -> Result<RunResult, WasiCliError> {
    let bytes = std::fs::read(&a.file).map_err(|source| WasiCliError::Read { path: a.file.clone(), source })?;
    let config = config(a, stdin)?;
    let engine = Engine::new(&gasket::Config { tier: a.tier, ..engine_config(a.gas.is_some()) });
    let module = Module::new(&engine, &bytes).map_err(gasket_wasi::WasiError::Module)?;
    if module.imports().any(|(m, _, _)| m == PRECOMPILE_NAMESPACE) {
        let binary = match wat::parse_bytes(&bytes) {
            Ok(b) => b.into_owned(),
            Err(e) => return Err(WasiCliError::Precompile(e.to_string())),
        };
        return run_precompile(&binary, a, config);
    }
    let linker = linker(&engine).map_err(gasket_wasi::WasiError::Link)?;
    Ok(run_command(&linker, &module, WasiCtx::new(config), a.gas)?)
}

fn run_precompile(code: &[u8], a: &WasiArgs, config: WasiConfig) -> Result<RunResult, WasiCliError> {
    if config.preopen.is_some() {
        return Err(WasiCliError::Precompile("--dir is not available to precompiles".into()));
    }
    let mut rt_config = RuntimeConfig::default();
    rt_config.engine.tier = a.tier;
    let rt = Runtime::new(Arc::new(MemStore::new()), rt_config).map_err(|e| WasiCliError::Precompile(e.to_string()))?;
    let hash = rt.install_precompile(code).map_err(|e| WasiCliError::Precompile(e.to_string()))?;
    let block = BlockContext { time: a.time.unwrap_or(0), ..BlockContext::default() };
    let ctx = PrecompileContext {
        caller: crate::contract::DEFAULT_ACCOUNT,
        block,
        args: config.args[1..].to_vec(),
        env: config.env,
        seed: Some(config.seed),
    };
    let r = rt
        .call_precompile_fresh(&hash, &config.stdin, a.gas.unwrap_or(u64::MAX), &ctx)
        .map_err(|e| WasiCliError::Precompile(e.to_string()))?;
    let outcome = match r.status {
        PrecompileStatus::Exited(c) => Outcome::Exit(c),
        PrecompileStatus::Trapped(t) => Outcome::Trap(gasket::Trap::host(t)),
        PrecompileStatus::OutOfGas => Outcome::OutOfGas,
        PrecompileStatus::OutputLimit(_) => Outcome::OutputLimit { stream: "stdout", limit: MAX_PRECOMPILE_OUTPUT },
        PrecompileStatus::Failed(m) => return Err(WasiCliError::Precompile(m)),
    };
    Ok(RunResult { outcome, stdout: r.stdout, stderr: r.stderr, gas_used: a.gas.map(|_| r.gas_used) })
}

/// The `wasi` command. Returns the exit code.
pub fn command(a: &WasiArgs, stdin: &mut dyn Read, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    match run(a, stdin) {
        Ok(r) => {
            let _ = out.write_all(&r.stdout);
            let _ = err.write_all(&r.stderr);
            if !matches!(r.outcome, Outcome::Exit(_)) {
                let _ = writeln!(err, "{}", r.outcome);
            }
            if let Some(used) = r.gas_used {
                let _ = writeln!(err, "gas_used: {used}");
            }
            r.outcome.exit_code()
        }
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            EXIT_ERROR
        }
    }
}
