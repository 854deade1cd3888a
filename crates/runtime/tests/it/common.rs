//! Shared helpers: runtimes over memory or redb, the committed example contracts.

use std::sync::Arc;

use gasket_runtime::{Address, BlockContext, CallReceipt, MemStore, Runtime, RuntimeConfig, StateStore, Status};

pub const GAS: u64 = 10_000_000;
pub const ALICE: Address = Address([0xa1; 20]);
pub const BOB: Address = Address([0xb0; 20]);

pub fn mem_runtime() -> Runtime {
    Runtime::new(Arc::new(MemStore::new()), RuntimeConfig::default()).unwrap()
}

pub fn runtime_over(store: Arc<dyn StateStore>) -> Runtime {
    Runtime::new(store, RuntimeConfig::default()).unwrap()
}

/// A committed example contract from `contracts/wasm/`.
pub fn contract(name: &str) -> Vec<u8> {
    let path = format!("{}/../../contracts/wasm/{name}.wasm", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub fn deploy_wat(rt: &Runtime, wat: &str, salt: &[u8]) -> Address {
    rt.deploy(&wat::parse_str(wat).unwrap(), ALICE, salt).unwrap().address
}

pub fn call(rt: &Runtime, addr: Address, func: &str, input: &[u8]) -> CallReceipt {
    rt.call(ALICE, addr, func, input, GAS, BlockContext { height: 7, time: 1_700_000_000, ..BlockContext::default() })
        .unwrap()
}

pub fn call_ok(rt: &Runtime, addr: Address, func: &str, input: &[u8]) -> Vec<u8> {
    let r = call(rt, addr, func, input);
    assert_eq!(r.status, Status::Success, "{func}: {r:?}");
    r.return_data
}

pub fn get(rt: &Runtime, addr: Address, key: &[u8]) -> Option<Vec<u8>> {
    rt.storage(&addr).unwrap().into_iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// A WAT contract's host imports, all of them, so tests can use any.
pub const IMPORTS: &str = r#"
  (import "gasket_v1" "storage_write" (func $write (param i32 i32 i32 i32)))
  (import "gasket_v1" "storage_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "gasket_v1" "set_return" (func $ret (param i32 i32)))
  (import "gasket_v1" "revert" (func $revert (param i32 i32)))
  (import "gasket_v1" "call" (func $call (param i32 i32 i32 i32 i32 i64) (result i32)))
  (import "gasket_v1" "input_size" (func $input_size (result i32)))
  (import "gasket_v1" "input_copy" (func $input_copy (param i32 i32 i32)))
  (import "gasket_v1" "emit_event" (func $emit (param i32 i32 i32 i32)))
"#;
