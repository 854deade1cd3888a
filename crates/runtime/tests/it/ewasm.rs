//! The `ethereum` namespace (EEI): the token contract in contracts/ewasm/ and small WAT
//! contracts checking each part of the interface against the design (docs/ewasm.md).

use gasket_runtime::{block_hash, keccak256, Address, BlockContext, CallReceipt, Runtime, RuntimeError, Status};

use crate::common::{get, mem_runtime, ALICE, BOB, GAS};

/// Every `ethereum` import, so a test contract can use any.
const EEI: &str = r#"
  (import "ethereum" "useGas" (func $useGas (param i64)))
  (import "ethereum" "getGasLeft" (func $getGasLeft (result i64)))
  (import "ethereum" "getAddress" (func $getAddress (param i32)))
  (import "ethereum" "getCaller" (func $getCaller (param i32)))
  (import "ethereum" "getTxOrigin" (func $getTxOrigin (param i32)))
  (import "ethereum" "getBlockCoinbase" (func $getBlockCoinbase (param i32)))
  (import "ethereum" "getCallValue" (func $getCallValue (param i32)))
  (import "ethereum" "getTxGasPrice" (func $getTxGasPrice (param i32)))
  (import "ethereum" "getBlockDifficulty" (func $getBlockDifficulty (param i32)))
  (import "ethereum" "getBlockNumber" (func $getBlockNumber (result i64)))
  (import "ethereum" "getBlockTimestamp" (func $getBlockTimestamp (result i64)))
  (import "ethereum" "getBlockGasLimit" (func $getBlockGasLimit (result i64)))
  (import "ethereum" "getBlockHash" (func $getBlockHash (param i64 i32) (result i32)))
  (import "ethereum" "getExternalBalance" (func $getExternalBalance (param i32 i32)))
  (import "ethereum" "getCallDataSize" (func $getCallDataSize (result i32)))
  (import "ethereum" "callDataCopy" (func $callDataCopy (param i32 i32 i32)))
  (import "ethereum" "getReturnDataSize" (func $getReturnDataSize (result i32)))
  (import "ethereum" "returnDataCopy" (func $returnDataCopy (param i32 i32 i32)))
  (import "ethereum" "getCodeSize" (func $getCodeSize (result i32)))
  (import "ethereum" "codeCopy" (func $codeCopy (param i32 i32 i32)))
  (import "ethereum" "getExternalCodeSize" (func $getExternalCodeSize (param i32) (result i32)))
  (import "ethereum" "externalCodeCopy" (func $externalCodeCopy (param i32 i32 i32 i32)))
  (import "ethereum" "storageStore" (func $storageStore (param i32 i32)))
  (import "ethereum" "storageLoad" (func $storageLoad (param i32 i32)))
  (import "ethereum" "log" (func $log (param i32 i32 i32 i32 i32 i32 i32)))
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (import "ethereum" "revert" (func $revert (param i32 i32)))
  (import "ethereum" "selfDestruct" (func $selfDestruct (param i32)))
  (import "ethereum" "call" (func $call (param i64 i32 i32 i32 i32) (result i32)))
  (import "ethereum" "callCode" (func $callCode (param i64 i32 i32 i32 i32) (result i32)))
  (import "ethereum" "callDelegate" (func $callDelegate (param i64 i32 i32 i32) (result i32)))
  (import "ethereum" "callStatic" (func $callStatic (param i64 i32 i32 i32) (result i32)))
  (import "ethereum" "create" (func $create (param i32 i32 i32 i32) (result i32)))
"#;

/// A contract whose `main` runs `body`, with `data` segments and one page of memory.
fn contract(body: &str, data: &str) -> Vec<u8> {
    wat::parse_str(format!(r#"(module {EEI} (memory (export "memory") 1) {data} (func (export "main") {body}))"#))
        .unwrap()
}

/// `bytes` as a WAT string literal.
fn lit(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("\\{b:02x}")).collect()
}

fn deploy(rt: &Runtime, code: &[u8], salt: &[u8]) -> Address {
    rt.deploy(code, ALICE, salt).unwrap().address
}

const BLOCK: BlockContext = BlockContext {
    height: 1000,
    time: 1_700_000_000,
    coinbase: Address([0xc0; 20]),
    difficulty: 0x0102_0304_0506_0708_090a_0b0c_0d0e_0f10,
    gas_limit: 30_000_000,
    gas_price: 42,
};

fn call(rt: &Runtime, to: Address, input: &[u8]) -> CallReceipt {
    rt.call(ALICE, to, "main", input, GAS, BLOCK).unwrap()
}

fn call_value(rt: &Runtime, to: Address, value: u128) -> CallReceipt {
    rt.call_value(ALICE, to, "main", b"", value, GAS, BLOCK).unwrap()
}

fn token() -> Vec<u8> {
    wat::parse_file(concat!(env!("CARGO_MANIFEST_DIR"), "/../../contracts/ewasm/token.wat")).unwrap()
}

fn balance_key(a: &Address) -> Vec<u8> {
    let mut k = vec![0; 32];
    k[0] = 1;
    k[1..21].copy_from_slice(&a.0);
    k
}

fn word(v: u64) -> Vec<u8> {
    let mut w = vec![0; 32];
    w[..8].copy_from_slice(&v.to_le_bytes());
    w
}

fn topic(a: &Address) -> [u8; 32] {
    let mut t = [0; 32];
    t[12..].copy_from_slice(&a.0);
    t
}

#[test]
fn token_storage_logs_return_data_and_revert() {
    let rt = mem_runtime();
    let token = deploy(&rt, &token(), b"t");
    let init = [&[0u8][..], &1000u64.to_le_bytes()].concat();
    assert_eq!(call(&rt, token, &init).status, Status::Success);
    assert_eq!(get(&rt, token, &balance_key(&ALICE)), Some(word(1000)));
    assert_eq!(get(&rt, token, &[0; 32]), Some(word(1)));

    let transfer = [&[1u8][..], &BOB.0, &300u64.to_le_bytes()].concat();
    let r = call(&rt, token, &transfer);
    assert_eq!(r.status, Status::Success, "{r:?}");
    assert!(r.return_data.is_empty());
    assert_eq!(r.events.len(), 1);
    let e = &r.events[0];
    assert_eq!(e.contract, token);
    assert_eq!(e.topics, vec![keccak256(b"Transfer(address,address,uint256)"), topic(&ALICE), topic(&BOB)]);
    assert_eq!(e.data, word(300));

    let balance_of = |who: &Address| call(&rt, token, &[&[2u8][..], &who.0].concat());
    let r = balance_of(&BOB);
    assert_eq!((r.status, r.return_data), (Status::Success, 300u64.to_le_bytes().to_vec()));
    assert_eq!(balance_of(&ALICE).return_data, 700u64.to_le_bytes());

    // A revert: data returned, state and events discarded, unused gas not charged.
    let too_much = [&[1u8][..], &BOB.0, &701u64.to_le_bytes()].concat();
    let before = rt.storage(&token).unwrap();
    let r = call(&rt, token, &too_much);
    assert_eq!((r.status, r.return_data.as_slice()), (Status::Reverted, &b"insufficient balance"[..]));
    assert!(r.events.is_empty());
    assert!(r.gas_used < GAS / 10, "a revert keeps the gas left: {}", r.gas_used);
    assert_eq!(rt.storage(&token).unwrap(), before);
    assert_eq!(call(&rt, token, &init).return_data, b"initialized");
    assert_eq!(call(&rt, token, &[2u8; 3]).return_data, b"bad input");
    assert_eq!(call(&rt, token, &[7u8]).return_data, b"bad input");
}

#[test]
fn trap_consumes_all_gas() {
    let rt = mem_runtime();
    let token = deploy(&rt, &token(), b"t");
    let r = call(&rt, token, &[0xff]);
    assert!(matches!(r.status, Status::Trapped(_)), "{r:?}");
    assert_eq!(r.gas_used, GAS);
    // A gasket_v1 contract's trap is charged only what it used (docs/runtime.md).
    let plain = rt
        .deploy(
            &wat::parse_str(r#"(module (memory (export "memory") 1) (func (export "main") unreachable))"#).unwrap(),
            ALICE,
            b"p",
        )
        .unwrap()
        .address;
    let r = call(&rt, plain, b"");
    assert!(matches!(r.status, Status::Trapped(_)) && r.gas_used < GAS, "{r:?}");
}

#[test]
fn finish_halts_and_returns() {
    let rt = mem_runtime();
    let c = deploy(
        &rt,
        &contract(
            r#"
        (call $finish (i32.const 0) (i32.const 5))
        (call $storageStore (i32.const 64) (i32.const 64))"#,
            r#"(data (i32.const 0) "hello") (data (i32.const 64) "\01")"#,
        ),
        b"f",
    );
    let r = call(&rt, c, b"");
    assert_eq!((r.status, r.return_data.as_slice()), (Status::Success, &b"hello"[..]));
    assert!(rt.storage(&c).unwrap().is_empty(), "code after finish must not run");
    // Out-of-range output traps.
    let c = deploy(&rt, &contract("(call $finish (i32.const 65530) (i32.const 10))", ""), b"g");
    assert!(matches!(call(&rt, c, b"").status, Status::Trapped(_)));
}

/// Finishes with its call value (16 bytes), its own balance (16) and its caller (20).
fn value_reporter() -> Vec<u8> {
    contract(
        r#"
        (call $getCallValue (i32.const 0))
        (call $getAddress (i32.const 100))
        (call $getExternalBalance (i32.const 100) (i32.const 16))
        (call $getCaller (i32.const 32))
        (call $finish (i32.const 0) (i32.const 52))"#,
        "",
    )
}

#[test]
fn value_moves_with_the_call_and_back_on_failure() {
    let rt = mem_runtime();
    let c = deploy(&rt, &value_reporter(), b"v");
    rt.credit(&ALICE, 1000).unwrap();
    let r = call_value(&rt, c, 250);
    assert_eq!(r.status, Status::Success);
    assert_eq!(r.return_data[..16], 250u128.to_le_bytes());
    assert_eq!(r.return_data[16..32], 250u128.to_le_bytes());
    assert_eq!(r.return_data[32..], ALICE.0);
    assert_eq!((rt.balance(&ALICE).unwrap(), rt.balance(&c).unwrap()), (750, 250));
    // More than the caller has: nothing runs, nothing moves.
    let r = call_value(&rt, c, 751);
    assert!(matches!(r.status, Status::Failed(_)), "{r:?}");
    assert_eq!((rt.balance(&ALICE).unwrap(), rt.balance(&c).unwrap()), (750, 250));
    // A revert returns the value.
    let reverter = deploy(&rt, &contract("(call $revert (i32.const 0) (i32.const 0))", ""), b"r");
    assert_eq!(call_value(&rt, reverter, 100).status, Status::Reverted);
    assert_eq!((rt.balance(&ALICE).unwrap(), rt.balance(&reverter).unwrap()), (750, 0));
}

/// A contract that calls `target` with `how` (`call` with value 5, `callStatic`, ...), then
/// finishes with the status byte followed by the return data buffer.
fn forwarder(how: &str, target: &Address) -> Vec<u8> {
    let invoke = match how {
        "call" => "(call $call (i64.const 1000000) (i32.const 0) (i32.const 32) (i32.const 64) (i32.const 3))",
        "callCode" => "(call $callCode (i64.const 1000000) (i32.const 0) (i32.const 32) (i32.const 64) (i32.const 3))",
        "callDelegate" => "(call $callDelegate (i64.const 1000000) (i32.const 0) (i32.const 64) (i32.const 3))",
        "callStatic" => "(call $callStatic (i64.const 1000000) (i32.const 0) (i32.const 64) (i32.const 3))",
        _ => unreachable!(),
    };
    contract(
        &format!(
            r#"
            (i32.store8 (i32.const 200) {invoke})
            (call $returnDataCopy (i32.const 201) (i32.const 0) (call $getReturnDataSize))
            (call $finish (i32.const 200) (i32.add (i32.const 1) (call $getReturnDataSize)))"#
        ),
        &format!(
            r#"(data (i32.const 0) "{}") (data (i32.const 32) "\05") (data (i32.const 64) "abc")"#,
            lit(&target.0)
        ),
    )
}

#[test]
fn call_passes_data_value_and_return_data() {
    let rt = mem_runtime();
    // The callee echoes its call data after its caller, value and a storage write.
    let callee = deploy(
        &rt,
        &contract(
            r#"
        (call $getCaller (i32.const 0))
        (call $getCallValue (i32.const 20))
        (call $callDataCopy (i32.const 36) (i32.const 0) (call $getCallDataSize))
        (call $storageStore (i32.const 100) (i32.const 100))
        (call $finish (i32.const 0) (i32.add (i32.const 36) (call $getCallDataSize)))"#,
            r#"(data (i32.const 100) "\07")"#,
        ),
        b"callee",
    );
    let caller = deploy(&rt, &forwarder("call", &callee), b"caller");
    rt.credit(&caller, 10).unwrap();
    let r = call(&rt, caller, b"");
    assert_eq!(r.status, Status::Success, "{r:?}");
    assert_eq!(r.return_data[0], 0, "status success");
    assert_eq!(&r.return_data[1..21], &caller.0);
    assert_eq!(r.return_data[21..37], 5u128.to_le_bytes());
    assert_eq!(&r.return_data[37..], b"abc");
    assert_eq!((rt.balance(&caller).unwrap(), rt.balance(&callee).unwrap()), (5, 5));
    assert_eq!(rt.storage(&callee).unwrap().len(), 1);

    // Calling an account without code moves the value and succeeds.
    let account = Address([0x77; 20]);
    let to_account = deploy(&rt, &forwarder("call", &account), b"acct");
    rt.credit(&to_account, 5).unwrap();
    assert_eq!(call(&rt, to_account, b"").return_data, [0]);
    assert_eq!(rt.balance(&account).unwrap(), 5);
    // Without the balance: status 1, nothing moved.
    assert_eq!(call(&rt, to_account, b"").return_data, [1]);
}

#[test]
fn callee_revert_and_trap_statuses() {
    let rt = mem_runtime();
    let reverter = deploy(
        &rt,
        &contract(
            r#"
        (call $storageStore (i32.const 0) (i32.const 0))
        (call $revert (i32.const 40) (i32.const 4))"#,
            r#"(data (i32.const 0) "\01") (data (i32.const 40) "nope")"#,
        ),
        b"r",
    );
    let trapper = deploy(
        &rt,
        &contract("(call $storageStore (i32.const 0) (i32.const 0)) unreachable", r#"(data (i32.const 0) "\01")"#),
        b"t",
    );
    let via_revert = deploy(&rt, &forwarder("callStatic", &reverter), b"a");
    let r = call(&rt, via_revert, b"");
    // callStatic forbids the store, so the callee traps before it can revert: failure (1).
    assert_eq!(r.return_data, [1]);
    let via_revert = deploy(&rt, &forwarder("callDelegate", &reverter), b"b");
    let r = call(&rt, via_revert, b"");
    assert_eq!(r.return_data, [&[2u8][..], b"nope"].concat(), "revert: 2 and its data");
    assert!(rt.storage(&via_revert).unwrap().is_empty(), "the reverted write is undone");
    let via_trap = deploy(&rt, &forwarder("callDelegate", &trapper), b"c");
    let r = call(&rt, via_trap, b"");
    assert_eq!(r.status, Status::Success);
    assert_eq!(r.return_data, [1], "trap: 1, empty return data");
    assert!(rt.storage(&via_trap).unwrap().is_empty());
    assert!(rt.storage(&trapper).unwrap().is_empty() && rt.storage(&reverter).unwrap().is_empty());
}

#[test]
fn call_static_allows_reads_and_forbids_every_state_change() {
    let rt = mem_runtime();
    let reader = deploy(
        &rt,
        &contract(
            r#"
        (call $storageLoad (i32.const 0) (i32.const 32))
        (call $finish (i32.const 32) (i32.const 32))"#,
            "",
        ),
        b"reader",
    );
    let r = call(&rt, deploy(&rt, &forwarder("callStatic", &reader), b"s0"), b"");
    assert_eq!(r.return_data, [&[0u8][..], &[0; 32]].concat());
    let changes = [
        "(call $storageStore (i32.const 0) (i32.const 0))",
        "(call $log (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))",
        "(drop (call $create (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)))",
        "(call $selfDestruct (i32.const 0))",
        "(drop (call $call (i64.const 1000) (i32.const 0) (i32.const 64) (i32.const 0) (i32.const 0)))",
    ];
    for (i, change) in changes.iter().enumerate() {
        let callee = deploy(&rt, &contract(change, r#"(data (i32.const 64) "\01")"#), &[i as u8]);
        let r = call(&rt, deploy(&rt, &forwarder("callStatic", &callee), &[i as u8, 1]), b"");
        assert_eq!(r.return_data, [1], "{change} must fail under callStatic");
    }
    // Without value, a nested call is allowed under callStatic (and stays static).
    let plain_call = deploy(
        &rt,
        &contract("(drop (call $call (i64.const 1000) (i32.const 0) (i32.const 64) (i32.const 0) (i32.const 0)))", ""),
        b"pc",
    );
    let r = call(&rt, deploy(&rt, &forwarder("callStatic", &plain_call), b"pc2"), b"");
    assert_eq!(r.return_data, [0]);
}

#[test]
fn call_delegate_and_call_code_act_on_the_caller() {
    let rt = mem_runtime();
    // The library stores its caller's address and its call value under key 0 and finishes
    // with its own address.
    let library = deploy(
        &rt,
        &contract(
            r#"
        (call $getCaller (i32.const 32))
        (call $getCallValue (i32.const 52))
        (call $storageStore (i32.const 0) (i32.const 32))
        (call $getAddress (i32.const 100))
        (call $finish (i32.const 100) (i32.const 20))"#,
            "",
        ),
        b"lib",
    );
    let delegator = deploy(&rt, &forwarder("callDelegate", &library), b"d");
    rt.credit(&ALICE, 9).unwrap();
    let r = call_value(&rt, delegator, 9);
    assert_eq!(r.status, Status::Success);
    assert_eq!(&r.return_data[1..], &delegator.0, "the code runs as the delegator");
    let mut stored = vec![0; 32];
    stored[..20].copy_from_slice(&ALICE.0);
    stored[20..32].copy_from_slice(&9u128.to_le_bytes()[..12]);
    assert_eq!(get(&rt, delegator, &[0; 32]), Some(stored), "caller and value kept, storage the delegator's");
    assert!(rt.storage(&library).unwrap().is_empty());

    let coder = deploy(&rt, &forwarder("callCode", &library), b"c");
    rt.credit(&coder, 5).unwrap();
    let r = call(&rt, coder, b"");
    assert_eq!(&r.return_data[1..], &coder.0);
    let mut stored = vec![0; 32];
    stored[..20].copy_from_slice(&coder.0);
    stored[20..32].copy_from_slice(&5u128.to_le_bytes()[..12]);
    assert_eq!(get(&rt, coder, &[0; 32]), Some(stored), "callCode: the caller is the account itself");
    assert_eq!(rt.balance(&coder).unwrap(), 5, "callCode's value stays with the account");
}

#[test]
fn reentrancy_fails_with_status_1() {
    let rt = mem_runtime();
    // Calls whatever address its call data holds; finishes with the status.
    let relay = contract(
        r#"
        (call $callDataCopy (i32.const 0) (i32.const 0) (i32.const 20))
        (i32.store8 (i32.const 100) (call $call (i64.const 1000000) (i32.const 0) (i32.const 40) (i32.const 0) (i32.const 20)))
        (call $finish (i32.const 100) (i32.const 1))"#,
        "",
    );
    let a = deploy(&rt, &relay, b"a");
    // a calls itself: re-entrancy, refused.
    assert_eq!(call(&rt, a, &a.0).return_data, [1]);
}

#[test]
fn create_runs_init_code_and_installs_its_output() {
    let rt = mem_runtime();
    let runtime_code = contract(r#"(call $finish (i32.const 0) (i32.const 2))"#, r#"(data (i32.const 0) "ok")"#);
    // Init code: stores 1 under key 0, then finishes with the runtime code.
    let init = contract(
        r#"(call $storageStore (i32.const 4096) (i32.const 4096))
           (call $finish (i32.const 0) (i32.const RUNTIME_LEN))"#
            .replace("RUNTIME_LEN", &runtime_code.len().to_string())
            .as_str(),
        &format!(r#"(data (i32.const 0) "{}") (data (i32.const 4096) "\01")"#, lit(&runtime_code)),
    );
    let factory_for = |init: &[u8], salt: &[u8]| {
        deploy(
            &rt,
            &contract(
                &format!(
                    r#"
                (i32.store8 (i32.const 60000) (call $create (i32.const 59000) (i32.const 0) (i32.const {}) (i32.const 60001)))
                (call $finish (i32.const 60000) (i32.const 21))"#,
                    init.len()
                ),
                &format!(r#"(data (i32.const 0) "{}")"#, lit(init)),
            ),
            salt,
        )
    };
    let factory = factory_for(&init, b"f");
    let r = call(&rt, factory, b"");
    assert_eq!((&r.status, r.return_data[0]), (&Status::Success, 0), "{r:?}");
    let created = Address(r.return_data[1..21].try_into().unwrap());
    assert!(rt.exists(&created).unwrap());
    let mut one = [0u8; 32];
    one[0] = 1;
    assert_eq!(get(&rt, created, &one), Some(one.to_vec()), "the init code's storage write is kept");
    assert_eq!(call(&rt, created, b"").return_data, b"ok");
    // A second create from the same factory gets another address (the nonce advanced).
    let r = call(&rt, factory, b"");
    assert_eq!(r.return_data[0], 0);
    assert_ne!(Address(r.return_data[1..21].try_into().unwrap()), created);

    // Init code that reverts: status 2, nothing created; that returns an invalid module: 1.
    let reverting = contract(r#"(call $revert (i32.const 0) (i32.const 0))"#, "");
    let r = call(&rt, factory_for(&reverting, b"r"), b"");
    assert_eq!(r.return_data[0], 2);
    let garbage = contract(
        r#"(call $storageStore (i32.const 0) (i32.const 0)) (call $finish (i32.const 0) (i32.const 8))"#,
        r#"(data (i32.const 0) "notwasm!")"#,
    );
    let garbage_factory = factory_for(&garbage, b"g");
    let r = call(&rt, garbage_factory, b"");
    assert_eq!(r.return_data[0], 1);
    let left: Vec<_> = rt.storage(&garbage_factory).unwrap();
    assert!(left.is_empty(), "a failed create leaves no storage");
}

#[test]
fn self_destruct_moves_the_balance_and_removes_the_contract() {
    let rt = mem_runtime();
    let c = deploy(
        &rt,
        &contract(
            r#"
        (call $storageStore (i32.const 0) (i32.const 0))
        (call $selfDestruct (i32.const 0))
        unreachable"#,
            &format!(r#"(data (i32.const 0) "{}")"#, lit(&BOB.0)),
        ),
        b"sd",
    );
    rt.credit(&c, 77).unwrap();
    let r = call(&rt, c, b"");
    assert_eq!(r.status, Status::Success, "{r:?}");
    assert_eq!(rt.balance(&BOB).unwrap(), 77);
    assert_eq!(rt.balance(&c).unwrap(), 0);
    assert!(!rt.exists(&c).unwrap());
    assert!(rt.storage(&c).unwrap().is_empty());
}

#[test]
fn block_and_transaction_context() {
    let rt = mem_runtime();
    let c = deploy(
        &rt,
        &contract(
            r#"
        (i64.store (i32.const 0) (call $getBlockNumber))
        (i64.store (i32.const 8) (call $getBlockTimestamp))
        (i64.store (i32.const 16) (call $getBlockGasLimit))
        (call $getTxGasPrice (i32.const 24))
        (call $getBlockCoinbase (i32.const 40))
        (call $getTxOrigin (i32.const 60))
        (call $getBlockDifficulty (i32.const 80))
        (i32.store8 (i32.const 112) (call $getBlockHash (i64.const 999) (i32.const 113)))
        (i32.store8 (i32.const 145) (call $getBlockHash (i64.const 743) (i32.const 146)))
        (i32.store8 (i32.const 178) (call $getBlockHash (i64.const 1000) (i32.const 179)))
        (call $finish (i32.const 0) (i32.const 211))"#,
            "",
        ),
        b"ctx",
    );
    let r = call(&rt, c, b"");
    assert_eq!(r.status, Status::Success, "{r:?}");
    let d = &r.return_data;
    assert_eq!(d[0..8], 1000u64.to_le_bytes());
    assert_eq!(d[8..16], 1_700_000_000u64.to_le_bytes());
    assert_eq!(d[16..24], 30_000_000u64.to_le_bytes());
    assert_eq!(d[24..40], 42u128.to_le_bytes());
    assert_eq!(d[40..60], BLOCK.coinbase.0);
    assert_eq!(d[60..80], ALICE.0);
    assert_eq!(d[80..96], BLOCK.difficulty.to_le_bytes());
    assert_eq!(d[96..112], [0; 16]);
    assert_eq!((d[112], &d[113..145]), (0, &block_hash(999)[..]));
    assert_eq!((d[145], &d[146..178]), (1, &[0; 32][..]), "257 blocks back is outside the window");
    assert_eq!((d[178], &d[179..211]), (1, &[0; 32][..]), "the current block has no hash yet");
}

#[test]
fn code_size_and_copy() {
    let rt = mem_runtime();
    let other = token();
    let other_at = deploy(&rt, &other, b"tok");
    let code = contract(
        r#"
        (i32.store (i32.const 0) (call $getCodeSize))
        (call $codeCopy (i32.const 4) (i32.const 0) (i32.const 4))
        (i32.store (i32.const 8) (call $getExternalCodeSize (i32.const 100)))
        (call $externalCodeCopy (i32.const 100) (i32.const 12) (i32.const 4) (i32.const 4))
        (i32.store (i32.const 16) (call $getExternalCodeSize (i32.const 200)))
        (call $finish (i32.const 0) (i32.const 20))"#,
        &format!(r#"(data (i32.const 100) "{}")"#, lit(&other_at.0)),
    );
    let c = deploy(&rt, &code, b"cs");
    let r = call(&rt, c, b"");
    assert_eq!(r.status, Status::Success, "{r:?}");
    let d = &r.return_data;
    assert_eq!(d[0..4], (code.len() as u32).to_le_bytes());
    assert_eq!(&d[4..8], b"\0asm");
    assert_eq!(d[8..12], (other.len() as u32).to_le_bytes());
    assert_eq!(d[12..16], other[4..8]);
    assert_eq!(d[16..20], [0; 4], "no code at the zero address");
    // Copying past the end of the code traps.
    let c = deploy(&rt, &contract("(call $codeCopy (i32.const 0) (call $getCodeSize) (i32.const 1))", ""), b"past");
    assert!(matches!(call(&rt, c, b"").status, Status::Trapped(_)));
}

#[test]
fn gas_use_and_gas_left() {
    let rt = mem_runtime();
    let c = deploy(
        &rt,
        &contract(
            r#"
        (local $before i64)
        (local.set $before (call $getGasLeft))
        (call $useGas (i64.const 5000))
        (i64.store (i32.const 0) (i64.sub (local.get $before) (call $getGasLeft)))
        (call $finish (i32.const 0) (i32.const 8))"#,
            "",
        ),
        b"gas",
    );
    let r = call(&rt, c, b"");
    let spent = u64::from_le_bytes(r.return_data.try_into().unwrap());
    assert!((5000..5100).contains(&spent), "useGas(5000) spent {spent}");
    let c = deploy(&rt, &contract("(call $useGas (i64.const -1))", ""), b"neg");
    let r = call(&rt, c, b"");
    assert_eq!((r.status, r.gas_used), (Status::OutOfGas, GAS), "a negative amount is a huge one");
}

#[test]
fn out_of_range_pointers_trap() {
    let rt = mem_runtime();
    let bad = [
        "(call $getAddress (i32.const 65530))",
        "(call $getCallValue (i32.const -1))",
        "(call $storageStore (i32.const 65535) (i32.const 0))",
        "(call $storageLoad (i32.const 0) (i32.const 65534))",
        "(drop (call $getBlockHash (i64.const 0) (i32.const 65535)))",
        "(call $log (i32.const 0) (i32.const 0) (i32.const 5) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))",
        "(call $log (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 65535) (i32.const 0) (i32.const 0) (i32.const 0))",
        "(call $callDataCopy (i32.const 0) (i32.const 0) (i32.const 1))",
        "(call $returnDataCopy (i32.const 0) (i32.const 0) (i32.const 1))",
        "(drop (call $call (i64.const 0) (i32.const 65530) (i32.const 0) (i32.const 0) (i32.const 0)))",
        "(drop (call $create (i32.const 0) (i32.const 0) (i32.const 70000) (i32.const 0)))",
        "(drop (call $create (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 65530)))",
        "(call $revert (i32.const -4) (i32.const 8))",
    ];
    for (i, body) in bad.iter().enumerate() {
        let c = deploy(&rt, &contract(body, ""), &[i as u8]);
        let r = call(&rt, c, b"");
        assert!(matches!(r.status, Status::Trapped(_)), "{body}: {r:?}");
        assert_eq!(r.gas_used, GAS, "{body}: a trap consumes all gas");
    }
}

#[test]
fn conventions_are_enforced_at_deploy() {
    let rt = mem_runtime();
    let refuse = |wat: &str, why: &str| {
        let code = wat::parse_str(wat).unwrap();
        match rt.deploy(&code, ALICE, b"x") {
            Err(RuntimeError::NotAContract(m)) => assert!(m.contains(why), "{m}"),
            other => panic!("{wat}: {other:?}"),
        }
    };
    refuse(r#"(module (import "ethereum" "useGas" (func (param i64))) (memory (export "memory") 1))"#, "main");
    refuse(
        r#"(module (import "ethereum" "useGas" (func (param i64))) (memory (export "memory") 1) (func (export "main") (param i32)))"#,
        "main",
    );
    refuse(
        r#"(module (import "ethereum" "useGas" (func (param i64))) (memory (export "memory") 1) (func $m) (export "main" (func $m)) (start $m))"#,
        "start",
    );
    refuse(
        r#"(module (import "ethereum" "useGas" (func (param i32))) (memory (export "memory") 1) (func (export "main")))"#,
        "useGas",
    );
    refuse(
        r#"(module (import "ethereum" "useGas" (func (param i64))) (import "gasket_v1" "gas_left" (func (result i64)))
           (memory (export "memory") 1) (func (export "main")))"#,
        "one host namespace",
    );
    refuse(r#"(module (import "ethereum" "nope" (func)) (memory (export "memory") 1) (func (export "main")))"#, "nope");
}
