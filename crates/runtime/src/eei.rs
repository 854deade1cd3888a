//! The Ethereum Environment Interface: the `ethereum` host namespace of ewasm contracts
//! (docs/ewasm.md), with the function list, signatures and encodings of ewasm's
//! `eth_interface.md`: addresses are 20 bytes, values `u128` and difficulty `u256`, both
//! little-endian, storage keys and values 32 bytes.
//!
//! Guarantees: as for `gasket_v1`, every guest range is checked (a bad one traps), gas is
//! charged before a function acts, and every state change goes through the journal. Under
//! `callStatic` every state change (`storageStore`, `log`, `create`, `selfDestruct`, `call`
//! with value) traps.

use std::sync::Arc;

use gasket::{Error, Linker, Module, Trap};

use crate::address::sha256;
use crate::frame::{
    copy_buffer, copy_out, limit, non_negative, read, read_array, state, storage_key, writable, write, CallState,
    CodeSource, Halt, C,
};
use crate::host::{MAX_DATA, MAX_EVENT_DATA, MAX_TOPICS};
use crate::message::{enterable, nested, Message};
use crate::runtime::check_contract;
use crate::store::{nonce_of, Table};
use crate::{Address, Event, Status};

/// The import namespace.
pub const NAMESPACE: &str = "ethereum";

// Gas of each function, charged before it acts, on top of the `call` operator's cost. The
// design leaves prices to the client; these follow `gasket_v1`'s (docs/runtime.md): 10 for a
// value already in hand, 100 for a read of state, one gas per byte copied.
/// Reading a value the call already holds (`getCaller`, `getBlockNumber`, ...).
const GAS_BASE: u64 = 10;
/// Reading state: a balance, a code size, a storage slot, a block hash.
const GAS_STATE_READ: u64 = 100;
/// `storageStore`: 200 plus 2 per byte of key and value, as `gasket_v1`'s `storage_write`.
const GAS_STORAGE_STORE: u64 = 200 + 2 * (32 + 32);
/// `log`: 50, plus 32 per topic and 1 per data byte, as `gasket_v1`'s `emit_event`.
const GAS_LOG: u64 = 50;
/// Each `call*` and `create`, before the callee's own gas.
const GAS_CALL: u64 = 100;
/// `selfDestruct`.
const GAS_SELF_DESTRUCT: u64 = 100;
/// How many recent blocks `getBlockHash` answers for (the design's "256 most recent").
pub const BLOCK_HASH_WINDOW: u64 = 256;

/// The whole `ethereum` API as (name, parameter types, result type) in WAT spelling: what
/// tools and tests generate contracts from. A test checks it against
/// [`Runtime::host_api`](crate::Runtime::host_api), what the runtime registers.
pub const API: &[(&str, &str, &str)] = &[
    ("useGas", "i64", ""),
    ("getGasLeft", "", "i64"),
    ("getAddress", "i32", ""),
    ("getCaller", "i32", ""),
    ("getTxOrigin", "i32", ""),
    ("getBlockCoinbase", "i32", ""),
    ("getCallValue", "i32", ""),
    ("getTxGasPrice", "i32", ""),
    ("getBlockDifficulty", "i32", ""),
    ("getBlockNumber", "", "i64"),
    ("getBlockTimestamp", "", "i64"),
    ("getBlockGasLimit", "", "i64"),
    ("getBlockHash", "i64 i32", "i32"),
    ("getExternalBalance", "i32 i32", ""),
    ("getCallDataSize", "", "i32"),
    ("callDataCopy", "i32 i32 i32", ""),
    ("getReturnDataSize", "", "i32"),
    ("returnDataCopy", "i32 i32 i32", ""),
    ("getCodeSize", "", "i32"),
    ("codeCopy", "i32 i32 i32", ""),
    ("getExternalCodeSize", "i32", "i32"),
    ("externalCodeCopy", "i32 i32 i32 i32", ""),
    ("storageStore", "i32 i32", ""),
    ("storageLoad", "i32 i32", ""),
    ("log", "i32 i32 i32 i32 i32 i32 i32", ""),
    ("finish", "i32 i32", ""),
    ("revert", "i32 i32", ""),
    ("selfDestruct", "i32", ""),
    ("call", "i64 i32 i32 i32 i32", "i32"),
    ("callCode", "i64 i32 i32 i32 i32", "i32"),
    ("callDelegate", "i64 i32 i32 i32", "i32"),
    ("callStatic", "i64 i32 i32 i32", "i32"),
    ("create", "i32 i32 i32 i32", "i32"),
];

/// Whether `module` is an ewasm contract: it imports from `ethereum`.
pub(crate) fn is_ewasm(module: &Module) -> bool {
    module.imports().any(|(m, _, _)| m == NAMESPACE)
}

/// The hash `getBlockHash` reports for block `number`: gasket keeps no chain, so it is
/// SHA-256("gasket/blockhash/v1" ‖ number as u64 LE) (docs/ewasm.md, "Differences").
pub fn block_hash(number: u64) -> [u8; 32] {
    sha256(&[&b"gasket/blockhash/v1"[..], &number.to_le_bytes()].concat())
}

fn len(n: i32) -> u64 {
    n as u32 as u64
}

fn u128_at(c: &C<'_>, ptr: i32) -> Result<u128, Trap> {
    Ok(u128::from_le_bytes(read_array(c, ptr)?))
}

/// Ends the call: `finish` (success) or `revert`, with `len` bytes at `ptr` as output.
fn halt(mut c: C<'_>, ptr: i32, n: i32, how: Halt) -> Result<(), Trap> {
    c.consume_gas(GAS_BASE + len(n))?;
    limit(len(n) as usize, MAX_DATA, "output data")?;
    let data = read(&c, ptr, n)?;
    let st = c.data_mut();
    st.output = data;
    st.halt = how;
    Err(Trap::host(if how == Halt::Reverted { "revert" } else { "finish" }))
}

/// Defines every `ethereum` function in `linker`.
pub(crate) fn define(linker: &mut Linker<CallState>) -> Result<(), Error> {
    let ns = NAMESPACE;
    linker.func_wrap(ns, "useGas", |mut c: C<'_>, amount: i64| c.consume_gas(amount as u64))?;
    linker.func_wrap(ns, "getGasLeft", |mut c: C<'_>| -> Result<i64, Trap> {
        c.consume_gas(GAS_BASE)?;
        Ok(non_negative(c.gas_left().unwrap_or(0)))
    })?;
    // The 20-byte addresses a call knows.
    type Pick = fn(&CallState) -> Address;
    let addresses: [(&str, Pick); 4] = [
        ("getAddress", |st| st.this),
        ("getCaller", |st| st.caller),
        ("getTxOrigin", |st| st.origin),
        ("getBlockCoinbase", |st| st.block.coinbase),
    ];
    for (name, pick) in addresses {
        linker.func_wrap(ns, name, move |mut c: C<'_>, dst: i32| -> Result<(), Trap> {
            c.consume_gas(GAS_BASE)?;
            let a = pick(c.data());
            write(&mut c, dst, &a.0)
        })?;
    }
    linker.func_wrap(ns, "getCallValue", |mut c: C<'_>, dst: i32| -> Result<(), Trap> {
        c.consume_gas(GAS_BASE)?;
        let v = c.data().value;
        write(&mut c, dst, &v.to_le_bytes())
    })?;
    linker.func_wrap(ns, "getTxGasPrice", |mut c: C<'_>, dst: i32| -> Result<(), Trap> {
        c.consume_gas(GAS_BASE)?;
        let v = c.data().block.gas_price;
        write(&mut c, dst, &v.to_le_bytes())
    })?;
    linker.func_wrap(ns, "getBlockDifficulty", |mut c: C<'_>, dst: i32| -> Result<(), Trap> {
        c.consume_gas(GAS_BASE)?;
        let mut u256 = [0; 32];
        u256[..16].copy_from_slice(&c.data().block.difficulty.to_le_bytes());
        write(&mut c, dst, &u256)
    })?;
    type Number = fn(&CallState) -> u64;
    let numbers: [(&str, Number); 3] = [
        ("getBlockNumber", |st| st.block.height),
        ("getBlockTimestamp", |st| st.block.time),
        ("getBlockGasLimit", |st| st.block.gas_limit),
    ];
    for (name, pick) in numbers {
        linker.func_wrap(ns, name, move |mut c: C<'_>| -> Result<i64, Trap> {
            c.consume_gas(GAS_BASE)?;
            Ok(non_negative(pick(c.data())))
        })?;
    }
    linker.func_wrap(ns, "getBlockHash", |mut c: C<'_>, number: i64, dst: i32| -> Result<i32, Trap> {
        c.consume_gas(GAS_STATE_READ)?;
        read_array::<32>(&c, dst)?; // the design checks the range even on failure
        let (n, height) = (number as u64, c.data().block.height);
        if n >= height || height - n > BLOCK_HASH_WINDOW {
            return Ok(1);
        }
        write(&mut c, dst, &block_hash(n))?;
        Ok(0)
    })?;
    linker.func_wrap(ns, "getExternalBalance", |mut c: C<'_>, addr: i32, dst: i32| -> Result<(), Trap> {
        c.consume_gas(GAS_STATE_READ)?;
        let a = Address(read_array(&c, addr)?);
        let b = state(&mut c, |st| st.balance(&a))?;
        write(&mut c, dst, &b.to_le_bytes())
    })?;
    linker.func_wrap(ns, "getCallDataSize", |mut c: C<'_>| -> Result<i32, Trap> {
        c.consume_gas(GAS_BASE)?;
        Ok(c.data().input.len() as i32)
    })?;
    linker.func_wrap(ns, "callDataCopy", |mut c: C<'_>, dst: i32, offset: i32, n: i32| -> Result<(), Trap> {
        c.consume_gas(GAS_BASE + len(n))?;
        copy_buffer(&mut c, |st| &mut st.input, dst, offset, n)
    })?;
    linker.func_wrap(ns, "getReturnDataSize", |mut c: C<'_>| -> Result<i32, Trap> {
        c.consume_gas(GAS_BASE)?;
        Ok(c.data().last_call_data.len() as i32)
    })?;
    linker.func_wrap(ns, "returnDataCopy", |mut c: C<'_>, dst: i32, offset: i32, n: i32| -> Result<(), Trap> {
        c.consume_gas(GAS_BASE + len(n))?;
        copy_buffer(&mut c, |st| &mut st.last_call_data, dst, offset, n)
    })?;
    linker.func_wrap(ns, "getCodeSize", |mut c: C<'_>| -> Result<i32, Trap> {
        c.consume_gas(GAS_STATE_READ)?;
        Ok(state(&mut c, |st| st.running_code())?.len() as i32)
    })?;
    linker.func_wrap(ns, "codeCopy", |mut c: C<'_>, dst: i32, offset: i32, n: i32| -> Result<(), Trap> {
        c.consume_gas(GAS_STATE_READ + len(n))?;
        let code = state(&mut c, |st| st.running_code())?;
        copy_out(&mut c, &code, dst, offset, n)
    })?;
    linker.func_wrap(ns, "getExternalCodeSize", |mut c: C<'_>, addr: i32| -> Result<i32, Trap> {
        c.consume_gas(GAS_STATE_READ)?;
        let a = Address(read_array(&c, addr)?);
        Ok(state(&mut c, |st| st.code_at(&a))?.map_or(0, |code| code.len()) as i32)
    })?;
    linker.func_wrap(
        ns,
        "externalCodeCopy",
        |mut c: C<'_>, addr: i32, dst: i32, offset: i32, n: i32| -> Result<(), Trap> {
            c.consume_gas(GAS_STATE_READ + len(n))?;
            let a = Address(read_array(&c, addr)?);
            let code = state(&mut c, |st| st.code_at(&a))?.unwrap_or_default();
            copy_out(&mut c, &code, dst, offset, n)
        },
    )?;
    linker.func_wrap(ns, "storageStore", |mut c: C<'_>, path: i32, value: i32| -> Result<(), Trap> {
        c.consume_gas(GAS_STORAGE_STORE)?;
        writable(&c, "storageStore")?;
        let (k, v) = (read_array::<32>(&c, path)?, read_array::<32>(&c, value)?);
        let st = c.data_mut();
        // A zero value is an absent one, as in Ethereum: storing zero frees the slot.
        st.journal.write(Table::Storage, storage_key(&st.this, &k), (v != [0; 32]).then(|| v.to_vec()));
        Ok(())
    })?;
    linker.func_wrap(ns, "storageLoad", |mut c: C<'_>, path: i32, dst: i32| -> Result<(), Trap> {
        c.consume_gas(GAS_STATE_READ + 32)?;
        let k = storage_key(&c.data().this, &read_array::<32>(&c, path)?);
        let v = state(&mut c, |st| st.get(Table::Storage, &k))?.unwrap_or_default();
        let mut word = [0; 32];
        let n = v.len().min(32);
        word[..n].copy_from_slice(&v[..n]);
        write(&mut c, dst, &word)
    })?;
    linker.func_wrap(ns, "log", log)?;
    linker.func_wrap(ns, "finish", |c: C<'_>, ptr: i32, n: i32| halt(c, ptr, n, Halt::Finished))?;
    linker.func_wrap(ns, "revert", |c: C<'_>, ptr: i32, n: i32| halt(c, ptr, n, Halt::Reverted))?;
    linker.func_wrap(ns, "selfDestruct", |mut c: C<'_>, addr: i32| -> Result<(), Trap> {
        c.consume_gas(GAS_SELF_DESTRUCT)?;
        writable(&c, "selfDestruct")?;
        let beneficiary = Address(read_array(&c, addr)?);
        let this = c.data().this;
        state(&mut c, |st| {
            let all = st.balance(&this)?;
            st.transfer(&this, &beneficiary, all)
        })?;
        let st = c.data_mut();
        st.journal.destroy(this);
        st.output.clear();
        st.halt = Halt::Finished;
        Err(Trap::host("selfDestruct"))
    })?;
    linker.func_wrap(ns, "call", |c: C<'_>, gas: i64, addr: i32, value: i32, data: i32, n: i32| {
        message_call(c, Kind::Call, gas, addr, Some(value), data, n)
    })?;
    linker.func_wrap(ns, "callCode", |c: C<'_>, gas: i64, addr: i32, value: i32, data: i32, n: i32| {
        message_call(c, Kind::CallCode, gas, addr, Some(value), data, n)
    })?;
    linker.func_wrap(ns, "callDelegate", |c: C<'_>, gas: i64, addr: i32, data: i32, n: i32| {
        message_call(c, Kind::Delegate, gas, addr, None, data, n)
    })?;
    linker.func_wrap(ns, "callStatic", |c: C<'_>, gas: i64, addr: i32, data: i32, n: i32| {
        message_call(c, Kind::Static, gas, addr, None, data, n)
    })?;
    linker.func_wrap(ns, "create", create)?;
    Ok(())
}

/// `log(data, dataLength, numberOfTopics, topic1, topic2, topic3, topic4)`.
#[allow(clippy::too_many_arguments)]
fn log(mut c: C<'_>, data: i32, n: i32, count: i32, t1: i32, t2: i32, t3: i32, t4: i32) -> Result<(), Trap> {
    let count = count as u32 as usize;
    c.consume_gas(GAS_LOG + 32 * count.min(MAX_TOPICS + 1) as u64 + len(n))?;
    writable(&c, "log")?;
    if count > MAX_TOPICS {
        return Err(Trap::host(format!("{count} topics exceed {MAX_TOPICS}")));
    }
    limit(len(n) as usize, MAX_EVENT_DATA, "log data")?;
    let topics = [t1, t2, t3, t4][..count].iter().map(|&t| read_array::<32>(&c, t)).collect::<Result<_, _>>()?;
    let data = read(&c, data, n)?;
    let st = c.data_mut();
    let event = Event { contract: st.this, topics, data };
    st.journal.emit(event);
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Runs the target's code as the target, moving value to it.
    Call,
    /// Runs the target's code as this account, the value staying with it.
    CallCode,
    /// Runs the target's code as this account, keeping this call's caller and value.
    Delegate,
    /// [`Kind::Call`] without value, forbidding state changes.
    Static,
}

/// `call`, `callCode`, `callDelegate`, `callStatic`: 0 success, 1 failure, 2 revert.
fn message_call(
    mut c: C<'_>,
    kind: Kind,
    gas: i64,
    addr: i32,
    value: Option<i32>,
    data: i32,
    n: i32,
) -> Result<i32, Trap> {
    c.consume_gas(GAS_CALL + len(n))?;
    limit(len(n) as usize, MAX_DATA, "call data")?;
    let target = Address(read_array(&c, addr)?);
    let value = value.map(|p| u128_at(&c, p)).transpose()?.unwrap_or(0);
    let input = read(&c, data, n)?;
    if kind == Kind::Call && value != 0 {
        writable(&c, "call with value")?;
    }
    c.data_mut().last_call_data.clear();
    let st = c.data();
    let msg = match kind {
        Kind::Call | Kind::Static => Message {
            caller: st.this,
            this: target,
            code: CodeSource::Contract(target),
            value,
            transfer: value,
            is_static: kind == Kind::Static,
            input,
        },
        Kind::CallCode => Message {
            caller: st.this,
            this: st.this,
            code: CodeSource::Contract(target),
            value,
            transfer: value, // from this account to itself: a balance check
            is_static: false,
            input,
        },
        Kind::Delegate => Message {
            caller: st.caller,
            this: st.this,
            code: CodeSource::Contract(target),
            value: st.value,
            transfer: 0,
            is_static: false,
            input,
        },
    };
    // `call` and `callStatic` run as the target: it must not be executing already.
    let as_target = matches!(kind, Kind::Call | Kind::Static).then_some(target);
    if !enterable(st, as_target.as_ref()) {
        return Ok(1);
    }
    if state(&mut c, |st| st.code_hash(&target))?.is_none() {
        // No code: the call only moves its value (an account, as in Ethereum).
        let (from, to) = (msg.caller, msg.this);
        let moved = state(&mut c, |st| st.transfer(&from, &to, msg.transfer))?;
        return Ok(if moved { 0 } else { 1 });
    }
    let (status, output) = nested(&mut c, msg, "main", gas as u64)?;
    Ok(match status {
        Status::Success => {
            c.data_mut().last_call_data = output;
            0
        }
        Status::Reverted => {
            c.data_mut().last_call_data = output;
            2
        }
        _ => 1,
    })
}

/// `create(value, data, dataLength, result) -> i32`: runs `data` as init code (an ewasm
/// contract) at a new address, and installs what its `main` returns with `finish` as that
/// address's code. 0 success, 1 failure, 2 revert (the return buffer then holds the revert
/// data; it is empty otherwise).
fn create(mut c: C<'_>, value: i32, data: i32, n: i32, result: i32) -> Result<i32, Trap> {
    c.consume_gas(GAS_CALL + len(n))?;
    writable(&c, "create")?;
    limit(len(n) as usize, MAX_DATA, "init code")?;
    let value = u128_at(&c, value)?;
    let init = read(&c, data, n)?;
    read_array::<20>(&c, result)?; // the design traps on a bad result range before creating
    c.data_mut().last_call_data.clear();
    c.consume_gas(gasket::prepare_gas(init.len()))?;
    let this = c.data().this;
    // The address: as a deployment by this account with its nonce as the salt (the nonce
    // advances even if creation fails, as in Ethereum).
    let nonce_key = this.0.to_vec();
    let nonce = nonce_of(state(&mut c, |st| st.get(Table::Nonces, &nonce_key))?);
    c.data_mut().journal.write(Table::Nonces, nonce_key, Some((nonce + 1).to_le_bytes().to_vec()));
    let address = Address::derive(&this, &nonce.to_le_bytes(), &sha256(&init));
    if !enterable(c.data(), Some(&address)) || state(&mut c, |st| st.code_hash(&address))?.is_some() {
        return Ok(1);
    }
    let shared = Arc::clone(&c.data().shared);
    let valid = |code: &[u8]| {
        let m = Module::from_binary(&shared.engine, code).ok()?;
        (is_ewasm(&m) && check_contract(&m, shared.linker()).is_ok()).then_some(m)
    };
    let Some(init_module) = valid(&init) else { return Ok(1) };
    // One journal layer around the init run and the installation, so a runtime code that is
    // not a valid contract undoes the init code's effects too.
    c.data_mut().journal.push();
    let msg = Message {
        caller: this,
        this: address,
        code: CodeSource::Init(Arc::new(init), init_module),
        value,
        transfer: value,
        is_static: false,
        input: Vec::new(),
    };
    let outcome = nested(&mut c, msg, "main", u64::MAX).and_then(|(status, code)| match status {
        Status::Success => {
            c.consume_gas(gasket::prepare_gas(code.len()))?;
            Ok(match valid(&code) {
                Some(module) => {
                    let hash = sha256(&code);
                    shared.remember(&hash, module);
                    let j = &mut c.data_mut().journal;
                    j.write(Table::Code, hash.to_vec(), Some(code));
                    j.write(Table::Contracts, address.0.to_vec(), Some(hash.to_vec()));
                    0
                }
                None => 1,
            })
        }
        Status::Reverted => {
            c.data_mut().last_call_data = code;
            Ok(2)
        }
        _ => Ok(1),
    });
    c.data_mut().journal.pop(matches!(outcome, Ok(0)));
    let code = outcome?;
    if code == 0 {
        write(&mut c, result, &address.0)?;
    }
    Ok(code)
}
