//! Running instrumented modules on wasmi 2.0: the engine configuration (fuel off, eager
//! compilation, Wasm 2.0 without SIMD, recursion depth and memory/table limits set to
//! gasket's defaults), the store state holding the gas counter, the `gasket_ref` host
//! functions that make the charges of docs/gas.md §1 and §4, and the mapping of wasmi
//! results onto [`Outcome`].
//!
//! Known difference from gasket that no knob removes: both engines bound their value stack
//! (gasket: 1 Mi cells; here wasmi gets the same 8 MiB), but each lays out frames its own way,
//! so a recursion that exhausts the value stack (rather than the call depth) may stop at a
//! different depth, and so with different gas, in the two engines.

use std::fmt;

use wasmi::errors::{ErrorKind, HostError, InstantiationError};
use wasmi::{
    Caller, CompilationMode, Config, Engine, Error, Extern, Linker, Module, Store, StoreLimits, StoreLimitsBuilder,
};

use crate::host_names as names;
use crate::{Outcome, Schedule, TrapKind};

/// Wasm page size in bytes.
const PAGE: u64 = 65536;
/// Largest page count of a 32-bit memory.
const MAX_PAGES: u64 = 65536;

/// The runtime limits that decide whether a growth succeeds and how deep calls nest. The
/// defaults are gasket's (`Limits::max_memory_pages`, `Limits::max_table_elements`,
/// `DEFAULT_MAX_CALL_DEPTH`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefLimits {
    pub max_memory_pages: u32,
    pub max_table_elements: u32,
    pub max_call_depth: u32,
    /// wasmi's value-stack bound in bytes. Default 8 MiB: gasket's default value stack of
    /// 1 Mi cells of 8 bytes. The two engines lay frames out differently, so this bounds
    /// the same nominal size, not necessarily the same depth.
    pub max_value_stack_bytes: usize,
}

impl Default for RefLimits {
    fn default() -> Self {
        Self {
            max_memory_pages: 1024,
            max_table_elements: 10_000,
            max_call_depth: 16_384,
            max_value_stack_bytes: 8 << 20,
        }
    }
}

/// The host error of a failed charge; [`outcome`] maps it to [`Outcome::OutOfGas`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfGas;

impl fmt::Display for OutOfGas {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("out of gas (reference meter)")
    }
}

impl HostError for OutOfGas {}

/// The store state: the gas counter and what the host functions need to charge.
#[derive(Debug)]
pub struct RefState {
    /// The WASI state of a run of a WASI command (crate::wasi); empty otherwise.
    pub wasi: gasket_wasi::WasiCtx,
    gas: u64,
    schedule: Schedule,
    limits: RefLimits,
    store_limits: StoreLimits,
}

impl RefState {
    /// Gas left.
    pub fn gas_left(&self) -> u64 {
        self.gas
    }

    /// Sets the gas left.
    pub fn set_gas(&mut self, gas: u64) {
        self.gas = gas;
    }

    /// A charge (docs/gas.md §1): fails, leaving the counter unchanged, if `cost` exceeds it.
    pub fn charge(&mut self, cost: u64) -> Result<(), Error> {
        match self.gas.checked_sub(cost) {
            Some(left) => {
                self.gas = left;
                Ok(())
            }
            None => Err(Error::host(OutOfGas)),
        }
    }
}

/// A wasmi engine and linker configured for the reference meter.
#[derive(Debug)]
pub struct RefMeter {
    engine: Engine,
    schedule: Schedule,
    limits: RefLimits,
}

/// wasmi configured for Wasm 2.0 as gasket accepts it: the proposals wasmi enables by default
/// beyond it (tail calls, extended-const, multi-memory, memory64, wide arithmetic, custom page
/// sizes) off; SIMD is a build feature wasmi is built without here. The one copy of this
/// configuration: the reference meter and the fuzz checks start from it.
pub fn wasm2_config() -> Config {
    let mut config = Config::default();
    config
        .wasm_tail_call(false)
        .wasm_extended_const(false)
        .wasm_multi_memory(false)
        .wasm_memory64(false)
        .wasm_wide_arithmetic(false)
        .wasm_custom_page_sizes(false);
    config
}

impl RefMeter {
    pub fn new(schedule: Schedule, limits: RefLimits) -> Self {
        let mut config = wasm2_config();
        config
            .consume_fuel(false)
            .compilation_mode(CompilationMode::Eager)
            .set_max_recursion_depth(limits.max_call_depth as usize)
            // The minimum first, so that a small maximum never falls below it (wasmi panics).
            .set_min_stack_height(limits.max_value_stack_bytes.min(1_000))
            .set_max_stack_height(limits.max_value_stack_bytes);
        Self { engine: Engine::new(&config), schedule, limits }
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    pub fn schedule(&self) -> &Schedule {
        &self.schedule
    }

    /// A fresh store with `gas` gas left, with memory and table growth limited as in gasket.
    pub fn store(&self, gas: u64) -> Store<RefState> {
        let store_limits = StoreLimitsBuilder::new()
            .memory_size((u64::from(self.limits.max_memory_pages) * PAGE) as usize)
            .table_elements(self.limits.max_table_elements as usize)
            .instances(usize::MAX)
            .tables(usize::MAX)
            .memories(usize::MAX)
            .build();
        let state = RefState {
            wasi: gasket_wasi::WasiCtx::default(),
            gas,
            schedule: self.schedule,
            limits: self.limits,
            store_limits,
        };
        let mut store = Store::new(&self.engine, state);
        store.limiter(|s| &mut s.store_limits);
        store
    }

    /// Compiles an instrumented module (eagerly).
    pub fn module(&self, instrumented: &[u8]) -> Result<Module, Error> {
        Module::new(&self.engine, instrumented)
    }

    /// A linker with the `gasket_ref` host functions defined.
    pub fn linker(&self) -> Linker<RefState> {
        let mut linker = Linker::new(&self.engine);
        // Defining five distinct names in an empty linker cannot collide.
        let _ = define_host(&mut linker);
        linker
    }
}

/// Defines the `gasket_ref` host functions in `linker`.
pub fn define_host(linker: &mut Linker<RefState>) -> Result<(), Error> {
    linker.func_wrap(names::MODULE, names::GAS, |mut c: Caller<'_, RefState>, cost: i64| {
        c.data_mut().charge(cost as u64)
    })?;
    linker.func_wrap(names::MODULE, names::MEMORY_GROW, |mut c: Caller<'_, RefState>, delta: i32| {
        let delta = delta as u32;
        let memory = c
            .get_export(names::MEMORY_EXPORT)
            .and_then(Extern::into_memory)
            .ok_or_else(|| Error::new("instrumented module exports no memory"))?;
        let (size, max) = (memory.size(&c), memory.ty(&c).maximum());
        let limit = max.unwrap_or(MAX_PAGES).min(u64::from(c.data().limits.max_memory_pages));
        if size + u64::from(delta) <= limit {
            let cost = c.data().schedule.memory_grow_charge(delta);
            c.data_mut().charge(cost)?;
        }
        Ok(())
    })?;
    linker.func_wrap(names::MODULE, names::BULK_MEMORY, |mut c: Caller<'_, RefState>, n: i32| {
        let cost = c.data().schedule.bulk_memory_charge(n as u32);
        c.data_mut().charge(cost)
    })?;
    linker.func_wrap(names::MODULE, names::TABLE_GROW, |mut c: Caller<'_, RefState>, table: i32, delta: i32| {
        let delta = delta as u32;
        let t = c
            .get_export(&names::table_export(table as u32))
            .and_then(Extern::into_table)
            .ok_or_else(|| Error::new("instrumented module does not export the table"))?;
        let (size, max) = (t.size(&c), t.ty(&c).maximum());
        let limit = max.unwrap_or(u64::from(u32::MAX)).min(u64::from(c.data().limits.max_table_elements));
        if size + u64::from(delta) <= limit {
            let cost = c.data().schedule.table_charge(delta);
            c.data_mut().charge(cost)?;
        }
        Ok(())
    })?;
    linker.func_wrap(names::MODULE, names::BULK_TABLE, |mut c: Caller<'_, RefState>, n: i32| {
        let cost = c.data().schedule.table_charge(n as u32);
        c.data_mut().charge(cost)
    })?;
    Ok(())
}

/// The outcome of a wasmi call or instantiation.
pub fn outcome<T>(result: &Result<T, Error>) -> Outcome {
    match result {
        Ok(_) => Outcome::Ok,
        Err(e) => error_outcome(e),
    }
}

/// The engine-neutral kind of a wasmi trap code (the mapping documented on [`TrapKind`]).
/// Shared with gasket's differential fuzzer, which compares against wasmi the same way.
pub fn wasmi_trap_kind(code: wasmi::TrapCode) -> TrapKind {
    use wasmi::TrapCode as W;
    match code {
        W::UnreachableCodeReached => TrapKind::Unreachable,
        W::MemoryOutOfBounds => TrapKind::MemoryOutOfBounds,
        W::TableOutOfBounds => TrapKind::TableOutOfBounds,
        W::IndirectCallToNull => TrapKind::UninitializedElement,
        W::IntegerDivisionByZero => TrapKind::IntegerDivisionByZero,
        W::IntegerOverflow => TrapKind::IntegerOverflow,
        W::BadConversionToInteger => TrapKind::InvalidConversionToInteger,
        W::StackOverflow => TrapKind::StackExhausted,
        W::BadSignature => TrapKind::IndirectCallTypeMismatch,
        W::OutOfFuel | W::GrowthOperationLimited | W::OutOfSystemMemory => TrapKind::Other,
    }
}

/// The outcome a wasmi error stands for.
pub fn error_outcome(e: &Error) -> Outcome {
    if e.downcast_ref::<OutOfGas>().is_some() {
        return Outcome::OutOfGas;
    }
    if let Some(code) = e.as_trap_code() {
        return Outcome::Trap(wasmi_trap_kind(code));
    }
    if let ErrorKind::Instantiation(InstantiationError::ElementSegmentDoesNotFit { .. }) = e.kind() {
        // An active element segment out of bounds at instantiation: a trap in gasket.
        return Outcome::Trap(TrapKind::TableOutOfBounds);
    }
    if matches!(e.kind(), ErrorKind::Host(_)) {
        return Outcome::Trap(TrapKind::Host);
    }
    Outcome::Error
}
