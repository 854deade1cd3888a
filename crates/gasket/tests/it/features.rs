//! Wasm 2.0 (without SIMD) is accepted; every other feature is refused with its name.

use gasket::{Engine, Error, Module};

fn unsupported(wat: &str) -> &'static str {
    match Module::new(&Engine::default(), wat) {
        Err(Error::Unsupported { feature, .. }) => feature,
        other => panic!("expected an unsupported-feature error, got {other:?}"),
    }
}

#[test]
fn disabled_features_are_named() {
    assert_eq!(unsupported("(module (func (drop (v128.const i64x2 0 0))))"), "simd");
    assert_eq!(unsupported("(module (memory 1 1 shared))"), "threads");
    assert_eq!(unsupported("(module (func (param v128)))"), "simd");
    assert_eq!(unsupported("(module (memory 1) (func (drop (i32.atomic.load (i32.const 0)))))"), "threads");
    assert_eq!(unsupported("(module (func $f (return_call $f)))"), "tail-call");
    assert_eq!(unsupported("(module (table 1 funcref) (func (return_call_indirect (i32.const 0))))"), "tail-call");
    assert_eq!(unsupported("(module (func (try_table)))"), "exceptions");
    assert_eq!(unsupported("(module (func (param exnref)))"), "exceptions");
    assert_eq!(unsupported("(module (func (drop (ref.i31 (i32.const 0)))))"), "gc");
    assert_eq!(unsupported("(module (func (param anyref)))"), "gc");
    assert_eq!(unsupported("(module (func (param (ref func))))"), "function-references");
    assert_eq!(unsupported("(module (table i64 1 funcref))"), "memory64");
    assert_eq!(unsupported("(module (memory 1 (pagesize 1)))"), "custom-page-sizes");
    assert_eq!(
        unsupported("(module (func (drop (i64.add128 (i64.const 0) (i64.const 0) (i64.const 0) (i64.const 0)))))"),
        "wide-arithmetic"
    );
    assert_eq!(unsupported("(module (memory i64 1))"), "memory64");
    assert_eq!(unsupported("(module (memory 1) (memory 1))"), "multi-memory");
    assert_eq!(unsupported("(module (tag))"), "exceptions");
    assert_eq!(unsupported("(module (type (struct)))"), "gc");
    assert_eq!(unsupported("(module (global i32 (i32.add (i32.const 1) (i32.const 2))))"), "extended-const");
}

#[test]
fn plain_invalid_modules_are_not_blamed_on_a_feature() {
    for wat in [
        "(module (global i32 (call 0)) (func (result i32) (i32.const 0)))",
        "(module (func (result i32) (i64.const 0)))",
        "(module (func (local.get 3)))",
    ] {
        match Module::new(&Engine::default(), wat) {
            Err(Error::Invalid { .. }) => {}
            Err(Error::Wat(_)) => {}
            other => panic!("{wat}: expected invalid, got {other:?}"),
        }
    }
}

#[test]
fn wasm2_features_are_accepted() {
    let engine = Engine::default();
    for wat in [
        "(module (global (mut i32) (i32.const 0)) (export \"g\" (global 0)))",
        "(module (func (result i32) (i32.extend8_s (i32.const 255))))",
        "(module (func (param f32) (result i32) (i32.trunc_sat_f32_s (local.get 0))))",
        "(module (func (result i32 i64) (i32.const 1) (i64.const 2)))",
        "(module (memory 1) (func (memory.fill (i32.const 0) (i32.const 0) (i32.const 1))))",
        "(module (table 1 externref) (func (param externref) (table.set (i32.const 0) (local.get 0))))",
    ] {
        Module::new(&engine, wat).unwrap_or_else(|e| panic!("{wat}: {e}"));
    }
}

#[test]
fn invalid_module_reports_an_offset() {
    let err = Module::new(
        &Engine::default(),
        b"\0asm\x01\0\0\0\x01\x05\x01\x60\x00\x01\x7f\x03\x02\x01\x00\x0a\x04\x01\x02\x00\x0b",
    )
    .unwrap_err();
    match err {
        Error::Invalid { offset, message } => {
            assert!(offset > 8, "offset {offset} points into the code section");
            assert!(message.contains("type mismatch"), "{message}");
        }
        other => panic!("expected invalid, got {other:?}"),
    }
}
