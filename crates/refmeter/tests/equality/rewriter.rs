//! Hand-written tests of the rewriter: small modules whose gas follows from docs/gas.md by
//! hand (loops, branches, dead code, dynamic charges, out-of-gas exactness, index remapping),
//! checked on the reference meter and, since the numbers are the spec's, on gasket too.

use gasket_refmeter::{instrument, runtime, static_charges, InstrumentError, Outcome, Schedule, TrapKind};

use crate::common::{gas_left, gasket_engine_with, gasket_outcome, ref_meter, ref_meter_with, to_wasmi};

/// Runs export `name` of `wat` with `args` and `gas` on the reference meter.
fn reference(wat: &str, name: &str, args: &[gasket::Val], gas: u64) -> (Outcome, u64) {
    reference_with(&gasket::GasSchedule::default(), wat, name, args, gas)
}

fn reference_with(
    schedule: &gasket::GasSchedule,
    wat: &str,
    name: &str,
    args: &[gasket::Val],
    gas: u64,
) -> (Outcome, u64) {
    let meter = ref_meter_with(schedule);
    let bytes = instrument(&wat::parse_str(wat).unwrap(), meter.schedule()).unwrap();
    let module = meter.module(&bytes).unwrap();
    let mut store = meter.store(u64::MAX);
    let instance = meter.linker().instantiate_and_start(&mut store, &module).unwrap();
    let f = instance.get_func(&store, name).unwrap();
    let args: Vec<wasmi::Val> = args.iter().map(|a| to_wasmi(&mut store, a)).collect();
    let ty = f.ty(&store);
    let mut out: Vec<wasmi::Val> = ty.results().iter().map(|t| wasmi::Val::default_for_ty(*t)).collect();
    store.data_mut().set_gas(gas);
    let r = f.call(&mut store, &args, &mut out);
    (runtime::outcome(&r), gas - store.data().gas_left())
}

/// The same on gasket.
fn gasket_run(wat: &str, name: &str, args: &[gasket::Val], gas: u64) -> (Outcome, u64) {
    gasket_run_with(&gasket::GasSchedule::default(), wat, name, args, gas)
}

fn gasket_run_with(
    schedule: &gasket::GasSchedule,
    wat: &str,
    name: &str,
    args: &[gasket::Val],
    gas: u64,
) -> (Outcome, u64) {
    let engine = gasket_engine_with(schedule);
    let module = gasket::Module::new(&engine, wat).unwrap();
    let mut store = gasket::Store::new(&engine, ());
    store.set_gas(u64::MAX);
    let instance = gasket::Linker::new(&engine).instantiate(&mut store, &module).unwrap();
    let f = instance.get_func(&store, name).unwrap();
    let mut out: Vec<gasket::Val> =
        f.ty(&store).expect("a handle of this store").results().iter().map(|t| gasket::Val::default_for(*t)).collect();
    store.set_gas(gas);
    let r = f.call(&mut store, args, &mut out);
    (gasket_outcome(&r), gas - gas_left(&store))
}

/// Asserts both engines give `expected` for the call.
fn check(wat: &str, name: &str, args: &[gasket::Val], gas: u64, expected: (Outcome, u64)) {
    assert_eq!(reference(wat, name, args, gas), expected, "reference, {name}{args:?} with {gas} gas");
    assert_eq!(gasket_run(wat, name, args, gas), expected, "gasket, {name}{args:?} with {gas} gas");
}

const COUNT: &str = r#"(module (func (export "count") (param $n i32) (result i32) (local $i i32)
    (loop $l
      local.get $i i32.const 1 i32.add local.tee $i
      local.get $n i32.lt_u
      br_if $l)
    local.get $i))"#;

#[test]
fn loop_costs_eight_per_iteration_plus_two() {
    // Run 1: entry 1 local + loop 0 = 1. Each iteration: local.get, i32.const, i32.add,
    // local.tee, local.get, i32.lt_u (1 each) + br_if 2 = 8. After br_if: `end` 0. After the
    // loop's end: local.get 1 + end 0. Total 8n + 2.
    for n in [1, 2, 10, 1000] {
        check(COUNT, "count", &[gasket::Val::I32(n)], 1_000_000, (Outcome::Ok, 8 * n as u64 + 2));
    }
}

#[test]
fn out_of_gas_stops_before_the_run_and_keeps_the_remainder() {
    // 10 iterations need 82. With 81: runs charged 1, then 8 × 10 = 81 total before the last
    // run (cost 1) fails: used 81, outcome OutOfGas.
    check(COUNT, "count", &[gasket::Val::I32(10)], 81, (Outcome::OutOfGas, 81));
    // With 80 the tenth iteration's run (8) fails after 1 + 8 × 9 = 73.
    check(COUNT, "count", &[gasket::Val::I32(10)], 80, (Outcome::OutOfGas, 73));
    // Not even the first run: nothing is charged.
    check(COUNT, "count", &[gasket::Val::I32(10)], 0, (Outcome::OutOfGas, 0));
}

#[test]
fn run_boundaries_follow_section_3() {
    let wasm = wat::parse_str(
        r#"(module (func (param i32) (result i32)
            local.get 0          ;; 0  run A begins (cost 1)
            if (result i32)      ;; 1  branch 2, ends A
              i32.const 1        ;; 2  run B (then arm)
              br 0               ;; 3  branch 2, ends B
              i32.const 99       ;; 4  dead
              drop               ;; 5  dead
            else                 ;; 6  dead (belongs to no run)
              i32.const 2        ;; 7  run C (else arm)
            end                  ;; 8  free, ends C
            block                ;; 9  run D begins: block does not begin a run
              nop                ;; 10
            end                  ;; 11 free, ends D
            unreachable))        ;; 12 run E: base 1, ends E; the body's final `end` (13) is dead"#,
    )
    .unwrap();
    let charges = static_charges(&wasm, &Schedule::default()).unwrap();
    assert_eq!(charges, vec![vec![(0, 3), (2, 3), (7, 1), (12, 1)]]);
}

#[test]
fn else_and_end_belong_to_the_run_they_end() {
    // With `free` = 100 the structure operators become visible. Run A: local.get 1 + if 2.
    // Then arm: nop nop else = 300 (the `else` ends it). Else arm: nop end = 200 (the if's
    // `end` ends it). After the if: the body's final `end`, 100.
    let wat = r#"(module (func (export "f") (param i32)
        local.get 0 if nop nop else nop end))"#;
    let schedule = gasket::GasSchedule { free: 100, ..Default::default() };
    let wasm = wat::parse_str(wat).unwrap();
    let charges = static_charges(&wasm, &crate::common::ref_schedule(&schedule)).unwrap();
    assert_eq!(charges, vec![vec![(0, 3), (2, 300), (5, 200), (7, 100)]]);
    for (arg, gas) in [(1, 403), (0, 303)] {
        let args = [gasket::Val::I32(arg)];
        assert_eq!(reference_with(&schedule, wat, "f", &args, 10_000), (Outcome::Ok, gas), "reference");
        assert_eq!(gasket_run_with(&schedule, wat, "f", &args, 10_000), (Outcome::Ok, gas), "gasket");
    }
}

#[test]
fn first_run_pays_declared_locals_not_params() {
    let wat = r#"(module (func (export "f") (param i32 i64) (local i32 i64 f32) (local f64)))"#;
    check(wat, "f", &[gasket::Val::I32(0), gasket::Val::I64(0)], 100, (Outcome::Ok, 4));
}

#[test]
fn calls_charge_the_callee_and_do_not_end_a_run() {
    // Caller: call 20 + i32.const 1 + drop 1 = 22 in one run; callee: i32.const 1 + end = 1,
    // with one local: 2. The caller's whole run is paid before the callee runs.
    let wat = r#"(module
        (func $g (local i32) i32.const 7 drop)
        (func (export "f") call $g i32.const 1 drop))"#;
    check(wat, "f", &[], 1000, (Outcome::Ok, 22 + 3));
    check(wat, "f", &[], 22, (Outcome::OutOfGas, 22));
}

#[test]
fn memory_grow_charges_pages_only_when_it_succeeds() {
    let wat = r#"(module (memory 1 3)
        (func (export "grow") (param i32) (result i32) local.get 0 memory.grow))"#;
    // local.get 1 + memory.grow 20 = 21, plus 4096 per page when the growth succeeds.
    check(wat, "grow", &[gasket::Val::I32(2)], 100_000, (Outcome::Ok, 21 + 2 * 4096));
    check(wat, "grow", &[gasket::Val::I32(3)], 100_000, (Outcome::Ok, 21));
    check(wat, "grow", &[gasket::Val::I32(-1)], 100_000, (Outcome::Ok, 21));
    // Not enough for the pages: the static part was paid, the growth did not happen.
    check(wat, "grow", &[gasket::Val::I32(1)], 4000, (Outcome::OutOfGas, 21));
}

#[test]
fn memory_grow_beyond_gaskets_page_limit_is_refused_without_charge() {
    let wat = r#"(module (memory 1)
        (func (export "grow") (param i32) (result i32) local.get 0 memory.grow))"#;
    check(wat, "grow", &[gasket::Val::I32(1024)], 10_000_000, (Outcome::Ok, 21));
    check(wat, "grow", &[gasket::Val::I32(1023)], 10_000_000, (Outcome::Ok, 21 + 1023 * 4096));
}

#[test]
fn bulk_memory_charges_started_words_before_the_bounds_check() {
    let wat = r#"(module (memory 1)
        (func (export "fill") (param i32 i32) local.get 0 i32.const 0 local.get 1 memory.fill))"#;
    // 3 operand pushes (local 1, const 1, local 1) + fill 10 = 13, + ceil(n / 8).
    for (n, words) in [(0, 0), (1, 1), (8, 1), (9, 2), (17, 3)] {
        check(wat, "fill", &[gasket::Val::I32(0), gasket::Val::I32(n)], 1000, (Outcome::Ok, 13 + words));
    }
    // Out of bounds: the dynamic charge is made, then the trap.
    check(
        wat,
        "fill",
        &[gasket::Val::I32(65530), gasket::Val::I32(16)],
        1000,
        (Outcome::Trap(TrapKind::MemoryOutOfBounds), 13 + 2),
    );
}

#[test]
fn table_operators_charge_per_element() {
    let wat = r#"(module (table 1 5 funcref)
        (func (export "grow") (param i32) (result i32) ref.null func local.get 0 table.grow 0)
        (func (export "fill") (param i32) i32.const 0 ref.null func local.get 0 table.fill 0))"#;
    // ref.null 1 + local.get 1 + table.grow 20 = 22, + 1 per element when it succeeds.
    check(wat, "grow", &[gasket::Val::I32(4)], 1000, (Outcome::Ok, 22 + 4));
    check(wat, "grow", &[gasket::Val::I32(5)], 1000, (Outcome::Ok, 22));
    // const 1 + ref.null 1 + local.get 1 + table.fill 10 = 13, + n, then the bounds check.
    check(wat, "fill", &[gasket::Val::I32(1)], 1000, (Outcome::Ok, 14));
    check(wat, "fill", &[gasket::Val::I32(3)], 1000, (Outcome::Trap(TrapKind::TableOutOfBounds), 16));
}

#[test]
fn function_indices_are_remapped_everywhere() {
    // An imported function stays at index 0; defined functions move past the added imports.
    // ref.func, element segments, call_indirect through them and the start function all
    // still reach the right functions.
    let wat = r#"(module
        (import "m" "h" (func $h))
        (table 2 funcref)
        (elem (i32.const 0) $a $b)
        (global $g (mut i32) (i32.const 0))
        (global $r funcref (ref.func $b))
        (func $a (result i32) i32.const 10)
        (func $b (result i32) i32.const 20)
        (func $start global.get $g i32.const 1 i32.add global.set $g)
        (func (export "f") (result i32)
            i32.const 1 call_indirect (result i32) call $a i32.add global.get $g i32.add)
        (start $start))"#;
    let meter = ref_meter();
    let bytes = instrument(&wat::parse_str(wat).unwrap(), meter.schedule()).unwrap();
    let module = meter.module(&bytes).unwrap();
    let mut store = meter.store(1_000);
    let mut linker = meter.linker();
    linker.func_wrap("m", "h", || {}).unwrap();
    let instance = linker.instantiate_and_start(&mut store, &module).unwrap();
    // start: global.get 2, const 1, add 1, global.set 2, end 0 = 6.
    assert_eq!(store.data().gas_left(), 1_000 - 6);
    let f = instance.get_typed_func::<(), i32>(&store, "f").unwrap();
    assert_eq!(f.call(&mut store, ()).unwrap(), 31);
    // f: const 1 + call_indirect 25 + call 20 + add 1 + global.get 2 + add 1 = 50; $b 1; $a 1.
    assert_eq!(store.data().gas_left(), 1_000 - 6 - 52);
}

#[test]
fn bad_inputs_are_typed_errors() {
    let s = Schedule::default();
    assert!(matches!(instrument(b"\0asm\x01\0\0\0\x01", &s), Err(InstrumentError::Invalid { .. })));
    assert!(matches!(instrument(b"not wasm", &s), Err(InstrumentError::Invalid { .. })));
    let simd = wat::parse_str(r#"(module (func (result v128) v128.const i64x2 0 0))"#).unwrap();
    assert!(matches!(instrument(&simd, &s), Err(InstrumentError::Invalid { .. })));
    let reserved = wat::parse_str(r#"(module (import "gasket_ref" "gas" (func (param i64))))"#).unwrap();
    assert!(matches!(instrument(&reserved, &s), Err(InstrumentError::Unsupported(_))));
    let export = wat::parse_str(r#"(module (func (export "gasket_ref:x")))"#).unwrap();
    assert!(matches!(instrument(&export, &s), Err(InstrumentError::Unsupported(_))));
}

#[test]
fn host_charges_and_callbacks_use_the_one_counter() {
    // outer: i32.const 1 + call 20 = 21; the host charges 1000 and calls back into inner:
    // local.get 1 + i32.const 1 + i32.add 1 = 3. Total 1024.
    let wat = r#"(module
        (import "env" "h" (func $h (param i32) (result i32)))
        (func (export "inner") (param i32) (result i32) local.get 0 i32.const 1 i32.add)
        (func (export "outer") (result i32) i32.const 41 call $h))"#;
    for (gas, expected) in [(10_000, (Outcome::Ok, 1024)), (1020, (Outcome::OutOfGas, 21))] {
        // The reference: the host charges through the store state.
        let meter = ref_meter();
        let bytes = instrument(&wat::parse_str(wat).unwrap(), meter.schedule()).unwrap();
        let module = meter.module(&bytes).unwrap();
        let mut store = meter.store(gas);
        let mut linker = meter.linker();
        linker
            .func_wrap("env", "h", |mut c: wasmi::Caller<'_, runtime::RefState>, x: i32| -> Result<i32, wasmi::Error> {
                c.data_mut().charge(1000)?;
                let inner = c.get_export("inner").and_then(wasmi::Extern::into_func).unwrap();
                let mut out = [wasmi::Val::I32(0)];
                inner.call(&mut c, &[wasmi::Val::I32(x)], &mut out)?;
                Ok(out[0].i32().unwrap_or(0))
            })
            .unwrap();
        let instance = linker.instantiate_and_start(&mut store, &module).unwrap();
        let outer = instance.get_func(&store, "outer").unwrap();
        let r = outer.call(&mut store, &[], &mut [wasmi::Val::I32(0)]);
        assert_eq!((runtime::outcome(&r), gas - store.data().gas_left()), expected, "reference");

        // gasket: the host charges with Caller::consume_gas.
        let engine = gasket_engine_with(&gasket::GasSchedule::default());
        let module = gasket::Module::new(&engine, wat).unwrap();
        let mut store = gasket::Store::new(&engine, ());
        let mut linker = gasket::Linker::new(&engine);
        linker
            .func_wrap("env", "h", |mut c: gasket::Caller<'_, ()>, x: i32| -> Result<i32, gasket::Trap> {
                c.consume_gas(1000)?;
                let inner = c.get_export("inner").and_then(gasket::Extern::into_func).unwrap();
                let mut out = [gasket::Val::I32(0)];
                inner
                    .call(&mut c, &[gasket::Val::I32(x)], &mut out)
                    .map_err(|e| e.as_trap().cloned().unwrap_or_else(|| gasket::Trap::host(e.to_string())))?;
                Ok(out[0].i32().unwrap_or(0))
            })
            .unwrap();
        let instance = linker.instantiate(&mut store, &module).unwrap();
        let outer = instance.get_func(&store, "outer").unwrap();
        store.set_gas(gas);
        let r = outer.call(&mut store, &[], &mut [gasket::Val::I32(0)]);
        assert_eq!((gasket_outcome(&r), gas - gas_left(&store)), expected, "gasket");
    }
}

#[test]
fn the_rewriter_never_panics() {
    // Modules of every proposal wasm-smith knows (most outside Wasm 2.0), and every prefix of
    // one valid module: each must instrument or be refused with a typed error.
    let s = Schedule::default();
    for seed in 0..300u64 {
        let data = crate::common::SplitMix(seed).bytes(2048);
        let config = wasm_smith::Config { canonicalize_nans: seed % 2 == 0, ..Default::default() };
        if let Ok(m) = wasm_smith::Module::new(config, &mut arbitrary::Unstructured::new(&data)) {
            let bytes = m.to_bytes();
            let _ = instrument(&bytes, &s);
            for cut in (0..bytes.len()).step_by(bytes.len() / 16 + 1) {
                let _ = instrument(&bytes[..cut], &s);
            }
        }
    }
}
