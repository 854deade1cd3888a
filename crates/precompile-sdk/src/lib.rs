//! gasket-precompile-sdk: the `gasket_precompile` host module (docs/wasi.md, "Host module")
//! for Rust programs built for wasm32-wasip1: a key-value store scoped to the precompile and
//! its caller, the caller and block context, and events. `no_std` (with `alloc` for the
//! values [`kv_get`] returns); the program's input and output are its stdin and stdout.
//!
//! Off wasm32 the functions exist (so code using them type-checks and unit-tests) but panic.
#![no_std]

extern crate alloc;

use alloc::vec::Vec;

/// Longest key, in bytes (longer ones trap).
pub const MAX_KEY: usize = 256;
/// Longest value, in bytes.
pub const MAX_VALUE: usize = 64 * 1024;
/// Most topics of an event.
pub const MAX_TOPICS: usize = 4;

/// The imports, as (name, parameter types, result type) in WAT spelling: what the
/// declarations in [`sys`] are, checked against the runtime's table in this crate's tests.
pub const IMPORTS: &[(&str, &str, &str)] = &[
    ("kv_get", "i32 i32 i32 i32", "i32"),
    ("kv_put", "i32 i32 i32 i32", ""),
    ("kv_delete", "i32 i32", "i32"),
    ("caller", "i32", ""),
    ("self_address", "i32", ""),
    ("code_hash", "i32", ""),
    ("block_height", "", "i64"),
    ("block_time", "", "i64"),
    ("emit_event", "i32 i32 i32 i32", ""),
];

/// The raw imports (wasm32 only).
#[cfg(target_arch = "wasm32")]
pub mod sys {
    #[link(wasm_import_module = "gasket_precompile")]
    extern "C" {
        pub fn kv_get(key: *const u8, key_len: u32, dst: *mut u8, cap: u32) -> i32;
        pub fn kv_put(key: *const u8, key_len: u32, val: *const u8, val_len: u32);
        pub fn kv_delete(key: *const u8, key_len: u32) -> i32;
        pub fn caller(dst: *mut u8);
        pub fn self_address(dst: *mut u8);
        pub fn code_hash(dst: *mut u8);
        pub fn block_height() -> i64;
        pub fn block_time() -> i64;
        pub fn emit_event(topics: *const u8, topic_count: u32, data: *const u8, data_len: u32);
    }
}

#[cfg(not(target_arch = "wasm32"))]
#[cold]
fn off_target(name: &str) -> ! {
    panic!("gasket_precompile::{name} is only available inside a precompile (target wasm32-wasip1)")
}

/// The value of `key`, if set.
pub fn kv_get(key: &[u8]) -> Option<Vec<u8>> {
    #[cfg(target_arch = "wasm32")]
    {
        let mut buf = Vec::new();
        loop {
            // SAFETY: key and buf are valid for their lengths; the host writes at most
            // buf.capacity() bytes into buf's allocation.
            let n = unsafe { sys::kv_get(key.as_ptr(), key.len() as u32, buf.as_mut_ptr(), buf.capacity() as u32) };
            if n < 0 {
                return None;
            }
            let n = n as usize;
            if n <= buf.capacity() {
                // SAFETY: the host wrote n bytes, n <= capacity.
                unsafe { buf.set_len(n) };
                return Some(buf);
            }
            buf.reserve_exact(n);
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = key;
        off_target("kv_get")
    }
}

/// Sets `key` to `value`.
pub fn kv_put(key: &[u8], value: &[u8]) {
    #[cfg(target_arch = "wasm32")]
    // SAFETY: both slices are valid for their lengths.
    unsafe {
        sys::kv_put(key.as_ptr(), key.len() as u32, value.as_ptr(), value.len() as u32)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = (key, value);
        off_target("kv_put")
    }
}

/// Removes `key`; whether it was set.
pub fn kv_delete(key: &[u8]) -> bool {
    #[cfg(target_arch = "wasm32")]
    // SAFETY: key is valid for its length.
    unsafe {
        sys::kv_delete(key.as_ptr(), key.len() as u32) == 1
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = key;
        off_target("kv_delete")
    }
}

#[cfg(target_arch = "wasm32")]
fn fixed<const N: usize>(f: unsafe extern "C" fn(*mut u8)) -> [u8; N] {
    let mut out = [0u8; N];
    // SAFETY: the host writes exactly N bytes (20 or 32, per the import) into out.
    unsafe { f(out.as_mut_ptr()) };
    out
}

/// The 20-byte address of the caller (the account or contract that called the precompile).
pub fn caller() -> [u8; 20] {
    #[cfg(target_arch = "wasm32")]
    return fixed(sys::caller);
    #[cfg(not(target_arch = "wasm32"))]
    off_target("caller")
}

/// The precompile's own 20-byte account address (where its store and events live).
pub fn self_address() -> [u8; 20] {
    #[cfg(target_arch = "wasm32")]
    return fixed(sys::self_address);
    #[cfg(not(target_arch = "wasm32"))]
    off_target("self_address")
}

/// The SHA-256 of the precompile's code.
pub fn code_hash() -> [u8; 32] {
    #[cfg(target_arch = "wasm32")]
    return fixed(sys::code_hash);
    #[cfg(not(target_arch = "wasm32"))]
    off_target("code_hash")
}

pub fn block_height() -> u64 {
    #[cfg(target_arch = "wasm32")]
    // SAFETY: no arguments.
    return unsafe { sys::block_height() } as u64;
    #[cfg(not(target_arch = "wasm32"))]
    off_target("block_height")
}

/// Block time in seconds.
pub fn block_time() -> u64 {
    #[cfg(target_arch = "wasm32")]
    // SAFETY: no arguments.
    return unsafe { sys::block_time() } as u64;
    #[cfg(not(target_arch = "wasm32"))]
    off_target("block_time")
}

/// Records an event (committed only if the run exits with 0).
pub fn emit_event(topics: &[[u8; 32]], data: &[u8]) {
    #[cfg(target_arch = "wasm32")]
    // SAFETY: topics is topics.len() contiguous 32-byte arrays; data is valid for its length.
    unsafe {
        sys::emit_event(topics.as_ptr().cast(), topics.len() as u32, data.as_ptr(), data.len() as u32)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = (topics, data);
        off_target("emit_event")
    }
}

#[cfg(test)]
mod tests {
    extern crate std;

    #[test]
    fn imports_are_the_runtime_host_module() {
        assert_eq!(super::IMPORTS, gasket_runtime::PRECOMPILE_API);
    }

    #[test]
    #[should_panic(expected = "only available inside a precompile")]
    fn off_target_calls_panic() {
        super::block_height();
    }
}
