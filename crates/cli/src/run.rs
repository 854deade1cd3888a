//! `gasket run FILE --invoke NAME [ARGS...]`: prepares a module (binary or text), instantiates
//! it with no imports, calls one exported function with arguments parsed by its parameter
//! types, and prints each result as `type:value`. With `--gas N` the engine meters
//! (docs/gas.md) and a last line `gas_used: N` follows, after a trap too. Every failure is a
//! typed [`RunError`] with its exit code: 1 for a trap (out of gas included), 2 for
//! everything else. A trap while instantiating says where it came from: the start function,
//! or the initialisation of an active segment.
//!
//! With `--resume-gas M` (docs/resume.md) the call is made with `Func::call_resumable`: at
//! each out-of-gas pause a line `paused: out of gas at N` (N the gas used so far) is printed
//! and M more gas given, until `--max-gas T` in total (`--gas` included) if set; `gas_used` is
//! then the gas of the whole call, which equals that of one call given enough gas.

use std::io::Write;
use std::path::{Path, PathBuf};

use gasket::{Config, Engine, Error, GasSchedule, Linker, Module, ResumableCall, Store, Tier, Trap, TrapCode, Val};

use crate::args::{self, ArgError};
use crate::input::{self, InputError};
use crate::{EXIT_ERROR, EXIT_FAILED, EXIT_OK};

/// Why `gasket run` did not produce results.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Input(#[from] InputError),
    /// The engine rejected the module: invalid, unsupported, or over a limit.
    #[error("{}: {source}{note}", path.display())]
    Module { path: PathBuf, source: Error, note: &'static str },
    #[error("the module imports `{module}::{name}`, but `gasket run` provides no imports yet")]
    Import { module: String, name: String },
    #[error("the module has no exported function `{0}`")]
    MissingExport(String),
    #[error("function `{name}` takes {expected} arguments, {given} given")]
    ArgCount { name: String, expected: usize, given: usize },
    #[error(transparent)]
    Arg(#[from] ArgError),
    #[error("trap: {0}")]
    Trap(Trap),
    /// The module's start function trapped, during instantiation.
    #[error("trap in the start function: {0}")]
    StartTrap(Trap),
    /// An active data or element segment did not fit, during instantiation.
    #[error("trap while initialising an active segment: {0}")]
    SegmentTrap(Trap),
    /// Any other engine error (instantiation or a misuse of the API).
    #[error("{0}")]
    Engine(Error),
}

impl RunError {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Trap(_) | Self::StartTrap(_) | Self::SegmentTrap(_) => EXIT_FAILED,
            _ => EXIT_ERROR,
        }
    }
}

/// Engine errors after preparation: traps stay traps, the rest are engine errors.
fn classify(e: Error) -> RunError {
    match e {
        Error::Trap(t) => RunError::Trap(t),
        e => RunError::Engine(e),
    }
}

/// What `run` produced: results or an error, and the gas used when metering.
pub struct Outcome {
    pub result: Result<Vec<Val>, RunError>,
    /// `Some` when run with a gas limit and execution started (instantiation included).
    pub gas_used: Option<u64>,
    /// With [`TopUp`]: the gas used so far at each out-of-gas pause, in order.
    pub pauses: Vec<u64>,
}

/// `--resume-gas M [--max-gas T]`: top up by `step` at each out-of-gas pause, until `max`
/// given in total (the initial gas included), if set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TopUp {
    pub step: u64,
    pub max: Option<u64>,
}

/// Loads `file`, instantiates it without imports and calls `name` with `args`, metered with
/// `gas` when given, resumably with `resume` when given.
pub fn run(file: &Path, name: &str, args: &[String], gas: Option<u64>, resume: Option<TopUp>, tier: Tier) -> Outcome {
    let mut gas_used = None;
    let mut pauses = Vec::new();
    let result = call(file, name, args, gas, resume, tier, &mut gas_used, &mut pauses);
    Outcome { result, gas_used, pauses }
}

#[allow(clippy::too_many_arguments)]
fn call(
    file: &Path,
    name: &str,
    args: &[String],
    gas: Option<u64>,
    resume: Option<TopUp>,
    tier: Tier,
    gas_used: &mut Option<u64>,
    pauses: &mut Vec<u64>,
) -> Result<Vec<Val>, RunError> {
    let loaded = input::load(file)?;
    let config = Config { metering: gas.map(|_| GasSchedule::default()), tier, ..Config::default() };
    let engine = Engine::new(&config);
    let module = Module::from_binary(&engine, &loaded.binary).map_err(|source| RunError::Module {
        path: file.to_path_buf(),
        source,
        note: input::offsets_note(&loaded),
    })?;
    if let Some((m, n, _)) = module.imports().next() {
        return Err(RunError::Import { module: m.to_string(), name: n.to_string() });
    }
    let mut store = Store::new(&engine, ());
    let limit = gas.unwrap_or(0);
    store.set_gas(limit);
    let used = |store: &Store<()>| store.gas_left().map(|left| limit - left);
    let instance = Linker::new(&engine).instantiate(&mut store, &module);
    *gas_used = used(&store);
    let instance = instance.map_err(|e| match e {
        Error::Trap(t) if module.has_start() => instantiation_trap(&engine, &loaded.binary, t),
        Error::Trap(t) => RunError::SegmentTrap(t),
        e => classify(e),
    })?;
    let func = instance.get_func(&store, name).ok_or_else(|| RunError::MissingExport(name.to_string()))?;
    let ty = func.ty(&store).map_err(RunError::Engine)?;
    if ty.params().len() != args.len() {
        return Err(RunError::ArgCount { name: name.to_string(), expected: ty.params().len(), given: args.len() });
    }
    let params = ty.params().iter().zip(args).map(|(t, a)| args::parse(*t, a)).collect::<Result<Vec<_>, _>>()?;
    if let Some(top_up) = resume {
        let mut given = limit;
        let used = |store: &Store<()>, given: u64| store.gas_left().map(|left| given - left);
        let mut call = func.call_resumable(&mut store, &params);
        let outcome = loop {
            let handle = match call {
                Ok(ResumableCall::OutOfGas(handle)) => handle,
                Ok(ResumableCall::Finished(results)) => break Ok(results),
                // `gasket run` provides no host functions, so none can suspend the call.
                Ok(ResumableCall::HostTrap(h)) => break Err(Error::Usage(format!("unexpected host trap {h:?}"))),
                Err(e) => break Err(e),
            };
            let room = top_up.max.map_or(u64::MAX, |max| max.saturating_sub(given));
            let add = top_up.step.min(room);
            if add == 0 {
                drop(handle);
                break Err(Error::Trap(Trap::new(TrapCode::OutOfGas)));
            }
            pauses.push(used(&store, given).unwrap_or(0));
            let left = store.gas_left().unwrap_or(0);
            given = given.saturating_add(add);
            store.set_gas(left.saturating_add(add));
            call = handle.resume(&mut store);
        };
        *gas_used = used(&store, given);
        return outcome.map_err(classify);
    }
    let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
    let outcome = func.call(&mut store, &params, &mut results);
    *gas_used = used(&store);
    outcome.map_err(classify)?;
    Ok(results)
}

/// Where a trap during instantiation of a module with a start function came from: the same
/// module without its start section is instantiated; if that succeeds, the start function
/// trapped, else an active segment did.
fn instantiation_trap(engine: &Engine, binary: &[u8], trap: Trap) -> RunError {
    let segments_fit = without_start_section(binary)
        .and_then(|b| Module::from_binary(engine, &b).ok())
        .is_some_and(|m| Linker::new(engine).instantiate(&mut Store::new(engine, ()), &m).is_ok());
    if segments_fit {
        RunError::StartTrap(trap)
    } else {
        RunError::SegmentTrap(trap)
    }
}

/// The module's binary with its start section (id 8) removed; `None` if the sections do not
/// parse (the module was valid, so they do).
fn without_start_section(binary: &[u8]) -> Option<Vec<u8>> {
    let mut out = binary.get(..8)?.to_vec();
    let mut at = 8;
    while at < binary.len() {
        let id = binary[at];
        let (mut size, mut shift, mut p) = (0usize, 0, at + 1);
        loop {
            let b = *binary.get(p)?;
            size |= usize::from(b & 0x7f) << shift;
            p += 1;
            shift += 7;
            if b & 0x80 == 0 || shift > 28 {
                break;
            }
        }
        let end = p.checked_add(size).filter(|e| *e <= binary.len())?;
        if id != 8 {
            out.extend_from_slice(&binary[at..end]);
        }
        at = end;
    }
    Some(out)
}

/// The `run` command: pauses, then results, to `out`, one per line; errors to `err`. Returns
/// the exit code.
#[allow(clippy::too_many_arguments)]
pub fn command(
    file: &Path,
    name: &str,
    args: &[String],
    gas: Option<u64>,
    resume: Option<TopUp>,
    tier: Tier,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    // Write errors on the output streams (a closed pipe) cannot be reported anywhere else.
    let outcome = run(file, name, args, gas, resume, tier);
    for at in &outcome.pauses {
        let _ = writeln!(out, "paused: out of gas at {at}");
    }
    let code = match outcome.result {
        Ok(results) => {
            for v in &results {
                let _ = writeln!(out, "{v}");
            }
            EXIT_OK
        }
        Err(e @ (RunError::Trap(_) | RunError::StartTrap(_) | RunError::SegmentTrap(_))) => {
            let _ = writeln!(err, "{e}");
            e.exit_code()
        }
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            e.exit_code()
        }
    };
    if let Some(used) = outcome.gas_used {
        let _ = writeln!(out, "gas_used: {used}");
    }
    code
}
