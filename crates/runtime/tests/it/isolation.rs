//! Every call gets a fresh instance: zeroed memory, initial globals; nothing leaks between
//! calls or contracts. State persists only through storage, across processes too.

use std::sync::Arc;

use gasket_runtime::{RedbStore, Status};

use crate::common::*;

const TOUCH: &str = r#"(module
  (import "gasket_v1" "set_return" (func $ret (param i32 i32)))
  (memory (export "memory") 1) (global $g (mut i32) (i32.const 0))
  (func (export "touch")
    ;; return memory[0..4] and the global as seen on entry, then dirty both
    (i32.store (i32.const 8) (global.get $g))
    (call $ret (i32.const 0) (i32.const 12))
    (i32.store (i32.const 0) (i32.const 42))
    (global.set $g (i32.const 7))))"#;

#[test]
fn memory_and_globals_are_fresh_for_every_call_and_contract() {
    let rt = mem_runtime();
    let one = deploy_wat(&rt, TOUCH, b"1");
    let two = deploy_wat(&rt, TOUCH, b"2");
    for addr in [one, one, two, one] {
        assert_eq!(call_ok(&rt, addr, "touch", b""), vec![0; 12]);
    }
}

#[test]
fn state_persists_across_reopening_the_database() {
    let dir = std::env::temp_dir().join(format!("gasket-persist-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("state.redb");
    let counter = {
        let rt = runtime_over(Arc::new(RedbStore::open(&path).unwrap()));
        let counter = rt.deploy(&contract("counter"), ALICE, b"").unwrap().address;
        call_ok(&rt, counter, "increment", b"");
        counter
    };
    let rt = runtime_over(Arc::new(RedbStore::open(&path).unwrap()));
    let r = call(&rt, counter, "increment", b"");
    assert_eq!((r.status, r.return_data), (Status::Success, 2u64.to_le_bytes().to_vec()));
    let _ = std::fs::remove_dir_all(&dir);
}
