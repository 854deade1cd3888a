//! The contract's persistent key-value storage. Keys are at most 256 bytes and values at most
//! 64 KiB (larger ones trap). Writes go to the call's journal and are kept only if the call
//! commits (docs/runtime.md, "Calls, state and atomicity").

use alloc::vec::Vec;

use crate::sys;

/// Bytes [`read`] asks for on its first try: enough for the integers and addresses contracts
/// usually store, so that a typical read is one host call.
const FIRST_READ: usize = 64;

/// The value under `key`, or `None` if absent.
///
/// One host call when the value is at most 64 bytes long, two otherwise.
pub fn read(key: &[u8]) -> Option<Vec<u8>> {
    let mut value = Vec::with_capacity(FIRST_READ);
    let len = read_raw(key, value.spare_capacity_mut().as_mut_ptr().cast(), FIRST_READ)?;
    if len > FIRST_READ {
        value.reserve_exact(len);
        read_raw(key, value.spare_capacity_mut().as_mut_ptr().cast(), len)?;
    }
    // SAFETY: the host initialised the first `len` bytes (at most the capacity asked for).
    unsafe { value.set_len(len) };
    Some(value)
}

/// Copies the value under `key` into the front of `buf`, as much as fits, without allocating.
/// Returns the value's full length (which may exceed `buf.len()`), or `None` if absent.
pub fn read_into(key: &[u8], buf: &mut [u8]) -> Option<usize> {
    read_raw(key, buf.as_mut_ptr(), buf.len())
}

/// `true` if `key` has a value. Costs a read that copies nothing.
pub fn contains(key: &[u8]) -> bool {
    read_into(key, &mut []).is_some()
}

/// The value under `key` as a little-endian `u64`: `Ok(None)` if absent, `Err(())` if the
/// value is not exactly 8 bytes long.
#[allow(clippy::result_unit_err)]
pub fn read_u64(key: &[u8]) -> Result<Option<u64>, ()> {
    let mut buf = [0u8; 8];
    match read_into(key, &mut buf) {
        None => Ok(None),
        Some(8) => Ok(Some(u64::from_le_bytes(buf))),
        Some(_) => Err(()),
    }
}

/// The value under `key` as a little-endian `u128`: `Ok(None)` if absent, `Err(())` if the
/// value is not exactly 16 bytes long.
#[allow(clippy::result_unit_err)]
pub fn read_u128(key: &[u8]) -> Result<Option<u128>, ()> {
    let mut buf = [0u8; 16];
    match read_into(key, &mut buf) {
        None => Ok(None),
        Some(16) => Ok(Some(u128::from_le_bytes(buf))),
        Some(_) => Err(()),
    }
}

/// Sets `key` to `value`.
pub fn write(key: &[u8], value: &[u8]) {
    // SAFETY: both slices are valid for their lengths.
    unsafe { sys::storage_write(key.as_ptr(), key.len() as u32, value.as_ptr(), value.len() as u32) }
}

/// Removes `key` (nothing happens if it is absent).
pub fn remove(key: &[u8]) {
    // SAFETY: `key` is valid for its length.
    unsafe { sys::storage_remove(key.as_ptr(), key.len() as u32) }
}

fn read_raw(key: &[u8], dst: *mut u8, dst_len: usize) -> Option<usize> {
    // SAFETY: `key` is valid for its length and `dst` for `dst_len` bytes of writes; the host
    // writes at most `dst_len` bytes.
    let len = unsafe { sys::storage_read(key.as_ptr(), key.len() as u32, dst, dst_len as u32) };
    // -1 is "absent"; any other negative value would be a host bug, treated the same.
    usize::try_from(len).ok()
}
