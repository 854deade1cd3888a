//! The typed error of the rewriter. Every way an input can fail to instrument is a variant;
//! the library never panics on its input.

/// Why a module could not be instrumented.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InstrumentError {
    /// The input is not a valid Wasm 2.0 (no SIMD) module.
    #[error("invalid module at offset {offset:#x}: {message}")]
    Invalid { offset: u64, message: String },
    /// The input is valid but uses something the rewriter does not handle.
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// An index or count would overflow after adding the meter's imports or locals.
    #[error("overflow: {0}")]
    Overflow(&'static str),
}
