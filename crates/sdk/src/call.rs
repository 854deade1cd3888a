//! Calling other contracts: [`call`] and its [`CallResult`].

use alloc::vec::Vec;

use crate::{sys, Address};

/// Pass as `gas` to [`call`] to forward all the gas left: the host caps what is forwarded at
/// what the caller has left.
pub const ALL_GAS: u64 = i64::MAX as u64;

/// How a [`call`] ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallResult {
    /// The callee returned; its return data (empty if it set none).
    Ok(Vec<u8>),
    /// The callee reverted with this data; none of its state changes or events remain.
    Reverted(Vec<u8>),
    /// The callee trapped, ran out of gas, or could not run: no such contract or entry point,
    /// depth limit, re-entrancy. None of its state changes or events remain.
    Failed,
}

/// The status codes of the `call` import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallStatus {
    Ok,
    Reverted,
    Failed,
}

impl CallStatus {
    /// Decodes the `call` import's result: 0 success, 1 reverted, 2 failed. Any other value is
    /// not in the API and is read as failed.
    pub const fn from_raw(status: i32) -> Self {
        match status {
            0 => Self::Ok,
            1 => Self::Reverted,
            _ => Self::Failed,
        }
    }
}

/// The `gas` argument of the import for a requested amount: larger than `i64::MAX` means all.
pub const fn gas_arg(gas: u64) -> i64 {
    if gas > i64::MAX as u64 {
        i64::MAX
    } else {
        gas as i64
    }
}

/// Calls entry point `func` of the contract at `addr` with `input`, forwarding at most `gas`
/// (capped at what is left; [`ALL_GAS`] forwards everything). The callee's gas use is charged
/// to this call. Its writes and events join this call's journal only if it returns `Ok`.
pub fn call(addr: &Address, func: &[u8], input: &[u8], gas: u64) -> CallResult {
    // SAFETY: every pointer is valid for its length; `addr` is 20 bytes.
    let status = unsafe {
        sys::call(addr.0.as_ptr(), func.as_ptr(), func.len() as u32, input.as_ptr(), input.len() as u32, gas_arg(gas))
    };
    match CallStatus::from_raw(status) {
        CallStatus::Ok => CallResult::Ok(return_data()),
        CallStatus::Reverted => CallResult::Reverted(return_data()),
        CallStatus::Failed => CallResult::Failed,
    }
}

/// The return or revert data of the last [`call`] this contract made. (What it is before any
/// call, or after a failed one, docs/runtime.md does not say; expect it to be empty.)
pub fn return_data() -> Vec<u8> {
    // SAFETY: no arguments.
    let len = unsafe { sys::return_data_size() } as u32 as usize;
    let mut data = Vec::with_capacity(len);
    if len > 0 {
        // SAFETY: `data` has room for `len` bytes, which the host initialises.
        unsafe {
            sys::return_data_copy(data.as_mut_ptr(), 0, len as u32);
            data.set_len(len);
        }
    }
    data
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_codes() {
        assert_eq!(CallStatus::from_raw(0), CallStatus::Ok);
        assert_eq!(CallStatus::from_raw(1), CallStatus::Reverted);
        assert_eq!(CallStatus::from_raw(2), CallStatus::Failed);
        assert_eq!(CallStatus::from_raw(-1), CallStatus::Failed);
        assert_eq!(CallStatus::from_raw(3), CallStatus::Failed);
    }

    #[test]
    fn gas_is_capped_at_i64_max() {
        assert_eq!(gas_arg(0), 0);
        assert_eq!(gas_arg(1_000), 1_000);
        assert_eq!(gas_arg(i64::MAX as u64), i64::MAX);
        assert_eq!(gas_arg(u64::MAX), i64::MAX);
        assert_eq!(gas_arg(ALL_GAS), i64::MAX);
    }
}
