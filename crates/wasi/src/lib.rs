//! gasket-wasi: a deterministic, gas-metered `wasi_snapshot_preview1` for gasket
//! (docs/wasi.md).
//!
//! All 46 functions of WASI preview 1 are defined; what a pure computation needs works, and
//! what would make a run depend on the machine is either made deterministic (a virtual clock
//! given by the caller that advances on every read, a seeded generator, stdin from the
//! caller, captured and capped stdout and stderr, an optional read-only in-memory directory)
//! or answers a WASI error. Every pointer is checked against guest memory (`EFAULT`, never a
//! panic); every call is charged gas (docs/gas.md §10).
//!
//! The functions themselves ([`WasiCtx::call`]) are engine-independent; [`add_to_linker`]
//! binds them to a gasket [`Linker`](gasket::Linker), and [`run_command`] runs a command.
//!
//! ```
//! use gasket::{Engine, Module};
//! use gasket_wasi::{engine_config, linker, run_command, Outcome, WasiConfig, WasiCtx};
//! let engine = Engine::new(&engine_config(true));
//! let module = Module::new(&engine, r#"(module
//!     (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
//!     (memory (export "memory") 1)
//!     (data (i32.const 16) "hi\n")
//!     (func (export "_start")
//!         (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 3))
//!         (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"#)?;
//! let run = run_command(&linker(&engine)?, &module, WasiCtx::new(WasiConfig::default()), Some(1_000_000)).unwrap();
//! assert_eq!(run.outcome, Outcome::Exit(0));
//! assert_eq!(run.stdout, b"hi\n");
//! # Ok::<(), gasket::Error>(())
//! ```
#![forbid(unsafe_code)]

pub mod abi;
mod calls;
mod ctx;
mod fs;
mod link;
mod mem;
mod meter;
mod run;

pub use abi::{Func, Spec, FUNCTIONS, GAS_OPEN, GAS_PATH, GAS_PER_BYTE, GAS_SMALL, MODULE};
pub use ctx::{ClockConfig, Stop, WasiConfig, WasiCtx, DEFAULT_OUTPUT_LIMIT, DEFAULT_TICK_NS};
pub use fs::{DirError, MemDir, MAX_FDS};
pub use link::add_to_linker;
pub use mem::{IoVec, Mem};
pub use meter::{max_charge, Budget, Meter};
pub use run::{check_command, engine_config, linker, outcome, run_command, Outcome, RunResult, WasiError};
