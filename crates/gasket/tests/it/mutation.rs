//! Random byte mutations of valid modules give errors or modules, never panics.

use gasket::{Engine, Module};

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const SEEDS: &[&str] = &[
    r#"(module (memory 1) (data (i32.const 8) "hello")
       (func (export "f") (param i32 i32) (result i32)
         (block (result i32) (loop (br_if 1 (local.get 0)) (local.set 0 (i32.add (local.get 0) (i32.const 1))) (br 0))))
       (func (param i64) (result i64) (i64.mul (local.get 0) (i64.load (i32.const 0)))))"#,
    r#"(module (type $t (func (param i32) (result i32)))
       (table 4 funcref) (elem (i32.const 0) $a $b)
       (func $a (type $t) (local.get 0))
       (func $b (type $t) (call_indirect (type $t) (local.get 0) (i32.const 0)))
       (global (mut i32) (i32.const 7)) (export "g" (global 0)) (start $s) (func $s))"#,
    r#"(module (func (export "m") (param f64 f32) (result f64 f32)
         (local.get 0) (local.get 1) (f32.sqrt) (br_table 0 0 0 (i32.const 1))))"#,
];

#[test]
fn three_thousand_mutations_never_panic() {
    let engine = Engine::default();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut accepted = 0;
    for round in 0..3000 {
        let mut bytes = wat::parse_str(SEEDS[round % SEEDS.len()]).unwrap();
        for _ in 0..1 + rng.below(4) {
            let i = rng.below(bytes.len());
            match rng.below(4) {
                0 => bytes[i] ^= 1 << rng.below(8),
                1 => bytes[i] = rng.next() as u8,
                2 => bytes.insert(i, rng.next() as u8),
                _ => bytes.truncate(i.max(8)),
            }
        }
        if Module::new(&engine, &bytes).is_ok() {
            accepted += 1;
        }
    }
    // Some mutations (in names, constants, data) stay valid; most do not.
    assert!(accepted > 0 && accepted < 3000, "accepted {accepted}");
}
