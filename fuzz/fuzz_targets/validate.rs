//! (k) gasket accepts a module (wasm-smith's, with operators edited) exactly when wasmparser's validator with the same features does, floats allowed and denied.
//! The logic is `gasket_fuzzcheck::run_target("validate", ..)`, shared with the bounded tests.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(finding) = gasket_fuzzcheck::run_target("validate", data) {
        panic!("{finding}");
    }
});
