//! gasket-refmeter: an independent reference implementation of gasket's gas specification
//! (docs/gas.md), built from the text of the spec alone. [`instrument`] rewrites a Wasm 2.0
//! module so that it charges gas itself, through host functions of module `gasket_ref`; the
//! [`runtime`] module runs such modules on wasmi 2.0 (fuel off, eager compilation, limits set
//! to gasket's defaults) with those host functions. Comparing the gas a call uses there with
//! the gas gasket's built-in meter reports checks gasket against the spec. [`canon`] makes
//! wasm-smith's modules deterministic where the spec is not, so that comparing results with
//! wasmi is meaningful (the equality tests here and the differential fuzz target use it).
//!
//! ```
//! use gasket_refmeter::{instrument, runtime, Schedule};
//! let wasm = wat::parse_str(r#"(module (func (export "f") (result i32)
//!     (local i32) i32.const 1 local.set 0 local.get 0))"#).unwrap();
//! let schedule = Schedule::default();
//! let meter = runtime::RefMeter::new(schedule, runtime::RefLimits::default());
//! let mut store = meter.store(1_000);
//! let module = meter.module(&instrument(&wasm, &schedule)?).unwrap();
//! let instance = meter.linker().instantiate_and_start(&mut store, &module).unwrap();
//! let f = instance.get_typed_func::<(), i32>(&store, "f").unwrap();
//! assert_eq!(f.call(&mut store, ()).unwrap(), 1);
//! // entry_per_local 1 + i32.const 1 + local.set 1 + local.get 1 + end 0
//! assert_eq!(store.data().gas_left(), 1_000 - 4);
//! # Ok::<(), gasket_refmeter::InstrumentError>(())
//! ```
#![forbid(unsafe_code)]

pub mod canon;
mod error;
mod outcome;
pub mod runtime;
mod schedule;
pub mod wasi;
mod wasm;

pub use error::InstrumentError;
pub use outcome::{Outcome, TrapKind};
pub use schedule::Schedule;

/// Names the instrumented module uses to reach its host.
pub mod host_names {
    /// Module name of every added import.
    pub const MODULE: &str = "gasket_ref";
    /// `gas(cost: i64)`: the static charge of a run.
    pub const GAS: &str = "gas";
    /// `gas_memory_grow(delta: i32)`: before `memory.grow`.
    pub const MEMORY_GROW: &str = "gas_memory_grow";
    /// `gas_bulk_memory(n: i32)`: before `memory.fill`, `memory.copy`, `memory.init`.
    pub const BULK_MEMORY: &str = "gas_bulk_memory";
    /// `gas_table_grow(table: i32, delta: i32)`: before `table.grow`.
    pub const TABLE_GROW: &str = "gas_table_grow";
    /// `gas_bulk_table(n: i32)`: before `table.fill`, `table.copy`, `table.init`.
    pub const BULK_TABLE: &str = "gas_bulk_table";
    /// Prefix of the reserved exports; an input module may not use it.
    pub const EXPORT_PREFIX: &str = "gasket_ref:";
    /// Export name of memory 0.
    pub const MEMORY_EXPORT: &str = "gasket_ref:memory";

    /// Export name of table `index`.
    pub fn table_export(index: u32) -> String {
        format!("{EXPORT_PREFIX}table:{index}")
    }
}

/// Rewrites a Wasm 2.0 (no SIMD) module into one that charges gas per docs/gas.md under
/// `schedule`, through the host functions named in [`host_names`]. The input must be valid;
/// invalid or unsupported input is a typed error, never a panic.
pub fn instrument(bytes: &[u8], schedule: &Schedule) -> Result<Vec<u8>, InstrumentError> {
    wasm::instrument(bytes, schedule)
}

/// The static charges the rewriter inserts, per defined function in order: `(operator
/// index, cost)` for every run with a non-zero cost, the index counting the body's operators
/// from 0 (the final `end` included). For tests of the run rule (docs/gas.md §3).
pub fn static_charges(bytes: &[u8], schedule: &Schedule) -> Result<Vec<Vec<(usize, u64)>>, InstrumentError> {
    wasm::charges_per_function(bytes, schedule)
}
