//! The engine abstraction: every engine under test sits behind [`WasmEngine`], so suites
//! treat gasket and its peers alike. Add an engine by adding a module and a registry entry.

mod gasket;
pub mod host;
mod native;
mod wasmi;
mod wasmtime;

pub use host::{HostAccess, HostState};
pub use native::kernel as native_kernel;

/// An argument of an exported function. Workloads only take integers.
#[derive(Debug, Clone, Copy)]
pub enum Arg {
    I32(i32),
    #[allow(dead_code)] // no current workload takes an i64; the engines support it
    I64(i64),
}

/// Why an engine failed: preparation, instantiation or the call itself, with its message.
pub type EngineResult<T> = Result<T, String>;

/// What a host function import does when the guest calls it. Every function import of a
/// module must have a stub; memory imports get a fresh memory of the import's minimum size.
/// Every engine runs a stub through [`host::run_stub`].
#[derive(Debug, Clone, Copy)]
pub struct Stub {
    pub module: &'static str,
    pub name: &'static str,
    pub action: StubAction,
}

#[derive(Debug, Clone, Copy)]
pub enum StubAction {
    /// Return this value (as the import's single i32 or i64 result), always the same.
    Return(i64),
    /// Trap with a message naming the import and its first argument.
    Trap,
    /// Return the host's monotonic clock in nanoseconds ([`host::clock_ns`]).
    Clock,
    /// A host function over the caller's memory and the store's [`HostState`].
    Host(host::HostFn),
}

/// Finds the stub of an import, or says which one is missing.
pub fn stub_for(stubs: &[Stub], module: &str, name: &str) -> EngineResult<StubAction> {
    stubs
        .iter()
        .find(|s| s.module == module && s.name == name)
        .map(|s| s.action)
        .ok_or_else(|| format!("no stub for imported function {module}::{name}"))
}

/// An engine under test.
pub trait WasmEngine {
    /// Short identifier used in tables, e.g. `wasmi-eager`.
    fn name(&self) -> &'static str;
    /// Validates and translates (or compiles) a binary module: whatever the engine does in
    /// `Module::new`.
    fn prepare(&self, wasm: &[u8]) -> EngineResult<Box<dyn Prepared>>;
    /// Native code runs only the Rust-source workloads, by export name.
    fn is_native(&self) -> bool {
        false
    }
}

/// A prepared module of some engine.
pub trait Prepared {
    /// A fresh instance in a fresh store, imports resolved with `stubs`.
    fn instantiate(&self, stubs: &[Stub]) -> EngineResult<Box<dyn Instance>>;
}

/// A live instance.
pub trait Instance {
    /// Calls an export with integer arguments, adapted to the function's arity the way a
    /// JavaScript caller's are (missing ones are 0, extra ones dropped). An `i32` result is
    /// sign-extended to `i64`; no result reads as 0.
    fn call(&mut self, export: &str, args: &[Arg]) -> EngineResult<i64>;
    /// Writes bytes into the exported memory `memory`, or the imported one if none is exported.
    fn write(&mut self, offset: u32, bytes: &[u8]) -> EngineResult<()>;
    /// Reads bytes from the memory `write` writes.
    fn read(&mut self, offset: u32, len: u32) -> EngineResult<Vec<u8>>;
    /// Value of an exported i32 global.
    fn global_i32(&mut self, name: &str) -> EngineResult<i32>;
    /// The state the host functions of this instance's store share (contract storage, input,
    /// return data).
    fn host(&mut self) -> EngineResult<&mut HostState>;
}

/// The arguments `args` adapted to a function with `params` parameters (JavaScript-style).
pub fn adapt(args: &[Arg], params: usize) -> impl Iterator<Item = Option<Arg>> + '_ {
    (0..params).map(move |i| args.get(i).copied())
}

/// Checks an access of `len` bytes at `offset` against a memory of `size` bytes.
pub fn span(offset: u32, len: usize, size: usize) -> EngineResult<std::ops::Range<usize>> {
    let start = offset as usize;
    match start.checked_add(len) {
        Some(end) if end <= size => Ok(start..end),
        _ => Err(format!("memory access {start}+{len} out of bounds ({size} bytes)")),
    }
}

/// Writes `bytes` into a guest memory's `data` at `offset`, checked: every engine's
/// [`Instance::write`].
pub fn copy_in(data: &mut [u8], offset: u32, bytes: &[u8]) -> EngineResult<()> {
    let r = span(offset, bytes.len(), data.len())?;
    data[r].copy_from_slice(bytes);
    Ok(())
}

/// Reads `len` bytes of a guest memory's `data` at `offset`, checked: every engine's
/// [`Instance::read`].
pub fn copy_out(data: &[u8], offset: u32, len: u32) -> EngineResult<Vec<u8>> {
    Ok(data[span(offset, len as usize, data.len())?].to_vec())
}

/// What an engine takes part in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Roles {
    pub prepare: bool,
    pub instantiate: bool,
    pub execute: bool,
}

/// One registered engine.
pub struct Entry {
    pub engine: Box<dyn WasmEngine>,
    pub roles: Roles,
}

/// Name of the engine every ratio is taken against (the numerator): the interpreter, the reference.
pub const SUBJECT: &str = "gasket";
/// gasket's compiled tier (`Tier::Compiler`), the second numerator.
pub const COMPILED: &str = "gasket-compiled";
/// The numerators of the ratio columns, in the order the report shows them.
pub const SUBJECTS: [&str; 2] = [SUBJECT, COMPILED];

/// All engines, subject first. Lazy wasmi modes defer translation (and, for `Lazy`,
/// validation) to first call, so they only make sense as preparation baselines. Metered
/// variants only execute: their time against the unmetered runs is the metering cost.
pub fn registry() -> Vec<Entry> {
    use ::gasket::Tier;
    let all = Roles { prepare: true, instantiate: true, execute: true };
    let prepare_only = Roles { prepare: true, instantiate: false, execute: false };
    let execute_only = Roles { prepare: false, instantiate: false, execute: true };
    vec![
        Entry { engine: Box::new(gasket::Gasket::new(Tier::Interpreter, false)), roles: all },
        Entry { engine: Box::new(gasket::Gasket::new(Tier::Compiler, false)), roles: all },
        Entry { engine: Box::new(wasmi::Wasmi::new(wasmi::Mode::Eager)), roles: all },
        Entry { engine: Box::new(wasmtime::Wasmtime::new(wasmtime::Compiler::Cranelift, false)), roles: all },
        Entry { engine: Box::new(wasmtime::Wasmtime::new(wasmtime::Compiler::Winch, false)), roles: all },
        Entry { engine: Box::new(native::Native), roles: execute_only },
        Entry { engine: Box::new(gasket::Gasket::new(Tier::Interpreter, true)), roles: execute_only },
        Entry { engine: Box::new(gasket::Gasket::new(Tier::Compiler, true)), roles: execute_only },
        Entry { engine: Box::new(wasmi::Wasmi::new(wasmi::Mode::EagerFuel)), roles: execute_only },
        Entry { engine: Box::new(wasmtime::Wasmtime::new(wasmtime::Compiler::Cranelift, true)), roles: execute_only },
        Entry { engine: Box::new(wasmtime::Wasmtime::new(wasmtime::Compiler::Winch, true)), roles: execute_only },
        Entry { engine: Box::new(wasmi::Wasmi::new(wasmi::Mode::LazyTranslation)), roles: prepare_only },
        Entry { engine: Box::new(wasmi::Wasmi::new(wasmi::Mode::Lazy)), roles: prepare_only },
    ]
}

/// Engine names given with `--engine` (profiling one engine); every engine when unset or empty.
static ONLY: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();

/// Restricts every suite to the engines named (called once, from `main`).
pub fn only(names: Vec<String>) {
    let _ = ONLY.set(names);
}

/// The engines that take part in preparation, instantiation or execution.
pub fn with_role(pick: impl Fn(Roles) -> bool) -> Vec<Box<dyn WasmEngine>> {
    let named = |e: &Entry| ONLY.get().is_none_or(|o| o.is_empty() || o.iter().any(|n| n == e.engine.name()));
    registry().into_iter().filter(|e| pick(e.roles) && named(e)).map(|e| e.engine).collect()
}
