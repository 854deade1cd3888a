//! (g) wasm-smith modules' calls paused (out of gas) and resumed at random points must give the
//! results, traps, gas and state of the same calls run straight, on every tier.
//! The logic is `gasket_fuzzcheck::run_target("resume", ..)`, shared with the bounded tests.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(finding) = gasket_fuzzcheck::run_target("resume", data) {
        panic!("{finding}");
    }
});
