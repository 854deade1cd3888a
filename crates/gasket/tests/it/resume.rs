//! Resumable calls (docs/resume.md): out of gas N times in a loop, in a nested call, at a
//! function's entry and in a dynamic charge, host traps resumed with values, wrong types,
//! dropped handles and the wrong store, on every tier; the random-module property is
//! `gasket_fuzzcheck::resume`, run bounded at the end.

use gasket::{
    Config, Engine, Error, FuncType, GasSchedule, Linker, Module, ResumableCall, Store, Tier, Trap, TrapCode, Val,
    ValType,
};

const TIERS: [Tier; 2] = [Tier::Interpreter, Tier::Compiler];

fn engine(tier: Tier) -> Engine {
    Engine::new(&Config { tier, metering: Some(GasSchedule::default()), ..Config::default() })
}

/// Sums 1..=n in a loop; `nested` calls a helper per iteration.
const LOOP: &str = r#"(module
  (memory (export "memory") 1)
  (global $g (export "g") (mut i64) (i64.const 0))
  (func $add (param i64 i64) (result i64) (i64.add (local.get 0) (local.get 1)))
  (func (export "sum") (param $n i64) (result i64) (local $acc i64)
    (block $done (loop $top
      (br_if $done (i64.eqz (local.get $n)))
      (local.set $acc (i64.add (local.get $acc) (local.get $n)))
      (local.set $n (i64.sub (local.get $n) (i64.const 1)))
      (br $top)))
    (global.set $g (local.get $acc))
    (local.get $acc))
  (func (export "nested") (param $n i64) (result i64) (local $acc i64)
    (block $done (loop $top
      (br_if $done (i64.eqz (local.get $n)))
      (local.set $acc (call $add (local.get $acc) (local.get $n)))
      (i64.store (i32.wrap_i64 (i64.rem_u (local.get $n) (i64.const 1000))) (local.get $acc))
      (local.set $n (i64.sub (local.get $n) (i64.const 1)))
      (br $top)))
    (local.get $acc))
  (func (export "grow") (param $n i32) (result i32)
    (drop (memory.grow (local.get $n)))
    (memory.fill (i32.const 0) (i32.const 7) (i32.const 40000))
    (memory.size)))"#;

/// Gas used by an uninterrupted call of `name`, and its results.
fn straight(tier: Tier, name: &str, arg: Val) -> (Vec<Val>, u64) {
    let engine = engine(tier);
    let module = Module::new(&engine, LOOP).unwrap();
    let mut store = Store::new(&engine, ());
    store.set_gas(u64::MAX);
    let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
    let f = instance.get_func(&store, name).unwrap();
    let mut out = vec![Val::I32(0); f.ty(&store).unwrap().results().len()];
    f.call(&mut store, &[arg], &mut out).unwrap();
    (out, u64::MAX - store.gas_left().unwrap())
}

/// Runs `name` starting with `first` gas, topping up by `step` at each pause: the results,
/// the total gas used and the number of pauses.
fn paused(tier: Tier, name: &str, arg: Val, first: u64, step: u64) -> (Vec<Val>, u64, usize, Vec<u8>) {
    let engine = engine(tier);
    let module = Module::new(&engine, LOOP).unwrap();
    let mut store = Store::new(&engine, ());
    store.set_gas(first);
    let mut given = first;
    let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
    let f = instance.get_func(&store, name).unwrap();
    let mut pauses = 0;
    let mut call = f.call_resumable(&mut store, &[arg]).unwrap();
    let results = loop {
        match call {
            ResumableCall::Finished(r) => break r,
            ResumableCall::OutOfGas(handle) => {
                pauses += 1;
                let left = store.gas_left().unwrap();
                assert!(left < handle.required_gas(), "paused with {left} left for {}", handle.required_gas());
                store.set_gas(left + step);
                given += step;
                call = handle.resume(&mut store).unwrap();
            }
            ResumableCall::HostTrap(_) => panic!("no host functions here"),
        }
    };
    let memory = instance.get_memory(&store, "memory").unwrap().data(&store).unwrap().to_vec();
    (results, given - store.gas_left().unwrap(), pauses, memory)
}

#[test]
fn a_loop_that_runs_out_many_times_uses_the_gas_of_one_run() {
    for tier in TIERS {
        let (results, gas) = straight(tier, "sum", Val::I64(1000));
        assert_eq!(results, [Val::I64(500_500)]);
        for step in [1, 2, 3, 7, 50, 1000] {
            let (r, g, pauses, _) = paused(tier, "sum", Val::I64(1000), 0, step);
            assert_eq!((r, g), (results.clone(), gas), "{tier:?} step {step}");
            assert!(pauses as u64 >= gas / step.max(1) / 8, "{tier:?} step {step}: only {pauses} pauses");
        }
    }
}

#[test]
fn out_of_gas_inside_a_nested_call_and_its_entry() {
    for tier in TIERS {
        let (results, gas) = straight(tier, "nested", Val::I64(300));
        let (_, _, _, memory) = paused(tier, "nested", Val::I64(300), u64::MAX / 2, 1);
        for step in [1, 5, 13] {
            let (r, g, pauses, m) = paused(tier, "nested", Val::I64(300), 1, step);
            assert_eq!((&r, g), (&results, gas), "{tier:?} step {step}");
            assert!(pauses > 100);
            assert!(m == memory, "{tier:?} step {step}: memory differs");
        }
    }
}

#[test]
fn dynamic_charges_pause_before_their_effect() {
    for tier in TIERS {
        let (results, gas) = straight(tier, "grow", Val::I32(2));
        assert_eq!(results, [Val::I32(3)]);
        // The grow costs 2 pages' gas and the fill 5,000 words' in one charge each: with a
        // step of 1,000 each pauses repeatedly before it, with no effect until it fits.
        let (r, g, pauses, memory) = paused(tier, "grow", Val::I32(2), 0, 1000);
        assert_eq!((r, g), (results, gas));
        assert!(pauses >= 2);
        assert_eq!(memory.len(), 3 * 65536);
        assert!(memory[..40000].iter().all(|b| *b == 7) && memory[40000] == 0);
    }
}

#[test]
fn a_failed_resume_keeps_the_call_paused_and_required_gas_is_exact() {
    for tier in TIERS {
        let engine = engine(tier);
        let module = Module::new(&engine, LOOP).unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
        let sum = instance.get_typed_func::<i64, i64>(&store, "sum").unwrap();
        store.set_gas(0);
        let ResumableCall::OutOfGas(handle) = sum.call_resumable(&mut store, 10).unwrap() else { panic!() };
        let need = handle.required_gas();
        assert!(need > 0);
        // One short: stops again at the same charge, nothing taken.
        store.set_gas(need - 1);
        let ResumableCall::OutOfGas(handle) = handle.resume(&mut store).unwrap() else { panic!() };
        assert_eq!((handle.required_gas(), store.gas_left()), (need, Some(need - 1)));
        store.set_gas(1_000_000);
        let ResumableCall::Finished(55) = handle.resume(&mut store).unwrap() else { panic!() };
        let global = instance.get_global(&store, "g").unwrap();
        assert_eq!(global.get(&store).unwrap(), Val::I64(55));
    }
}

/// A host function that suspends the guest on its first call and works on later ones.
const HOST: &str = r#"(module
  (import "env" "fetch" (func $fetch (param i32) (result i64 i32)))
  (func (export "run") (param i32) (result i64)
    (local $a i64)
    (local.set $a (i64.const 100))
    (call $fetch (local.get 0))
    (i64.extend_i32_u)
    (i64.add)
    (i64.add (local.get $a))))"#;

fn host_store(tier: Tier) -> (Store<u32>, gasket::Instance) {
    let engine = engine(tier);
    let module = Module::new(&engine, HOST).unwrap();
    let mut store = Store::new(&engine, 0u32);
    store.set_gas(1_000_000);
    let mut linker = Linker::new(&engine);
    let ty = FuncType::new([ValType::I32], [ValType::I64, ValType::I32]);
    linker
        .func_new("env", "fetch", ty, |mut caller: gasket::Caller<'_, u32>, params: &[Val], out: &mut [Val]| {
            caller.consume_gas(10)?;
            *caller.data_mut() += 1;
            if *caller.data() == 1 {
                return Err(Trap::resumable(format!("fetch {:?}", params[0])));
            }
            out[0] = Val::I64(1);
            out[1] = Val::I32(2);
            Ok(())
        })
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    (store, instance)
}

#[test]
fn a_host_trap_resumes_with_the_hosts_values() {
    for tier in TIERS {
        let (mut store, instance) = host_store(tier);
        let run = instance.get_func(&store, "run").unwrap();
        let ResumableCall::HostTrap(handle) = run.call_resumable(&mut store, &[Val::I32(5)]).unwrap() else { panic!() };
        assert_eq!(handle.host_error().host_message(), Some("fetch I32(5)"));
        assert_eq!(handle.host_result_types(), [ValType::I64, ValType::I32]);
        let gas_at_pause = store.gas_left().unwrap();
        let ResumableCall::Finished(r) = handle.resume(&mut store, &[Val::I64(40), Val::I32(2)]).unwrap() else {
            panic!()
        };
        assert_eq!(r, [Val::I64(142)]);
        // The second, uninterrupted call: the host returns (1, 2) and the same gas is used.
        let used = 1_000_000 - store.gas_left().unwrap();
        store.set_gas(1_000_000);
        let mut out = [Val::I64(0)];
        run.call(&mut store, &[Val::I32(5)], &mut out).unwrap();
        assert_eq!((out[0], 1_000_000 - store.gas_left().unwrap()), (Val::I64(103), used), "{tier:?}");
        assert!(gas_at_pause < 1_000_000);
        // In a plain call a resumable trap is an ordinary host trap.
        *store.data_mut() = 0;
        let err = run.call(&mut store, &[Val::I32(5)], &mut out).unwrap_err();
        assert_eq!(err.as_trap().map(|t| t.code()), Some(TrapCode::Host));
    }
}

#[test]
fn host_results_of_the_wrong_types_are_usage_errors() {
    for tier in TIERS {
        for values in [vec![Val::I64(1)], vec![Val::I32(1), Val::I32(2)], vec![Val::I64(1), Val::I32(2), Val::I32(3)]] {
            let (mut store, instance) = host_store(tier);
            let run = instance.get_typed_func::<i32, i64>(&store, "run").unwrap();
            let ResumableCall::HostTrap(handle) = run.call_resumable(&mut store, 5).unwrap() else { panic!() };
            let err = handle.resume(&mut store, &values).unwrap_err();
            assert!(matches!(err, Error::Usage(_)), "{err}");
            // The store still works.
            assert_eq!(run.call(&mut store, 5).unwrap(), 103);
        }
    }
}

#[test]
fn a_dropped_handle_leaves_the_store_usable_and_another_store_is_refused() {
    for tier in TIERS {
        let engine = engine(tier);
        let module = Module::new(&engine, LOOP).unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
        let nested = instance.get_typed_func::<i64, i64>(&store, "nested").unwrap();
        store.set_gas(500);
        let ResumableCall::OutOfGas(handle) = nested.call_resumable(&mut store, 100).unwrap() else { panic!() };
        drop(handle);
        store.set_gas(1_000_000);
        assert_eq!(nested.call(&mut store, 100).unwrap(), 5050);
        let ResumableCall::Finished(5050) = nested.call_resumable(&mut store, 100).unwrap() else { panic!() };

        // Two calls suspended at once are independent.
        store.set_gas(300);
        let ResumableCall::OutOfGas(first) = nested.call_resumable(&mut store, 10).unwrap() else { panic!() };
        store.set_gas(300);
        let ResumableCall::OutOfGas(second) = nested.call_resumable(&mut store, 20).unwrap() else { panic!() };
        store.set_gas(1_000_000);
        let ResumableCall::Finished(210) = second.resume(&mut store).unwrap() else { panic!() };
        let ResumableCall::Finished(55) = first.resume(&mut store).unwrap() else { panic!() };

        let mut other = Store::new(&engine, ());
        other.set_gas(1_000_000);
        store.set_gas(300);
        let ResumableCall::OutOfGas(handle) = nested.call_resumable(&mut store, 10).unwrap() else { panic!() };
        assert!(matches!(handle.resume(&mut other), Err(Error::Usage(_))));
    }
}

#[test]
fn traps_end_a_resumable_call() {
    let wat = r#"(module (func (export "f") (param i32) (result i32)
        (i32.div_u (i32.const 1) (local.get 0))))"#;
    for tier in TIERS {
        let engine = engine(tier);
        let module = Module::new(&engine, wat).unwrap();
        let mut store = Store::new(&engine, ());
        store.set_gas(1_000);
        let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
        let f = instance.get_typed_func::<i32, i32>(&store, "f").unwrap();
        let err = f.call_resumable(&mut store, 0).unwrap_err();
        assert_eq!(err.as_trap().map(|t| t.code()), Some(TrapCode::IntegerDivisionByZero));
        let ResumableCall::Finished(1) = f.call_resumable(&mut store, 1).unwrap() else { panic!() };
    }
}

#[test]
fn a_host_function_called_directly_can_suspend_and_host_out_of_gas_ends_the_call() {
    for tier in TIERS {
        let engine = engine(tier);
        let mut store = Store::new(&engine, ());
        store.set_gas(100);
        let ty = FuncType::new([ValType::I32], [ValType::I32]);
        let f = gasket::Func::new(&mut store, ty, |mut caller, params, _out| {
            caller.consume_gas(5)?;
            Err(Trap::resumable(format!("{:?}", params[0])))
        });
        let ResumableCall::HostTrap(handle) = f.call_resumable(&mut store, &[Val::I32(3)]).unwrap() else { panic!() };
        assert_eq!(store.gas_left(), Some(95));
        let ResumableCall::Finished(r) = handle.resume(&mut store, &[Val::I32(9)]).unwrap() else { panic!() };
        assert_eq!(r, [Val::I32(9)]);
        // Out of gas charged by the host is not resumable: the host function already ran.
        store.set_gas(4);
        let err = f.call_resumable(&mut store, &[Val::I32(3)]).unwrap_err();
        assert_eq!(err.as_trap().map(|t| t.code()), Some(TrapCode::OutOfGas));
        assert_eq!(store.gas_left(), Some(4));
    }
}

/// `caller` calls `callee` of another instance in a loop: pauses at the entry of a function of
/// another instance (charged by the driver) and in a return across instances.
#[test]
fn out_of_gas_across_instances() {
    let callee = r#"(module (func (export "inc") (param i64) (result i64) (i64.add (local.get 0) (i64.const 1))))"#;
    let caller = r#"(module (import "b" "inc" (func $inc (param i64) (result i64)))
      (func (export "run") (param $n i32) (result i64) (local $x i64)
        (loop $l
          (local.set $x (call $inc (local.get $x)))
          (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
        (local.get $x)))"#;
    for tier in TIERS {
        let engine = engine(tier);
        let run = |first: u64, step: u64| {
            let mut store = Store::new(&engine, ());
            store.set_gas(u64::MAX / 2);
            let mut linker = Linker::new(&engine);
            let b = linker.instantiate(&mut store, &Module::new(&engine, callee).unwrap()).unwrap();
            linker.define("b", "inc", b.get_func(&store, "inc").unwrap()).unwrap();
            let a = linker.instantiate(&mut store, &Module::new(&engine, caller).unwrap()).unwrap();
            let f = a.get_typed_func::<i32, i64>(&store, "run").unwrap();
            store.set_gas(first);
            let (mut given, mut pauses) = (first, 0);
            let mut call = f.call_resumable(&mut store, 50).unwrap();
            let r = loop {
                match call {
                    ResumableCall::Finished(r) => break r,
                    ResumableCall::OutOfGas(h) => {
                        pauses += 1;
                        store.set_gas(store.gas_left().unwrap() + step);
                        given += step;
                        call = h.resume(&mut store).unwrap();
                    }
                    ResumableCall::HostTrap(_) => panic!(),
                }
            };
            (r, given - store.gas_left().unwrap(), pauses)
        };
        let (r, gas, _) = run(1 << 40, 1);
        assert_eq!(r, 50);
        for step in [1, 2, 3, 5] {
            let (r2, gas2, pauses) = run(0, step);
            assert_eq!((r2, gas2), (r, gas), "{tier:?} step {step}");
            assert!(pauses >= 100);
        }
    }
}
