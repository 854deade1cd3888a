//! merkle: a binary SHA-256 Merkle tree over 32-byte leaves (node = SHA-256(left ‖ right)),
//! built and checked in the contract, as a bridge or airdrop contract does. Each entry point
//! exists twice: hashing in the contract (`sha256_const` of the SDK run at run time: contract
//! code) or through the host's `sha256` (the `_host` variants).
//!
//! - `build_root[_host]` (input: n × 32-byte leaves, n a power of two): returns the root and
//!   stores it under `b"root"`.
//! - `verify[_host]` (input: count u16 LE ‖ count × (index u32 LE ‖ depth u8 ‖ leaf 32 ‖
//!   depth × 32 siblings, leaf level first)): checks each proof against the stored root and
//!   returns the number that hold (u32 LE). Reverts with `b"bad input"` on a malformed input
//!   and `b"no root"` before a root is stored.

#![no_std]

extern crate alloc;

use alloc::vec::Vec;
use gasket_sdk::encoding::Reader;
use gasket_sdk::{input, revert, set_return, sha256, sha256_const, storage};

gasket_sdk::global_allocator!();
gasket_sdk::panic_handler!();

const ROOT: &[u8] = b"root";

type Hash = [u8; 32];

fn pair(l: &Hash, r: &Hash, host: bool) -> Hash {
    let mut buf = [0u8; 64];
    buf[..32].copy_from_slice(l);
    buf[32..].copy_from_slice(r);
    if host {
        sha256(&buf)
    } else {
        sha256_const(&buf)
    }
}

fn bad() -> ! {
    revert(b"bad input")
}

fn build_root_with(host: bool) {
    let data = input();
    let n = data.len() / 32;
    if n == 0 || data.len() % 32 != 0 || !n.is_power_of_two() {
        bad();
    }
    let mut level: Vec<Hash> = data.chunks_exact(32).map(|c| c.try_into().unwrap_or_else(|_| bad())).collect();
    while level.len() > 1 {
        level = level.chunks_exact(2).map(|p| pair(&p[0], &p[1], host)).collect();
    }
    storage::write(ROOT, &level[0]);
    set_return(&level[0]);
}

fn verify_with(host: bool) {
    let mut root = [0u8; 32];
    if storage::read_into(ROOT, &mut root) != Some(32) {
        revert(b"no root");
    }
    let data = input();
    let mut r = Reader::new(&data);
    let count = u16::from_le_bytes(r.array().unwrap_or_else(|| bad()));
    let mut valid = 0u32;
    for _ in 0..count {
        let index = u32::from_le_bytes(r.array().unwrap_or_else(|| bad()));
        let depth = r.bytes(1).unwrap_or_else(|| bad())[0];
        let mut node: Hash = r.array().unwrap_or_else(|| bad());
        for level in 0..depth {
            let sibling: Hash = r.array().unwrap_or_else(|| bad());
            node = if (index >> level) & 1 == 0 { pair(&node, &sibling, host) } else { pair(&sibling, &node, host) };
        }
        valid += (node == root) as u32;
    }
    if r.finish().is_none() {
        bad();
    }
    set_return(&valid.to_le_bytes());
}

#[no_mangle]
pub extern "C" fn build_root() {
    build_root_with(false);
}

#[no_mangle]
pub extern "C" fn build_root_host() {
    build_root_with(true);
}

#[no_mangle]
pub extern "C" fn verify() {
    verify_with(false);
}

#[no_mangle]
pub extern "C" fn verify_host() {
    verify_with(true);
}
