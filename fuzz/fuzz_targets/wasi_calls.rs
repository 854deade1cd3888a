//! (e) Random plans of WASI calls with random pointers and lengths, on gasket and on the WASI
//! core directly: no panic, the same end, deterministic, gas bounded.
//! The logic is `gasket_fuzzcheck::run_target("wasi_calls", ..)`, shared with the bounded tests.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(finding) = gasket_fuzzcheck::run_target("wasi_calls", data) {
        panic!("{finding}");
    }
});
