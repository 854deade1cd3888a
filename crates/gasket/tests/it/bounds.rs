//! Static bounds (docs/bounds.md): hand-written shapes, each bound checked against metered runs
//! (gas used never above the bound, equal to it for straight-line code and for tight counted
//! loops), and depth and stack bounds checked by running with the limits lowered to them.

use gasket::{Bound, BoundsConfig, Config, Engine, Error, GasSchedule, Linker, Module, Reason, Store, TrapCode, Val};

fn config() -> Config {
    Config { metering: Some(GasSchedule::default()), ..Config::default() }
}

fn module(wat: &str) -> Module {
    Module::new(&Engine::new(&config()), wat).unwrap()
}

/// Runs `name` with `args` on an engine with `config`, returning (trap code if any, gas used).
fn run_with(config: &Config, wat: &str, name: &str, args: &[Val]) -> (Option<TrapCode>, u64) {
    let engine = Engine::new(config);
    let m = Module::new(&engine, wat).unwrap();
    let mut store = Store::new(&engine, ());
    store.set_gas(u64::MAX);
    let inst = Linker::new(&engine).instantiate(&mut store, &m).unwrap();
    let f = inst.get_func(&store, name).unwrap();
    let ty = f.ty(&store).unwrap();
    let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
    let start = 1u64 << 40;
    store.set_gas(start);
    let r = f.call(&mut store, args, &mut results);
    (r.err().and_then(|e| e.as_trap().map(|t| t.code())), start - store.gas_left().unwrap())
}

fn run(wat: &str, name: &str, args: &[Val]) -> (Option<TrapCode>, u64) {
    run_with(&config(), wat, name, args)
}

fn gas_bound(wat: &str, name: &str) -> Bound {
    module(wat).bounds(name).unwrap().gas
}

fn unbounded_reason(b: Bound) -> Option<Reason> {
    match b {
        Bound::Unbounded { reason, .. } => Some(reason),
        Bound::AtMost(_) => None,
    }
}

const STRAIGHT: &str = r#"(module (memory 1)
  (global $g (mut i32) (i32.const 0))
  (func (export "f") (param i32 i32) (result i32) (local i64)
    (global.set $g (i32.add (local.get 0) (i32.const 7)))
    (i32.store (local.get 1) (i32.mul (local.get 0) (global.get $g)))
    (i32.load offset=4 (local.get 1))))"#;

#[test]
fn straight_line_bound_is_the_gas_used() {
    let b = gas_bound(STRAIGHT, "f");
    for args in [[Val::I32(0), Val::I32(0)], [Val::I32(-5), Val::I32(100)]] {
        let (trap, used) = run(STRAIGHT, "f", &args);
        assert_eq!(trap, None);
        assert_eq!(b, Bound::AtMost(used));
    }
}

const BRANCHES: &str = r#"(module
  (func (export "f") (param i32) (result i32)
    (if (result i32) (local.get 0)
      (then (i32.add (i32.mul (local.get 0) (i32.const 3)) (i32.const 1)))
      (else (i32.const 2)))))"#;

#[test]
fn branches_take_the_longest_arm() {
    let b = gas_bound(BRANCHES, "f").at_most().unwrap();
    let (_, long) = run(BRANCHES, "f", &[Val::I32(1)]);
    let (_, short) = run(BRANCHES, "f", &[Val::I32(0)]);
    assert!(short < long);
    assert_eq!(b, long);
}

/// `for (i = 0; i != 10; i++)`, as LLVM emits it: the step and a `ne` test that continues.
const COUNTED: &str = r#"(module
  (func (export "f") (result i32) (local i32 i32)
    (local.set 0 (i32.const 0))
    (loop $l
      (local.set 1 (i32.add (local.get 1) (local.get 0)))
      (br_if $l (i32.ne (local.tee 0 (i32.add (local.get 0) (i32.const 1))) (i32.const 10))))
    (local.get 1))
  (func (export "lt") (param i32) (result i32) (local i32)
    (local.set 1 (i32.const 3))
    (loop $l
      (if (local.get 0) (then (local.set 0 (i32.add (local.get 0) (i32.const 1)))))
      (local.set 1 (i32.add (local.get 1) (i32.const 2)))
      (br_if $l (i32.lt_u (local.get 1) (i32.const 20))))
    (local.get 0)))"#;

#[test]
fn counted_loop_is_bounded_and_tight() {
    let b = gas_bound(COUNTED, "f").at_most().unwrap();
    let (trap, used) = run(COUNTED, "f", &[]);
    assert_eq!(trap, None);
    assert_eq!(b, used, "one path, ten iterations");
    // Two arms inside: the bound is the longer arm every time.
    let b = gas_bound(COUNTED, "lt").at_most().unwrap();
    let (_, long) = run(COUNTED, "lt", &[Val::I32(1)]);
    let (_, short) = run(COUNTED, "lt", &[Val::I32(0)]);
    assert!(short < long);
    assert_eq!(b, long);
}

const NESTED: &str = r#"(module (memory 1)
  (func (export "f") (local i32 i32)
    (local.set 0 (i32.const 0))
    (loop $outer
      (local.set 1 (i32.const 0))
      (loop $inner
        (i32.store (i32.shl (local.get 1) (i32.const 2)) (local.get 0))
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (br_if $inner (i32.lt_s (local.get 1) (i32.const 7))))
      (local.set 0 (i32.add (local.get 0) (i32.const 1)))
      (br_if $outer (i32.lt_s (local.get 0) (i32.const 5))))))"#;

#[test]
fn nested_counted_loops_multiply() {
    let b = gas_bound(NESTED, "f").at_most().unwrap();
    let (trap, used) = run(NESTED, "f", &[]);
    assert_eq!(trap, None);
    assert_eq!(b, used);
}

#[test]
fn loops_not_proven_are_unbounded() {
    // The induction variable is written again in the body.
    let written = r#"(module (func (export "f") (param i32) (local i32)
      (loop $l
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (local.set 1 (i32.and (local.get 1) (local.get 0)))
        (br_if $l (i32.lt_u (local.get 1) (i32.const 10))))))"#;
    assert_eq!(unbounded_reason(gas_bound(written, "f")), Some(Reason::LoopTripCount));
    // The bound is a parameter.
    let param = r#"(module (func (export "f") (param i32) (local i32)
      (loop $l
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get 1) (local.get 0))))))"#;
    assert_eq!(unbounded_reason(gas_bound(param, "f")), Some(Reason::LoopTripCount));
    // The start is a parameter.
    let start = r#"(module (func (export "f") (param i32)
      (loop $l
        (local.set 0 (i32.add (local.get 0) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get 0) (i32.const 10))))))"#;
    assert_eq!(unbounded_reason(gas_bound(start, "f")), Some(Reason::LoopTripCount));
    // Stepping away from the bound: wraps before it ends.
    let away = r#"(module (func (export "f") (local i32)
      (loop $l
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get 0) (i32.const 10))))))"#;
    assert_eq!(unbounded_reason(gas_bound(away, "f")), Some(Reason::LoopTripCount));
}

const CALLS: &str = r#"(module
  (func $leaf (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
  (func $mid (param i32) (result i32) (local i32 i32 i32)
    (i32.add (call $leaf (local.get 0)) (call $leaf (i32.const 3))))
  (func (export "top") (param i32) (result i32)
    (call $mid (call $mid (local.get 0))))
  (func $rec (export "rec") (param i32) (result i32)
    (if (result i32) (local.get 0)
      (then (call $rec (i32.sub (local.get 0) (i32.const 1))))
      (else (i32.const 0)))))"#;

#[test]
fn calls_add_callee_bounds_and_recursion_is_unbounded() {
    let b = module(CALLS).bounds("top").unwrap();
    let (trap, used) = run(CALLS, "top", &[Val::I32(2)]);
    assert_eq!(trap, None);
    assert_eq!(b.gas, Bound::AtMost(used));
    assert_eq!(b.call_depth, Bound::AtMost(3));
    let rec = module(CALLS).bounds("rec").unwrap();
    assert_eq!(unbounded_reason(rec.gas), Some(Reason::Recursion));
    assert_eq!(unbounded_reason(rec.call_depth), Some(Reason::Recursion));
}

#[test]
fn depth_and_stack_bounds_suffice_and_are_tight() {
    let b = module(CALLS).bounds("top").unwrap();
    let (Bound::AtMost(depth), Bound::AtMost(stack)) = (b.call_depth, b.stack_slots) else { panic!("{b:?}") };
    let at = |d: u64, s: u64| {
        let c = Config { max_call_depth: d as u32, max_value_stack: s as u32, ..config() };
        run_with(&c, CALLS, "top", &[Val::I32(1)]).0
    };
    assert_eq!(at(depth, stack), None);
    assert_eq!(at(depth - 1, stack), Some(TrapCode::CallStackExhausted));
    assert_eq!(at(depth, stack - 1), Some(TrapCode::ValueStackExhausted));
}

const INDIRECT: &str = r#"(module
  (type $t (func (param i32) (result i32)))
  (table 4 funcref)
  (elem (i32.const 0) $a $b $c)
  (func $a (param i32) (result i32) (local.get 0))
  (func $b (param i32) (result i32) (i32.mul (i32.add (local.get 0) (i32.const 1)) (i32.const 9)))
  (func $c (param i64) (result i64) (local.get 0))
  (func (export "f") (param i32 i32) (result i32)
    (call_indirect (type $t) (local.get 0) (local.get 1)))
  (func (export "set") (table.set (i32.const 3) (ref.func $a))))"#;

#[test]
fn call_indirect_through_immutable_table_is_the_max_of_its_entries() {
    let fixed = INDIRECT.replace(r#"(func (export "set") (table.set (i32.const 3) (ref.func $a)))"#, "");
    let b = gas_bound(&fixed, "f").at_most().unwrap();
    let (trap, used) = run(&fixed, "f", &[Val::I32(5), Val::I32(1)]);
    assert_eq!(trap, None);
    assert_eq!(b, used, "$b is the longest entry of type $t");
    let (_, other) = run(&fixed, "f", &[Val::I32(5), Val::I32(0)]);
    assert!(other < used);
    // With a `table.set` anywhere, the table can change.
    assert_eq!(unbounded_reason(gas_bound(INDIRECT, "f")), Some(Reason::MutableTable));
    // An exported table too.
    let exported = fixed.replace("(table 4 funcref)", r#"(table (export "t") 4 funcref)"#);
    assert_eq!(unbounded_reason(gas_bound(&exported, "f")), Some(Reason::MutableTable));
}

#[test]
fn dynamic_charges_need_constant_lengths() {
    let wat = r#"(module (memory 1 10)
      (func (export "grow_const") (result i32) (memory.grow (i32.const 2)))
      (func (export "grow_param") (param i32) (result i32) (memory.grow (local.get 0)))
      (func (export "fill_const") (memory.fill (i32.const 0) (i32.const 7) (i32.const 100)))
      (func (export "fill_param") (param i32) (memory.fill (i32.const 0) (i32.const 7) (local.get 0))))"#;
    for name in ["grow_const", "fill_const"] {
        let b = gas_bound(wat, name).at_most().unwrap();
        let (trap, used) = run(wat, name, &[]);
        assert_eq!(trap, None);
        assert_eq!(b, used, "{name}");
    }
    for name in ["grow_param", "fill_param"] {
        assert_eq!(unbounded_reason(gas_bound(wat, name)), Some(Reason::DynamicLength), "{name}");
    }
}

#[test]
fn host_calls_need_a_declared_cost() {
    let wat = r#"(module (import "env" "h" (func $h (param i32)))
      (func (export "f") (call $h (i32.const 1))))"#;
    let m = module(wat);
    let b = m.bounds("f").unwrap();
    assert_eq!(unbounded_reason(b.gas), Some(Reason::HostCall));
    let mut config = BoundsConfig::default();
    config.host_costs.insert(("env".into(), "h".into()), 500);
    let b = m.bounds_with("f", &config).unwrap();
    // call 20 + const 1, then the host's 500.
    assert_eq!(b.gas, Bound::AtMost(521));
    assert_eq!(b.call_depth, Bound::AtMost(1));
    // The same cost declared on a linker.
    let mut linker = Linker::<()>::new(m.engine());
    assert!(matches!(linker.declare_cost("env", "h", 500), Err(Error::Usage(_))));
    linker.func_wrap("env", "h", |_: gasket::Caller<'_, ()>, _: i32| {}).unwrap();
    linker.declare_cost("env", "h", 500).unwrap();
    assert_eq!(m.bounds_with("f", linker.bounds_config()).unwrap().gas, Bound::AtMost(521));
}

#[test]
fn bad_exports_and_unmetered_engines_are_usage_errors() {
    let m = module(r#"(module (memory (export "mem") 1) (func (export "f")))"#);
    assert!(matches!(m.bounds("nope"), Err(Error::Usage(_))));
    assert!(matches!(m.bounds("mem"), Err(Error::Usage(_))));
    let unmetered = Module::new(&Engine::default(), "(module (func (export \"f\")))").unwrap();
    assert!(matches!(unmetered.bounds("f"), Err(Error::Usage(_))));
    assert_eq!(m.bounds("f").unwrap().gas, Bound::AtMost(0));
}

#[test]
fn causes_carry_the_body_offset() {
    let wat = r#"(module (func (export "f") (param i32) (loop $l (br_if $l (local.get 0)))))"#;
    let bytes = wat::parse_str(wat).unwrap();
    let m = Module::new(&Engine::new(&config()), &bytes).unwrap();
    let Bound::Unbounded { reason, offset } = m.bounds("f").unwrap().gas else { panic!() };
    assert_eq!(reason, Reason::LoopTripCount);
    // The code section's only body: its size byte, then the body, which ends with `end`.
    assert!(offset > 0 && (offset as usize) < bytes.len(), "{offset}");
    let size = bytes[offset as usize - 1] as usize;
    assert_eq!(bytes[offset as usize + size - 1], 0x0b);
    assert_eq!(bytes[offset as usize], 0, "no locals");
}

#[test]
fn countdown_to_zero_is_counted() {
    let wat = r#"(module (func (export "f") (local i32)
      (local.set 0 (i32.const 12))
      (loop $l (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 3)))))))"#;
    let b = gas_bound(wat, "f").at_most().unwrap();
    let (trap, used) = run(wat, "f", &[]);
    assert_eq!(trap, None);
    assert_eq!(b, used, "four iterations");
}

/// The bomb corpus: the analysis runs on every function of every family (at 10 KB and
/// 100 KB) and gives one result per function, without a panic or an error. Its time against
/// preparation's, and its scaling, are measured by `gasket-bench bounds` (bench/src/bounds.rs,
/// docs/bounds.md), not asserted here: a shared machine's timings are noise in a test.
#[test]
fn bombs_analysis_covers_every_family() {
    let engine = Engine::new(&config());
    let mut analysed = 0;
    for &family in gasket_bombs::Family::ALL {
        for size in [10_000usize, 100_000] {
            let bytes = gasket_bombs::generate(family, size.max(family.min_bytes()));
            let Ok(m) = Module::new(&engine, &bytes) else { continue };
            let all = m.function_bounds(&BoundsConfig::default()).unwrap();
            assert_eq!(all.len(), m.stats().functions as usize, "{}", family.name());
            analysed += 1;
        }
    }
    assert!(analysed > 10, "only {analysed} bomb modules prepared");
}
