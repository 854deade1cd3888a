//! ledger: a fungible token with the entry points users expect of one (ERC-20's, plus an
//! owner who mints, pauses and hands over ownership, burning and batched transfers), as a
//! bench workload of contract code as users write it. Amounts are `u128` little-endian;
//! addresses 20 bytes; every input must have exactly the length given, else `b"bad input"`.
//!
//! - `init` (16: supply): the caller becomes the owner and holds the supply.
//! - `owner`, `total_supply`, `paused` (no input): return 20, 16 and 1 bytes.
//! - `balance_of` (20: account), `allowance` (20 owner ‖ 20 spender): return 16 bytes.
//! - `transfer` (20 to ‖ 16 amount), `approve` (20 spender ‖ 16 amount),
//!   `transfer_from` (20 from ‖ 20 to ‖ 16 amount), `burn` (16 amount).
//! - `batch_transfer` (1 count ‖ count × (20 to ‖ 16 amount)).
//! - owner only: `mint` (20 to ‖ 16 amount), `pause`, `unpause`, `set_owner` (20 new owner).
//!
//! Transfers revert with `b"paused"` while paused, `b"insufficient balance"` or
//! `b"insufficient allowance"`. Transfers and approvals emit events.

#![no_std]

use gasket_sdk::encoding::{concat, Reader};
use gasket_sdk::{caller, emit_event, input, revert, set_return, sha256_const, storage, Address};

gasket_sdk::global_allocator!();
gasket_sdk::panic_handler!();

const OWNER: &[u8] = b"owner";
const SUPPLY: &[u8] = b"supply";
const PAUSED: &[u8] = b"paused";
const TRANSFER: [u8; 32] = sha256_const(b"Transfer");
const APPROVAL: [u8; 32] = sha256_const(b"Approval");

fn bad() -> ! {
    revert(b"bad input")
}

fn read_u128(key: &[u8]) -> u128 {
    storage::read_u128(key).unwrap_or_else(|()| revert(b"corrupt value")).unwrap_or(0)
}

fn balance_key(a: &Address) -> [u8; 24] {
    concat(b"bal:", a.as_bytes()).unwrap_or_else(|| bad())
}

fn allowance_key(owner: &Address, spender: &Address) -> [u8; 44] {
    let mut k = [0u8; 44];
    k[..4].copy_from_slice(b"alw:");
    k[4..24].copy_from_slice(owner.as_bytes());
    k[24..].copy_from_slice(spender.as_bytes());
    k
}

fn balance(a: &Address) -> u128 {
    read_u128(&balance_key(a))
}

fn set_u128(key: &[u8], v: u128) {
    storage::write(key, &v.to_le_bytes());
}

fn owner() -> Address {
    let mut o = [0u8; 20];
    match storage::read_into(OWNER, &mut o) {
        Some(20) => Address(o),
        _ => revert(b"not initialized"),
    }
}

fn only_owner() {
    if caller() != owner() {
        revert(b"only owner");
    }
}

fn not_paused() {
    if storage::contains(PAUSED) {
        revert(b"paused");
    }
}

fn move_tokens(from: &Address, to: &Address, amount: u128) {
    let have = balance(from);
    if have < amount {
        revert(b"insufficient balance");
    }
    set_u128(&balance_key(from), have - amount);
    let theirs = balance(to).checked_add(amount).unwrap_or_else(|| revert(b"overflow"));
    set_u128(&balance_key(to), theirs);
    emit_event(&[TRANSFER, from.to_topic(), to.to_topic()], &amount.to_le_bytes());
}

/// Parses the whole input as `F` fields, reverting on any other length.
fn parse<T>(f: impl FnOnce(&mut Reader) -> Option<T>) -> T {
    let data = input();
    let mut r = Reader::new(&data);
    match (f(&mut r), r.finish()) {
        (Some(v), Some(())) => v,
        _ => bad(),
    }
}

#[no_mangle]
pub extern "C" fn init() {
    if storage::contains(OWNER) {
        revert(b"already initialized");
    }
    let supply = parse(|r| r.u128_le());
    let me = caller();
    storage::write(OWNER, me.as_bytes());
    set_u128(SUPPLY, supply);
    set_u128(&balance_key(&me), supply);
}

#[no_mangle]
pub extern "C" fn owner_of() {
    set_return(owner().as_bytes());
}

#[no_mangle]
pub extern "C" fn total_supply() {
    set_return(&read_u128(SUPPLY).to_le_bytes());
}

#[no_mangle]
pub extern "C" fn paused() {
    set_return(&[storage::contains(PAUSED) as u8]);
}

#[no_mangle]
pub extern "C" fn balance_of() {
    let who = parse(|r| r.address());
    set_return(&balance(&who).to_le_bytes());
}

#[no_mangle]
pub extern "C" fn allowance() {
    let (o, s) = parse(|r| Some((r.address()?, r.address()?)));
    set_return(&read_u128(&allowance_key(&o, &s)).to_le_bytes());
}

#[no_mangle]
pub extern "C" fn transfer() {
    not_paused();
    let (to, amount) = parse(|r| Some((r.address()?, r.u128_le()?)));
    move_tokens(&caller(), &to, amount);
}

#[no_mangle]
pub extern "C" fn approve() {
    let (spender, amount) = parse(|r| Some((r.address()?, r.u128_le()?)));
    let me = caller();
    set_u128(&allowance_key(&me, &spender), amount);
    emit_event(&[APPROVAL, me.to_topic(), spender.to_topic()], &amount.to_le_bytes());
}

#[no_mangle]
pub extern "C" fn transfer_from() {
    not_paused();
    let (from, to, amount) = parse(|r| Some((r.address()?, r.address()?, r.u128_le()?)));
    let key = allowance_key(&from, &caller());
    let allowed = read_u128(&key);
    if allowed < amount {
        revert(b"insufficient allowance");
    }
    set_u128(&key, allowed - amount);
    move_tokens(&from, &to, amount);
}

#[no_mangle]
pub extern "C" fn burn() {
    let amount = parse(|r| r.u128_le());
    let me = caller();
    let have = balance(&me);
    if have < amount {
        revert(b"insufficient balance");
    }
    set_u128(&balance_key(&me), have - amount);
    set_u128(SUPPLY, read_u128(SUPPLY) - amount);
    emit_event(&[TRANSFER, me.to_topic(), Address::ZERO.to_topic()], &amount.to_le_bytes());
}

#[no_mangle]
pub extern "C" fn batch_transfer() {
    not_paused();
    let data = input();
    let mut r = Reader::new(&data);
    let count = r.bytes(1).unwrap_or_else(|| bad())[0] as usize;
    if r.remaining() != count * 36 {
        bad();
    }
    let me = caller();
    for _ in 0..count {
        let (to, amount) = (r.address().unwrap_or_else(|| bad()), r.u128_le().unwrap_or_else(|| bad()));
        move_tokens(&me, &to, amount);
    }
}

#[no_mangle]
pub extern "C" fn mint() {
    only_owner();
    let (to, amount) = parse(|r| Some((r.address()?, r.u128_le()?)));
    let supply = read_u128(SUPPLY).checked_add(amount).unwrap_or_else(|| revert(b"overflow"));
    set_u128(SUPPLY, supply);
    set_u128(&balance_key(&to), balance(&to) + amount);
    emit_event(&[TRANSFER, Address::ZERO.to_topic(), to.to_topic()], &amount.to_le_bytes());
}

#[no_mangle]
pub extern "C" fn pause() {
    only_owner();
    storage::write(PAUSED, b"1");
}

#[no_mangle]
pub extern "C" fn unpause() {
    only_owner();
    storage::remove(PAUSED);
}

#[no_mangle]
pub extern "C" fn set_owner() {
    only_owner();
    let new = parse(|r| r.address());
    storage::write(OWNER, new.as_bytes());
}
