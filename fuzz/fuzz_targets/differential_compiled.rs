//! (h) target (c) with gasket on the compiled tier: wasm-smith modules run in gasket-compiled and wasmi 2.0
//! must agree on results, traps, globals and memories. The logic is `gasket_fuzzcheck::run_target("differential_compiled", ..)`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    gasket_fuzzcheck::differential::tolerate_reference_panics();
    if let Err(finding) = gasket_fuzzcheck::run_target("differential_compiled", data) {
        panic!("{finding}");
    }
});
