//! gasket-fuzzcheck: the logic of gasket's fuzz targets (docs/fuzzing.md), in one library so
//! that the cargo-fuzz targets in `fuzz/` and the bounded, seeded tests of `cargo test` run
//! exactly the same checks.
//!
//! Each target is a function from arbitrary bytes to `Result<Summary, Finding>`:
//!
//! - [`prepare::bytes_to_module`] (a): arbitrary bytes into `Module::new`, timed.
//! - [`prepare::smith_prepare`] (b): a wasm-smith Wasm 2.0 module must prepare (or hit a
//!   `Limits`), and its artifact must round-trip.
//! - [`differential::differential`] (c): a wasm-smith module run in gasket and in wasmi 2.0
//!   must give the same results, traps, globals and memories.
//! - [`host::runtime_host_api`] (d): random programs of `gasket_v1` host calls against the
//!   contract runtime must give receipts and leave state unchanged unless they succeed.
//! - [`store::damaged_store`] (e): a state database with real contract state, damaged by a
//!   plan from the data, must open with exactly its state or fail with a typed error.
//! - [`wasi::wasi_calls`] (f): random plans of WASI calls with random pointers and lengths,
//!   on gasket and on the WASI core directly: no panic, the same end, deterministic, gas bounded.
//! - [`tiers::tiers`] (g): a wasm-smith module on the compiled tier and on the interpreter must
//!   give the same results, traps, gas left, globals, memories and tables, exactly.
//! - `differential_compiled` (h): (c) with gasket on the compiled tier.
//! - [`bounds::bounds_smith`] (i): static bounds are sound: a wasm-smith module's bounded
//!   functions, run with exactly their gas, depth and stack bounds, never exhaust them.
//! - [`resume::resume_with`] (j): a wasm-smith module's calls paused and resumed at random
//!   points must give the results, traps, gas and state of the same calls run straight.
//! - [`validate::validate`] (k): gasket accepts a module, wasm-smith's with a few operators
//!   edited, exactly when wasmparser's validator with the same features does.
//!
//! A [`Finding`] is a violated property: a fuzz target panics with it, a test collects it.
//! A panic inside gasket is caught by [`guard`] and becomes a finding too.
#![forbid(unsafe_code)]

use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};

pub mod bounds;
pub mod differential;
pub mod host;
pub mod prepare;
pub mod resume;
pub mod store;
pub mod tiers;
pub mod validate;
pub mod wasi;

/// A violated property, with enough context to reproduce and understand it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Short, stable name of the property (e.g. `panic`, `rejected-valid`, `divergence`).
    pub kind: &'static str,
    /// What happened.
    pub detail: String,
}

impl Finding {
    pub fn new(kind: &'static str, detail: impl Into<String>) -> Self {
        Self { kind, detail: detail.into() }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.detail)
    }
}

impl std::error::Error for Finding {}

/// Runs `f`, turning a panic into a [`Finding`] of kind `panic` that names `what`.
///
/// Under libFuzzer the panic hook aborts first, which is what the fuzzer wants; in tests the
/// panic message is kept in the finding. The default hook still prints the panic, so the
/// location is visible in the test output.
pub fn guard<R>(what: &str, f: impl FnOnce() -> R) -> Result<R, Finding> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|p| {
        let msg = p
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "non-string panic payload".into());
        Finding::new("panic", format!("{what} panicked: {msg}"))
    })
}

/// The deterministic generator of the bounded tests: xorshift64, seeded per case.
#[derive(Debug, Clone)]
pub struct XorShift(pub u64);

impl XorShift {
    /// A generator for case `case` of a test with seed `seed` (never the all-zero state).
    pub fn for_case(seed: u64, case: u64) -> Self {
        let mut s = Self(seed ^ case.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0xd1b5_4a32_d192_ed03);
        if s.0 == 0 {
            s.0 = 1;
        }
        // Mix the seed before the first output.
        for _ in 0..4 {
            s.next_u64();
        }
        s
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// `n` pseudo-random bytes.
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        let mut v = Vec::with_capacity(n + 8);
        while v.len() < n {
            v.extend_from_slice(&self.next_u64().to_le_bytes());
        }
        v.truncate(n);
        v
    }

    /// Bytes of a length drawn uniformly from `min..=max`.
    pub fn bytes_between(&mut self, min: usize, max: usize) -> Vec<u8> {
        let n = min + (self.next_u64() % (max - min + 1) as u64) as usize;
        self.bytes(n)
    }
}

/// The names of the targets: the fuzz targets' names, and the folders of `fuzz/regressions/`.
pub const TARGETS: [&str; 11] = [
    "bytes_to_module",
    "smith_prepare",
    "differential",
    "runtime_host_api",
    "damaged_store",
    "wasi_calls",
    "tiers",
    "differential_compiled",
    "bounds",
    "resume",
    "validate",
];

/// Runs target `name` on `data` as its fuzz target does (with the fuzz targets' settings)
/// and returns a one-line summary of what it checked, or the finding.
pub fn run_target(name: &str, data: &[u8]) -> Result<String, Finding> {
    match name {
        "bytes_to_module" => {
            prepare::bytes_to_module(data, prepare::TimeCheck::Budget { scale: prepare::FUZZ_TIME_SCALE })
                .map(|r| format!("{r:?}"))
        }
        "smith_prepare" => prepare::smith_prepare(data).map(|r| format!("{r:?}")),
        "differential" => differential::differential_with(data, &differential::Bounds::FUZZ).map(|r| format!("{r:?}")),
        "runtime_host_api" => host::runtime_host_api(data).map(|r| format!("{r:?}")),
        "damaged_store" => store::damaged_store(data).map(|r| format!("{r:?}")),
        "wasi_calls" => wasi::wasi_calls(data).map(|r| format!("{r:?}")),
        "tiers" => tiers::tiers(data).map(|r| format!("{r:?}")),
        "differential_compiled" => {
            differential::differential_with(data, &differential::Bounds::FUZZ.compiled()).map(|r| format!("{r:?}"))
        }
        "bounds" => bounds::bounds_smith(data).map(|r| format!("{r:?}")),
        "resume" => resume::resume_with(data, resume::Budget::FUZZ).map(|r| format!("{r:?}")),
        "validate" => validate::validate(data).map(|r| format!("{r:?}")),
        other => Err(Finding::new("usage", format!("no target named `{other}`"))),
    }
}
