//! gasket: a deterministic WebAssembly engine for blockchains.
//!
//! Modules are decoded, validated and translated to a private register IR in one pass
//! ([`Module::new`]), then run by a non-recursive interpreter. The embedding API follows
//! wasmi and wasmtime: [`Engine`], [`Module`], [`Store`], [`Linker`], [`Instance`], [`Func`].
//!
//! ```
//! use gasket::{Engine, Linker, Module, Store};
//! let engine = Engine::default();
//! let module = Module::new(&engine, r#"(module (func (export "add") (param i32 i32) (result i32)
//!     local.get 0 local.get 1 i32.add))"#)?;
//! let mut store = Store::new(&engine, ());
//! let instance = Linker::new(&engine).instantiate(&mut store, &module)?;
//! let add = instance.get_typed_func::<(i32, i32), i32>(&store, "add")?;
//! assert_eq!(add.call(&mut store, (2, 40))?, 42);
//! # Ok::<(), gasket::Error>(())
//! ```
// `unsafe` is confined to the interpreter (exec/), which opts in below.
#![deny(unsafe_code)]

mod artifact;
mod bounds;
// The compiler tier: `unsafe` for its executable code, stacks and trampolines.
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod compile;
mod config;
mod decode;
mod engine;
mod error;
#[allow(unsafe_code)]
mod exec;
mod externals;
mod func;
mod gas;
mod instance;
mod ir;
mod linker;
mod module;
mod resume;
mod snapshot;
mod store;
mod translate;
mod trap;
mod value;
mod verify;

pub use artifact::ARTIFACT_FORMAT_VERSION;
pub use bounds::{Bound, BoundsConfig, FuncBounds, Reason};
pub use config::{Config, Floats, Limits, Tier, DEFAULT_MAX_CALL_DEPTH, DEFAULT_MAX_VALUE_STACK};
#[doc(hidden)]
pub use decode::features as wasmparser_features;
pub use engine::Engine;
pub use error::Error;
pub use externals::{Global, Memory, Table};
pub use func::{Caller, Func, HostResult, IntoFunc, TypedFunc, WasmParams, WasmResults, WasmTy};
pub use gas::{prepare_gas, GasSchedule, PREPARE_GAS_BASE, PREPARE_GAS_PER_BYTE};
pub use instance::{Extern, Instance};
pub use linker::Linker;
pub use module::{ExternType, Module, ModuleStats};
pub use resume::{ResumableCall, ResumableHostTrap, ResumableOutOfGas};
pub use snapshot::StoreSnapshot;
pub use store::{AsContext, AsContextMut, Store, StoreInner};
pub use trap::{Trap, TrapCode};
pub use value::{ExternRef, FuncType, GlobalType, Limits32, MemoryType, TableType, Val, ValType};

/// The README's Rust examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;
