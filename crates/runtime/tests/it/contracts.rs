//! The example contracts (contracts/wasm) behave as their sources document.

use gasket_runtime::{sha256, Address, Status};

use crate::common::*;

#[test]
fn counter_increments_and_emits_events() {
    let rt = mem_runtime();
    let counter = rt.deploy(&contract("counter"), ALICE, b"").unwrap().address;
    assert_eq!(call_ok(&rt, counter, "get", b""), 0u64.to_le_bytes());
    let r = call(&rt, counter, "increment", b"");
    assert_eq!((r.status, r.return_data), (Status::Success, 1u64.to_le_bytes().to_vec()));
    assert_eq!(r.events.len(), 1);
    assert_eq!(r.events[0].topics, vec![sha256(b"incremented")]);
    assert_eq!(r.events[0].contract, counter);
    call_ok(&rt, counter, "increment", b"");
    assert_eq!(call_ok(&rt, counter, "get", b""), 2u64.to_le_bytes());
    assert_eq!(get(&rt, counter, b"count"), Some(2u64.to_le_bytes().to_vec()));
    assert!(r.gas_used > 0 && r.gas_used < GAS);
}

fn amount_input(to: &Address, amount: u128) -> Vec<u8> {
    [&to.0[..], &amount.to_le_bytes()].concat()
}

#[test]
fn token_mints_transfers_and_reverts_without_effects() {
    let rt = mem_runtime();
    let token = rt.deploy(&contract("token"), ALICE, b"t").unwrap().address;
    call_ok(&rt, token, "init", b"");
    call_ok(&rt, token, "mint", &amount_input(&ALICE, 1000));
    let r = rt.call(ALICE, token, "transfer", &amount_input(&BOB, 300), GAS, Default::default()).unwrap();
    assert_eq!(r.status, Status::Success);
    assert_eq!(r.events[0].topics[0], sha256(b"Transfer"));
    let balance = |who: &Address| u128::from_le_bytes(call_ok(&rt, token, "balance_of", &who.0).try_into().unwrap());
    assert_eq!((balance(&ALICE), balance(&BOB)), (700, 300));
    // Bob cannot send more than he has: reverted, nothing changes, no events.
    let r = rt.call(BOB, token, "transfer", &amount_input(&ALICE, 301), GAS, Default::default()).unwrap();
    assert_eq!((r.status, r.return_data.as_slice()), (Status::Reverted, &b"insufficient balance"[..]));
    assert!(r.events.is_empty());
    assert_eq!((balance(&ALICE), balance(&BOB)), (700, 300));
    // Only the owner mints.
    let r = rt.call(BOB, token, "mint", &amount_input(&BOB, 5), GAS, Default::default()).unwrap();
    assert_eq!(r.status, Status::Reverted);
}

#[test]
fn a_contract_calls_another() {
    let rt = mem_runtime();
    let counter = rt.deploy(&contract("counter"), ALICE, b"c").unwrap().address;
    let caller = rt.deploy(&contract("caller"), ALICE, b"k").unwrap().address;
    let input = [&counter.0[..], b"increment"].concat();
    let r = call(&rt, caller, "forward", &input);
    assert_eq!((r.status, r.return_data), (Status::Success, 1u64.to_le_bytes().to_vec()));
    assert_eq!(r.events.len(), 1, "the callee's event is kept");
    assert_eq!(call_ok(&rt, counter, "get", b""), 1u64.to_le_bytes());
    // call_then_fail: the nested increment ran (status 0, count 2) but everything rolls back.
    let r = call(&rt, caller, "call_then_fail", &counter.0);
    assert_eq!(r.status, Status::Reverted);
    assert_eq!(r.return_data, [&[0u8][..], &2u64.to_le_bytes()].concat());
    assert!(r.events.is_empty());
    assert_eq!(call_ok(&rt, counter, "get", b""), 1u64.to_le_bytes());
    assert_eq!(get(&rt, caller, b"mine"), None);
}

#[test]
fn deploy_rejects_bad_contracts_and_taken_addresses() {
    use gasket_runtime::RuntimeError;
    let rt = mem_runtime();
    let code = contract("counter");
    rt.deploy(&code, ALICE, b"x").unwrap();
    assert!(matches!(rt.deploy(&code, ALICE, b"x"), Err(RuntimeError::AddressTaken(_))));
    assert!(matches!(rt.deploy(b"\0asm\x01\0\0\0\x01", ALICE, b""), Err(RuntimeError::Code(_))));
    let no_memory = wat::parse_str("(module (func (export \"f\")))").unwrap();
    assert!(matches!(rt.deploy(&no_memory, ALICE, b""), Err(RuntimeError::NotAContract(_))));
    let start = wat::parse_str("(module (memory (export \"memory\") 1) (func $s) (start $s))").unwrap();
    assert!(matches!(rt.deploy(&start, ALICE, b""), Err(RuntimeError::NotAContract(_))));
    let bad_import = wat::parse_str(r#"(module (import "env" "f" (func)) (memory (export "memory") 1))"#).unwrap();
    assert!(matches!(rt.deploy(&bad_import, ALICE, b""), Err(RuntimeError::NotAContract(_))));
    let wrong_sig = wat::parse_str(
        r#"(module (import "gasket_v1" "input_size" (func (result i64))) (memory (export "memory") 1))"#,
    )
    .unwrap();
    assert!(matches!(rt.deploy(&wrong_sig, ALICE, b""), Err(RuntimeError::NotAContract(_))));
    // Addresses are derived from deployer, salt and code hash.
    let a = rt.deploy(&code, BOB, b"x").unwrap().address;
    assert_eq!(a, Address::derive(&BOB, b"x", &sha256(&code)));
}
