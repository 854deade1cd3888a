//! The one test binary of gasket-refmeter: gasket's built-in gas metering must charge exactly
//! what the independent reference meter (this crate's rewriter run on wasmi) charges, with
//! the same outcome kind, on (a) every invocation of the Wasm 2.0 spec suite, (b) seeded
//! random wasm-smith modules, and (c) hand-written cases whose gas is computed by hand from
//! docs/gas.md.

mod common;
mod random;
mod rewriter;
mod spec;
mod wasi;
