//! The host API (`gasket_v1`, docs/runtime.md): what a contract can ask of the runtime.
//!
//! Guarantees: every pointer and length from the guest is checked against its memory, and a
//! bad range is a trap, never a panic; every function charges its gas before it acts; limits
//! on keys, values, data and topics are traps when exceeded.

use std::sync::Arc;

use gasket::{Caller, Error, Linker, Memory, Trap, TrapCode};

use crate::address::{blake2b256, keccak256, sha256};
use crate::journal::Journal;
use crate::runtime::{run_contract, Shared};
use crate::{Address, BlockContext, Event, Status};

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

/// The host state of one contract call.
pub(crate) struct CallState {
    pub shared: Arc<Shared>,
    pub journal: Journal,
    pub block: BlockContext,
    pub caller: Address,
    pub this: Address,
    pub input: Vec<u8>,
    /// Return data, or revert data once `reverted`.
    pub output: Vec<u8>,
    pub reverted: bool,
    /// Return or revert data of the last nested `call`.
    pub last_call_data: Vec<u8>,
    /// Contracts executing, outermost first, this one last.
    pub stack: Vec<Address>,
    pub memory: Option<Memory>,
    /// A storage failure inside a nested call: the whole top-level call fails with it.
    pub fatal: Option<crate::StoreError>,
}

type C<'a> = Caller<'a, CallState>;

fn oob() -> Trap {
    Trap::new(TrapCode::MemoryOutOfBounds)
}

fn range(ptr: i32, len: i32) -> Result<std::ops::Range<usize>, Trap> {
    let start = ptr as u32 as usize;
    Ok(start..start.checked_add(len as u32 as usize).ok_or_else(oob)?)
}

fn memory(c: &C<'_>) -> Result<Memory, Trap> {
    c.data().memory.ok_or_else(|| Trap::host("the contract exports no memory"))
}

fn read(c: &C<'_>, ptr: i32, len: i32) -> Result<Vec<u8>, Trap> {
    let m = memory(c)?;
    m.data(c).get(range(ptr, len)?).map(<[u8]>::to_vec).ok_or_else(oob)
}

fn write(c: &mut C<'_>, ptr: i32, bytes: &[u8]) -> Result<(), Trap> {
    let m = memory(c)?;
    let r = range(ptr, bytes.len() as i32)?;
    m.data_mut(c).get_mut(r).ok_or_else(oob)?.copy_from_slice(bytes);
    Ok(())
}

fn limit(len: usize, max: usize, what: &str) -> Result<(), Trap> {
    if len > max {
        return Err(Trap::host(format!("{what} of {len} bytes exceeds {max}")));
    }
    Ok(())
}

/// Copies `src[offset..offset+len]` to guest memory: the `*_copy` functions.
fn copy_out(c: &mut C<'_>, src: &[u8], dst: i32, offset: i32, len: i32) -> Result<(), Trap> {
    let bytes = src.get(range(offset, len)?).ok_or_else(|| Trap::host("copy outside the data"))?.to_vec();
    write(c, dst, &bytes)
}

/// A `u64` as the non-negative `i64` the API documents: values over `i64::MAX` (a gas limit of
/// 2^64 - 1, say) read as `i64::MAX` rather than wrapping to a negative number.
fn non_negative(v: u64) -> i64 {
    v.min(i64::MAX as u64) as i64
}

fn storage_key(this: &Address, key: &[u8]) -> Vec<u8> {
    [&this.0[..], key].concat()
}

/// Reads a contract's storage through the journal.
fn storage_get(c: &mut C<'_>, key: &[u8]) -> Result<Option<Vec<u8>>, Trap> {
    let st = c.data_mut();
    if let Some(v) = st.journal.get(&st.this, key) {
        return Ok(v.map(<[u8]>::to_vec));
    }
    match st.shared.store.get(crate::Table::Storage, &storage_key(&st.this, key)) {
        Ok(v) => Ok(v),
        Err(e) => {
            st.fatal = Some(e);
            Err(Trap::host("state store failure"))
        }
    }
}

/// Defines every `gasket_v1` function in `linker`.
pub(crate) fn define(linker: &mut Linker<CallState>) -> Result<(), Error> {
    let ns = NAMESPACE;
    linker.func_wrap(ns, "input_size", |mut c: C<'_>| -> Result<i32, Trap> {
        c.consume_gas(10)?;
        Ok(c.data().input.len() as i32)
    })?;
    linker.func_wrap(ns, "input_copy", |mut c: C<'_>, dst: i32, offset: i32, len: i32| -> Result<(), Trap> {
        c.consume_gas(10 + len as u32 as u64)?;
        let input = std::mem::take(&mut c.data_mut().input);
        let r = copy_out(&mut c, &input, dst, offset, len);
        c.data_mut().input = input;
        r
    })?;
    linker.func_wrap(ns, "set_return", |mut c: C<'_>, ptr: i32, len: i32| -> Result<(), Trap> {
        c.consume_gas(10 + len as u32 as u64)?;
        limit(len as u32 as usize, MAX_DATA, "return data")?;
        c.data_mut().output = read(&c, ptr, len)?;
        Ok(())
    })?;
    linker.func_wrap(ns, "revert", |mut c: C<'_>, ptr: i32, len: i32| -> Result<(), Trap> {
        c.consume_gas(10 + len as u32 as u64)?;
        limit(len as u32 as usize, MAX_DATA, "revert data")?;
        let data = read(&c, ptr, len)?;
        let st = c.data_mut();
        st.output = data;
        st.reverted = true;
        Err(Trap::host("revert"))
    })?;
    linker.func_wrap(ns, "storage_read", |mut c: C<'_>, key: i32, key_len: i32, dst: i32, dst_len: i32| -> Result<i32, Trap> {
        c.consume_gas(100 + key_len as u32 as u64)?;
        limit(key_len as u32 as usize, MAX_KEY, "key")?;
        let k = read(&c, key, key_len)?;
        let Some(value) = storage_get(&mut c, &k)? else { return Ok(-1) };
        let n = value.len().min(dst_len as u32 as usize);
        c.consume_gas(n as u64)?;
        write(&mut c, dst, &value[..n])?;
        Ok(value.len() as i32)
    })?;
    linker.func_wrap(ns, "storage_write", |mut c: C<'_>, key: i32, key_len: i32, val: i32, val_len: i32| -> Result<(), Trap> {
        c.consume_gas(200 + 2 * (key_len as u32 as u64 + val_len as u32 as u64))?;
        limit(key_len as u32 as usize, MAX_KEY, "key")?;
        limit(val_len as u32 as usize, MAX_VALUE, "value")?;
        let (k, v) = (read(&c, key, key_len)?, read(&c, val, val_len)?);
        let st = c.data_mut();
        st.journal.write(st.this, k, Some(v));
        Ok(())
    })?;
    linker.func_wrap(ns, "storage_remove", |mut c: C<'_>, key: i32, key_len: i32| -> Result<(), Trap> {
        c.consume_gas(100 + key_len as u32 as u64)?;
        limit(key_len as u32 as usize, MAX_KEY, "key")?;
        let k = read(&c, key, key_len)?;
        let st = c.data_mut();
        st.journal.write(st.this, k, None);
        Ok(())
    })?;
    linker.func_wrap(ns, "caller", |mut c: C<'_>, dst: i32| -> Result<(), Trap> {
        c.consume_gas(10)?;
        let a = c.data().caller;
        write(&mut c, dst, &a.0)
    })?;
    linker.func_wrap(ns, "self_address", |mut c: C<'_>, dst: i32| -> Result<(), Trap> {
        c.consume_gas(10)?;
        let a = c.data().this;
        write(&mut c, dst, &a.0)
    })?;
    linker.func_wrap(ns, "block_height", |mut c: C<'_>| -> Result<i64, Trap> {
        c.consume_gas(10)?;
        Ok(non_negative(c.data().block.height))
    })?;
    linker.func_wrap(ns, "block_time", |mut c: C<'_>| -> Result<i64, Trap> {
        c.consume_gas(10)?;
        Ok(non_negative(c.data().block.time))
    })?;
    linker.func_wrap(ns, "emit_event", |mut c: C<'_>, topics: i32, count: i32, data: i32, data_len: i32| -> Result<(), Trap> {
        let count = count as u32 as usize;
        c.consume_gas(50 + 32 * count as u64 + data_len as u32 as u64)?;
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
    })?;
    linker.func_wrap(ns, "gas_left", |mut c: C<'_>| -> Result<i64, Trap> {
        c.consume_gas(10)?;
        Ok(non_negative(c.gas_left().unwrap_or(0)))
    })?;
    for (name, hash) in [("sha256", sha256 as fn(&[u8]) -> [u8; 32]), ("keccak256", keccak256), ("blake2b256", blake2b256)] {
        linker.func_wrap(ns, name, move |mut c: C<'_>, ptr: i32, len: i32, out: i32| -> Result<(), Trap> {
            c.consume_gas(50 + len as u32 as u64)?;
            let digest = hash(&read(&c, ptr, len)?);
            write(&mut c, out, &digest)
        })?;
    }
    linker.func_wrap(ns, "call", host_call)?;
    linker.func_wrap(ns, "return_data_size", |mut c: C<'_>| -> Result<i32, Trap> {
        c.consume_gas(10)?;
        Ok(c.data().last_call_data.len() as i32)
    })?;
    linker.func_wrap(ns, "return_data_copy", |mut c: C<'_>, dst: i32, offset: i32, len: i32| -> Result<(), Trap> {
        c.consume_gas(10 + len as u32 as u64)?;
        let data = std::mem::take(&mut c.data_mut().last_call_data);
        let r = copy_out(&mut c, &data, dst, offset, len);
        c.data_mut().last_call_data = data;
        r
    })?;
    Ok(())
}

/// `call(addr, func, func_len, input, input_len, gas) -> status`.
fn host_call(mut c: C<'_>, addr: i32, func: i32, func_len: i32, input: i32, input_len: i32, gas: i64) -> Result<i32, Trap> {
    c.consume_gas(100 + input_len as u32 as u64)?;
    limit(input_len as u32 as usize, MAX_DATA, "call input")?;
    let target = Address(read(&c, addr, 20)?.try_into().expect("20 bytes"));
    let func = read(&c, func, func_len)?;
    let input = read(&c, input, input_len)?;
    c.data_mut().last_call_data.clear();
    let Ok(func) = String::from_utf8(func) else { return Ok(2) };
    let st = c.data();
    if st.stack.len() >= MAX_CALL_DEPTH || st.stack.contains(&target) {
        return Ok(2); // depth limit, or re-entrancy: refused without running
    }
    let forward = (gas as u64).min(c.gas_left().unwrap_or(0));
    let st = c.data_mut();
    let mut stack = st.stack.clone();
    stack.push(target);
    let inner = CallState {
        shared: Arc::clone(&st.shared),
        journal: std::mem::take(&mut st.journal),
        block: st.block,
        caller: st.this,
        this: target,
        input,
        output: Vec::new(),
        reverted: false,
        last_call_data: Vec::new(),
        stack,
        memory: None,
        fatal: None,
    };
    let shared = Arc::clone(&inner.shared);
    let (inner, status, used) = run_contract(&shared, inner, &func, forward);
    let st = c.data_mut();
    st.journal = inner.journal;
    if let Some(e) = inner.fatal {
        st.fatal = Some(e);
        return Err(Trap::host("state store failure"));
    }
    let code = match status {
        Status::Success => 0,
        Status::Reverted => 1,
        _ => 2,
    };
    if code < 2 {
        st.last_call_data = inner.output;
    }
    c.consume_gas(used)?;
    Ok(code)
}
