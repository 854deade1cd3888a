//! gasket-sdk: write gasket contracts in Rust, over the `gasket_v1` host API (docs/runtime.md).
//!
//! A contract is a `#![no_std]` `cdylib` built for `wasm32-unknown-unknown`. It exports
//! `memory` (rustc does) and entry points: `#[no_mangle] pub extern "C" fn name()` with no
//! parameters and no results, which read their input with [`input`] and answer with
//! [`set_return`] or [`revert`]. Each call runs in a fresh instance, so a contract keeps
//! state only in [`storage`].
//!
//! ```ignore
//! #![no_std]
//! extern crate alloc;
//! gasket_sdk::global_allocator!();
//! gasket_sdk::panic_handler!();
//!
//! #[no_mangle]
//! pub extern "C" fn echo() {
//!     gasket_sdk::set_return(&gasket_sdk::input());
//! }
//! ```
//!
//! Everything that talks to the host exists only in a contract: built for another target the
//! crate compiles, but the host functions panic. The pure parts ([`encoding`], [`Address`],
//! [`sha256_const`]) work anywhere.

#![cfg_attr(not(test), no_std)]

extern crate alloc;

mod address;
pub mod bump;
mod call;
mod crypto;
pub mod encoding;
pub mod storage;
pub mod sys;

use alloc::vec::Vec;

pub use address::Address;
pub use bump::BumpAllocator;
pub use call::{call, gas_arg, return_data, CallResult, CallStatus, ALL_GAS};
pub use crypto::{blake2b256, keccak256, sha256, sha256_const};

/// The call's input.
pub fn input() -> Vec<u8> {
    // SAFETY: no arguments.
    let len = unsafe { sys::input_size() } as u32 as usize;
    let mut data = Vec::with_capacity(len);
    if len > 0 {
        // SAFETY: `data` has room for `len` bytes, which the host initialises.
        unsafe {
            sys::input_copy(data.as_mut_ptr(), 0, len as u32);
            data.set_len(len);
        }
    }
    data
}

/// Sets the call's return data; the last one set wins.
pub fn set_return(data: &[u8]) {
    // SAFETY: `data` is valid for its length.
    unsafe { sys::set_return(data.as_ptr(), data.len() as u32) }
}

/// Ends the call as reverted with `data`; every state change and event of the call is
/// discarded.
pub fn revert(data: &[u8]) -> ! {
    // SAFETY: `data` is valid for its length.
    unsafe { sys::revert(data.as_ptr(), data.len() as u32) };
    // The host does not return from `revert`.
    #[cfg(target_arch = "wasm32")]
    core::arch::wasm32::unreachable();
    #[cfg(not(target_arch = "wasm32"))]
    unreachable!("the host returned from revert")
}

/// The address that called this contract: an account, or the contract that made the `call`.
pub fn caller() -> Address {
    let mut a = Address::ZERO;
    // SAFETY: the host writes 20 bytes.
    unsafe { sys::caller(a.0.as_mut_ptr()) };
    a
}

/// This contract's own address.
pub fn self_address() -> Address {
    let mut a = Address::ZERO;
    // SAFETY: the host writes 20 bytes.
    unsafe { sys::self_address(a.0.as_mut_ptr()) };
    a
}

/// The block height, from the embedder.
pub fn block_height() -> u64 {
    // SAFETY: no arguments.
    unsafe { sys::block_height() as u64 }
}

/// The block time in seconds, from the embedder.
pub fn block_time() -> u64 {
    // SAFETY: no arguments.
    unsafe { sys::block_time() as u64 }
}

/// The gas left in this call.
pub fn gas_left() -> u64 {
    // SAFETY: no arguments.
    unsafe { sys::gas_left() as u64 }
}

/// Records an event with up to 4 `topics` (more traps) and `data` (at most 64 KiB). Kept only
/// if the call commits.
pub fn emit_event(topics: &[[u8; 32]], data: &[u8]) {
    // SAFETY: `topics` is `topics.len()` contiguous 32-byte arrays; `data` is valid.
    unsafe { sys::emit_event(topics.as_ptr().cast(), topics.len() as u32, data.as_ptr(), data.len() as u32) }
}

/// Defines the contract's `#[panic_handler]`: a panic reverts the call with the data
/// `b"panic"` (the panic message is dropped, so no formatting code is linked in). Not defined
/// under `cfg(test)`, where std provides one.
#[macro_export]
macro_rules! panic_handler {
    () => {
        #[cfg(not(test))]
        #[panic_handler]
        fn gasket_sdk_panic_handler(_: &::core::panic::PanicInfo<'_>) -> ! {
            $crate::revert(b"panic")
        }
    };
}

/// Defines the contract's `#[global_allocator]`: a [`BumpAllocator`].
#[macro_export]
macro_rules! global_allocator {
    () => {
        #[global_allocator]
        static GASKET_SDK_ALLOCATOR: $crate::BumpAllocator = $crate::BumpAllocator::new();
    };
}
