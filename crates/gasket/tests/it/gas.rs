//! Metering follows docs/gas.md exactly. Every expected number here is computed by hand from
//! the spec's default schedule, in the comment beside it.

use gasket::{Caller, Config, Engine, Error, GasSchedule, Linker, Module, Store, Trap, TrapCode};

fn metered() -> Engine {
    Engine::new(&Config { metering: Some(GasSchedule::default()), ..Config::default() })
}

fn instance(engine: &Engine, wat: &str) -> (Store<()>, gasket::Instance) {
    let module = Module::new(engine, wat).unwrap();
    let mut store = Store::new(engine, ());
    store.set_gas(u64::MAX);
    let instance = Linker::new(engine).instantiate(&mut store, &module).unwrap();
    (store, instance)
}

/// Calls `name` with `gas` and returns (outcome, gas used).
fn run<P: gasket::WasmParams, R: gasket::WasmResults>(
    store: &mut Store<()>,
    instance: gasket::Instance,
    name: &str,
    params: P,
    gas: u64,
) -> (Result<R, Error>, u64) {
    let f = instance.get_typed_func::<P, R>(&*store, name).unwrap();
    store.set_gas(gas);
    let outcome = f.call(&mut *store, params);
    (outcome, gas - store.gas_left().unwrap())
}

fn trap_code(e: &Error) -> Option<TrapCode> {
    e.as_trap().map(|t| t.code())
}

const LOOP: &str = r#"(module
  (func (export "loop") (param i32) (local i32)
    (loop $l
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get 1) (local.get 0))))))"#;

#[test]
fn straight_line_run() {
    let engine = metered();
    let (mut store, i) =
        instance(&engine, r#"(module (func (export "f") (result i32) i32.const 1 i32.const 2 i32.add))"#);
    // One run: const 1 + const 1 + add 1 + end 0.
    let (r, used) = run::<(), i32>(&mut store, i, "f", (), 1000);
    assert_eq!((r.unwrap(), used), (3, 3));
}

#[test]
fn loop_iterations_pay_the_body_run_each_time() {
    let engine = metered();
    let (mut store, i) = instance(&engine, LOOP);
    // First run: entry 1 (one declared local) + loop 0 = 1. Body run per iteration:
    // local.get 1, const 1, add 1, local.set 1, local.get 1, local.get 1, lt_u 1, br_if 2 = 9.
    // After the loop: end, end = 0.
    for n in [1, 2, 10, 1000] {
        let (r, used) = run::<i32, ()>(&mut store, i, "loop", n, u64::MAX / 2);
        r.unwrap();
        assert_eq!(used, 1 + 9 * n as u64, "n = {n}");
    }
}

#[test]
fn out_of_gas_happens_at_the_run_that_cannot_pay() {
    let engine = metered();
    let (mut store, i) = instance(&engine, LOOP);
    // loop(10) costs 91. With exactly 91 it succeeds and leaves 0.
    let (r, used) = run::<i32, ()>(&mut store, i, "loop", 10, 91);
    r.unwrap();
    assert_eq!(used, 91);
    assert_eq!(store.gas_left(), Some(0));
    // With 90: the first run (1) and nine iterations (81) are paid; the tenth needs 9 with 8
    // left, so it traps with 8 left and 82 used.
    let (r, used) = run::<i32, ()>(&mut store, i, "loop", 10, 90);
    assert_eq!(trap_code(&r.unwrap_err()), Some(TrapCode::OutOfGas));
    assert_eq!(used, 82);
    assert_eq!(store.gas_left(), Some(8));
    // With 0, even the first run cannot be paid.
    let (r, used) = run::<i32, ()>(&mut store, i, "loop", 10, 0);
    assert_eq!(trap_code(&r.unwrap_err()), Some(TrapCode::OutOfGas));
    assert_eq!(used, 0);
}

#[test]
fn if_else_arms_and_calls() {
    let engine = metered();
    let (mut store, i) = instance(
        &engine,
        r#"(module
          (func $g (result i32) i32.const 7)
          (func (export "c") (result i32) call $g)
          (func (export "branch") (param i32) (result i32)
            (if (result i32) (local.get 0) (then (i32.const 10)) (else (i32.const 20)))))"#,
    );
    // Caller run: call 20 + end 0; callee run: const 1 + end 0 (no declared locals).
    let (r, used) = run::<(), i32>(&mut store, i, "c", (), 1000);
    assert_eq!((r.unwrap(), used), (7, 21));
    // local.get 1 + if 2; the taken arm: const 1 (+ else/end 0); after the if: end 0.
    for (arg, want) in [(1, 10), (0, 20)] {
        let (r, used) = run::<i32, i32>(&mut store, i, "branch", arg, 1000);
        assert_eq!((r.unwrap(), used), (want, 4));
    }
}

#[test]
fn a_trap_pays_its_whole_run() {
    let engine = metered();
    let (mut store, i) = instance(
        &engine,
        r#"(module (func (export "t") (result i32) i32.const 1 i32.const 0 i32.div_s drop i32.const 5))"#,
    );
    // The run: const, const, div_s, drop, const = 5, charged before the division traps.
    let (r, used) = run::<(), i32>(&mut store, i, "t", (), 1000);
    assert_eq!(trap_code(&r.unwrap_err()), Some(TrapCode::IntegerDivisionByZero));
    assert_eq!(used, 5);
}

#[test]
fn dynamic_charges_for_memory_growth_and_bulk_operations() {
    let engine = metered();
    let (mut store, i) = instance(
        &engine,
        r#"(module (memory 1 3)
          (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
          (func (export "fill") (param i32) (memory.fill (i32.const 0) (i32.const 7) (local.get 0))))"#,
    );
    // local.get 1 + memory.grow 20 = 21 static; 2 pages added: 2 × 4096.
    let (r, used) = run::<i32, i32>(&mut store, i, "grow", 2, 100_000);
    assert_eq!((r.unwrap(), used), (1, 21 + 8192));
    // Growth past the maximum is refused: no dynamic charge.
    let (r, used) = run::<i32, i32>(&mut store, i, "grow", 1, 100_000);
    assert_eq!((r.unwrap(), used), (-1, 21));
    // Not enough gas for the pages: out of gas, memory unchanged.
    let (r, used) = run::<i32, i32>(&mut store, i, "grow", 0, 21);
    assert_eq!((r.unwrap(), used), (3, 21));
    // const, const, local.get = 3, fill 10; 17 bytes are 3 started words.
    let (r, used) = run::<i32, ()>(&mut store, i, "fill", 17, 1000);
    r.unwrap();
    assert_eq!(used, 13 + 3);
    // Out of bounds after the dynamic charge: the charge stays.
    let (r, used) = run::<i32, ()>(&mut store, i, "fill", 3 * 65536 + 1, 1_000_000);
    assert_eq!(trap_code(&r.unwrap_err()), Some(TrapCode::MemoryOutOfBounds));
    assert_eq!(used, 13 + (3 * 65536 + 1_u64).div_ceil(8));
}

#[test]
fn host_functions_charge_through_the_caller() {
    let engine = metered();
    let module = Module::new(
        &engine,
        r#"(module (import "env" "work" (func $work (param i64)))
          (func (export "run") (param i64) (call $work (local.get 0))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("env", "work", |mut c: Caller<'_, ()>, n: i64| -> Result<(), Trap> { c.consume_gas(n as u64) })
        .unwrap();
    let i = linker.instantiate(&mut store, &module).unwrap();
    // local.get 1 + call 20, then the host's 100.
    let (r, used) = run::<i64, ()>(&mut store, i, "run", 100, 1000);
    r.unwrap();
    assert_eq!(used, 121);
    let (r, used) = run::<i64, ()>(&mut store, i, "run", 1000, 1000);
    assert_eq!(trap_code(&r.unwrap_err()), Some(TrapCode::OutOfGas));
    assert_eq!(used, 21, "the host's failed charge is not applied");
}

#[test]
fn without_metering_there_is_no_gas() {
    let engine = Engine::default();
    let (mut store, i) = instance(&engine, LOOP);
    assert_eq!(store.gas_left(), None);
    let f = i.get_typed_func::<i32, ()>(&store, "loop").unwrap();
    f.call(&mut store, 1000).unwrap();
    assert_eq!(store.gas_left(), None);
}

#[test]
fn deep_recursion_runs_out_of_gas_or_stack_deterministically() {
    let engine = metered();
    let (mut store, i) = instance(&engine, r#"(module (func $f (export "f") (call $f)))"#);
    // Each frame pays one run: call 20. 1000 gas gives 50 frames, then out of gas.
    let (r, used) = run::<(), ()>(&mut store, i, "f", (), 1000);
    assert_eq!(trap_code(&r.unwrap_err()), Some(TrapCode::OutOfGas));
    assert_eq!(used, 1000);
    // With plenty of gas the depth limit comes first, after exactly max_call_depth runs.
    let (r, used) = run::<(), ()>(&mut store, i, "f", (), u64::MAX / 2);
    assert_eq!(trap_code(&r.unwrap_err()), Some(TrapCode::CallStackExhausted));
    assert_eq!(used, 20 * gasket::DEFAULT_MAX_CALL_DEPTH as u64);
}

#[test]
fn the_schedule_hash_is_stable() {
    let hex: String = GasSchedule::default().hash().iter().map(|b| format!("{b:02x}")).collect();
    // A consensus value: changing a default cost must change this line on purpose.
    assert_eq!(hex, include_str!("default_schedule_hash.txt").trim());
}

/// Regression: a loop whose header run lasts until the loop's `end` made the translator index
/// the loop's control frame after popping it (a panic while preparing a metered module).
#[test]
fn regression_loop_header_run_ending_at_loop_end() {
    let engine = metered();
    let (mut store, i) = instance(
        &engine,
        r#"(module (func (export "f") (result i32) (loop (result i32) (i32.const 1)) (loop (nop))))"#,
    );
    // First run: loop 0. Header run of loop 1: const 1, end 0. After it, loop 0 (the second
    // loop ends the run that began after the first loop's end); its header run: nop 0, end 0.
    let (r, used) = run::<(), i32>(&mut store, i, "f", (), 100);
    assert_eq!((r.unwrap(), used), (1, 1));
}

#[test]
fn back_edges_charge_the_loop_header_run() {
    let engine = metered();
    // The header run is the whole body: local.get 1, const 1, add, local.tee 1, local.get 0,
    // lt_u, br_if = 1+1+1+1+1+1+2 = 8 per iteration, plus the first run (entry 1).
    let (mut store, i) = instance(
        &engine,
        r#"(module (func (export "f") (param i32) (local i32)
            (loop $l (br_if $l (i32.lt_u (local.tee 1 (i32.add (local.get 1) (i32.const 1))) (local.get 0))))))"#,
    );
    for n in [1, 5, 1000] {
        let (r, used) = run::<i32, ()>(&mut store, i, "f", n, 1_000_000);
        r.unwrap();
        assert_eq!(used, 1 + 8 * n as u64);
        // One gas short: the last iteration's back-edge (or the first run) cannot pay.
        let (r, used) = run::<i32, ()>(&mut store, i, "f", n, 8 * n as u64);
        assert_eq!(trap_code(&r.unwrap_err()), Some(TrapCode::OutOfGas));
        assert_eq!(used, 1 + 8 * (n as u64 - 1));
    }
}
