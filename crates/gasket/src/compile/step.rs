//! Builtins: the Rust functions compiled code calls (on the host stack, through
//! `Trampolines::host_call`) for what it does not do inline.
//!
//! - [`step`] runs one instruction exactly as the interpreter does, with the interpreter's own
//!   handler: every operator the compiler does not lower inline (floats, bulk memory,
//!   `memory.grow`, tables, ...) therefore has the interpreter's semantics, traps and gas by
//!   construction.
//! - [`resolve_indirect`] resolves a `call_indirect` target in the interpreter's order of
//!   checks; [`grow_cells`] grows the value stack for a call, as the interpreter's calls do.
//!
//! Guarantees: a builtin never unwinds into compiled code (a panic, which would be a bug, is
//! caught and reported as a host trap naming it), and it returns 0 for success or a trap code
//! number plus one.

use std::panic::{catch_unwind, AssertUnwindSafe};

use super::driver::Driver;
use super::runtime::JitCtx;
use crate::TrapCode;

/// Every trap code, numbered for compiled code and the context (`exit_arg`).
const TRAPS: [TrapCode; 13] = [
    TrapCode::Unreachable,
    TrapCode::MemoryOutOfBounds,
    TrapCode::TableOutOfBounds,
    TrapCode::UndefinedElement,
    TrapCode::UninitializedElement,
    TrapCode::IndirectCallTypeMismatch,
    TrapCode::IntegerOverflow,
    TrapCode::IntegerDivisionByZero,
    TrapCode::InvalidConversionToInteger,
    TrapCode::CallStackExhausted,
    TrapCode::ValueStackExhausted,
    TrapCode::OutOfGas,
    TrapCode::Host,
];

/// The number of `code` ([`TRAPS`]' order; the match is exhaustive, so a new trap code does
/// not compile until it is numbered).
pub(super) const fn trap_number(code: TrapCode) -> u32 {
    match code {
        TrapCode::Unreachable => 0,
        TrapCode::MemoryOutOfBounds => 1,
        TrapCode::TableOutOfBounds => 2,
        TrapCode::UndefinedElement => 3,
        TrapCode::UninitializedElement => 4,
        TrapCode::IndirectCallTypeMismatch => 5,
        TrapCode::IntegerOverflow => 6,
        TrapCode::IntegerDivisionByZero => 7,
        TrapCode::InvalidConversionToInteger => 8,
        TrapCode::CallStackExhausted => 9,
        TrapCode::ValueStackExhausted => 10,
        TrapCode::OutOfGas => 11,
        TrapCode::Host => 12,
    }
}

/// The trap code numbered `n`; a number out of range (never produced) is a host trap.
pub(super) fn trap_of(n: u64) -> TrapCode {
    TRAPS.get(n as usize).copied().unwrap_or(TrapCode::Host)
}

/// A builtin's result for an outcome.
fn status(r: Result<(), TrapCode>) -> u64 {
    match r {
        Ok(()) => 0,
        Err(code) => trap_number(code) as u64 + 1,
    }
}

/// Runs `f` on the driver, catching a panic (a bug) as a host trap.
fn with_driver(ctx: *mut JitCtx, f: impl FnOnce(&mut JitCtx, &mut Driver) -> u64) -> u64 {
    // SAFETY: compiled code passes the context it runs with, whose `driver` the driver set to
    // a `Driver` that lives, unaliased, for as long as compiled code runs (`driver.rs`); the
    // driver itself is blocked in `enter` while a builtin runs.
    let (ctx, driver) = unsafe {
        let ctx = &mut *ctx;
        let driver = &mut *(ctx.driver as *mut Driver);
        (ctx, driver)
    };
    match catch_unwind(AssertUnwindSafe(|| f(ctx, driver))) {
        Ok(v) => v,
        Err(_) => {
            driver.panicked = true;
            trap_number(TrapCode::Host) as u64 + 1
        }
    }
}

/// Runs instruction `index` of the executing module as the interpreter does.
pub(super) extern "sysv64" fn step(ctx: *mut JitCtx, index: u64, _: u64) -> u64 {
    with_driver(ctx, |ctx, d| {
        let r = d.step(ctx, index as usize);
        d.sync_memory(ctx);
        status(r)
    })
}

/// Resolves `call_indirect` with type index and table (`packed`: type | table << 32) and
/// element `elem`: 0 with the callee's prologue in `exit_arg` for a function of this instance;
/// 1 with the store function in `exit_arg` for anything else; a trap code plus 2.
pub(super) extern "sysv64" fn resolve_indirect(ctx: *mut JitCtx, packed: u64, elem: u64) -> u64 {
    with_driver(ctx, |ctx, d| match d.resolve_indirect(packed as u32, (packed >> 32) as u32, elem as u32) {
        Ok(super::driver::Callee::Local(entry)) => {
            ctx.exit_arg = entry;
            0
        }
        Ok(super::driver::Callee::Store(func)) => {
            ctx.exit_arg = func as u64;
            1
        }
        Err(code) => trap_number(code) as u64 + 2,
    })
}

/// Grows the value stack so that cells up to `end` exist, or fails with
/// `ValueStackExhausted` past the limit.
pub(super) extern "sysv64" fn grow_cells(ctx: *mut JitCtx, end: u64, _: u64) -> u64 {
    with_driver(ctx, |ctx, d| status(d.grow_cells(ctx, end as usize)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_trap_code_has_its_number() {
        for (n, code) in TRAPS.iter().enumerate() {
            assert_eq!(trap_number(*code) as usize, n);
            assert_eq!(trap_of(n as u64), *code);
        }
    }
}
