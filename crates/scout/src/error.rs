//! The two ways a Scout test does not pass: [`ScoutError`], the input could not be read or is
//! invalid (nothing was decided about the EEs), and [`Failure`], the EEs ran and produced
//! something other than what the test expects. Guarantees: every variant names what was wrong
//! and where (file, field, EE or block index), and roots appear in full hex.

use std::path::PathBuf;

use gasket::Trap;

use crate::hex::HexError;
use crate::types::Root;

/// The test file or a script is unreadable or invalid.
#[derive(Debug, thiserror::Error)]
pub enum ScoutError {
    #[error("cannot read {}: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    /// The YAML does not parse or does not have the test's shape; `message` is serde's, with
    /// the reader's internal type names replaced by what the file should contain.
    #[error("invalid Scout YAML in {}: {message}", path.display())]
    Yaml { path: PathBuf, message: String },
    #[error("invalid hex in `{field}`: {source}")]
    Hex { field: String, source: HexError },
    /// A state list whose length differs from the number of execution scripts.
    #[error("`{field}` has {found} roots, but there are {scripts} execution scripts")]
    StateCount { field: &'static str, found: usize, scripts: usize },
    #[error("shard block {block} names env {env}, but there are {scripts} execution scripts")]
    BlockEnv { block: usize, env: u64, scripts: usize },
    #[error("shard block {block} has {len} bytes of data; blockDataSize can report at most {max}")]
    BlockTooLarge { block: usize, len: usize, max: usize },
    #[error("`deposit_receipts` is given both at the top level and in `shard_post_state`")]
    DepositsTwice,
    #[error("cannot read execution script {ee} ({}): {source}", path.display())]
    Script { ee: usize, path: PathBuf, source: std::io::Error },
    /// `Module::new` rejected the script: not valid Wasm (binary or text), or over a limit.
    #[error("execution script {ee} ({}): {source}", path.display())]
    Module { ee: usize, path: PathBuf, source: gasket::Error },
    #[error("execution script {ee} imports `{module}::{name}`: {reason}")]
    Import { ee: usize, module: String, name: String, reason: String },
    #[error("execution script {ee} {problem}")]
    Export { ee: usize, problem: &'static str },
    /// The host functions could not be defined (a bug in this crate, reported, not panicked).
    #[error("cannot set up the host functions: {0}")]
    Setup(gasket::Error),
    /// An engine error that is not a trap, raised while running a block.
    #[error("shard block {block}: {source}")]
    Engine { block: usize, source: gasket::Error },
}

/// The EEs ran, and the outcome differs from the test's expectations.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    /// A block's `main` (or the start function) trapped; later blocks were not run.
    #[error("shard block {block} (env {env}) trapped: {trap}")]
    Trap { block: usize, env: usize, trap: Trap },
    #[error("post-state root of execution environment {env} differs: expected {expected}, actual {actual}")]
    RootMismatch { env: usize, expected: Root, actual: Root },
    #[error("expected {expected} deposit receipts, the EEs pushed {actual}")]
    DepositCount { expected: usize, actual: usize },
    #[error("deposit {index} differs: expected {expected}, actual {actual}")]
    DepositMismatch { index: usize, expected: String, actual: String },
    /// Subset checking (Scout's rule): an expected deposit that no EE pushed.
    #[error("expected deposit {index} was never pushed: {expected}")]
    DepositMissing { index: usize, expected: String },
}
