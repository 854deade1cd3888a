//! token: a minimal fungible token with an owner who mints.
//!
//! Storage:
//! - `b"owner"` → the owner's address (20 bytes), set once by `init`.
//! - `b"bal:" ‖ address` (24-byte key) → that address's balance, `u128` little-endian
//!   (absent means 0).
//!
//! Entry points (amounts are `u128` little-endian; inputs must have exactly the length given):
//! - `init` (input ignored): the caller becomes the owner. Reverts with
//!   `b"already initialized"` if there is an owner.
//! - `mint` (input: 20-byte recipient ‖ 16-byte amount): the owner adds `amount` to the
//!   recipient's balance. Emits `Transfer` from the zero address. Reverts with
//!   `b"not initialized"`, `b"only owner"`, or `b"overflow"` if the balance would exceed
//!   `u128::MAX`.
//! - `transfer` (input: 20-byte recipient ‖ 16-byte amount): moves `amount` from the caller to
//!   the recipient. Emits `Transfer`. Reverts with `b"insufficient balance"`.
//! - `balance_of` (input: 20-byte address): returns its balance (16 bytes).
//!
//! Every entry point reverts with `b"bad input"` if its input has the wrong length. No entry
//! point returns data except `balance_of`.
//!
//! Event `Transfer`: topics `[sha256("Transfer"), from, to]`, each address left-padded with 12
//! zero bytes to 32; data the amount (16 bytes LE).

#![no_std]

use gasket_sdk::encoding::{concat, Reader};
use gasket_sdk::{caller, emit_event, input, revert, set_return, sha256_const, storage, Address};

gasket_sdk::global_allocator!();
gasket_sdk::panic_handler!();

const OWNER: &[u8] = b"owner";
const BALANCE_PREFIX: &[u8] = b"bal:";
/// Topic of the `Transfer` event: SHA-256 of `"Transfer"`, computed at compile time.
pub const TRANSFER: [u8; 32] = sha256_const(b"Transfer");

fn balance_key(a: &Address) -> [u8; 24] {
    concat(BALANCE_PREFIX, a.as_bytes()).unwrap_or_else(|| revert(b"bad key"))
}

fn balance(a: &Address) -> u128 {
    match storage::read_u128(&balance_key(a)) {
        Ok(b) => b.unwrap_or(0),
        Err(()) => revert(b"corrupt balance"),
    }
}

fn set_balance(a: &Address, amount: u128) {
    storage::write(&balance_key(a), &amount.to_le_bytes());
}

/// The `address ‖ amount` input of `mint` and `transfer`.
fn address_and_amount() -> (Address, u128) {
    let input = input();
    let mut r = Reader::new(&input);
    match (r.address(), r.u128_le(), r.finish()) {
        (Some(to), Some(amount), Some(())) => (to, amount),
        _ => revert(b"bad input"),
    }
}

fn emit_transfer(from: &Address, to: &Address, amount: u128) {
    emit_event(&[TRANSFER, from.to_topic(), to.to_topic()], &amount.to_le_bytes());
}

#[no_mangle]
pub extern "C" fn init() {
    if storage::contains(OWNER) {
        revert(b"already initialized");
    }
    storage::write(OWNER, caller().as_bytes());
}

#[no_mangle]
pub extern "C" fn mint() {
    let (to, amount) = address_and_amount();
    let mut owner = [0u8; 20];
    match storage::read_into(OWNER, &mut owner) {
        None => revert(b"not initialized"),
        Some(20) => {}
        Some(_) => revert(b"corrupt owner"),
    }
    if caller() != Address(owner) {
        revert(b"only owner");
    }
    let Some(new) = balance(&to).checked_add(amount) else { revert(b"overflow") };
    set_balance(&to, new);
    emit_transfer(&Address::ZERO, &to, amount);
}

#[no_mangle]
pub extern "C" fn transfer() {
    let (to, amount) = address_and_amount();
    let from = caller();
    let from_balance = balance(&from);
    if from_balance < amount {
        revert(b"insufficient balance");
    }
    if from != to {
        set_balance(&from, from_balance - amount);
        // Cannot overflow: the sum of all balances is at most u128::MAX, as mint checks.
        // (Checked anyway: a wrap would mint tokens.)
        let Some(new) = balance(&to).checked_add(amount) else { revert(b"overflow") };
        set_balance(&to, new);
    }
    emit_transfer(&from, &to, amount);
}

#[no_mangle]
pub extern "C" fn balance_of() {
    let input = input();
    let Some(a) = Address::from_slice(&input) else { revert(b"bad input") };
    set_return(&balance(&a).to_le_bytes());
}
