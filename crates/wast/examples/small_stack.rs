//! The guard on the interpreter's sibling-call dispatch (`crates/gasket/src/exec/dispatch.rs`):
//! runs the Wasm 2.0 spec suite and gasket's own scripts (`tests/engine/`), unmetered and
//! metered, on a thread with a 256 KiB stack.
//! Run it in a release build, where the handlers tail-call one another:
//!
//! cargo run --release -p gasket-wast --example small_stack
//!
//! If LLVM ever emitted a real call where a handler continues with the next instruction,
//! the native stack would grow with every instruction executed and the suite's loops and
//! deep recursions would overflow this stack (an abort, a non-zero exit). `.ci/run` runs it.

use gasket::{Config, GasSchedule};
use gasket_wast::{run_file_with, run_spec_v2_with, Totals};

const STACK: usize = 256 * 1024;

fn main() {
    let run = std::thread::Builder::new().stack_size(STACK).spawn(|| {
        let mut failed = 0;
        for (label, metering) in [("unmetered", None), ("metered", Some(GasSchedule::default()))] {
            let config = Config { metering, ..Config::default() };
            let mut totals = Totals::default();
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/engine");
            let mut scripts: Vec<_> =
                std::fs::read_dir(&dir).expect("tests/engine").map(|e| e.expect("entry").path()).collect();
            scripts.sort();
            let own = scripts.iter().map(|p| run_file_with(&config, p));
            for report in run_spec_v2_with(&config).into_iter().chain(own) {
                if !report.ok() {
                    eprintln!("{}: {}", report.name, report.failures.join("; "));
                }
                totals.add(&report);
            }
            println!("spec suite and tests/engine, {label}, {} KiB stack: {totals}", STACK / 1024);
            failed += totals.failed + totals.skipped;
        }
        failed
    });
    let failed = run.expect("spawn").join().expect("the spec thread panicked");
    std::process::exit(if failed == 0 { 0 } else { 1 });
}
