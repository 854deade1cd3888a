//! Fixed-price calls of contracts and precompiles: a bounded entry point charged its bound, run
//! unmetered, gives what a metered run gives; an unbounded one (or one reaching an undeclared
//! host function) is metered.

use std::collections::BTreeMap;
use std::sync::Arc;

use gasket::{BoundsConfig, Engine, GasSchedule, Module};
use gasket_runtime::{
    precompile_account, BlockContext, MemStore, PrecompileContext, PrecompileStatus, Pricing, Runtime, RuntimeConfig,
    Status, INSTANTIATE_GAS, MAX_DATA, MAX_KEY, MAX_VALUE,
};

use crate::common::*;

/// `run`: a counted loop mixing a word, stored under `k` and returned; `scan`: a loop over the
/// input's length (unbounded); `peek`: reads `gas_left` (a host function without a declared cost).
const WAT: &str = r#"(module
  (import "gasket_v1" "set_return" (func $set_return (param i32 i32)))
  (import "gasket_v1" "storage_write" (func $storage_write (param i32 i32 i32 i32)))
  (import "gasket_v1" "input_size" (func $input_size (result i32)))
  (import "gasket_v1" "gas_left" (func $gas_left (result i64)))
  (memory (export "memory") 1)
  (data (i32.const 0) "k")
  (func (export "run") (local $i i32) (local $x i64)
    (local.set $x (i64.const 0x0123456789abcdef))
    (loop $l
      (local.set $x (i64.xor (i64.rotl (local.get $x) (i64.const 13)) (i64.mul (local.get $x) (i64.const 31))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 100))))
    (i64.store (i32.const 8) (local.get $x))
    (call $storage_write (i32.const 0) (i32.const 1) (i32.const 8) (i32.const 8))
    (call $set_return (i32.const 8) (i32.const 8)))
  (func (export "scan") (local $i i32)
    (block $b (loop $l
      (br_if $b (i32.ge_u (local.get $i) (call $input_size)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l))))
  (func (export "peek")
    (i64.store (i32.const 8) (call $gas_left))
    (call $set_return (i32.const 8) (i32.const 8))))"#;

fn runtime(fixed_price: bool) -> Runtime {
    Runtime::new(Arc::new(MemStore::new()), RuntimeConfig { fixed_price, ..RuntimeConfig::default() }).unwrap()
}

fn block() -> BlockContext {
    BlockContext { height: 7, time: 1_700_000_000, ..BlockContext::default() }
}

/// The price computed independently: setup (instantiation, one page) + the static gas bound
/// with the documented host prices at their limits.
fn expected_price() -> u64 {
    let engine = Engine::new(&RuntimeConfig::default().engine);
    let module = Module::new(&engine, WAT).unwrap();
    let mut host_costs = BTreeMap::new();
    host_costs.insert(("gasket_v1".to_string(), "set_return".to_string()), 10 + MAX_DATA as u64);
    host_costs.insert(("gasket_v1".to_string(), "storage_write".to_string()), 200 + 2 * (MAX_KEY + MAX_VALUE) as u64);
    let gas = module.bounds_with("run", &BoundsConfig { host_costs }).unwrap().gas.at_most().unwrap();
    INSTANTIATE_GAS + GasSchedule::default().memory_grow_per_page + gas
}

#[test]
fn bounded_call_is_charged_its_bound_and_matches_metered() {
    let (metered, fixed) = (runtime(false), runtime(true));
    let (a, b) = (deploy_wat(&metered, WAT, b""), deploy_wat(&fixed, WAT, b""));
    let price = expected_price();
    for round in 0..3 {
        let m = metered.call(ALICE, a, "run", b"", GAS, block()).unwrap();
        let f = fixed.call(ALICE, b, "run", b"", GAS, block()).unwrap();
        assert_eq!(m.status, Status::Success);
        assert_eq!(m.pricing, Pricing::Metered);
        assert_eq!(f.pricing, Pricing::FixedPrice { bound: price }, "round {round}");
        assert_eq!(f.gas_used, price);
        assert!(m.gas_used <= price, "metered {} > bound {price}", m.gas_used);
        assert_eq!((&f.status, &f.return_data, &f.events), (&m.status, &m.return_data, &m.events));
        assert_eq!(fixed.storage(&b).unwrap(), metered.storage(&a).unwrap());
        assert_eq!(fixed.storage(&b).unwrap().len(), 1);
    }
}

#[test]
fn unbounded_or_undeclared_host_calls_stay_metered() {
    let (metered, fixed) = (runtime(false), runtime(true));
    let (a, b) = (deploy_wat(&metered, WAT, b""), deploy_wat(&fixed, WAT, b""));
    for function in ["scan", "peek"] {
        let m = metered.call(ALICE, a, function, b"abc", GAS, block()).unwrap();
        let f = fixed.call(ALICE, b, function, b"abc", GAS, block()).unwrap();
        assert_eq!(f.pricing, Pricing::Metered, "{function}");
        assert_eq!(f, m, "{function}");
    }
}

#[test]
fn too_little_gas_for_the_price_runs_nothing() {
    let fixed = runtime(true);
    let b = deploy_wat(&fixed, WAT, b"");
    let price = expected_price();
    fixed.credit(&ALICE, 50).unwrap();
    let r = fixed.call_value(ALICE, b, "run", b"", 5, price - 1, block()).unwrap();
    assert_eq!(r.status, Status::OutOfGas);
    assert_eq!((r.gas_used, r.pricing), (price - 1, Pricing::FixedPrice { bound: price }));
    assert!(r.return_data.is_empty() && r.events.is_empty());
    assert!(fixed.storage(&b).unwrap().is_empty());
    assert_eq!((fixed.balance(&ALICE).unwrap(), fixed.balance(&b).unwrap()), (50, 0));
    // Exactly the price is enough.
    let r = fixed.call(ALICE, b, "run", b"", price, block()).unwrap();
    assert_eq!((r.status, r.gas_used), (Status::Success, price));
}

/// A bounded WASI precompile: one `fd_read` of at most 32 bytes of stdin, a counted loop that
/// mixes them, the result stored with `kv_put` and written to stdout; exit code 3 (after the
/// writes) if the input starts with '!'. `$scan` instead reads stdin until its end, an unbounded
/// loop. `$START` names the one exported as `_start`.
const PRECOMPILE: &str = r#"(module
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "gasket_precompile" "kv_put" (func $kv_put (param i32 i32 i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "k")
  (export "_start" (func $START))
  (func $mix (local $i i32) (local $x i64)
    (i32.store (i32.const 16) (i32.const 64))
    (i32.store (i32.const 20) (i32.const 32))
    (drop (call $fd_read (i32.const 0) (i32.const 16) (i32.const 1) (i32.const 24)))
    (local.set $x (i64.const 0x0123456789abcdef))
    (loop $l
      (local.set $x (i64.xor (i64.rotl (local.get $x) (i64.const 13))
        (i64.add (local.get $x) (i64.load (i32.add (i32.const 64) (i32.and (local.get $i) (i32.const 24)))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 64))))
    (i64.store (i32.const 128) (local.get $x))
    (call $kv_put (i32.const 0) (i32.const 1) (i32.const 128) (i32.const 8))
    (i32.store (i32.const 16) (i32.const 128))
    (i32.store (i32.const 20) (i32.const 8))
    (drop (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24)))
    (if (i32.eq (i32.load8_u (i32.const 64)) (i32.const 33)) (then (call $exit (i32.const 3)))))
  (func $scan
    (i32.store (i32.const 16) (i32.const 64))
    (i32.store (i32.const 20) (i32.const 32))
    (loop $l
      (drop (call $fd_read (i32.const 0) (i32.const 16) (i32.const 1) (i32.const 24)))
      (br_if $l (i32.load (i32.const 24))))))"#;

/// [`PRECOMPILE`] with `start` (`$mix` or `$scan`) as `_start`.
fn precompile_variant(start: &str) -> Vec<u8> {
    wat::parse_str(PRECOMPILE.replace("$START", start)).unwrap()
}

/// The precompile's price computed independently: setup (instantiation, one page) + the
/// static gas bound with the documented prices of `fd_read`, `fd_write` (base + per byte at
/// the 1 MiB caps), `proc_exit` and `kv_put` at their limits.
fn expected_precompile_price(code: &[u8]) -> u64 {
    let engine = Engine::new(&gasket_wasi::engine_config(true));
    let module = Module::from_binary(&engine, code).unwrap();
    let mut host_costs = BTreeMap::new();
    let wasi = |name: &str| ("wasi_snapshot_preview1".to_string(), name.to_string());
    host_costs.insert(wasi("fd_read"), 20 + MAX_DATA as u64);
    host_costs.insert(wasi("fd_write"), 20 + MAX_DATA as u64);
    host_costs.insert(wasi("proc_exit"), 20);
    host_costs.insert(("gasket_precompile".to_string(), "kv_put".to_string()), 200 + 2 * (MAX_KEY + MAX_VALUE) as u64);
    let gas = module.bounds_with("_start", &BoundsConfig { host_costs }).unwrap().gas.at_most().unwrap();
    INSTANTIATE_GAS + GasSchedule::default().memory_grow_per_page + gas
}

fn pctx() -> PrecompileContext {
    PrecompileContext { caller: ALICE, block: block(), ..PrecompileContext::default() }
}

#[test]
fn bounded_precompile_is_charged_its_bound_and_matches_metered() {
    let code = precompile_variant("$mix");
    let price = expected_precompile_price(&code);
    let (metered, fixed) = (runtime(false), runtime(true));
    let (a, b) = (metered.install_precompile(&code).unwrap(), fixed.install_precompile(&code).unwrap());
    assert_eq!(a, b);
    let account = precompile_account(&a);
    for (round, input) in
        [&b"hello"[..], b"", b"0123456789abcdef0123456789abcdef-and-more", b"!stop"].iter().enumerate()
    {
        let m = metered.call_precompile(&a, input, GAS, &pctx()).unwrap();
        let f = fixed.call_precompile(&b, input, GAS, &pctx()).unwrap();
        let fresh = fixed.call_precompile_fresh(&b, input, GAS, &pctx()).unwrap();
        assert_eq!(m.pricing, Pricing::Metered);
        assert_eq!(f.pricing, Pricing::FixedPrice { bound: price }, "round {round}");
        assert_eq!(f.gas_used, price);
        assert!(m.gas_used <= price, "metered {} > bound {price}", m.gas_used);
        assert_eq!((&f.status, &f.exit_code, &f.stdout, &f.stderr), (&m.status, &m.exit_code, &m.stdout, &m.stderr));
        assert_eq!(f.events, m.events);
        assert_eq!(fresh, f);
        assert_eq!(fixed.storage(&account).unwrap(), metered.storage(&account).unwrap());
    }
    // Exit code 3 in the last round: nothing was committed by it.
    assert_eq!(metered.call_precompile(&a, b"!", GAS, &pctx()).unwrap().exit_code, 3);
    assert_eq!(fixed.storage(&account).unwrap().len(), 1);
}

#[test]
fn unbounded_or_undeclared_precompiles_stay_metered() {
    // A loop to the end of stdin; `random_get`, whose cost only memory limits.
    let random = PRECOMPILE
        .replace(
            "(import \"gasket_precompile\"",
            "(import \"wasi_snapshot_preview1\" \"random_get\" (func $random (param i32 i32) (result i32)))\n  (import \"gasket_precompile\"",
        )
        .replace("(local.set $x (i64.const 0x0123456789abcdef))", "(drop (call $random (i32.const 200) (i32.const 8)))")
        .replace("$START", "$mix");
    for code in [precompile_variant("$scan"), wat::parse_str(random).unwrap()] {
        let (metered, fixed) = (runtime(false), runtime(true));
        let (a, b) = (metered.install_precompile(&code).unwrap(), fixed.install_precompile(&code).unwrap());
        let m = metered.call_precompile(&a, b"some input", GAS, &pctx()).unwrap();
        let f = fixed.call_precompile(&b, b"some input", GAS, &pctx()).unwrap();
        assert_eq!(m.status, PrecompileStatus::Exited(0), "{}", String::from_utf8_lossy(&m.stderr));
        assert_eq!(f.pricing, Pricing::Metered);
        assert_eq!(f, m);
    }
}

#[test]
fn too_little_gas_for_a_precompiles_price_runs_nothing() {
    let code = precompile_variant("$mix");
    let price = expected_precompile_price(&code);
    let fixed = runtime(true);
    let h = fixed.install_precompile(&code).unwrap();
    let r = fixed.call_precompile(&h, b"abc", price - 1, &pctx()).unwrap();
    assert_eq!(
        (r.status, r.gas_used, r.pricing),
        (PrecompileStatus::OutOfGas, price - 1, Pricing::FixedPrice { bound: price })
    );
    assert!(r.stdout.is_empty() && r.events.is_empty());
    assert!(fixed.storage(&precompile_account(&h)).unwrap().is_empty());
    let r = fixed.call_precompile(&h, b"abc", price, &pctx()).unwrap();
    assert_eq!((r.status, r.gas_used), (PrecompileStatus::Exited(0), price));
}
