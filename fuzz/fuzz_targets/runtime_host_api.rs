//! (d) Random `gasket_v1` host-call programs against the contract runtime: receipts only, no state change unless success.
//! The logic is `gasket_fuzzcheck::run_target("runtime_host_api", ..)`, shared with the bounded tests.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(finding) = gasket_fuzzcheck::run_target("runtime_host_api", data) {
        panic!("{finding}");
    }
});
