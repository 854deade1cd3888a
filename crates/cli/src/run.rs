//! `gasket run FILE --invoke NAME [ARGS...]`: prepares a module (binary or text), instantiates
//! it with no imports, calls one exported function with arguments parsed by its parameter
//! types, and prints each result as `type:value`. With `--gas N` the engine meters
//! (docs/gas.md) and a last line `gas_used: N` follows, after a trap too. Every failure is a
//! typed [`RunError`] with its exit code: 1 for a trap (out of gas included), 2 for
//! everything else.

use std::io::Write;
use std::path::{Path, PathBuf};

use gasket::{Config, Engine, Error, GasSchedule, Linker, Module, Store, Trap, Val};

use crate::args::{self, ArgError};
use crate::{EXIT_ERROR, EXIT_FAILED, EXIT_OK};

/// Why `gasket run` did not produce results.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("cannot read {}: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    /// `Module::new` rejected the module: invalid, unsupported, over a limit, or bad text.
    #[error("{0}")]
    Module(Error),
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
    /// Any other engine error (instantiation or a misuse of the API).
    #[error("{0}")]
    Engine(Error),
}

impl RunError {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Trap(_) => EXIT_FAILED,
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
}

/// Loads `file`, instantiates it without imports and calls `name` with `args`, metered with
/// `gas` when given.
pub fn run(file: &Path, name: &str, args: &[String], gas: Option<u64>) -> Outcome {
    let mut gas_used = None;
    let result = call(file, name, args, gas, &mut gas_used);
    Outcome { result, gas_used }
}

fn call(
    file: &Path,
    name: &str,
    args: &[String],
    gas: Option<u64>,
    gas_used: &mut Option<u64>,
) -> Result<Vec<Val>, RunError> {
    let bytes = std::fs::read(file).map_err(|source| RunError::Read { path: file.to_path_buf(), source })?;
    let config = Config { metering: gas.map(|_| GasSchedule::default()), ..Config::default() };
    let engine = Engine::new(&config);
    let module = Module::new(&engine, &bytes).map_err(RunError::Module)?;
    if let Some((m, n, _)) = module.imports().next() {
        return Err(RunError::Import { module: m.to_string(), name: n.to_string() });
    }
    let mut store = Store::new(&engine, ());
    let limit = gas.unwrap_or(0);
    store.set_gas(limit);
    let used = |store: &Store<()>| store.gas_left().map(|left| limit - left);
    let instance = Linker::new(&engine).instantiate(&mut store, &module);
    *gas_used = used(&store);
    let instance = instance.map_err(classify)?;
    let func = instance.get_func(&store, name).ok_or_else(|| RunError::MissingExport(name.to_string()))?;
    let ty = func.ty(&store).map_err(RunError::Engine)?;
    if ty.params().len() != args.len() {
        return Err(RunError::ArgCount { name: name.to_string(), expected: ty.params().len(), given: args.len() });
    }
    let params = ty.params().iter().zip(args).map(|(t, a)| args::parse(*t, a)).collect::<Result<Vec<_>, _>>()?;
    let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
    let outcome = func.call(&mut store, &params, &mut results);
    *gas_used = used(&store);
    outcome.map_err(classify)?;
    Ok(results)
}

/// The `run` command: results to `out`, one per line; errors to `err`. Returns the exit code.
pub fn command(
    file: &Path,
    name: &str,
    args: &[String],
    gas: Option<u64>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    // Write errors on the output streams (a closed pipe) cannot be reported anywhere else.
    let outcome = run(file, name, args, gas);
    let code = match outcome.result {
        Ok(results) => {
            for v in &results {
                let _ = writeln!(out, "{v}");
            }
            EXIT_OK
        }
        Err(e @ RunError::Trap(_)) => {
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
