//! (g) wasm-smith modules on the compiled tier and on the interpreter must agree exactly: results, traps,
//! gas left, globals, memories and tables. The logic is `gasket_fuzzcheck::run_target("tiers", ..)`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(finding) = gasket_fuzzcheck::run_target("tiers", data) {
        panic!("{finding}");
    }
});
