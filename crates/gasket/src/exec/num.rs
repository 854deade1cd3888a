//! Numeric semantics that Rust's operators do not give directly: Wasm `min`/`max`,
//! `nearest`, checked float-to-int truncation, and integer division traps.

use crate::TrapCode;

pub(super) fn f32_min(a: f32, b: f32) -> f32 {
    if a.is_nan() || b.is_nan() {
        return a + b;
    }
    if a == b {
        // min(-0, +0) = -0: OR the sign bits.
        return f32::from_bits(a.to_bits() | b.to_bits());
    }
    if a < b {
        a
    } else {
        b
    }
}

pub(super) fn f32_max(a: f32, b: f32) -> f32 {
    if a.is_nan() || b.is_nan() {
        return a + b;
    }
    if a == b {
        return f32::from_bits(a.to_bits() & b.to_bits());
    }
    if a > b {
        a
    } else {
        b
    }
}

pub(super) fn f64_min(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        return a + b;
    }
    if a == b {
        return f64::from_bits(a.to_bits() | b.to_bits());
    }
    if a < b {
        a
    } else {
        b
    }
}

pub(super) fn f64_max(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        return a + b;
    }
    if a == b {
        return f64::from_bits(a.to_bits() & b.to_bits());
    }
    if a > b {
        a
    } else {
        b
    }
}

pub(super) fn f32_copysign(a: u32, b: u32) -> u32 {
    (a & 0x7fff_ffff) | (b & 0x8000_0000)
}

pub(super) fn f64_copysign(a: u64, b: u64) -> u64 {
    (a & 0x7fff_ffff_ffff_ffff) | (b & 0x8000_0000_0000_0000)
}

/// Checked truncation: `x` (exact as f64) must lie strictly between `lo` and `hi`, the
/// nearest values outside the target range.
fn trunc_check(x: f64, lo: f64, hi: f64) -> Result<f64, TrapCode> {
    if x.is_nan() {
        return Err(TrapCode::InvalidConversionToInteger);
    }
    if !(x > lo && x < hi) {
        return Err(TrapCode::IntegerOverflow);
    }
    Ok(x)
}

pub(super) fn i32_trunc_s(x: f64) -> Result<u64, TrapCode> {
    Ok(trunc_check(x, -2147483649.0, 2147483648.0)? as i32 as u32 as u64)
}

pub(super) fn i32_trunc_u(x: f64) -> Result<u64, TrapCode> {
    Ok(trunc_check(x, -1.0, 4294967296.0)? as u32 as u64)
}

pub(super) fn i64_trunc_s(x: f64) -> Result<u64, TrapCode> {
    // -2^63 is exact; the next f64 below it is far below -2^63 - 1.
    if x == -9223372036854775808.0 {
        return Ok(i64::MIN as u64);
    }
    Ok(trunc_check(x, -9223372036854775808.0, 9223372036854775808.0)? as i64 as u64)
}

pub(super) fn i64_trunc_u(x: f64) -> Result<u64, TrapCode> {
    Ok(trunc_check(x, -1.0, 18446744073709551616.0)? as u64)
}

pub(super) fn i32_div_s(a: i32, b: i32) -> Result<i32, TrapCode> {
    if b == 0 {
        return Err(TrapCode::IntegerDivisionByZero);
    }
    a.checked_div(b).ok_or(TrapCode::IntegerOverflow)
}

pub(super) fn i64_div_s(a: i64, b: i64) -> Result<i64, TrapCode> {
    if b == 0 {
        return Err(TrapCode::IntegerDivisionByZero);
    }
    a.checked_div(b).ok_or(TrapCode::IntegerOverflow)
}

pub(super) fn nonzero32(b: u32) -> Result<u32, TrapCode> {
    if b == 0 {
        Err(TrapCode::IntegerDivisionByZero)
    } else {
        Ok(b)
    }
}

pub(super) fn nonzero64(b: u64) -> Result<u64, TrapCode> {
    if b == 0 {
        Err(TrapCode::IntegerDivisionByZero)
    } else {
        Ok(b)
    }
}
