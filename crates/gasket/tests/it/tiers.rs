//! The compiled tier against the interpreter on the integer operators it lowers inline with
//! traps and special cases (division, remainder, zero counts), on edge values: the same
//! results, the same trap codes, the same gas. Random programs are the differential fuzzer's
//! job (crates/fuzzcheck); these pin the cases a reader would check by hand.

use gasket::{Config, Engine, GasSchedule, Linker, Module, Store, Tier, Val};

/// Result (or the error's text, which names the trap) and gas left, on one tier.
fn run(tier: Tier, wat: &str, args: &[Val]) -> (Result<Val, String>, u64) {
    run_with_gas(tier, wat, args, 1_000_000)
}

/// [`run`] with `gas` to start with.
fn run_with_gas(tier: Tier, wat: &str, args: &[Val], gas: u64) -> (Result<Val, String>, u64) {
    let engine = Engine::new(&Config { tier, metering: Some(GasSchedule::default()), ..Config::default() });
    let module = Module::new(&engine, wat).unwrap();
    let mut store = Store::new(&engine, ());
    store.set_gas(gas);
    let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
    let f = instance.get_func(&store, "f").unwrap();
    let mut out = [Val::I32(0)];
    let r = f.call(&mut store, args, &mut out).map(|()| out[0]).map_err(|e| e.to_string());
    (r, store.gas_left().unwrap())
}

const I64_EDGES: [i64; 12] =
    [0, 1, -1, 2, -2, 7, -7, i64::MAX, i64::MIN, i32::MAX as i64, i32::MIN as i64, 0x0000_0001_0000_0000];
const I32_EDGES: [i32; 9] = [0, 1, -1, 2, -2, 7, -7, i32::MAX, i32::MIN];

#[test]
fn division_and_zero_counts_match_the_interpreter_with_traps() {
    if !cfg!(target_arch = "x86_64") {
        return;
    }
    let mut traps = 0;
    for t in ["i32", "i64"] {
        let vals: Vec<Val> = match t {
            "i32" => I32_EDGES.iter().map(|&x| Val::I32(x)).collect(),
            _ => I64_EDGES.iter().map(|&x| Val::I64(x)).collect(),
        };
        for op in ["div_s", "div_u", "rem_s", "rem_u"] {
            // The operation twice, so that a value cached in a register meets the next one.
            let wat = format!(
                r#"(module (func (export "f") (param {t} {t}) (result {t})
                    ({t}.add ({t}.{op} (local.get 0) (local.get 1)) ({t}.{op} (local.get 1) (local.get 0)))))"#
            );
            for x in &vals {
                for y in &vals {
                    let interpreted = run(Tier::Interpreter, &wat, &[*x, *y]);
                    traps += interpreted.0.is_err() as usize;
                    assert_eq!(run(Tier::Compiler, &wat, &[*x, *y]), interpreted, "{t}.{op} {x:?} {y:?}");
                }
            }
        }
        for op in ["clz", "ctz", "popcnt"] {
            let wat = format!(r#"(module (func (export "f") (param {t}) (result {t}) ({t}.{op} (local.get 0))))"#);
            for x in &vals {
                assert_eq!(run(Tier::Compiler, &wat, &[*x]), run(Tier::Interpreter, &wat, &[*x]), "{t}.{op} {x:?}");
            }
        }
    }
    // Both trap kinds were reached: division by zero and i32/i64 overflow.
    assert!(traps > 20, "only {traps} traps");
}

/// A 32-bit operand whose cell holds more than 32 bits (the translator drops `i32.wrap_i64`
/// into its consumer): the compiled code must read only the low half.
#[test]
fn i32_division_reads_only_the_low_half_of_a_wrapped_operand() {
    if !cfg!(target_arch = "x86_64") {
        return;
    }
    let wat = r#"(module (func (export "f") (param i64 i64) (result i32)
        (i32.add (i32.div_u (i32.wrap_i64 (local.get 0)) (i32.wrap_i64 (local.get 1)))
                 (i32.clz (i32.wrap_i64 (local.get 1))))))"#;
    let args = [Val::I64(0x1234_5678_0000_0010), Val::I64(0x7fff_0000_0000_0002)];
    let interpreted = run(Tier::Interpreter, wat, &args);
    assert_eq!(interpreted.0, Ok(Val::I32(8 + 30)));
    assert_eq!(run(Tier::Compiler, wat, &args), interpreted);
}

/// Branches that pay for the run they enter (a loop's back-edge, a `br_if` out of a loop, the
/// `br` that ends an `if`'s `then`) jump to that run's `Charge` in compiled code instead of
/// charging inline. On every gas budget up to the whole run's need, both tiers stop at the
/// same point with the same gas left, or return the same result.
#[test]
fn paying_branches_run_out_of_gas_where_the_interpreter_does() {
    let wat = r#"(module (memory 1)
        (func (export "f") (param i32) (result i32) (local i32 i32)
            (block $out
                (loop $l
                    (br_if $out (i32.ge_u (local.get 1) (local.get 0)))
                    (if (i32.and (local.get 1) (i32.const 1))
                        (then (local.set 2 (i32.add (local.get 2) (local.get 1))))
                        (else (i32.store (i32.const 8) (local.get 1))))
                    (local.set 1 (i32.add (local.get 1) (i32.const 1)))
                    (br_if $l (i32.lt_u (local.get 1) (i32.const 1000)))))
            (i32.add (local.get 2) (i32.load (i32.const 8)))))"#;
    let args = [Val::I32(9)];
    let (full, left) = run(Tier::Interpreter, wat, &args);
    assert_eq!(full, Ok(Val::I32(24)));
    let need = 1_000_000 - left;
    for gas in 0..=need {
        let interpreted = run_with_gas(Tier::Interpreter, wat, &args, gas);
        assert_eq!(run_with_gas(Tier::Compiler, wat, &args, gas), interpreted, "gas {gas}");
    }
}

/// Straight-line code over more locals than the compiled tier has cache registers, with
/// nested expressions (temporaries that die where they are used), results written back into
/// an operand (`x = y - x`), comparisons and `local.tee`: operands are read from registers
/// and from frame cells, results computed in the registers of dying temporaries, and
/// evicted values written back, all as the interpreter computes them.
#[test]
fn operands_from_cells_and_dying_temporaries_match_the_interpreter() {
    if !cfg!(target_arch = "x86_64") {
        return;
    }
    const LOCALS: u32 = 12;
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = |n: u32| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((seed >> 33) % n as u64) as u32
    };
    for t in ["i32", "i64"] {
        let mut body = String::new();
        for _ in 0..200 {
            let (x, y, z, w) = (next(LOCALS), next(LOCALS), next(LOCALS), next(LOCALS));
            let op = ["add", "sub", "mul", "and", "or", "xor"][next(6) as usize];
            let inner = ["add", "sub", "xor"][next(3) as usize];
            let k = next(63) + 1;
            body += &match next(7) {
                0 => format!("(local.set {x} ({t}.{op} (local.get {y}) (local.get {x})))"),
                1 => format!("(local.set {x} ({t}.{op} (local.get {x}) (local.get {y})))"),
                2 => format!(
                    "(local.set {x} ({t}.{op} ({t}.{inner} (local.get {y}) (local.get {z})) ({t}.rotl (local.get {w}) ({t}.const {k}))))"
                ),
                3 => format!(
                    "(local.set {x} ({t}.{op} (local.get {y}) ({t}.extend8_s (local.tee {z} ({t}.{inner} (local.get {w}) ({t}.const {k}))))))"
                ),
                4 => {
                    let lt = format!("({t}.lt_u (local.get {y}) (local.get {z}))");
                    let lt = if t == "i64" { format!("(i64.extend_i32_u {lt})") } else { lt };
                    format!("(local.set {x} ({t}.add (local.get {x}) {lt}))")
                }
                5 => format!(
                    "(if ({t}.gt_s (local.get {y}) (local.get {z})) (then (local.set {x} ({t}.{op} (local.get {w}) (local.get {x})))))"
                ),
                // Three temporaries deep: the inner operations pop the two above the first,
                // which stays live.
                _ => format!(
                    "(local.set {x} ({t}.{op} ({t}.{inner} (local.get {y}) (local.get {z})) ({t}.{inner} ({t}.sub (local.get {w}) (local.get {x})) ({t}.rotl (local.get {y}) ({t}.const {k})))))"
                ),
            };
        }
        let sum = (1..LOCALS).fold("(local.get 0)".to_string(), |acc, l| {
            format!("({t}.xor ({t}.rotl {acc} ({t}.const 5)) (local.get {l}))")
        });
        let wat = format!(
            r#"(module (func (export "f") (param {t} {t}) (result {t}) (local {locals})
                {init} {body} {sum}))"#,
            locals = vec![t; LOCALS as usize - 2].join(" "),
            init = (2..LOCALS)
                .map(|l| format!("(local.set {l} ({t}.add (local.get {}) ({t}.const {})))", l % 2, l * 0x1357))
                .collect::<String>(),
        );
        let inputs: &[(i64, i64)] = &[(0, 0), (1, -1), (0x1234_5678, 0x7654_3210), (i64::MIN, i64::MAX), (-7, 99)];
        for &(p, q) in inputs {
            let args = match t {
                "i32" => [Val::I32(p as i32), Val::I32(q as i32)],
                _ => [Val::I64(p), Val::I64(q)],
            };
            let interpreted = run(Tier::Interpreter, &wat, &args);
            assert!(interpreted.0.is_ok(), "{t}: {interpreted:?}");
            assert_eq!(run(Tier::Compiler, &wat, &args), interpreted, "{t} {p} {q}");
        }
    }
}
