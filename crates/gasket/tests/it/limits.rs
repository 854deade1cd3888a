//! Every structural limit gives `Error::Limit` before anything sized by it is allocated.

use gasket::{Config, Engine, Error, Limits, Module};

fn engine_with(f: impl FnOnce(&mut Limits)) -> Engine {
    let mut config = Config::default();
    f(&mut config.limits);
    Engine::new(&config)
}

fn expect_limit(engine: &Engine, wat: &str, what: &str) {
    match Module::new(engine, wat) {
        Err(Error::Limit { what: w, .. }) => assert_eq!(w, what),
        other => panic!("expected a `{what}` limit error, got {other:?}"),
    }
}

/// A module whose one function declares `count` locals of type i32: 10 bytes of body.
fn locals_bomb(count: u32) -> Vec<u8> {
    let mut body = vec![0x01]; // one locals entry
    leb(&mut body, count);
    body.push(0x7f); // i32
    body.push(0x0b); // end
    let mut code = vec![0x01];
    leb(&mut code, body.len() as u32);
    code.extend(&body);
    let mut m = b"\0asm\x01\0\0\0".to_vec();
    m.extend([0x01, 0x04, 0x01, 0x60, 0x00, 0x00]); // type () -> ()
    m.extend([0x03, 0x02, 0x01, 0x00]); // one function of type 0
    m.push(0x0a);
    leb(&mut m, code.len() as u32);
    m.extend(code);
    m
}

fn leb(out: &mut Vec<u8>, mut v: u32) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

#[test]
fn billions_of_locals_in_ten_bytes_is_a_limit_error() {
    let bytes = locals_bomb(u32::MAX);
    let engine = Engine::default();
    match Module::new(&engine, &bytes) {
        Err(Error::Limit { what: "locals of a function", value, .. }) => {
            assert_eq!(value, u32::MAX as u64)
        }
        other => panic!("expected a locals limit error, got {other:?}"),
    }
}

#[test]
fn locals_at_the_limit_are_accepted() {
    let engine = engine_with(|l| l.max_locals_per_function = 1000);
    Module::new(&engine, locals_bomb(1000)).expect("1000 locals are within the limit");
    assert!(matches!(Module::new(&engine, locals_bomb(1001)), Err(Error::Limit { .. })));
}

#[test]
fn total_locals() {
    let engine = engine_with(|l| l.max_locals_total = 10);
    expect_limit(
        &engine,
        "(module (func (local i32 i32 i32 i32 i32 i32)) (func (local i64 i64 i64 i64 i64)))",
        "locals in total",
    );
}

#[test]
fn module_size() {
    let engine = engine_with(|l| l.max_module_bytes = 16);
    expect_limit(&engine, "(module (func) (func))", "module size in bytes");
}

#[test]
fn types_functions_imports_exports_globals() {
    let e = engine_with(|l| l.max_types = 1);
    expect_limit(&e, "(module (type (func)) (type (func (param i32))))", "types");
    let e = engine_with(|l| l.max_functions = 2);
    expect_limit(&e, "(module (func) (func) (func))", "functions");
    let e = engine_with(|l| l.max_functions = 2);
    expect_limit(&e, r#"(module (import "a" "b" (func)) (import "a" "c" (func)) (func))"#, "functions");
    let e = engine_with(|l| l.max_imports = 1);
    expect_limit(&e, r#"(module (import "a" "b" (func)) (import "a" "c" (func)))"#, "imports");
    let e = engine_with(|l| l.max_exports = 1);
    expect_limit(&e, r#"(module (func (export "a") (export "b")))"#, "exports");
    let e = engine_with(|l| l.max_globals = 1);
    expect_limit(&e, "(module (global i32 (i32.const 0)) (global i32 (i32.const 0)))", "globals");
}

#[test]
fn body_size_nesting_and_br_table() {
    let e = engine_with(|l| l.max_function_body_bytes = 8);
    expect_limit(&e, "(module (func nop nop nop nop nop nop nop nop nop))", "function body bytes");
    let e = engine_with(|l| l.max_block_depth = 3);
    expect_limit(&e, "(module (func (block (block (block (block))))))", "block nesting depth");
    Module::new(&e, "(module (func (block (block (block)))))").expect("depth 3 is allowed");
    let e = engine_with(|l| l.max_br_table_targets = 3);
    expect_limit(&e, "(module (func (block (block (block (br_table 0 1 2 0 (i32.const 0)))))))", "br_table targets");
}

#[test]
fn tables_memories_segments() {
    let e = engine_with(|l| l.max_tables = 1);
    expect_limit(&e, "(module (table 0 funcref) (table 0 funcref))", "tables");
    let e = engine_with(|l| l.max_table_elements = 10);
    expect_limit(&e, "(module (table 11 funcref))", "initial table elements");
    let e = engine_with(|l| l.max_memory_pages = 2);
    expect_limit(&e, "(module (memory 3))", "initial memory pages");
    expect_limit(&e, r#"(module (import "m" "m" (memory 3)))"#, "initial memory pages");
    let e = engine_with(|l| l.max_data_segments = 1);
    expect_limit(&e, r#"(module (memory 1) (data (i32.const 0) "a") (data (i32.const 1) "b"))"#, "data segments");
    let e = engine_with(|l| l.max_element_segments = 1);
    expect_limit(
        &e,
        "(module (table 2 funcref) (func $f) (elem (i32.const 0) $f) (elem (i32.const 1) $f))",
        "element segments",
    );
}

#[test]
fn params_and_results() {
    let e = engine_with(|l| l.max_params = 2);
    expect_limit(&e, "(module (type (func (param i32 i32 i32))))", "parameters of a type");
    let e = engine_with(|l| l.max_results = 1);
    expect_limit(&e, "(module (type (func (result i32 i32))))", "results of a type");
}

#[test]
fn value_traffic_per_byte() {
    // Ordinary code: a call with 8 arguments, a tiny function with 8 parameters.
    let wat = "(module (func $f (param i32 i32 i32 i32 i32 i32 i32 i32))
        (func (call $f (i32.const 0) (i32.const 1) (i32.const 2) (i32.const 3)
                       (i32.const 4) (i32.const 5) (i32.const 6) (i32.const 7))))";
    Module::new(&Engine::default(), wat).expect("ordinary signatures are within the budget");
    // A function whose signature alone moves 128 values in a 3-byte body (validation pops every
    // result at its `end`): far beyond 2 values a byte.
    let results = "i32 ".repeat(128);
    expect_limit(
        &Engine::default(),
        &format!("(module (func (result {results}) unreachable))"),
        "value traffic of a function",
    );
    // A br_table whose 64 targets each carry 64 values.
    let results = "i64 ".repeat(64);
    let targets = "0 ".repeat(64);
    let vals = "(i64.const 0) ".repeat(64);
    let wat = format!(
        "(module (func (result {results}) (block (result {results}) {vals} (br_table {targets} (i32.const 0))) ))"
    );
    expect_limit(&Engine::default(), &wat, "value traffic of a function");
}

#[test]
fn memory_growth_stops_at_the_engine_limit() {
    let e = engine_with(|l| l.max_memory_pages = 4);
    let module = Module::new(
        &e,
        r#"(module (memory 1) (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#,
    )
    .unwrap();
    let mut store = gasket::Store::new(&e, ());
    let instance = gasket::Linker::new(&e).instantiate(&mut store, &module).unwrap();
    let grow = instance.get_typed_func::<i32, i32>(&store, "grow").unwrap();
    assert_eq!(grow.call(&mut store, 3).unwrap(), 1);
    assert_eq!(grow.call(&mut store, 1).unwrap(), -1, "growth past the limit fails with -1");
    assert_eq!(grow.call(&mut store, 0).unwrap(), 4);
}
