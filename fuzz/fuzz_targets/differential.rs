//! (c) wasm-smith modules run in gasket and wasmi 2.0 must agree on results, traps, globals and memories.
//! The logic is `gasket_fuzzcheck::run_target("differential", ..)`, shared with the bounded tests.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    gasket_fuzzcheck::differential::tolerate_reference_panics();
    if let Err(finding) = gasket_fuzzcheck::run_target("differential", data) {
        panic!("{finding}");
    }
});
