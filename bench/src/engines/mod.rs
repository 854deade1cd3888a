//! The engine abstraction: every engine under test sits behind [`WasmEngine`], so suites
//! treat gasket and its peers alike. Add an engine by adding a module and a registry entry.

mod gasket;
mod wasmi;

/// An argument of an exported function. Workloads only take integers.
#[derive(Debug, Clone, Copy)]
pub enum Arg {
    I32(i32),
    #[allow(dead_code)] // no current workload takes an i64; the engines support it
    I64(i64),
}

/// Why an engine failed: preparation, instantiation or the call itself, with its message.
pub type EngineResult<T> = Result<T, String>;

/// An engine under test.
pub trait WasmEngine {
    /// Short identifier used in tables, e.g. `wasmi-eager`.
    fn name(&self) -> &'static str;
    /// Validates and translates a binary module (whatever the engine does in `Module::new`).
    fn prepare(&self, wasm: &[u8]) -> EngineResult<Box<dyn Prepared>>;
}

/// A prepared module of some engine.
pub trait Prepared {
    /// A fresh instance in a fresh store; no imports are provided.
    fn instantiate(&self) -> EngineResult<Box<dyn Instance>>;
}

/// A live instance.
pub trait Instance {
    /// Calls an export with integer arguments; an `i32` result is sign-extended to `i64`.
    fn call(&mut self, export: &str, args: &[Arg]) -> EngineResult<i64>;
}

/// What an engine takes part in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Roles {
    pub prepare: bool,
    pub execute: bool,
}

/// One registered engine.
pub struct Entry {
    pub engine: Box<dyn WasmEngine>,
    pub roles: Roles,
}

/// Name of the engine every ratio is taken against (the numerator).
pub const SUBJECT: &str = "gasket";

/// All engines, subject first. Lazy wasmi modes defer translation (and, for `Lazy`,
/// validation) to first call, so they only make sense as preparation baselines.
pub fn registry() -> Vec<Entry> {
    let both = Roles { prepare: true, execute: true };
    let prepare_only = Roles { prepare: true, execute: false };
    // Metered variants: their execution time, against the unmetered runs, is the metering cost.
    let execute_only = Roles { prepare: false, execute: true };
    vec![
        Entry { engine: Box::new(gasket::Gasket::new()), roles: both },
        Entry { engine: Box::new(wasmi::Wasmi::new(wasmi::Mode::Eager)), roles: both },
        Entry { engine: Box::new(gasket::Gasket::metered()), roles: execute_only },
        Entry { engine: Box::new(wasmi::Wasmi::new(wasmi::Mode::EagerFuel)), roles: execute_only },
        Entry { engine: Box::new(wasmi::Wasmi::new(wasmi::Mode::LazyTranslation)), roles: prepare_only },
        Entry { engine: Box::new(wasmi::Wasmi::new(wasmi::Mode::Lazy)), roles: prepare_only },
    ]
}

/// The engines that take part in preparation or in execution.
pub fn with_role(pick: impl Fn(Roles) -> bool) -> Vec<Box<dyn WasmEngine>> {
    registry().into_iter().filter(|e| pick(e.roles)).map(|e| e.engine).collect()
}
