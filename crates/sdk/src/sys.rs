//! The raw `gasket_v1` host imports, exactly as docs/runtime.md declares them.
//!
//! Pointers are offsets into the contract's own exported `memory` (an `i32` on wasm32, as
//! `*const u8` / `*mut u8` lower to), lengths are `u32` (also an `i32` in Wasm), and the host
//! checks every range. Prefer the safe wrappers in the crate root and in
//! [`storage`](crate::storage); these exist for contracts that need to avoid an allocation.
//!
//! On targets other than wasm32 there is no host: each function compiles to a stub that
//! panics, so the crate (and its unit tests) still build for the host.

/// A Wasm value type, as the host API uses them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValKind {
    I32,
    I64,
}

/// The Wasm value type a Rust parameter or result type lowers to on wasm32.
pub trait Abi {
    const KIND: ValKind;
}
impl Abi for *const u8 {
    const KIND: ValKind = ValKind::I32;
}
impl Abi for *mut u8 {
    const KIND: ValKind = ValKind::I32;
}
impl Abi for u32 {
    const KIND: ValKind = ValKind::I32;
}
impl Abi for i32 {
    const KIND: ValKind = ValKind::I32;
}
impl Abi for i64 {
    const KIND: ValKind = ValKind::I64;
}

/// One host function's name and Wasm signature, as this crate declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostFn {
    pub name: &'static str,
    pub params: &'static [ValKind],
    pub results: &'static [ValKind],
}

macro_rules! host_fns {
    ($( $(#[$meta:meta])* fn $name:ident($($arg:ident: $ty:ty),*) $(-> $ret:ty)?; )*) => {
        #[cfg(target_arch = "wasm32")]
        #[link(wasm_import_module = "gasket_v1")]
        extern "C" {
            $( $(#[$meta])* pub fn $name($($arg: $ty),*) $(-> $ret)?; )*
        }

        $(
            $(#[$meta])*
            ///
            /// # Safety
            /// Not callable off wasm32: this stub always panics.
            #[cfg(not(target_arch = "wasm32"))]
            #[allow(unused_variables)]
            pub unsafe fn $name($($arg: $ty),*) $(-> $ret)? {
                off_chain(stringify!($name))
            }
        )*

        /// Every import this crate declares, with its Wasm signature (checked against
        /// docs/runtime.md by the crate's tests).
        pub const HOST_FNS: &[HostFn] = &[
            $( HostFn {
                name: stringify!($name),
                params: &[$(<$ty as Abi>::KIND),*],
                results: &[$(<$ret as Abi>::KIND)?],
            }, )*
        ];
    };
}

#[cfg(not(target_arch = "wasm32"))]
#[cold]
fn off_chain(name: &str) -> ! {
    panic!("gasket_v1::{name} is only available inside a contract (target wasm32)")
}

host_fns! {
    /// Length of the call's input.
    fn input_size() -> i32;
    /// Copies input bytes `offset..offset + len` to `dst`; traps if outside the input.
    fn input_copy(dst: *mut u8, offset: u32, len: u32);
    /// Sets the call's return data (the last one wins).
    fn set_return(ptr: *const u8, len: u32);
    /// Ends the call as reverted with that data; all its state changes are discarded.
    fn revert(ptr: *const u8, len: u32);
    /// The value's length, or -1 if absent; copies `min(value length, dst_len)` bytes to `dst`.
    fn storage_read(key: *const u8, key_len: u32, dst: *mut u8, dst_len: u32) -> i32;
    /// Sets the key.
    fn storage_write(key: *const u8, key_len: u32, val: *const u8, val_len: u32);
    /// Removes the key.
    fn storage_remove(key: *const u8, key_len: u32);
    /// Writes the 20-byte caller address.
    fn caller(dst: *mut u8);
    /// Writes the contract's own 20-byte address.
    fn self_address(dst: *mut u8);
    /// Block height, from the embedder.
    fn block_height() -> i64;
    /// Block time in seconds, from the embedder.
    fn block_time() -> i64;
    /// Records an event: `topic_count` (at most 4) 32-byte topics at `topics`, and data.
    fn emit_event(topics: *const u8, topic_count: u32, data: *const u8, data_len: u32);
    /// Gas left in this call.
    fn gas_left() -> i64;
    /// Writes the 32-byte SHA-256 of the bytes to `out`.
    fn sha256(ptr: *const u8, len: u32, out: *mut u8);
    /// Writes the 32-byte Keccak-256 (Ethereum's) of the bytes to `out`.
    fn keccak256(ptr: *const u8, len: u32, out: *mut u8);
    /// Writes the 32-byte BLAKE2b-256 of the bytes to `out`.
    fn blake2b256(ptr: *const u8, len: u32, out: *mut u8);
    /// Calls `func` of the contract at `addr` with `input`, forwarding at most `gas`;
    /// returns 0 (success), 1 (reverted) or 2 (failed).
    fn call(addr: *const u8, func: *const u8, func_len: u32, input: *const u8, input_len: u32, gas: i64) -> i32;
    /// Length of the last `call`'s return or revert data.
    fn return_data_size() -> i32;
    /// Copies from the last `call`'s return data; traps if outside it.
    fn return_data_copy(dst: *mut u8, offset: u32, len: u32);
    /// Runs the WASI precompile whose code hash (32 bytes) is at `hash` with `input` as its
    /// stdin, forwarding at most `gas`; its stdout becomes the return data. Returns 0 (exit
    /// 0), 1 (another exit code) or 2 (failed).
    fn precompile_call(hash: *const u8, input: *const u8, input_len: u32, gas: i64) -> i32;
}
