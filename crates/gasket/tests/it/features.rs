//! Wasm 2.0 (without SIMD) is accepted; every other feature is refused with its name, at the
//! offset of the construct that needs it, unless the module is plainly invalid before it.

use gasket::{Config, Engine, Error, Floats, Module};

fn prepare(wasm: impl AsRef<[u8]>) -> Result<Module, Error> {
    Module::new(&Engine::default(), wasm)
}

fn unsupported(wat: &str) -> &'static str {
    match prepare(wat) {
        Err(Error::Unsupported { feature, .. }) => feature,
        other => panic!("{wat}: expected an unsupported-feature error, got {other:?}"),
    }
}

/// A module binary: the header, then `sections`.
fn binary(sections: &[u8]) -> Vec<u8> {
    [b"\0asm\x01\0\0\0".as_slice(), sections].concat()
}

#[test]
fn disabled_features_are_named() {
    let cases = [
        ("(module (func (drop (v128.const i64x2 0 0))))", "simd"),
        ("(module (func (param v128)))", "simd"),
        ("(module (func (local v128)))", "simd"),
        ("(module (global v128 (v128.const i64x2 0 0)))", "simd"),
        ("(module (func (block (result v128) unreachable) drop))", "simd"),
        ("(module (func unreachable (select (result v128)) drop))", "simd"),
        ("(module (func unreachable i8x16.relaxed_swizzle drop))", "relaxed-simd"),
        ("(module (memory 1 1 shared))", "threads"),
        ("(module (memory 1) (func (drop (i32.atomic.load (i32.const 0)))))", "threads"),
        ("(module (func atomic.fence))", "threads"),
        ("(module (global i32 (i32.atomic.load (i32.const 0))))", "threads"),
        ("(module (global (shared i32) (i32.const 0)))", "shared-everything-threads"),
        ("(module (func $f (return_call $f)))", "tail-call"),
        ("(module (table 1 funcref) (func (return_call_indirect (i32.const 0))))", "tail-call"),
        ("(module (func (try_table)))", "exceptions"),
        ("(module (func (param exnref)))", "exceptions"),
        ("(module (func (local exnref)))", "exceptions"),
        ("(module (func (drop (ref.null exn))))", "exceptions"),
        ("(module (func (throw 0)))", "exceptions"),
        ("(module (tag))", "exceptions"),
        ("(module (import \"a\" \"b\" (tag)))", "exceptions"),
        ("(module (export \"t\" (tag 0)))", "exceptions"),
        ("(module (func try catch_all end))", "legacy-exceptions"),
        ("(module (func (drop (ref.i31 (i32.const 0)))))", "gc"),
        ("(module (func (param anyref)))", "gc"),
        ("(module (func (param i31ref)))", "gc"),
        ("(module (func (local eqref)))", "gc"),
        ("(module (func (drop (ref.null any))))", "gc"),
        ("(module (table 1 anyref))", "gc"),
        ("(module (elem eqref))", "gc"),
        ("(module (type (struct)))", "gc"),
        ("(module (type (array i8)))", "gc"),
        ("(module (type (sub (func))))", "gc"),
        ("(module (rec (type (func))))", "gc"),
        ("(module (global i32 (i32.const 0)) (global i32 (global.get 0)))", "gc"),
        ("(module (func (param (ref func))))", "function-references"),
        ("(module (func (local (ref extern))))", "function-references"),
        ("(module (type $t (func)) (func (param (ref null $t))))", "function-references"),
        ("(module (table 1 funcref (ref.null func)))", "function-references"),
        ("(module (type $t (func)) (func unreachable (call_ref $t)))", "function-references"),
        ("(module (func unreachable ref.as_non_null drop))", "function-references"),
        ("(module (table i64 1 funcref))", "memory64"),
        ("(module (memory i64 1))", "memory64"),
        ("(module (memory 1) (memory 1))", "multi-memory"),
        ("(module (import \"a\" \"m\" (memory 1)) (memory 1))", "multi-memory"),
        ("(module (memory 1) (func (drop (i32.load 1 (i32.const 0)))))", "multi-memory"),
        ("(module (memory 1) (func (drop (memory.size 1))))", "multi-memory"),
        ("(module (memory 1) (func (memory.copy 0 1 (i32.const 0) (i32.const 0) (i32.const 0))))", "multi-memory"),
        ("(module (memory 1 (pagesize 1)))", "custom-page-sizes"),
        (
            "(module (func (drop (i64.add128 (i64.const 0) (i64.const 0) (i64.const 0) (i64.const 0)))))",
            "wide-arithmetic",
        ),
        ("(module (type $f (func)) (type (cont $f)))", "stack-switching"),
        ("(module (memory 1) (func (memory.discard (i32.const 0) (i32.const 0))))", "memory-control"),
        ("(module (type $t (func)) (func unreachable (ref.get_desc $t) drop))", "custom-descriptors"),
        ("(module (type $t (func)) (import \"a\" \"b\" (func (exact (type $t)))))", "custom-descriptors"),
        ("(module (type $t (func)) (func (local (ref null (exact $t)))))", "custom-descriptors"),
        ("(module (func pause))", "acquire-release-atomics"),
        ("(module (global i32 (i32.add (i32.const 1) (i32.const 2))))", "extended-const"),
        ("(module (memory 1) (data (i32.add (i32.const 0) (i32.const 0)) \"\"))", "extended-const"),
        ("(module (table 1 funcref) (elem (i32.mul (i32.const 0) (i32.const 0)) func))", "extended-const"),
        ("(component)", "component-model"),
    ];
    for (wat, feature) in cases {
        assert_eq!(unsupported(wat), feature, "{wat}");
    }
}

#[test]
fn compact_imports_are_named() {
    // Types: one `func`; imports: module "a", item name "" and 0x7f (compact encoding 1), one
    // item "b" of that function type.
    let wasm = binary(&[1, 4, 1, 0x60, 0, 0, 2, 10, 1, 1, b'a', 0, 0x7f, 1, 1, b'b', 0, 0]);
    match prepare(&wasm) {
        Err(Error::Unsupported { feature: "compact-imports", offset: 17, .. }) => {}
        other => panic!("expected compact-imports at 17, got {other:?}"),
    }
}

#[test]
fn the_construct_that_needs_the_feature_is_reported_at_its_offset() {
    // The memory section's entry (offset 11): flags 3 (maximum, shared), 1, 1.
    match prepare(binary(&[5, 4, 1, 3, 1, 1])) {
        Err(Error::Unsupported { feature: "threads", offset: 11, .. }) => {}
        other => panic!("expected threads at 11, got {other:?}"),
    }
    // A function `atomic.fence`: the operator is at offset 23.
    let wasm = binary(&[1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 10, 7, 1, 5, 0, 0xfe, 3, 0, 0x0b]);
    match prepare(&wasm) {
        Err(Error::Unsupported { feature: "threads", offset: 23, message }) => {
            assert!(message.contains("atomic_fence"), "{message}");
        }
        other => panic!("expected threads at 23, got {other:?}"),
    }
}

#[test]
fn plain_invalid_modules_are_not_blamed_on_a_feature() {
    for wat in [
        "(module (global i32 (call 0)) (func (result i32) (i32.const 0)))",
        "(module (func (result i32) (i64.const 0)))",
        "(module (func (local.get 3)))",
        // A plain error before the feature's construct: in an earlier function, earlier in
        // the same function, in an earlier section.
        "(module (func (local.get 3)) (func (drop (v128.const i64x2 0 0))))",
        "(module (func (local.get 3) (drop (v128.const i64x2 0 0))))",
        "(module (func (local.get 9)) (func (drop (i64.add128 (i64.const 0) (i64.const 0) (i64.const 0) (i64.const 0)))))",
        "(module (func (type 5)) (memory 1 1 shared))",
        "(module (global i32 (i64.const 0)) (export \"t\" (tag 0)))",
        // Wasm 2.0 constructs that are wrong, not later features: a data segment for an unknown
        // memory, `global.get` of an unknown global.
        "(module (memory 1) (data (memory 1) (i32.const 0) \"\"))",
        "(module (global i32 (global.get 0)))",
    ] {
        match prepare(wat) {
            Err(Error::Invalid { .. }) => {}
            other => panic!("{wat}: expected invalid, got {other:?}"),
        }
    }
    // One function type, one function, one memory, then the code section.
    let head = [1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 5, 3, 1, 0, 1];
    for (what, code) in [
        // `catch_all` outside any `try`: even with every feature on, the body does not parse.
        ("catch_all outside try", vec![10, 5, 1, 3, 0, 0x19, 0x0b]),
        // i32.load with alignment flags 0x20: too large in Wasm 2.0 (not the unimplemented
        // multibyte-array-access proposal's bit).
        ("alignment 0x20", vec![10, 10, 1, 8, 0, 0x41, 0, 0x28, 0x20, 0, 0x1a, 0x0b]),
        // i32.load with an offset LEB beyond 32 bits: malformed in Wasm 2.0.
        ("offset LEB beyond u32", vec![10, 14, 1, 12, 0, 0x41, 0, 0x28, 2, 0x82, 0x80, 0x80, 0x80, 0x10, 0x1a, 0x0b]),
    ] {
        match prepare(binary(&[head.as_slice(), &code].concat())) {
            Err(Error::Invalid { .. }) => {}
            other => panic!("{what}: expected invalid, got {other:?}"),
        }
    }
}

#[test]
fn denied_floats_are_not_blamed_after_a_plain_error() {
    let engine = Engine::new(&Config { floats: Floats::Deny, ..Config::default() });
    match Module::new(&engine, "(module (func (drop (f32.const 1))) (func (local.get 3)))") {
        Err(Error::Unsupported { feature: "floats", .. }) => {}
        other => panic!("expected floats, got {other:?}"),
    }
    match Module::new(&engine, "(module (func (local.get 3)) (func (drop (f32.const 1))))") {
        Err(Error::Invalid { .. }) => {}
        other => panic!("expected invalid, got {other:?}"),
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
