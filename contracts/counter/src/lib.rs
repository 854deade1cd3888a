//! counter: a single `u64` counter in storage.
//!
//! Storage: key `b"count"` → the count, 8 bytes little-endian (absent means 0).
//!
//! Entry points (every input is ignored; returns are raw bytes):
//! - `increment`: adds 1 to the count and returns the new count (8 bytes LE). Emits one event:
//!   topics `[sha256("incremented")]`, data the new count (8 bytes LE). Reverts with
//!   `b"overflow"` at `u64::MAX` and `b"corrupt count"` if the stored value is not 8 bytes.
//! - `get`: returns the count (8 bytes LE), 0 if never incremented.

#![no_std]

use gasket_sdk::{emit_event, revert, set_return, sha256_const, storage};

gasket_sdk::global_allocator!();
gasket_sdk::panic_handler!();

const COUNT: &[u8] = b"count";
/// Topic of the event `increment` emits: SHA-256 of `"incremented"`, computed at compile time.
pub const INCREMENTED: [u8; 32] = sha256_const(b"incremented");

fn count() -> u64 {
    match storage::read_u64(COUNT) {
        Ok(n) => n.unwrap_or(0),
        Err(()) => revert(b"corrupt count"),
    }
}

#[no_mangle]
pub extern "C" fn increment() {
    let Some(n) = count().checked_add(1) else { revert(b"overflow") };
    let bytes = n.to_le_bytes();
    storage::write(COUNT, &bytes);
    emit_event(&[INCREMENTED], &bytes);
    set_return(&bytes);
}

#[no_mangle]
pub extern "C" fn get() {
    set_return(&count().to_le_bytes());
}
