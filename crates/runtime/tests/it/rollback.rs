//! Journaled state: a call commits all its writes or none; a nested call rolls back alone.

use gasket_runtime::Status;

use crate::common::*;

/// `B`: writes `b = 1`, then fails in the way its entry point names.
fn callee() -> String {
    format!(
        r#"(module {IMPORTS} (memory (export "memory") 1) (data (i32.const 0) "b1")
          (func $w (call $write (i32.const 0) (i32.const 1) (i32.const 1) (i32.const 1)))
          (func (export "ok") (call $w))
          (func (export "trap") (call $w) unreachable)
          (func (export "revert") (call $w) (call $revert (i32.const 0) (i32.const 2)))
          (func (export "loop") (call $w) (loop $l (br $l)))
          (func (export "reenter")
            ;; calls its own address (the input) : refused, status 2 stored under "s"
            (call $input_copy (i32.const 100) (i32.const 0) (i32.const 20))
            (i32.store8 (i32.const 200)
              (call $call (i32.const 100) (i32.const 10) (i32.const 2) (i32.const 0) (i32.const 0) (i64.const 1000000)))
            (call $write (i32.const 210) (i32.const 1) (i32.const 200) (i32.const 1)))
          (data (i32.const 10) "ok") (data (i32.const 210) "s"))"#
    )
}

/// `A`: writes `a = 1`, calls B's entry point named by the input (20-byte address ‖ name),
/// stores the call's status under `s`, then succeeds (`outer`) or reverts (`outer_revert`).
fn caller() -> String {
    format!(
        r#"(module {IMPORTS} (memory (export "memory") 1) (data (i32.const 0) "a1s")
          (func $body (result i32)
            (call $write (i32.const 0) (i32.const 1) (i32.const 1) (i32.const 1))
            (call $input_copy (i32.const 100) (i32.const 0) (call $input_size))
            (i32.store8 (i32.const 200)
              (call $call (i32.const 100) (i32.const 120) (i32.sub (call $input_size) (i32.const 20))
                          (i32.const 0) (i32.const 0) (i64.const 1000000)))
            (call $write (i32.const 2) (i32.const 1) (i32.const 200) (i32.const 1))
            (i32.const 0))
          (func (export "outer") (drop (call $body)))
          (func (export "outer_revert") (drop (call $body)) (call $revert (i32.const 0) (i32.const 0))))"#
    )
}

#[test]
fn a_top_level_call_rolls_back_on_trap_revert_and_out_of_gas() {
    let rt = mem_runtime();
    let b = deploy_wat(&rt, &callee(), b"b");
    for (entry, status) in [("trap", None), ("revert", Some(Status::Reverted)), ("loop", Some(Status::OutOfGas))] {
        let r = call(&rt, b, entry, b"");
        match status {
            Some(s) => assert_eq!(r.status, s, "{entry}"),
            None => assert!(matches!(r.status, Status::Trapped(_)), "{entry}: {:?}", r.status),
        }
        assert_eq!(get(&rt, b, b"b"), None, "{entry} left a write behind");
    }
    assert_eq!(call(&rt, b, "loop", b"").gas_used, GAS, "out of gas uses all the gas");
    call_ok(&rt, b, "ok", b"");
    assert_eq!(get(&rt, b, b"b"), Some(b"1".to_vec()));
}

#[test]
fn a_failing_nested_call_rolls_back_alone() {
    let rt = mem_runtime();
    let b = deploy_wat(&rt, &callee(), b"b");
    let a = deploy_wat(&rt, &caller(), b"a");
    for (entry, status) in [("trap", 2u8), ("revert", 1), ("loop", 2), ("missing", 2)] {
        let rt = mem_runtime();
        let b = deploy_wat(&rt, &callee(), b"b");
        let a = deploy_wat(&rt, &caller(), b"a");
        call_ok(&rt, a, "outer", &[&b.0[..], entry.as_bytes()].concat());
        assert_eq!(get(&rt, a, b"a"), Some(b"1".to_vec()), "{entry}: the caller's earlier write stays");
        assert_eq!(get(&rt, a, b"s"), Some(vec![status]), "{entry}: status");
        assert_eq!(get(&rt, b, b"b"), None, "{entry}: the callee's write is undone");
    }
    // A nested success is kept with its caller's commit...
    call_ok(&rt, a, "outer", &[&b.0[..], b"ok"].concat());
    assert_eq!(get(&rt, b, b"b"), Some(b"1".to_vec()));
    // ...and undone with its caller's revert.
    let rt = mem_runtime();
    let b = deploy_wat(&rt, &callee(), b"b");
    let a = deploy_wat(&rt, &caller(), b"a");
    assert_eq!(call(&rt, a, "outer_revert", &[&b.0[..], b"ok"].concat()).status, Status::Reverted);
    assert_eq!((get(&rt, a, b"a"), get(&rt, b, b"b")), (None, None));
}

#[test]
fn re_entrancy_is_refused() {
    let rt = mem_runtime();
    let b = deploy_wat(&rt, &callee(), b"b");
    call_ok(&rt, b, "reenter", &b.0);
    assert_eq!(get(&rt, b, b"s"), Some(vec![2]));
}
