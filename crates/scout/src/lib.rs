//! gasket-scout: runs Eth 2.0 phase 2 execution environments (EEs) over shard blocks, as
//! ewasm's Scout does, on gasket, metered. Guarantees: the Scout YAML test format is read and
//! checked before anything runs ([`TestCase`]); each block runs its EE's exported `main` in a
//! fresh instance with Scout's host functions ([`host`], docs/scout.md); the outcome is a typed
//! [`ScoutError`] (bad input) or a [`RunReport`] whose [`Failure`]s say what differed.
//!
//! ```no_run
//! use gasket_scout::{run_file, Options};
//! let report = run_file("test.yaml".as_ref(), &Options::default(), &mut std::io::stderr())?;
//! for b in &report.blocks {
//!     println!("block {} env {}: gas {}, ticks {}", b.block, b.env, b.gas_used, b.ticks);
//! }
//! assert!(report.passed(), "{:?}", report.failures);
//! # Ok::<(), gasket_scout::ScoutError>(())
//! ```
#![forbid(unsafe_code)]

pub mod bignum;
mod debuglog;
mod error;
pub mod hex;
pub mod host;
mod report;
mod runner;
mod spec;
mod types;

pub use debuglog::{DebugLog, MAX_DEBUG_BYTES};
pub use error::{Failure, ScoutError};
pub use report::{compare_deposits, compare_roots, BlockReport, DepositCheck, RunReport};
pub use runner::{run, run_file, run_with, Options, Runner, DEFAULT_BLOCK_GAS_LIMIT, DEFAULT_TICKS_LIMIT};
pub use spec::{Block, Script, TestCase};
pub use types::{Deposit, Root};
