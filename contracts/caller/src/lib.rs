//! caller: calls other contracts, to exercise nested calls and their rollback.
//!
//! Storage: key `b"mine"` → `b"1"`, written only by `call_then_fail` (which always reverts, so
//! it must never be seen).
//!
//! Entry points:
//! - `forward` (input: 20-byte target address ‖ entry point name, the rest of the input):
//!   calls the target's entry point with empty input, forwarding all gas. If it returns, its
//!   return data becomes this call's return data; if it reverts, this call reverts with the
//!   callee's revert data; if it fails, this call reverts with `b"call failed"`.
//! - `call_then_fail` (input: 20-byte target address, e.g. a counter): writes `b"mine" = b"1"`,
//!   calls the target's `increment` with empty input and all gas, then always reverts, with
//!   data: one status byte (0 returned, 1 reverted, 2 failed) ‖ the callee's return or revert
//!   data. A runtime that rolls back nested effects leaves neither `b"mine"` nor the target's
//!   increment (nor its event) behind.
//!
//! Both revert with `b"bad input"` if the input is shorter than 20 bytes (`call_then_fail`:
//! not exactly 20).

#![no_std]

extern crate alloc;

use alloc::vec::Vec;
use gasket_sdk::encoding::Reader;
use gasket_sdk::{call, input, revert, set_return, storage, Address, CallResult, ALL_GAS};

gasket_sdk::global_allocator!();
gasket_sdk::panic_handler!();

#[no_mangle]
pub extern "C" fn forward() {
    let input = input();
    let mut r = Reader::new(&input);
    let Some(target) = r.address() else { revert(b"bad input") };
    let func = r.rest();
    match call(&target, func, &[], ALL_GAS) {
        CallResult::Ok(data) => set_return(&data),
        CallResult::Reverted(data) => revert(&data),
        CallResult::Failed => revert(b"call failed"),
    }
}

#[no_mangle]
pub extern "C" fn call_then_fail() {
    let input = input();
    let Some(target) = Address::from_slice(&input) else { revert(b"bad input") };
    storage::write(b"mine", b"1");
    let (status, data) = match call(&target, b"increment", &[], ALL_GAS) {
        CallResult::Ok(data) => (0u8, data),
        CallResult::Reverted(data) => (1, data),
        CallResult::Failed => (2, Vec::new()),
    };
    let mut out = Vec::with_capacity(1 + data.len());
    out.push(status);
    out.extend_from_slice(&data);
    revert(&out);
}
