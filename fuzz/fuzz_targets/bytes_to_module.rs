//! (a) Arbitrary bytes into `gasket::Module::new`: no panic, a documented error kind, and preparation within 4 × (1 ms + 20 ns × prepare_gas).
//! The logic is `gasket_fuzzcheck::run_target("bytes_to_module", ..)`, shared with the bounded tests.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(finding) = gasket_fuzzcheck::run_target("bytes_to_module", data) {
        panic!("{finding}");
    }
});
