//! Fixed-price against metered calls of a bounded contract (docs/bounds.md, "Fixed-price
//! calls"): a SHA-256-style compression (64 rounds of rotates, xors and adds over eight
//! words, counted loops) run 256 times per call; median of 11 interleaved rounds.
//! `cargo run --release -p gasket-runtime --example fixed_price`

use std::sync::Arc;
use std::time::{Duration, Instant};

use gasket_runtime::{Address, BlockContext, MemStore, Pricing, Runtime, RuntimeConfig, Status};

const WAT: &str = r#"(module
  (import "gasket_v1" "set_return" (func $set_return (param i32 i32)))
  (memory (export "memory") 1)
  (func $compress (local $r i32) (local $a i32) (local $b i32) (local $c i32) (local $d i32)
                  (local $e i32) (local $f i32) (local $g i32) (local $h i32) (local $t1 i32) (local $t2 i32)
    (local.set $a (i32.load (i32.const 0))) (local.set $b (i32.load (i32.const 4)))
    (local.set $c (i32.load (i32.const 8))) (local.set $d (i32.load (i32.const 12)))
    (local.set $e (i32.load (i32.const 16))) (local.set $f (i32.load (i32.const 20)))
    (local.set $g (i32.load (i32.const 24))) (local.set $h (i32.load (i32.const 28)))
    (loop $round
      (local.set $t1 (i32.add (i32.add (local.get $h)
        (i32.xor (i32.xor (i32.rotr (local.get $e) (i32.const 6)) (i32.rotr (local.get $e) (i32.const 11)))
                 (i32.rotr (local.get $e) (i32.const 25))))
        (i32.add (i32.xor (i32.and (local.get $e) (local.get $f))
                          (i32.and (i32.xor (local.get $e) (i32.const -1)) (local.get $g)))
                 (i32.add (i32.mul (local.get $r) (i32.const 0x428a2f98)) (local.get $r)))))
      (local.set $t2 (i32.add
        (i32.xor (i32.xor (i32.rotr (local.get $a) (i32.const 2)) (i32.rotr (local.get $a) (i32.const 13)))
                 (i32.rotr (local.get $a) (i32.const 22)))
        (i32.xor (i32.xor (i32.and (local.get $a) (local.get $b)) (i32.and (local.get $a) (local.get $c)))
                 (i32.and (local.get $b) (local.get $c)))))
      (local.set $h (local.get $g)) (local.set $g (local.get $f)) (local.set $f (local.get $e))
      (local.set $e (i32.add (local.get $d) (local.get $t1)))
      (local.set $d (local.get $c)) (local.set $c (local.get $b)) (local.set $b (local.get $a))
      (local.set $a (i32.add (local.get $t1) (local.get $t2)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br_if $round (i32.lt_u (local.get $r) (i32.const 64))))
    (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (local.get $a)))
    (i32.store (i32.const 4) (i32.add (i32.load (i32.const 4)) (local.get $b)))
    (i32.store (i32.const 8) (i32.add (i32.load (i32.const 8)) (local.get $c)))
    (i32.store (i32.const 12) (i32.add (i32.load (i32.const 12)) (local.get $d)))
    (i32.store (i32.const 16) (i32.add (i32.load (i32.const 16)) (local.get $e)))
    (i32.store (i32.const 20) (i32.add (i32.load (i32.const 20)) (local.get $f)))
    (i32.store (i32.const 24) (i32.add (i32.load (i32.const 24)) (local.get $g)))
    (i32.store (i32.const 28) (i32.add (i32.load (i32.const 28)) (local.get $h))))
  (func (export "hash") (local $i i32)
    (loop $block
      (call $compress)
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $block (i32.lt_u (local.get $i) (i32.const 256))))
    (call $set_return (i32.const 0) (i32.const 32))))"#;

const CALLS: usize = 50;
const ROUNDS: usize = 11;

fn main() {
    let code = wat::parse_str(WAT).expect("valid wat");
    let make = |fixed_price| {
        let rt = Runtime::new(Arc::new(MemStore::new()), RuntimeConfig { fixed_price, ..RuntimeConfig::default() })
            .expect("runtime");
        let addr = rt.deploy(&code, Address([1; 20]), b"").expect("deploy").address;
        (rt, addr)
    };
    let (metered, fixed) = (make(false), make(true));
    let call = |(rt, addr): &(Runtime, Address)| {
        rt.call(Address([2; 20]), *addr, "hash", b"", 100_000_000, BlockContext::default()).expect("call")
    };
    let (m, f) = (call(&metered), call(&fixed));
    assert_eq!((m.status.clone(), f.status.clone()), (Status::Success, Status::Success));
    assert_eq!(m.return_data, f.return_data);
    let Pricing::FixedPrice { bound } = f.pricing else { panic!("not fixed-price: {:?}", f.pricing) };
    println!("gas: metered {} used, fixed price {bound}", m.gas_used);
    let time = |rt: &(Runtime, Address)| {
        let start = Instant::now();
        for _ in 0..CALLS {
            std::hint::black_box(call(rt));
        }
        start.elapsed()
    };
    let (mut tm, mut tf): (Vec<Duration>, Vec<Duration>) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        tm.push(time(&metered));
        tf.push(time(&fixed));
    }
    tm.sort();
    tf.sort();
    let (m, f) = (tm[ROUNDS / 2], tf[ROUNDS / 2]);
    println!(
        "{CALLS} calls, median of {ROUNDS}: metered {:.3} ms, fixed-price {:.3} ms, fixed/metered {:.3}",
        m.as_secs_f64() * 1e3,
        f.as_secs_f64() * 1e3,
        f.as_secs_f64() / m.as_secs_f64()
    );
}
