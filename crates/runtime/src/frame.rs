//! The host state of one contract call, and what both host namespaces (`gasket_v1`,
//! `ethereum`) share: checked access to the guest's memory, state reads through the journal,
//! balances and code lookups.
//!
//! Guarantees: every guest range is checked, and a bad one is a trap, never a panic; a failure
//! of the state store is recorded in [`CallState::fatal`] (it fails the whole top-level call)
//! and surfaces to the guest as a trap.

use std::sync::Arc;

use gasket::{Caller, Memory, Module, Trap, TrapCode};

use crate::journal::Journal;
use crate::runtime::Shared;
use crate::store::{balance_entry, balance_of, StoreError, Table};
use crate::{Address, BlockContext};

/// Where the running code comes from.
#[derive(Debug, Clone)]
pub(crate) enum CodeSource {
    /// The code deployed at this address (`this`, except under `callCode`/`callDelegate`).
    Contract(Address),
    /// Init code run by `create` (not stored anywhere), and its prepared module.
    Init(Arc<Vec<u8>>, Module),
}

/// How the guest stopped itself, if it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Halt {
    Running,
    /// `finish` or `selfDestruct`: success.
    Finished,
    /// `revert`: state discarded, output is the revert data.
    Reverted,
}

/// The host state of one contract call.
pub(crate) struct CallState {
    pub shared: Arc<Shared>,
    pub journal: Journal,
    pub block: BlockContext,
    /// The account that sent the top-level call.
    pub origin: Address,
    pub caller: Address,
    /// The account whose storage and balance the code acts on.
    pub this: Address,
    pub code: CodeSource,
    /// The value `getCallValue` reports.
    pub value: u128,
    /// The value moved from `caller` to `this` before the code runs (0 under `callDelegate`).
    pub transfer: u128,
    /// Under `callStatic`: every state change traps.
    pub is_static: bool,
    pub input: Vec<u8>,
    /// Return data, or revert data once reverted.
    pub output: Vec<u8>,
    pub halt: Halt,
    /// Return or revert data of the last nested call.
    pub last_call_data: Vec<u8>,
    /// Accounts executing, outermost first, this one last.
    pub stack: Vec<Address>,
    pub memory: Option<Memory>,
    /// A storage failure inside a nested call: the whole top-level call fails with it.
    pub fatal: Option<StoreError>,
}

impl CallState {
    /// A key's current value: the journal's view, else the store's.
    pub fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        match self.journal.get(table, key) {
            Some(v) => Ok(v.map(<[u8]>::to_vec)),
            None => self.shared.store.get(table, key),
        }
    }

    pub fn balance(&self, account: &Address) -> Result<u128, StoreError> {
        Ok(balance_of(self.get(Table::Balances, &account.0)?))
    }

    fn set_balance(&mut self, account: &Address, amount: u128) {
        self.journal.write(Table::Balances, account.0.to_vec(), balance_entry(amount));
    }

    /// Moves `amount` from `from` to `to` in the journal's top layer. `Ok(false)`: `from` has
    /// too little, nothing changed.
    pub fn transfer(&mut self, from: &Address, to: &Address, amount: u128) -> Result<bool, StoreError> {
        let have = self.balance(from)?;
        if have < amount {
            return Ok(false);
        }
        if amount == 0 || from == to {
            return Ok(true);
        }
        self.set_balance(from, have - amount);
        // Total supply is a u128, so a credit that would overflow cannot come from a debit;
        // saturate rather than wrap should an embedder's `credit` have made it possible.
        let target = self.balance(to)?.saturating_add(amount);
        self.set_balance(to, target);
        Ok(true)
    }

    /// The code hash of the contract at `address`, if there is one.
    pub fn code_hash(&self, address: &Address) -> Result<Option<[u8; 32]>, StoreError> {
        let raw = self.get(Table::Contracts, &address.0)?;
        raw.map(|h| h.try_into().map_err(|_| StoreError::Malformed("code hash of the wrong length".into()))).transpose()
    }

    /// The code of the contract at `address`, if there is one.
    pub fn code_at(&self, address: &Address) -> Result<Option<Vec<u8>>, StoreError> {
        let Some(hash) = self.code_hash(address)? else { return Ok(None) };
        self.get(Table::Code, &hash)?
            .map(Some)
            .ok_or_else(|| StoreError::Malformed("a contract whose code is missing".into()))
    }

    /// The running code.
    pub fn running_code(&self) -> Result<Vec<u8>, StoreError> {
        match &self.code {
            CodeSource::Contract(a) => Ok(self.code_at(a)?.unwrap_or_default()),
            CodeSource::Init(code, _) => Ok(code.to_vec()),
        }
    }
}

pub(crate) type C<'a> = Caller<'a, CallState>;

/// Runs a state read for the guest: a store failure is recorded and traps.
pub(crate) fn state<T>(c: &mut C<'_>, f: impl FnOnce(&mut CallState) -> Result<T, StoreError>) -> Result<T, Trap> {
    let st = c.data_mut();
    f(st).map_err(|e| {
        st.fatal = Some(e);
        Trap::host("state store failure")
    })
}

/// Traps under `callStatic`, where `what` would change state.
pub(crate) fn writable(c: &C<'_>, what: &str) -> Result<(), Trap> {
    if c.data().is_static {
        return Err(Trap::host(format!("{what} in a static call")));
    }
    Ok(())
}

fn oob() -> Trap {
    Trap::new(TrapCode::MemoryOutOfBounds)
}

fn range(ptr: i32, len: i32) -> Result<std::ops::Range<usize>, Trap> {
    let start = ptr as u32 as usize;
    Ok(start..start.checked_add(len as u32 as usize).ok_or_else(oob)?)
}

/// The memory handle came from this call's own store, so a misuse error here is a runtime bug:
/// it ends the call as a host trap, naming it, instead of a panic.
fn misuse(e: gasket::Error) -> Trap {
    Trap::host(format!("runtime bug: {e}"))
}

fn memory(c: &C<'_>) -> Result<Memory, Trap> {
    c.data().memory.ok_or_else(|| Trap::host("the contract exports no memory"))
}

/// `len` bytes of guest memory at `ptr`.
pub(crate) fn read(c: &C<'_>, ptr: i32, len: i32) -> Result<Vec<u8>, Trap> {
    let m = memory(c)?;
    m.data(c).map_err(misuse)?.get(range(ptr, len)?).map(<[u8]>::to_vec).ok_or_else(oob)
}

/// `N` bytes of guest memory at `ptr`.
pub(crate) fn read_array<const N: usize>(c: &C<'_>, ptr: i32) -> Result<[u8; N], Trap> {
    let m = memory(c)?;
    let bytes = m.data(c).map_err(misuse)?.get(range(ptr, N as i32)?).ok_or_else(oob)?;
    Ok(bytes.try_into().expect("range of N bytes"))
}

pub(crate) fn write(c: &mut C<'_>, ptr: i32, bytes: &[u8]) -> Result<(), Trap> {
    let m = memory(c)?;
    let r = range(ptr, bytes.len() as i32)?;
    m.data_mut(c).map_err(misuse)?.get_mut(r).ok_or_else(oob)?.copy_from_slice(bytes);
    Ok(())
}

/// Traps if `len` exceeds `max`.
pub(crate) fn limit(len: usize, max: usize, what: &str) -> Result<(), Trap> {
    if len > max {
        return Err(Trap::host(format!("{what} of {len} bytes exceeds {max}")));
    }
    Ok(())
}

/// Copies `src[offset..offset+len]` to guest memory at `dst`: the `*_copy` functions. A range
/// outside `src` traps.
pub(crate) fn copy_out(c: &mut C<'_>, src: &[u8], dst: i32, offset: i32, len: i32) -> Result<(), Trap> {
    let bytes = src.get(range(offset, len)?).ok_or_else(|| Trap::host("copy outside the data"))?.to_vec();
    write(c, dst, &bytes)
}

/// Copies part of one of the call's own buffers (its input, or the last nested call's return
/// data) to guest memory: `input_copy`/`callDataCopy`, `return_data_copy`/`returnDataCopy`.
pub(crate) fn copy_buffer(
    c: &mut C<'_>,
    buffer: fn(&mut CallState) -> &mut Vec<u8>,
    dst: i32,
    offset: i32,
    len: i32,
) -> Result<(), Trap> {
    let data = std::mem::take(buffer(c.data_mut()));
    let r = copy_out(c, &data, dst, offset, len);
    *buffer(c.data_mut()) = data;
    r
}

/// A `u64` as the non-negative `i64` the APIs document: values over `i64::MAX` (a gas limit of
/// 2^64 - 1, say) read as `i64::MAX` rather than wrapping to a negative number.
pub(crate) fn non_negative(v: u64) -> i64 {
    v.min(i64::MAX as u64) as i64
}

/// The storage key of `key` in the contract `this`.
pub(crate) fn storage_key(this: &Address, key: &[u8]) -> Vec<u8> {
    [&this.0[..], key].concat()
}
