//! gasket-runtime: the contract runtime a chain node embeds (docs/runtime.md).
//!
//! A [`Runtime`] over a [`StateStore`] deploys contracts (validating and preparing their code
//! once, keyed by hash) and calls their entry points, each call in a fresh instance, with its
//! storage writes and events journaled and committed atomically only if it succeeds.
//!
//! ```
//! use std::sync::Arc;
//! use gasket_runtime::{Address, BlockContext, MemStore, Runtime, RuntimeConfig, Status};
//!
//! let runtime = Runtime::new(Arc::new(MemStore::new()), RuntimeConfig::default())?;
//! # let code = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../contracts/wasm/counter.wasm")).unwrap();
//! # /*
//! let code = std::fs::read("contracts/wasm/counter.wasm").unwrap();
//! # */
//! let counter = runtime.deploy(&code, Address([1; 20]), b"salt")?.address;
//! let receipt = runtime.call(Address([2; 20]), counter, "increment", b"", 1_000_000, BlockContext::default())?;
//! assert_eq!(receipt.status, Status::Success);
//! assert_eq!(receipt.return_data, 1u64.to_le_bytes());
//! # Ok::<(), gasket_runtime::RuntimeError>(())
//! ```
#![forbid(unsafe_code)]

mod address;
mod eei;
mod fixed;
mod frame;
mod host;
mod journal;
mod message;
mod pool;
mod precompile;
mod runtime;
mod store;

pub use address::{blake2b256, from_hex, keccak256, sha256, to_hex, Address};
pub use eei::{block_hash, API as EEI_API, BLOCK_HASH_WINDOW, NAMESPACE as EEI_NAMESPACE};
pub use fixed::Pricing;
pub use host::{
    API as GASKET_V1_API, MAX_CALL_DEPTH, MAX_DATA, MAX_EVENT_DATA, MAX_KEY, MAX_TOPICS, MAX_VALUE, NAMESPACE,
};
pub use pool::PoolConfig;
pub use precompile::{
    default_seed, precompile_account, CodeHash, PrecompileContext, PrecompileReceipt, PrecompileStatus,
    MAX_PRECOMPILE_OUTPUT, MAX_PRECOMPILE_STDERR, PRECOMPILE_API, PRECOMPILE_NAMESPACE,
};
pub use runtime::{Runtime, RuntimeConfig, INSTANTIATE_GAS};
pub use store::{
    contained_panics, export, import, Access, Change, Entries, MemStore, OpenOptions, RedbStore, StateStore,
    StoreError, Table, TableEntries, VerifyReport, DUMP_FORMAT, FORMAT_VERSION, RECOVERY_HINT,
};

/// The block a call executes in, and its transaction's gas price, supplied by the embedder.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BlockContext {
    pub height: u64,
    /// Seconds.
    pub time: u64,
    /// The block's beneficiary (`getBlockCoinbase`).
    pub coinbase: Address,
    /// The block's difficulty (`getBlockDifficulty`, written as a 256-bit value).
    pub difficulty: u128,
    /// The block's gas limit (`getBlockGasLimit`).
    pub gas_limit: u64,
    /// The transaction's gas price (`getTxGasPrice`).
    pub gas_price: u128,
}

/// An event emitted by a contract call that committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub contract: Address,
    pub topics: Vec<[u8; 32]>,
    pub data: Vec<u8>,
}

/// How a call ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Returned normally: state committed.
    Success,
    /// The contract called `revert`: state discarded, revert data returned.
    Reverted,
    /// Gas ran out: state discarded.
    OutOfGas,
    /// The contract trapped: state discarded.
    Trapped(String),
    /// The call could not run: no contract, no such entry point, a bad import.
    Failed(String),
}

/// What a call did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallReceipt {
    pub status: Status,
    /// Return data on success, revert data on a revert, empty otherwise.
    pub return_data: Vec<u8>,
    pub gas_used: u64,
    /// Events, only when the call committed.
    pub events: Vec<Event>,
    /// Metered, or at a fixed price (`RuntimeConfig::fixed_price`, docs/bounds.md).
    pub pricing: Pricing,
}

/// What a deployment did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployReceipt {
    pub address: Address,
    pub code_hash: [u8; 32],
    /// The preparation gas (`gasket::prepare_gas`).
    pub gas_used: u64,
}

/// A failure of the runtime or of a deployment, as opposed to a contract's own failure (which
/// a [`CallReceipt`] reports).
#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The code is not a valid module (with the engine's error).
    #[error("invalid code: {0}")]
    Code(gasket::Error),
    /// The module is valid but breaks a contract convention.
    #[error("not a contract: {0}")]
    NotAContract(String),
    #[error("a contract already exists at {0}")]
    AddressTaken(Address),
    #[error("input of {0} bytes exceeds the limit")]
    InputTooLarge(usize),
    #[error("corrupt state: {0}")]
    Corrupt(String),
}
