//! The host API (`gasket_v1`, docs/runtime.md): what a contract can ask of the runtime.
//!
//! Guarantees: every pointer and length from the guest is checked against its memory, and a
//! bad range is a trap, never a panic; every function charges its gas before it acts; limits
//! on keys, values, data and topics are traps when exceeded.

use gasket::{Error, Linker, Trap};

use crate::address::{blake2b256, keccak256, sha256};
use crate::frame::{
    copy_buffer, limit, non_negative, read, state, storage_key, writable, write, CallState, CodeSource, Halt, C,
};
use crate::message::{enterable, nested, Message};
use crate::store::Table;
use crate::{Address, Event, Status};

/// The import namespace.
pub const NAMESPACE: &str = "gasket_v1";
/// Longest storage key, in bytes.
pub const MAX_KEY: usize = 256;
/// Longest storage value, in bytes.
pub const MAX_VALUE: usize = 64 * 1024;
/// Longest input, return or revert data, in bytes.
pub const MAX_DATA: usize = 1024 * 1024;
/// Most topics of an event.
pub const MAX_TOPICS: usize = 4;
/// Longest event data, in bytes.
pub const MAX_EVENT_DATA: usize = 64 * 1024;
/// Deepest nesting of contract calls.
pub const MAX_CALL_DEPTH: usize = 16;

// Gas of each function (docs/runtime.md), charged before it acts, on top of the `call`
// operator's cost. Lengths count as unsigned (`len as u32`). Crate-visible, so that other host
// modules that charge the same way can name the same prices.
/// A value the call already holds (`input_size`, `caller`, `self_address`, `block_height`,
/// `block_time`, `gas_left`, `return_data_size`), and the base of a copy between guest memory
/// and a call buffer (`input_copy`, `set_return`, `revert`, `return_data_copy`).
pub(crate) const GAS_BASE: u64 = 10;
/// Each byte copied, hashed, or read as a storage key or call input.
pub(crate) const GAS_PER_BYTE: u64 = 1;
/// A storage read or removal (`storage_read`, `storage_remove`), before its bytes.
pub(crate) const GAS_STORAGE_ACCESS: u64 = 100;
/// `storage_write`, before its bytes.
pub(crate) const GAS_STORAGE_WRITE: u64 = 200;
/// Each byte of key and value that `storage_write` stores.
pub(crate) const GAS_STORAGE_WRITE_PER_BYTE: u64 = 2;
/// `emit_event`, before its topics and data.
pub(crate) const GAS_EVENT: u64 = 50;
/// Each topic of an event.
pub(crate) const GAS_EVENT_PER_TOPIC: u64 = 32;
/// A hash (`sha256`, `keccak256`, `blake2b256`), before the bytes hashed.
pub(crate) const GAS_HASH: u64 = 50;
/// `call`, before its input bytes and the gas the callee uses.
pub(crate) const GAS_CALL: u64 = 100;

/// The whole `gasket_v1` API as (name, parameter types, result type) in WAT spelling, in the
/// order docs/runtime.md lists it: what tools and tests generate contracts from. A test checks
/// it against [`Runtime::host_api`](crate::Runtime::host_api), what the runtime registers.
pub const API: &[(&str, &str, &str)] = &[
    ("input_size", "", "i32"),
    ("input_copy", "i32 i32 i32", ""),
    ("set_return", "i32 i32", ""),
    ("revert", "i32 i32", ""),
    ("storage_read", "i32 i32 i32 i32", "i32"),
    ("storage_write", "i32 i32 i32 i32", ""),
    ("storage_remove", "i32 i32", ""),
    ("caller", "i32", ""),
    ("self_address", "i32", ""),
    ("block_height", "", "i64"),
    ("block_time", "", "i64"),
    ("emit_event", "i32 i32 i32 i32", ""),
    ("gas_left", "", "i64"),
    ("sha256", "i32 i32 i32", ""),
    ("keccak256", "i32 i32 i32", ""),
    ("blake2b256", "i32 i32 i32", ""),
    ("call", "i32 i32 i32 i32 i32 i64", "i32"),
    ("return_data_size", "", "i32"),
    ("return_data_copy", "i32 i32 i32", ""),
    ("precompile_call", "i32 i32 i32 i64", "i32"),
];

/// Reads a contract's storage through the journal.
fn storage_get(c: &mut C<'_>, key: &[u8]) -> Result<Option<Vec<u8>>, Trap> {
    let k = storage_key(&c.data().this, key);
    state(c, |st| st.get(Table::Storage, &k))
}

// Charge formulas, one per kind of function, shared by the functions' charges and by
// `declared_costs` (so a declared maximum is the formula at the limit, never a second copy).
/// A copy of `len` bytes between guest memory and a buffer of the call.
pub(crate) fn copy_gas(len: u64) -> u64 {
    GAS_BASE + GAS_PER_BYTE * len
}
/// A storage access by a key of `key_len` bytes (`storage_read`'s first charge,
/// `storage_remove`).
pub(crate) fn key_gas(key_len: u64) -> u64 {
    GAS_STORAGE_ACCESS + GAS_PER_BYTE * key_len
}
/// `storage_read`'s second charge: the `n` bytes of the value it copies out.
pub(crate) fn value_out_gas(n: u64) -> u64 {
    GAS_PER_BYTE * n
}
pub(crate) fn storage_write_gas(key_len: u64, val_len: u64) -> u64 {
    GAS_STORAGE_WRITE + GAS_STORAGE_WRITE_PER_BYTE * (key_len + val_len)
}
pub(crate) fn event_gas(topics: u64, data_len: u64) -> u64 {
    GAS_EVENT + GAS_EVENT_PER_TOPIC * topics + GAS_PER_BYTE * data_len
}

/// The most gas each `gasket_v1` function charges per call, for the ones that never re-enter
/// Wasm, never read the gas left, and whose per-byte charges are capped by a limit that traps
/// (a length past the limit traps before the host does any work): each one's formula at its
/// limits. Not declared: `gas_left` (its answer depends on metering), `call` and
/// `precompile_call` (they re-enter Wasm), the hashes (no length limit) and
/// `return_data_copy` (only of use after a `call`). Declared for fixed-price calls
/// (`fixed.rs`, docs/bounds.md §5).
pub(crate) fn declared_costs() -> [(&'static str, u64); 13] {
    let (data, key, value) = (MAX_DATA as u64, MAX_KEY as u64, MAX_VALUE as u64);
    [
        ("input_size", GAS_BASE),
        ("caller", GAS_BASE),
        ("self_address", GAS_BASE),
        ("block_height", GAS_BASE),
        ("block_time", GAS_BASE),
        ("return_data_size", GAS_BASE),
        ("input_copy", copy_gas(data)),
        ("set_return", copy_gas(data)),
        ("revert", copy_gas(data)),
        ("storage_read", key_gas(key) + value_out_gas(value)),
        ("storage_write", storage_write_gas(key, value)),
        ("storage_remove", key_gas(key)),
        ("emit_event", event_gas(MAX_TOPICS as u64, MAX_EVENT_DATA as u64)),
    ]
}

/// Defines every `gasket_v1` function in `linker`.
pub(crate) fn define(linker: &mut Linker<CallState>) -> Result<(), Error> {
    let ns = NAMESPACE;
    linker.func_wrap(ns, "input_size", |mut c: C<'_>| -> Result<i32, Trap> {
        c.consume_gas(GAS_BASE)?;
        Ok(c.data().input.len() as i32)
    })?;
    linker.func_wrap(ns, "input_copy", |mut c: C<'_>, dst: i32, offset: i32, len: i32| -> Result<(), Trap> {
        c.consume_gas(copy_gas(len as u32 as u64))?;
        copy_buffer(&mut c, |st| &mut st.input, dst, offset, len)
    })?;
    linker.func_wrap(ns, "set_return", |mut c: C<'_>, ptr: i32, len: i32| -> Result<(), Trap> {
        c.consume_gas(copy_gas(len as u32 as u64))?;
        limit(len as u32 as usize, MAX_DATA, "return data")?;
        c.data_mut().output = read(&c, ptr, len)?;
        Ok(())
    })?;
    linker.func_wrap(ns, "revert", |mut c: C<'_>, ptr: i32, len: i32| -> Result<(), Trap> {
        c.consume_gas(copy_gas(len as u32 as u64))?;
        limit(len as u32 as usize, MAX_DATA, "revert data")?;
        let data = read(&c, ptr, len)?;
        let st = c.data_mut();
        st.output = data;
        st.halt = Halt::Reverted;
        Err(Trap::host("revert"))
    })?;
    linker.func_wrap(
        ns,
        "storage_read",
        |mut c: C<'_>, key: i32, key_len: i32, dst: i32, dst_len: i32| -> Result<i32, Trap> {
            c.consume_gas(key_gas(key_len as u32 as u64))?;
            limit(key_len as u32 as usize, MAX_KEY, "key")?;
            let k = read(&c, key, key_len)?;
            let Some(value) = storage_get(&mut c, &k)? else { return Ok(-1) };
            let n = value.len().min(dst_len as u32 as usize);
            c.consume_gas(value_out_gas(n as u64))?;
            write(&mut c, dst, &value[..n])?;
            Ok(value.len() as i32)
        },
    )?;
    linker.func_wrap(
        ns,
        "storage_write",
        |mut c: C<'_>, key: i32, key_len: i32, val: i32, val_len: i32| -> Result<(), Trap> {
            c.consume_gas(storage_write_gas(key_len as u32 as u64, val_len as u32 as u64))?;
            writable(&c, "storage_write")?;
            limit(key_len as u32 as usize, MAX_KEY, "key")?;
            limit(val_len as u32 as usize, MAX_VALUE, "value")?;
            let (k, v) = (read(&c, key, key_len)?, read(&c, val, val_len)?);
            let st = c.data_mut();
            st.journal.write(Table::Storage, storage_key(&st.this, &k), Some(v));
            Ok(())
        },
    )?;
    linker.func_wrap(ns, "storage_remove", |mut c: C<'_>, key: i32, key_len: i32| -> Result<(), Trap> {
        c.consume_gas(key_gas(key_len as u32 as u64))?;
        writable(&c, "storage_remove")?;
        limit(key_len as u32 as usize, MAX_KEY, "key")?;
        let k = read(&c, key, key_len)?;
        let st = c.data_mut();
        st.journal.write(Table::Storage, storage_key(&st.this, &k), None);
        Ok(())
    })?;
    linker.func_wrap(ns, "caller", |mut c: C<'_>, dst: i32| -> Result<(), Trap> {
        c.consume_gas(GAS_BASE)?;
        let a = c.data().caller;
        write(&mut c, dst, &a.0)
    })?;
    linker.func_wrap(ns, "self_address", |mut c: C<'_>, dst: i32| -> Result<(), Trap> {
        c.consume_gas(GAS_BASE)?;
        let a = c.data().this;
        write(&mut c, dst, &a.0)
    })?;
    linker.func_wrap(ns, "block_height", |mut c: C<'_>| -> Result<i64, Trap> {
        c.consume_gas(GAS_BASE)?;
        Ok(non_negative(c.data().block.height))
    })?;
    linker.func_wrap(ns, "block_time", |mut c: C<'_>| -> Result<i64, Trap> {
        c.consume_gas(GAS_BASE)?;
        Ok(non_negative(c.data().block.time))
    })?;
    linker.func_wrap(
        ns,
        "emit_event",
        |mut c: C<'_>, topics: i32, count: i32, data: i32, data_len: i32| -> Result<(), Trap> {
            let count = count as u32 as usize;
            c.consume_gas(event_gas(count as u64, data_len as u32 as u64))?;
            writable(&c, "emit_event")?;
            if count > MAX_TOPICS {
                return Err(Trap::host(format!("{count} topics exceed {MAX_TOPICS}")));
            }
            limit(data_len as u32 as usize, MAX_EVENT_DATA, "event data")?;
            let raw = read(&c, topics, (32 * count) as i32)?;
            let topics = raw.chunks_exact(32).map(|t| t.try_into().expect("32-byte chunks")).collect();
            let data = read(&c, data, data_len)?;
            let st = c.data_mut();
            let event = Event { contract: st.this, topics, data };
            st.journal.emit(event);
            Ok(())
        },
    )?;
    linker.func_wrap(ns, "gas_left", |mut c: C<'_>| -> Result<i64, Trap> {
        c.consume_gas(GAS_BASE)?;
        Ok(non_negative(c.gas_left().unwrap_or(0)))
    })?;
    for (name, hash) in
        [("sha256", sha256 as fn(&[u8]) -> [u8; 32]), ("keccak256", keccak256), ("blake2b256", blake2b256)]
    {
        linker.func_wrap(ns, name, move |mut c: C<'_>, ptr: i32, len: i32, out: i32| -> Result<(), Trap> {
            c.consume_gas(GAS_HASH + GAS_PER_BYTE * len as u32 as u64)?;
            let digest = hash(&read(&c, ptr, len)?);
            write(&mut c, out, &digest)
        })?;
    }
    linker.func_wrap(ns, "call", host_call)?;
    linker.func_wrap(ns, "return_data_size", |mut c: C<'_>| -> Result<i32, Trap> {
        c.consume_gas(GAS_BASE)?;
        Ok(c.data().last_call_data.len() as i32)
    })?;
    linker.func_wrap(ns, "precompile_call", crate::precompile::host_precompile_call)?;
    linker.func_wrap(ns, "return_data_copy", |mut c: C<'_>, dst: i32, offset: i32, len: i32| -> Result<(), Trap> {
        c.consume_gas(copy_gas(len as u32 as u64))?;
        copy_buffer(&mut c, |st| &mut st.last_call_data, dst, offset, len)
    })?;
    Ok(())
}

/// `call(addr, func, func_len, input, input_len, gas) -> status`.
fn host_call(
    mut c: C<'_>,
    addr: i32,
    func: i32,
    func_len: i32,
    input: i32,
    input_len: i32,
    gas: i64,
) -> Result<i32, Trap> {
    c.consume_gas(GAS_CALL + GAS_PER_BYTE * input_len as u32 as u64)?;
    limit(input_len as u32 as usize, MAX_DATA, "call input")?;
    let target = Address(crate::frame::read_array(&c, addr)?);
    let func = read(&c, func, func_len)?;
    let input = read(&c, input, input_len)?;
    c.data_mut().last_call_data.clear();
    let Ok(func) = String::from_utf8(func) else { return Ok(2) };
    if !enterable(c.data(), Some(&target)) {
        return Ok(2); // depth limit, or re-entrancy: refused without running
    }
    let this = c.data().this;
    let msg = Message {
        caller: this,
        this: target,
        code: CodeSource::Contract(target),
        value: 0,
        transfer: 0,
        is_static: false,
        input,
    };
    let (status, output) = nested(&mut c, msg, &func, gas as u64)?;
    let code = match status {
        Status::Success => 0,
        Status::Reverted => 1,
        _ => 2,
    };
    if code < 2 {
        c.data_mut().last_call_data = output;
    }
    Ok(code)
}
