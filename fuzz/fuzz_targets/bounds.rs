//! (g) static bounds are sound: a wasm-smith module's bounded exported functions, run with exactly their gas, depth and stack bounds, never exhaust them.
//! The logic is `gasket_fuzzcheck::run_target("bounds", ..)`, shared with the bounded tests.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(finding) = gasket_fuzzcheck::run_target("bounds", data) {
        panic!("{finding}");
    }
});
