//! `bignum.add256` and `bignum.sub256` against an independent implementation (pairs of
//! u128, in `reference`): carries across every 64-bit limb boundary, wrapping in both
//! directions, aliasing of the result with an operand, and a few hundred pseudo-random
//! operands, both through an EE (host function, guest memory) and the pure functions.

use gasket_scout::{bignum, run, Block, Options, Root, TestCase};

use crate::common::case;
use crate::reference::{add, from_be, sub, to_be, U256};

/// An EE that reads `a` and `b` (32 bytes each) from its block and saves `op(a, b)`, computed
/// into `a`'s place: the result aliases an operand, as the counter EE does.
fn op_ee(op: &str) -> String {
    format!(
        r#"(module
  (import "env" "eth2_blockDataCopy" (func $copy (param i32 i32 i32)))
  (import "env" "eth2_savePostStateRoot" (func $save (param i32)))
  (import "bignum" "{op}" (func $op (param i32 i32 i32)))
  (memory (export "memory") 1)
  (func (export "main")
    (call $copy (i32.const 0) (i32.const 0) (i32.const 64))
    (call $op (i32.const 0) (i32.const 32) (i32.const 0))
    (call $save (i32.const 0))))"#
    )
}

/// Every pair through both EEs in one run: env 0 adds, env 1 subtracts; returns the results.
fn through_host(pairs: &[(U256, U256)]) -> Vec<([u8; 32], [u8; 32])> {
    let (add_ee, sub_ee) = (op_ee("add256"), op_ee("sub256"));
    let mut out = Vec::new();
    for &(a, b) in pairs {
        let data = [to_be(a), to_be(b)].concat();
        let blocks = vec![Block { env: 0, data: data.clone() }, Block { env: 1, data }];
        let test: TestCase = case(&[&add_ee, &sub_ee], vec![Root::default(); 2], blocks, vec![Root::default(); 2]);
        let report = run(&test, &Options::default(), &mut Vec::new()).unwrap();
        assert!(report.blocks.iter().all(|b| b.trap.is_none()), "{:?}", report.failures);
        out.push((report.roots[0].0, report.roots[1].0));
    }
    out
}

/// Values at the edges: zero, one, each limb boundary and its neighbours, all ones.
fn edges() -> Vec<U256> {
    let mut v = vec![(0, 0), (0, 1), (u128::MAX, u128::MAX), (1 << 127, 0)];
    for bit in [63u32, 64, 127, 128, 191, 192, 255] {
        let x = if bit < 128 { (0, 1u128 << bit) } else { (1u128 << (bit - 128), 0) };
        v.push(x);
        v.push(sub(x, (0, 1)));
    }
    v
}

/// A deterministic xorshift generator, so failures reproduce.
fn random_values(n: usize) -> Vec<U256> {
    let mut s = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    (0..n)
        .map(|_| {
            let w = [next(), next(), next(), next()];
            // Mostly-ones and mostly-zeros limbs make long carry chains likely.
            let shape = |x: u64| match x % 4 {
                0 => u64::MAX,
                1 => 0,
                _ => x,
            };
            let w = w.map(shape);
            ((u128::from(w[0]) << 64) | u128::from(w[1]), (u128::from(w[2]) << 64) | u128::from(w[3]))
        })
        .collect()
}

#[test]
fn carries_and_wraps_match_the_reference_through_the_host() {
    let edges = edges();
    let pairs: Vec<_> = edges.iter().flat_map(|&a| edges.iter().map(move |&b| (a, b))).collect();
    let results = through_host(&pairs);
    for (&(a, b), (sum, diff)) in pairs.iter().zip(results) {
        assert_eq!(from_be(&sum), add(a, b), "{a:x?} + {b:x?}");
        assert_eq!(from_be(&diff), sub(a, b), "{a:x?} - {b:x?}");
    }
    // The cases the names promise, spelled out.
    let max = (u128::MAX, u128::MAX);
    assert_eq!(add(max, (0, 1)), (0, 0));
    assert_eq!(sub((0, 0), (0, 1)), max);
    assert_eq!(add((0, u64::MAX as u128), (0, 1)), (0, 1 << 64));
    assert_eq!(add((0, u128::MAX), (0, 1)), (1, 0));
}

#[test]
fn random_operands_match_the_reference() {
    let values = random_values(64);
    let pairs: Vec<_> = values.chunks_exact(2).map(|p| (p[0], p[1])).collect();
    for ((a, b), (sum, diff)) in pairs.iter().zip(through_host(&pairs)) {
        assert_eq!(from_be(&sum), add(*a, *b));
        assert_eq!(from_be(&diff), sub(*a, *b));
    }
    let values = random_values(1000);
    for p in values.chunks_exact(2) {
        let (a, b) = (to_be(p[0]), to_be(p[1]));
        assert_eq!(from_be(&bignum::add256(&a, &b)), add(p[0], p[1]));
        assert_eq!(from_be(&bignum::sub256(&a, &b)), sub(p[0], p[1]));
    }
}
