//! The one error type of the embedding API. Every failure is a typed variant; nothing panics.

use crate::Trap;

/// Anything that can go wrong when preparing, linking or running a module.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The bytes are not a well-formed, valid Wasm module. `offset` is the byte offset in the
    /// binary where decoding or validation failed.
    #[error("invalid module at offset {offset:#x}: {message}")]
    Invalid { offset: usize, message: String },
    /// The module uses a Wasm feature that gasket does not enable.
    #[error("unsupported feature `{feature}` at offset {offset:#x}: {message}")]
    Unsupported { feature: &'static str, offset: usize, message: String },
    /// The module exceeds one of the structural [`Limits`](crate::Limits).
    #[error("limit exceeded: {what} is {value}, the limit is {limit}")]
    Limit { what: &'static str, value: u64, limit: u64 },
    /// The `.wat` text could not be parsed.
    #[error("text format error: {0}")]
    Wat(String),
    /// An import could not be satisfied: unknown, or of the wrong type.
    #[error("link error: {0}")]
    Link(String),
    /// The guest trapped.
    #[error("trap: {0}")]
    Trap(#[from] Trap),
    /// A serialized module could not be loaded: corrupt, truncated, or prepared by an engine
    /// with another fingerprint.
    #[error("artifact error: {0}")]
    Artifact(String),
    /// The embedder misused the API: wrong argument count or types, objects of another store.
    #[error("usage error: {0}")]
    Usage(String),
}

impl Error {
    /// The trap, if this error is one.
    pub fn as_trap(&self) -> Option<&Trap> {
        match self {
            Self::Trap(t) => Some(t),
            _ => None,
        }
    }
}
