//! (b) wasm-smith Wasm 2.0 modules (no SIMD) must prepare, metered and not, unless over a `Limits`; artifacts round-trip.
//! The logic is `gasket_fuzzcheck::run_target("smith_prepare", ..)`, shared with the bounded tests.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(finding) = gasket_fuzzcheck::run_target("smith_prepare", data) {
        panic!("{finding}");
    }
});
