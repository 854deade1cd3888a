//! WASI precompiles in the runtime: content-addressed install, calls with the host module's
//! store (per precompile and caller, committed only on exit 0), contracts calling precompiles
//! through `gasket_v1::precompile_call`, and pooled runs equal to fresh ones over many random
//! inputs (output, exit code, gas, events and state).

use std::sync::Arc;

use gasket_runtime::{
    precompile_account, Address, BlockContext, MemStore, PoolConfig, PrecompileContext, PrecompileStatus, Runtime,
    RuntimeConfig, RuntimeError, Status,
};

fn example(name: &str) -> Vec<u8> {
    let path = format!("{}/../../examples/wasi/wasm/{name}.wasm", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn runtime() -> Runtime {
    Runtime::new(Arc::new(MemStore::new()), RuntimeConfig::default()).unwrap()
}

fn ctx(caller: u8, height: u64) -> PrecompileContext {
    PrecompileContext {
        caller: Address([caller; 20]),
        block: BlockContext { height, ..BlockContext::default() },
        ..Default::default()
    }
}

const GAS: u64 = 100_000_000;

#[test]
fn install_is_content_addressed() {
    let rt = runtime();
    let code = example("kvcount");
    let a = rt.install_precompile(&code).unwrap();
    let b = rt.install_precompile(&code).unwrap();
    assert_eq!(a, b);
    assert_eq!(rt.precompiles().unwrap(), vec![(a, code.len() as u64)]);
    assert!(matches!(rt.install_precompile(b"\0asm\x01\0\0\0\x05"), Err(RuntimeError::Code(_))));
    let lib = wat::parse_str(r#"(module (memory (export "memory") 1))"#).unwrap();
    assert!(matches!(rt.install_precompile(&lib), Err(RuntimeError::NotAContract(_))));
    let r = rt.call_precompile(&[7; 32], b"", GAS, &ctx(1, 0)).unwrap();
    assert!(matches!(r.status, PrecompileStatus::Failed(_)));
}

#[test]
fn the_store_is_per_precompile_and_caller_and_failures_change_nothing() {
    for name in ["kvcount", "kvcount-rs"] {
        let rt = runtime();
        let h = rt.install_precompile(&example(name)).unwrap();
        let call = |caller: u8, input: &[u8]| rt.call_precompile(&h, input, GAS, &ctx(caller, 5)).unwrap();
        let r = call(1, b"alice\n");
        assert_eq!(r.status, PrecompileStatus::Exited(0), "{name}: {}", String::from_utf8_lossy(&r.stderr));
        assert_eq!(String::from_utf8_lossy(&r.stdout), format!("alice 1 height 5 caller {}\n", "01".repeat(20)));
        assert_eq!(r.events.len(), 1);
        assert_eq!(r.events[0].contract, precompile_account(&h));
        assert_eq!(r.events[0].data, 1u64.to_le_bytes());
        assert!(String::from_utf8_lossy(&call(1, b"alice").stdout).starts_with("alice 2 "));
        assert!(String::from_utf8_lossy(&call(2, b"alice").stdout).starts_with("alice 1 "), "another caller");
        let storage = rt.storage(&precompile_account(&h)).unwrap();
        assert_eq!(storage.len(), 2, "{name}: one entry per (caller, name)");
        // Exit 1 and out of gas: no change, no events.
        let empty = call(1, b"\n");
        assert_eq!((empty.status, empty.events.len()), (PrecompileStatus::Exited(1), 0));
        let starved = rt.call_precompile(&h, b"alice", 30_000, &ctx(1, 5)).unwrap();
        assert_eq!((starved.status, starved.gas_used), (PrecompileStatus::OutOfGas, 30_000));
        assert_eq!(rt.storage(&precompile_account(&h)).unwrap(), storage);
        assert!(String::from_utf8_lossy(&call(1, b"alice").stdout).starts_with("alice 3 "));
    }
}

/// A contract that calls the precompile whose hash is its input's first 32 bytes with the
/// rest as input, returns the precompile's stdout, and reverts if the input's last byte is '!'.
const CALLER: &str = r#"(module
  (import "gasket_v1" "input_size" (func $input_size (result i32)))
  (import "gasket_v1" "input_copy" (func $input_copy (param i32 i32 i32)))
  (import "gasket_v1" "precompile_call" (func $pc (param i32 i32 i32 i64) (result i32)))
  (import "gasket_v1" "return_data_size" (func $rds (result i32)))
  (import "gasket_v1" "return_data_copy" (func $rdc (param i32 i32 i32)))
  (import "gasket_v1" "set_return" (func $set_return (param i32 i32)))
  (import "gasket_v1" "revert" (func $revert (param i32 i32)))
  (memory (export "memory") 1)
  (func (export "run") (local $n i32) (local $status i32)
    (local.set $n (call $input_size))
    (call $input_copy (i32.const 0) (i32.const 0) (local.get $n))
    (local.set $status (call $pc (i32.const 0) (i32.const 32) (i32.sub (local.get $n) (i32.const 32)) (i64.const -1)))
    (call $rdc (i32.const 4096) (i32.const 0) (call $rds))
    (i32.store8 (i32.add (i32.const 4096) (call $rds)) (i32.add (i32.const 48) (local.get $status)))
    (if (i32.eq (i32.load8_u (i32.sub (local.get $n) (i32.const 1))) (i32.const 33))
      (then (call $revert (i32.const 0) (i32.const 0))))
    (call $set_return (i32.const 4096) (i32.add (call $rds) (i32.const 1)))))"#;

#[test]
fn contracts_call_precompiles() {
    let rt = runtime();
    let h = rt.install_precompile(&example("kvcount")).unwrap();
    let contract = rt.deploy(&wat::parse_str(CALLER).unwrap(), Address([9; 20]), b"").unwrap().address;
    let call = |tail: &[u8]| {
        let input = [&h[..], tail].concat();
        rt.call(Address([1; 20]), contract, "run", &input, GAS, BlockContext::default()).unwrap()
    };
    let r = call(b"carol");
    assert_eq!(r.status, Status::Success);
    let expected = format!("carol 1 height 0 caller {}\n0", hex(&contract.0));
    assert_eq!(String::from_utf8_lossy(&r.return_data), expected, "the caller is the contract; status 0");
    assert_eq!(r.events.len(), 1, "the precompile's event, committed with the contract's call");
    // The contract reverts after the precompile succeeded: the precompile's write is undone.
    assert_eq!(call(b"carol!").status, Status::Reverted);
    assert!(String::from_utf8_lossy(&call(b"carol").return_data).starts_with("carol 2 "));
    // A failing precompile (exit 1): status 1 for the contract, which still succeeds.
    assert!(String::from_utf8_lossy(&call(b"").return_data).ends_with('1'));
    // An unknown hash: status 2.
    let input = [&[0u8; 32][..], b"x"].concat();
    let r = rt.call(Address([1; 20]), contract, "run", &input, GAS, BlockContext::default()).unwrap();
    assert_eq!(String::from_utf8_lossy(&r.return_data), "2");
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// xorshift64 for random inputs.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn random_input(rng: &mut Rng, program: &str) -> Vec<u8> {
    match program {
        "hint" => format!(
            r#"{{"from":"0x01","to":"0x{:x}","value":"{}","gas":{},"gas_price":"{}","nonce":{},"data":"0x{:x}"}}"#,
            rng.next(),
            rng.next(),
            rng.below(1 << 30),
            rng.below(1000),
            rng.below(100),
            rng.next()
        )
        .into_bytes(),
        _ => {
            let len = rng.below(40) as usize;
            (0..len).map(|_| b"abcxyz\n"[rng.below(7) as usize]).collect()
        }
    }
}

#[test]
fn pooled_runs_equal_fresh_runs() {
    let programs = ["kvcount", "kvcount-rs", "hint", "clockrand", "wordfreq"];
    let (pooled, fresh) = (runtime(), runtime());
    let hashes: Vec<_> = programs
        .iter()
        .map(|p| {
            let code = example(p);
            assert_eq!(pooled.install_precompile(&code).unwrap(), fresh.install_precompile(&code).unwrap());
            pooled.install_precompile(&code).unwrap()
        })
        .collect();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for i in 0..300 {
        let k = rng.below(programs.len() as u64) as usize;
        let input = random_input(&mut rng, programs[k]);
        // Sometimes too little gas, at a random point.
        let gas = if rng.below(5) == 0 { 20_000 + rng.below(200_000) } else { GAS };
        let mut c = ctx(rng.below(3) as u8, rng.below(10));
        c.block.time = rng.below(1 << 31);
        if rng.below(2) == 0 {
            c.args = vec![rng.below(4).to_string()];
        }
        let a = pooled.call_precompile(&hashes[k], &input, gas, &c).unwrap();
        let b = fresh.call_precompile_fresh(&hashes[k], &input, gas, &c).unwrap();
        assert_eq!(a, b, "run {i}: {} with {:?}", programs[k], String::from_utf8_lossy(&input));
    }
    for h in &hashes {
        let account = precompile_account(h);
        assert_eq!(pooled.storage(&account).unwrap(), fresh.storage(&account).unwrap());
    }
    let (count, bytes) = pooled.precompile_pool_usage();
    assert!((1..=programs.len() * 4).contains(&count), "{count} idle instances");
    assert!(bytes > 0);
}

#[test]
fn the_pool_is_bounded() {
    let pool = PoolConfig { per_code: 2, max_instances: 3, max_bytes: 64 << 20 };
    let rt = Runtime::new(Arc::new(MemStore::new()), RuntimeConfig { pool, ..RuntimeConfig::default() }).unwrap();
    for p in ["kvcount", "hint", "wordfreq"] {
        let h = rt.install_precompile(&example(p)).unwrap();
        rt.call_precompile(&h, b"x", GAS, &ctx(1, 0)).unwrap();
        assert!(rt.precompile_pool_usage().0 <= 3);
    }
    let (count, bytes) = rt.precompile_pool_usage();
    assert!(count <= 3 && bytes <= 64 << 20, "{count} instances, {bytes} bytes");
    let tight = PoolConfig { per_code: 4, max_instances: 4, max_bytes: 1 };
    let rt =
        Runtime::new(Arc::new(MemStore::new()), RuntimeConfig { pool: tight, ..RuntimeConfig::default() }).unwrap();
    let h = rt.install_precompile(&example("kvcount")).unwrap();
    assert_eq!(rt.call_precompile(&h, b"x", GAS, &ctx(1, 0)).unwrap().status, PrecompileStatus::Exited(0));
    assert_eq!(rt.precompile_pool_usage(), (0, 0), "an instance over the byte bound is not kept");
}
