//! WASI on gasket: commands run through the linker, `proc_exit` from any depth, traps, gas
//! (the same on every run; charged for WASI calls), output caps and the command checks.

use gasket::{Engine, Module};
use gasket_wasi::{engine_config, linker, run_command, Outcome, RunResult, WasiConfig, WasiCtx, WasiError};

/// Prints its clock reading and 8 random bytes in hex, then exits with code 3 from three
/// calls deep.
const PROGRAM: &str = r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "0123456789abcdef")
  ;; hex of the 8 bytes at 0 into 128..144, then a newline
  (func $hex (local $i i32) (local $b i32)
    (loop $l
      (local.set $b (i32.load8_u (local.get $i)))
      (i32.store8 (i32.add (i32.const 128) (i32.shl (local.get $i) (i32.const 1)))
        (i32.load8_u (i32.add (i32.const 64) (i32.shr_u (local.get $b) (i32.const 4)))))
      (i32.store8 (i32.add (i32.const 129) (i32.shl (local.get $i) (i32.const 1)))
        (i32.load8_u (i32.add (i32.const 64) (i32.and (local.get $b) (i32.const 15)))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 8))))
    (i32.store8 (i32.const 144) (i32.const 10))
    (i32.store (i32.const 200) (i32.const 128)) (i32.store (i32.const 204) (i32.const 17))
    (drop (call $fd_write (i32.const 1) (i32.const 200) (i32.const 1) (i32.const 208))))
  (func $deep1 (call $deep2))
  (func $deep2 (call $exit (i32.const 3)) unreachable)
  (func (export "_start")
    (drop (call $clock (i32.const 0) (i64.const 0) (i32.const 0))) (call $hex)
    (drop (call $clock (i32.const 1) (i64.const 0) (i32.const 0))) (call $hex)
    (drop (call $random (i32.const 0) (i32.const 8))) (call $hex)
    (drop (call $random (i32.const 0) (i32.const 8))) (call $hex)
    (call $deep1)))"#;

fn run(wat: &str, config: WasiConfig, gas: Option<u64>) -> Result<RunResult, WasiError> {
    let engine = Engine::new(&engine_config(gas.is_some()));
    let module = Module::new(&engine, wat).map_err(WasiError::Module)?;
    run_command(&linker(&engine).unwrap(), &module, WasiCtx::new(config), gas)
}

#[test]
fn proc_exit_from_depth_and_deterministic_output_and_gas() {
    let config = WasiConfig { seed: [9; 32], ..WasiConfig::default() };
    let first = run(PROGRAM, config.clone(), Some(1_000_000)).unwrap();
    assert_eq!(first.outcome, Outcome::Exit(3));
    let lines: Vec<&str> = std::str::from_utf8(&first.stdout).unwrap().lines().collect();
    assert_eq!(lines[0], "0000000000000000", "realtime starts at 0");
    assert_eq!(lines[1], "e803000000000000", "monotonic read after one tick of 1000 ns");
    assert_ne!(lines[2], lines[3], "the generator continues");
    let gas = first.gas_used.unwrap();
    assert!(gas > 4 * 20 + 32, "WASI calls are charged: {gas}");
    for _ in 0..100 {
        assert_eq!(run(PROGRAM, config.clone(), Some(1_000_000)).unwrap(), first);
    }
    let other = run(PROGRAM, WasiConfig { seed: [10; 32], ..config.clone() }, Some(1_000_000)).unwrap();
    assert_ne!(other.stdout, first.stdout);
    assert_eq!(other.gas_used, first.gas_used, "gas does not depend on the random values");
    let unmetered = run(PROGRAM, config, None).unwrap();
    assert_eq!((unmetered.stdout, unmetered.gas_used), (first.stdout, None));
}

#[test]
fn out_of_gas_in_wasm_or_in_a_wasi_call_uses_all_gas() {
    let full = run(PROGRAM, WasiConfig::default(), Some(1_000_000)).unwrap().gas_used.unwrap();
    for limit in [0, 1, 25, full / 2, full - 1] {
        let r = run(PROGRAM, WasiConfig::default(), Some(limit)).unwrap();
        assert_eq!((r.outcome, r.gas_used), (Outcome::OutOfGas, Some(limit)), "limit {limit}");
    }
    let r = run(PROGRAM, WasiConfig::default(), Some(full)).unwrap();
    assert_eq!(r.outcome, Outcome::Exit(3));
}

#[test]
fn traps_caps_and_conventions() {
    let trap = r#"(module (memory (export "memory") 1) (func (export "_start") unreachable))"#;
    let r = run(trap, WasiConfig::default(), None).unwrap();
    assert!(matches!(r.outcome, Outcome::Trap(_)));
    assert_eq!(r.outcome.exit_code(), 1);

    let capped = run(PROGRAM, WasiConfig { stdout_limit: 20, ..WasiConfig::default() }, None).unwrap();
    assert_eq!(capped.outcome, Outcome::OutputLimit { stream: "stdout", limit: 20 });
    assert_eq!(capped.stdout.len(), 17);

    let no_start = r#"(module (memory (export "memory") 1))"#;
    assert!(matches!(run(no_start, WasiConfig::default(), None), Err(WasiError::NotACommand(_))));
    let no_memory = r#"(module (func (export "_start")))"#;
    assert!(matches!(run(no_memory, WasiConfig::default(), None), Err(WasiError::NotACommand(_))));
    let other_import = r#"(module (import "env" "f" (func)) (memory (export "memory") 1) (func (export "_start")))"#;
    assert!(matches!(run(other_import, WasiConfig::default(), None), Err(WasiError::NotACommand(_))));
    let wrong_type = r#"(module (import "wasi_snapshot_preview1" "proc_exit" (func (param i64)))
        (memory (export "memory") 1) (func (export "_start")))"#;
    assert!(matches!(run(wrong_type, WasiConfig::default(), None), Err(WasiError::NotACommand(_))));
    assert!(matches!(run("(module", WasiConfig::default(), None), Err(WasiError::Module(_))));
}

#[test]
fn exit_codes() {
    assert_eq!(Outcome::Exit(0).exit_code(), 0);
    assert_eq!(Outcome::Exit(255).exit_code(), 255);
    assert_eq!(Outcome::Exit(256).exit_code(), 255);
    assert_eq!(Outcome::OutOfGas.exit_code(), 1);
}
