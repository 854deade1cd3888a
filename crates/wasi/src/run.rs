//! Running a WASI command: the engine settings for programs compiled by ordinary toolchains,
//! the command conventions (`_start`, `memory`, imports), one run from instantiation to exit,
//! and how its end maps to an [`Outcome`] and a process exit code.

use gasket::{Config, Engine, Error, ExternType, GasSchedule, Limits, Linker, Module, Store, Trap, TrapCode};

use crate::abi::MODULE;
use crate::ctx::{Stop, WasiCtx};
use crate::link::add_to_linker;

/// The engine configuration for WASI programs: the engine's limits, raised where programs
/// built by Rust, C and Go toolchains need more than contracts do (docs/wasi.md, "Limits").
pub fn engine_config(metered: bool) -> Config {
    Config {
        limits: Limits {
            // A Go program with its runtime is 2 to 20 MiB.
            max_module_bytes: 64 << 20,
            max_functions: 200_000,
            max_types: 10_000,
            max_exports: 100_000,
            max_globals: 10_000,
            max_locals_total: 10_000_000,
            max_function_body_bytes: 8 << 20,
            // Go's code generator nests one block per resume point of a function.
            max_block_depth: 65_536,
            max_br_table_targets: 65_536,
            max_table_elements: 1_000_000,
            // 1 GiB: a Go program's heap grows in 4 MiB steps.
            max_memory_pages: 16_384,
            max_data_segments: 100_000,
            max_element_segments: 100_000,
            ..Limits::default()
        },
        metering: metered.then(GasSchedule::default),
        ..Config::default()
    }
}

/// Why a module cannot be run as a WASI command.
#[derive(Debug, thiserror::Error)]
pub enum WasiError {
    /// Invalid or unsupported module, or a limit (the engine's error, with its offset).
    #[error("{0}")]
    Module(Error),
    #[error("not a WASI command: {0}")]
    NotACommand(String),
    /// Instantiation failed for a reason other than a trap (an import of the wrong type).
    #[error("{0}")]
    Link(Error),
}

/// Checks the command conventions: an exported `memory`, an exported `_start: [] -> []`, and
/// imports only from `wasi_snapshot_preview1` or one of `extra` modules, each of a type
/// `linker` defines.
pub fn check_command<T>(module: &Module, linker: &Linker<T>, extra: &[&str]) -> Result<(), WasiError> {
    let bad = |m: String| Err(WasiError::NotACommand(m));
    if !module.exports().any(|(n, t)| n == "memory" && matches!(t, ExternType::Memory(_))) {
        return bad("it does not export `memory`".into());
    }
    let start = module.exports().find(|(n, _)| *n == "_start").map(|(_, t)| t);
    if !matches!(start, Some(ExternType::Func(ref f)) if f.params().is_empty() && f.results().is_empty()) {
        return bad("it does not export `_start` taking and returning nothing".into());
    }
    for (m, name, ty) in module.imports() {
        let known = m == MODULE || extra.contains(&m);
        if !known || linker.host_func_type(m, name).map(ExternType::Func).as_ref() != Some(&ty) {
            return bad(format!("unknown import `{m}::{name}` of type {ty}"));
        }
    }
    Ok(())
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// `_start` returned (code 0) or the program called `proc_exit(code)`.
    Exit(u32),
    /// The program trapped.
    Trap(Trap),
    OutOfGas,
    /// A write to stdout or stderr passed its cap.
    OutputLimit {
        stream: &'static str,
        limit: usize,
    },
}

impl Outcome {
    /// The process exit code: the program's (255 for codes above 255, which a process
    /// cannot report), 1 for a trap, running out of gas or an output cap.
    pub fn exit_code(&self) -> u8 {
        match self {
            Outcome::Exit(c) => u8::try_from(*c).unwrap_or(255),
            _ => 1,
        }
    }

    pub fn is_success(&self) -> bool {
        *self == Outcome::Exit(0)
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::Exit(c) => write!(f, "exit {c}"),
            Outcome::Trap(t) => write!(f, "trap: {t}"),
            Outcome::OutOfGas => write!(f, "trap: out of gas"),
            Outcome::OutputLimit { stream, limit } => write!(f, "{stream} exceeded its limit of {limit} bytes"),
        }
    }
}

/// The outcome of a run whose `_start` (or instantiation) gave `result`, with the context's
/// recorded stop. `Err` for failures that are not the program's (a link error).
pub fn outcome(result: Result<(), Error>, stop: Option<&Stop>) -> Result<Outcome, Error> {
    match (result, stop) {
        (_, Some(Stop::Exit(c))) => Ok(Outcome::Exit(*c)),
        (_, Some(Stop::OutOfGas)) => Ok(Outcome::OutOfGas),
        (_, Some(Stop::OutputLimit { stream, limit })) => Ok(Outcome::OutputLimit { stream, limit: *limit }),
        (Ok(()), None) => Ok(Outcome::Exit(0)),
        (Err(Error::Trap(t)), None) if t.code() == TrapCode::OutOfGas => Ok(Outcome::OutOfGas),
        (Err(Error::Trap(t)), None) => Ok(Outcome::Trap(t)),
        (Err(e), None) => Err(e),
    }
}

/// What a run produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunResult {
    pub outcome: Outcome,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// With metering: the gas used by instantiation (the start function, if any) and
    /// `_start`, WASI calls included; all of it when the run ran out.
    pub gas_used: Option<u64>,
}

/// A linker with `wasi_snapshot_preview1` over a [`WasiCtx`] host state.
pub fn linker(engine: &Engine) -> Result<Linker<WasiCtx>, Error> {
    let mut linker = Linker::new(engine);
    add_to_linker(&mut linker, |ctx| ctx)?;
    Ok(linker)
}

/// Runs the command `module` once in a fresh store, with `gas` if the engine meters.
pub fn run_command(
    linker: &Linker<WasiCtx>,
    module: &Module,
    ctx: WasiCtx,
    gas: Option<u64>,
) -> Result<RunResult, WasiError> {
    check_command(module, linker, &[])?;
    let mut store = Store::new(linker.engine(), ctx);
    let limit = gas.unwrap_or(0);
    store.set_gas(limit);
    let result = linker.instantiate(&mut store, module).and_then(|instance| {
        let start = instance.get_typed_func::<(), ()>(&store, "_start")?;
        start.call(&mut store, ())
    });
    let outcome = outcome(result, store.data().stop()).map_err(WasiError::Link)?;
    let gas_used = store.gas_left().map(|left| if outcome == Outcome::OutOfGas { limit } else { limit - left });
    let (stdout, stderr) = store.data_mut().take_output();
    Ok(RunResult { outcome, stdout, stderr, gas_used })
}
