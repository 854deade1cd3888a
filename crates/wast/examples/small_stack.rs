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
//!
//! On x86-64 it also runs everything on the compiled tier, and a recursion a million calls deep
//! on both tiers with the call depth limit just above and just below it: compiled code runs on
//! its own stack, so it must not overflow this one either, and both tiers must trap with
//! `call stack exhausted` at the same depth.

use gasket::{Config, Engine, GasSchedule, Linker, Module, Store, Tier, TrapCode};
use gasket_wast::{run_file_with, run_spec_v2_with, Totals};

/// Recursion depth of the deep-recursion check.
const DEPTH: u32 = 1_000_000;

/// `down(n)` recurses `n` times and returns `n`; with a call depth limit `limit`, the result.
fn deep_recursion(tier: Tier, limit: u32) -> Result<i32, TrapCode> {
    let config = Config {
        tier,
        max_call_depth: limit,
        max_value_stack: 64 << 20,
        metering: Some(GasSchedule::default()),
        ..Config::default()
    };
    let engine = Engine::new(&config);
    let wat = r#"(module (func $down (export "down") (param i32) (result i32)
        (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
          (else (i32.add (call $down (i32.sub (local.get 0) (i32.const 1))) (i32.const 1))))))"#;
    let module = Module::new(&engine, wat).expect("a valid module");
    let mut store = Store::new(&engine, ());
    store.set_gas(u64::MAX);
    let instance = Linker::new(&engine).instantiate(&mut store, &module).expect("instantiates");
    let down = instance.get_typed_func::<i32, i32>(&store, "down").expect("exported");
    down.call(&mut store, DEPTH as i32).map_err(|e| e.as_trap().map_or(TrapCode::Host, |t| t.code()))
}

const STACK: usize = 256 * 1024;

fn main() {
    let run = std::thread::Builder::new().stack_size(STACK).spawn(|| {
        let mut failed = 0;
        let tiers: &[Tier] =
            if cfg!(target_arch = "x86_64") { &[Tier::Interpreter, Tier::Compiler] } else { &[Tier::Interpreter] };
        let runs = tiers.iter().flat_map(|&t| [("unmetered", t, None), ("metered", t, Some(GasSchedule::default()))]);
        for (label, tier, metering) in runs {
            let config = Config { metering, tier, ..Config::default() };
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
            println!("spec suite and tests/engine, {tier:?}, {label}, {} KiB stack: {totals}", STACK / 1024);
            failed += totals.failed + totals.skipped;
        }
        for &tier in tiers {
            // The frame of `down` at depth DEPTH is frame DEPTH + 1.
            let deep = deep_recursion(tier, DEPTH + 1);
            let short = deep_recursion(tier, DEPTH);
            println!("recursion {DEPTH} deep, {tier:?}: limit {}: {deep:?}; limit {DEPTH}: {short:?}", DEPTH + 1);
            if deep != Ok(DEPTH as i32) || short != Err(TrapCode::CallStackExhausted) {
                failed += 1;
            }
        }
        failed
    });
    let failed = run.expect("spawn").join().expect("the spec thread panicked");
    std::process::exit(if failed == 0 { 0 } else { 1 });
}
