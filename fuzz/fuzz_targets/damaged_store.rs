//! (e) Damaged state databases: a reference database with real contract state, damaged by a
//! plan from the data, must open with exactly its state or fail with a typed error naming the
//! file; a panic escaping the store aborts. The logic is `gasket_fuzzcheck::run_target("damaged_store", ..)`,
//! shared with the corruption suite and the bounded tests.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(finding) = gasket_fuzzcheck::run_target("damaged_store", data) {
        panic!("{finding}");
    }
});
