//! NaN canonicalization keeps float results bit-identical across platforms; bit operations
//! keep their bits; `Floats::Deny` rejects every float type and operator. Every call runs on
//! both tiers, which must give the same bits (the compiler lowers float operators inline).

use gasket::{Config, Engine, Error, Floats, Linker, Module, Store, Tier, Val};

fn call_on(tier: Tier, wat: &str, name: &str, args: &[Val]) -> Val {
    let engine = Engine::new(&Config { tier, ..Config::default() });
    let module = Module::new(&engine, wat).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
    let f = instance.get_func(&store, name).unwrap();
    let mut out = [Val::I32(0)];
    f.call(&mut store, args, &mut out).unwrap();
    out[0]
}

/// The interpreter's result, after checking that the compiled tier (where there is one) gives
/// the same bits.
fn call(wat: &str, name: &str, args: &[Val]) -> Val {
    let interpreted = call_on(Tier::Interpreter, wat, name, args);
    if cfg!(target_arch = "x86_64") {
        assert_eq!(call_on(Tier::Compiler, wat, name, args), interpreted, "tiers differ: {wat} {args:?}");
    }
    interpreted
}

/// Values at the edges of every float operator: zeros, infinities, NaNs with payloads and
/// signs, denormals, the extremes, and integers around the conversions' rounding points.
const F64_EDGES: [u64; 14] = [
    0,
    0x8000_0000_0000_0000,
    0x3ff0_0000_0000_0000,
    0xbff0_0000_0000_0000,
    0x7ff0_0000_0000_0000,
    0xfff0_0000_0000_0000,
    0x7ff8_0000_0000_0000,
    0xfff4_0000_0000_0001,
    0x0000_0000_0000_0001,
    0x7fef_ffff_ffff_ffff,
    0x4340_0000_0000_0001,
    0x41e0_0000_0000_0000,
    0x3fe0_0000_0000_0000,
    0x47ef_ffff_e000_0000,
];
const F32_EDGES: [u32; 10] =
    [0, 0x8000_0000, 0x3f80_0000, 0x7f80_0000, 0xff80_0000, 0x7fc0_0000, 0xffa0_0001, 1, 0x7f7f_ffff, 0x4b00_0001];
const INT_EDGES: [i64; 10] = [
    0,
    1,
    -1,
    i32::MAX as i64,
    i32::MIN as i64,
    u32::MAX as i64,
    (1 << 53) + 1,
    i64::MAX,
    i64::MIN,
    0x1234_5678_9abc_def1,
];

#[test]
fn compiled_float_operators_match_the_interpreter_bit_for_bit() {
    for t in ["f32", "f64"] {
        for op in ["add", "sub", "mul", "div", "min", "max", "copysign", "eq", "ne", "lt", "gt", "le", "ge"] {
            let result = if ["eq", "ne", "lt", "gt", "le", "ge"].contains(&op) { "i32" } else { t };
            let wat = format!(
                r#"(module (func (export "f") (param {t} {t}) (result {result}) ({t}.{op} (local.get 0) (local.get 1))))"#
            );
            let vals: Vec<Val> = match t {
                "f32" => F32_EDGES.iter().map(|&b| Val::F32(b)).collect(),
                _ => F64_EDGES.iter().map(|&b| Val::F64(b)).collect(),
            };
            for x in &vals {
                for y in &vals {
                    call(&wat, "f", &[*x, *y]);
                }
            }
        }
        for op in ["abs", "neg", "sqrt", "ceil", "floor", "trunc", "nearest"] {
            let wat = format!(r#"(module (func (export "f") (param {t}) (result {t}) ({t}.{op} (local.get 0))))"#);
            match t {
                "f32" => F32_EDGES.iter().for_each(|&b| {
                    call(&wat, "f", &[Val::F32(b)]);
                }),
                _ => F64_EDGES.iter().for_each(|&b| {
                    call(&wat, "f", &[Val::F64(b)]);
                }),
            }
        }
    }
    for (op, param) in [
        ("f32.convert_i32_s", "i32"),
        ("f32.convert_i32_u", "i32"),
        ("f32.convert_i64_s", "i64"),
        ("f32.convert_i64_u", "i64"),
        ("f64.convert_i32_s", "i32"),
        ("f64.convert_i32_u", "i32"),
        ("f64.convert_i64_s", "i64"),
        ("f64.convert_i64_u", "i64"),
    ] {
        let result = &op[..3];
        let wat = format!(r#"(module (func (export "f") (param {param}) (result {result}) ({op} (local.get 0))))"#);
        for &x in &INT_EDGES {
            let v = if param == "i32" { Val::I32(x as i32) } else { Val::I64(x) };
            call(&wat, "f", &[v]);
        }
    }
    let demote = r#"(module (func (export "f") (param f64) (result f32) (f32.demote_f64 (local.get 0))))"#;
    F64_EDGES.iter().for_each(|&b| {
        call(demote, "f", &[Val::F64(b)]);
    });
    let promote = r#"(module (func (export "f") (param f32) (result f64) (f64.promote_f32 (local.get 0))))"#;
    F32_EDGES.iter().for_each(|&b| {
        call(promote, "f", &[Val::F32(b)]);
    });
}

const CANON32: u32 = 0x7fc0_0000;
const CANON64: u64 = 0x7ff8_0000_0000_0000;

#[test]
fn nan_producing_operators_give_the_canonical_nan() {
    let payload32 = Val::F32(0xffa0_0001); // negative, signalling, with payload
    let payload64 = Val::F64(0xfff4_0000_0000_0001);
    for op in ["add", "sub", "mul", "div", "min", "max"] {
        let wat = format!(
            r#"(module (func (export "f") (param f32 f32) (result f32) ({}.{op} (local.get 0) (local.get 1))))"#,
            "f32"
        );
        assert_eq!(call(&wat, "f", &[payload32, Val::from_f32(1.0)]), Val::F32(CANON32), "f32.{op}");
        let wat = format!(
            r#"(module (func (export "f") (param f64 f64) (result f64) (f64.{op} (local.get 0) (local.get 1))))"#
        );
        assert_eq!(call(&wat, "f", &[Val::from_f64(1.0), payload64]), Val::F64(CANON64), "f64.{op}");
    }
    for op in ["sqrt", "ceil", "floor", "trunc", "nearest"] {
        let wat = format!(r#"(module (func (export "f") (param f32) (result f32) (f32.{op} (local.get 0))))"#);
        assert_eq!(call(&wat, "f", &[payload32]), Val::F32(CANON32), "f32.{op}");
        let wat = format!(r#"(module (func (export "f") (param f64) (result f64) (f64.{op} (local.get 0))))"#);
        assert_eq!(call(&wat, "f", &[payload64]), Val::F64(CANON64), "f64.{op}");
    }
    // 0/0 and sqrt(-1) make a NaN from ordinary numbers.
    let div = r#"(module (func (export "f") (param f32 f32) (result f32) (f32.div (local.get 0) (local.get 1))))"#;
    assert_eq!(call(div, "f", &[Val::from_f32(0.0), Val::from_f32(0.0)]), Val::F32(CANON32));
    let sqrt = r#"(module (func (export "f") (param f64) (result f64) (f64.sqrt (local.get 0))))"#;
    assert_eq!(call(sqrt, "f", &[Val::from_f64(-1.0)]), Val::F64(CANON64));
    let demote = r#"(module (func (export "f") (param f64) (result f32) (f32.demote_f64 (local.get 0))))"#;
    assert_eq!(call(demote, "f", &[payload64]), Val::F32(CANON32));
    let promote = r#"(module (func (export "f") (param f32) (result f64) (f64.promote_f32 (local.get 0))))"#;
    assert_eq!(call(promote, "f", &[payload32]), Val::F64(CANON64));
}

#[test]
fn bit_operations_keep_nan_bits() {
    let payload = 0x7fa0_0001u32;
    let unary = |op: &str| format!(r#"(module (func (export "f") (param f32) (result f32) ({op} (local.get 0))))"#);
    assert_eq!(call(&unary("f32.neg"), "f", &[Val::F32(payload)]), Val::F32(payload | 0x8000_0000));
    assert_eq!(call(&unary("f32.abs"), "f", &[Val::F32(payload | 0x8000_0000)]), Val::F32(payload));
    let copysign =
        r#"(module (func (export "f") (param f32 f32) (result f32) (f32.copysign (local.get 0) (local.get 1))))"#;
    assert_eq!(call(copysign, "f", &[Val::F32(payload), Val::from_f32(-1.0)]), Val::F32(payload | 0x8000_0000));
    let reinterpret = r#"(module (func (export "f") (param f32) (result i32) (i32.reinterpret_f32 (local.get 0))))"#;
    assert_eq!(call(reinterpret, "f", &[Val::F32(payload)]), Val::I32(payload as i32));
    let memory = r#"(module (memory 1) (func (export "f") (param f64) (result f64)
        (f64.store (i32.const 8) (local.get 0)) (f64.load (i32.const 8))))"#;
    assert_eq!(call(memory, "f", &[Val::F64(0x7ff0_0000_0000_0001)]), Val::F64(0x7ff0_0000_0000_0001));
    let select = r#"(module (func (export "f") (param f32 f32) (result f32) (select (local.get 0) (local.get 1) (i32.const 1))))"#;
    assert_eq!(call(select, "f", &[Val::F32(payload), Val::from_f32(0.0)]), Val::F32(payload));
}

fn denied(wat: &str) -> bool {
    let engine = Engine::new(&Config { floats: Floats::Deny, ..Config::default() });
    match Module::new(&engine, wat) {
        Err(Error::Unsupported { feature: "floats", .. }) => true,
        Ok(_) => false,
        Err(e) => panic!("{wat}: unexpected error {e}"),
    }
}

#[test]
fn floats_deny_rejects_every_float_type_and_operator() {
    assert!(denied("(module (func (param f32)))"));
    assert!(denied("(module (func (result f64) unreachable))"));
    assert!(denied("(module (func (local f64)))"));
    assert!(denied("(module (global f32 (f32.const 0)))"));
    assert!(denied(r#"(module (import "a" "b" (global f64)))"#));
    assert!(denied("(module (func (drop (f32.const 1))))"));
    assert!(denied("(module (func (param i32) (drop (f64.convert_i32_s (local.get 0)))))"));
    assert!(denied("(module (func (block (result f32) unreachable) drop))"));
    assert!(denied("(module (func (drop (select (result f64) (unreachable) (unreachable) (i32.const 0)))))"));
    assert!(!denied("(module (memory 1) (func (param i64) (result i32) (i32.load (i32.wrap_i64 (local.get 0)))))"));
}
