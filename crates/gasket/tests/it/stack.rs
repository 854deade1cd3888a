//! Call depth and value-stack size are bounded by counters, not by the native stack.

use gasket::{Config, Engine, Linker, Module, Store, TrapCode};

const RECURSE: &str = r#"(module
  (func $down (export "down") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $down (i32.sub (local.get 0) (i32.const 1))))))))"#;

fn setup(config: &Config) -> (Store<()>, gasket::TypedFunc<i32, i32>) {
    let engine = Engine::new(config);
    let module = Module::new(&engine, RECURSE).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
    let down = instance.get_typed_func::<i32, i32>(&store, "down").unwrap();
    (store, down)
}

#[test]
fn recursion_a_million_deep_traps_and_the_store_stays_usable() {
    let (mut store, down) = setup(&Config::default());
    let err = down.call(&mut store, 1_000_000).unwrap_err();
    assert_eq!(err.as_trap().map(|t| t.code()), Some(TrapCode::CallStackExhausted), "{err}");
    // The same store keeps working after the trap.
    assert_eq!(down.call(&mut store, 1000).unwrap(), 1000);
}

#[test]
fn depth_limit_is_exact() {
    let config = Config { max_call_depth: 100, ..Config::default() };
    let (mut store, down) = setup(&config);
    // down(n) needs n + 1 frames.
    assert_eq!(down.call(&mut store, 99).unwrap(), 99);
    let err = down.call(&mut store, 100).unwrap_err();
    assert_eq!(err.as_trap().map(|t| t.code()), Some(TrapCode::CallStackExhausted));
}

#[test]
fn value_stack_limit_traps() {
    let config = Config { max_value_stack: 2000, ..Config::default() };
    let (mut store, down) = setup(&config);
    let err = down.call(&mut store, 10_000).unwrap_err();
    assert_eq!(err.as_trap().map(|t| t.code()), Some(TrapCode::ValueStackExhausted));
}

#[test]
fn deep_recursion_does_not_use_the_native_stack() {
    // A thread with a 256 KiB native stack runs a 100,000-deep Wasm recursion.
    let handle = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(|| {
            let config = Config { max_call_depth: 200_000, ..Config::default() };
            let (mut store, down) = setup(&config);
            down.call(&mut store, 100_000).unwrap()
        })
        .unwrap();
    assert_eq!(handle.join().unwrap(), 100_000);
}

/// docs/gas.md §6: a frame needs params + declared locals + the greatest operand-stack height;
/// a callee's frame begins at its caller's first argument.
#[test]
fn value_stack_exhaustion_point_follows_the_frame_model() {
    // L = 2 (one param, one local), H = 2 (global.get + const; local.get + const), so a frame
    // needs 4 cells. The argument sits at height 0, so frame k begins at cell 2k and ends at
    // 2k + 4. With 100 cells, frames 0..=48 fit and frame 49 traps: 49 increments.
    let config = Config { max_value_stack: 100, ..Config::default() };
    let engine = Engine::new(&config);
    let module = Module::new(
        &engine,
        r#"(module (global $d (export "d") (mut i32) (i32.const 0))
          (func $f (export "f") (param i32) (local i64)
            (global.set $d (i32.add (global.get $d) (i32.const 1)))
            (call $f (i32.add (local.get 0) (i32.const 1)))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
    let f = instance.get_typed_func::<i32, ()>(&store, "f").unwrap();
    let err = f.call(&mut store, 0).unwrap_err();
    assert_eq!(err.as_trap().map(|t| t.code()), Some(TrapCode::ValueStackExhausted));
    let depth = instance.get_global(&store, "d").unwrap().get(&store).unwrap();
    assert_eq!(depth, gasket::Val::I32(49));
}

/// The frame stack grew to `clamp(64, max_frames)`, which panics when a depth limit under
/// 65 frames makes the bound smaller than 64: a small `max_call_depth` must trap, never panic.
#[test]
fn regression_small_call_depth_grows_the_frame_stack_without_panicking() {
    for depth in [2, 10, 64, 65] {
        let config = Config { max_call_depth: depth, ..Config::default() };
        let (mut store, down) = setup(&config);
        assert_eq!(down.call(&mut store, depth as i32 - 1).unwrap(), depth as i32 - 1, "depth {depth}");
        let err = down.call(&mut store, depth as i32).unwrap_err();
        assert_eq!(err.as_trap().map(|t| t.code()), Some(TrapCode::CallStackExhausted), "depth {depth}");
    }
}

/// `Store::limit_stack` lowers the engine's limits for one store, exactly as the engine's own
/// limits apply, on both tiers, and cannot raise them.
#[test]
fn a_store_can_lower_the_limits_but_not_raise_them() {
    for tier in [gasket::Tier::Interpreter, gasket::Tier::Auto] {
        let config = Config { max_call_depth: 1000, tier, ..Config::default() };
        let (mut store, down) = setup(&config);
        store.limit_stack(100, u32::MAX);
        assert_eq!(store.stack_limits(), (100, config.max_value_stack));
        assert_eq!(down.call(&mut store, 99).unwrap(), 99);
        let err = down.call(&mut store, 100).unwrap_err();
        assert_eq!(err.as_trap().map(|t| t.code()), Some(TrapCode::CallStackExhausted), "{tier:?}");
        store.limit_stack(u32::MAX, 64);
        assert_eq!(store.stack_limits(), (1000, 64));
        let err = down.call(&mut store, 500).unwrap_err();
        assert_eq!(err.as_trap().map(|t| t.code()), Some(TrapCode::ValueStackExhausted), "{tier:?}");
        store.limit_stack(u32::MAX, u32::MAX);
        assert_eq!(down.call(&mut store, 500).unwrap(), 500);
        assert!(down.call(&mut store, 1000).is_err(), "the engine's limit still holds");
    }
}

/// A callee's locals read zero even where an earlier call at the same height left values in
/// the same cells, on both sides of the interpreter's call fast path, which zeroes a fixed
/// block of 16 cells (at most 16 locals) instead of the locals one by one, and of each way
/// compiled prologues zero them (8 stores, 16-byte stores up to 128, `rep stosq`).
#[test]
fn locals_are_zero_where_an_earlier_frame_left_values() {
    // `$dirty` sets 140 locals to nonzero values; each `$cleanN` declares N locals and returns
    // the OR of all of them; `run` calls `$dirty` right before each `$cleanN`, at one height.
    let counts = [4, 5, 8, 9, 15, 16, 17, 24, 127, 128, 129];
    let mut wat = String::from("(module\n(func $dirty (param i32) (result i64) (local");
    wat += &" i64".repeat(140);
    wat += ")\n";
    for l in 1..=140 {
        wat += &format!("(local.set {l} (i64.add (i64.extend_i32_u (local.get 0)) (i64.const {l})))\n");
    }
    wat += "(local.get 1)";
    for l in 2..=140 {
        wat += &format!(" (i64.add (local.get {l}))");
    }
    wat += ")\n";
    for n in counts {
        wat += &format!("(func $clean{n} (result i64) (local{}) (local.get 0)", " i64".repeat(n));
        for l in 1..n {
            wat += &format!(" (i64.or (local.get {l}))");
        }
        wat += ")\n";
    }
    wat += "(func (export \"run\") (param i32) (result i64) (local i64)\n";
    for n in counts {
        wat += &format!(
            "(local.set 1 (i64.or (local.get 1) (block (result i64) (drop (call $dirty (local.get 0))) (call $clean{n}))))\n"
        );
    }
    wat += "(local.get 1)))";
    for tier in [gasket::Tier::Interpreter, gasket::Tier::Compiler] {
        let engine = Engine::new(&Config { tier, ..Config::default() });
        let module = Module::new(&engine, wat.as_str()).unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
        let run = instance.get_typed_func::<i32, i64>(&store, "run").unwrap();
        assert_eq!(run.call(&mut store, 7).unwrap(), 0, "{tier:?}");
    }
}
