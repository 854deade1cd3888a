//! Handlers of the numeric operators and of compare-and-branch, one per opcode (with `S`,
//! the operand read from the accumulator, for those that have accumulator forms); each
//! handler that computes a value also hands it to the next in the accumulator. Results of
//! float operators that can produce a NaN are canonicalized (docs/gas.md §6); bit
//! operators (`abs`, `neg`, `copysign`, reinterpretation) keep their bits.

use super::dispatch::{charge, fall_through, next, operand, Ctx, Exit, Ip, Mem, Regs, ACC_B, ACC_C};
use super::num;
use crate::TrapCode;

/// `a = f(b)`.
macro_rules! unary {
    ($($name:ident: $from:ident => $f:expr;)*) => {$(
        pub(crate) fn $name<const M: bool, const S: u8>(ip: Ip, r: Regs, mem: Mem, acc: u64, ctx: &mut Ctx<'_>, gas: u64) -> Exit {
            let i = ip.get();
            let v = ($f)($from(operand::<S>(ACC_B, r, i.b, acc)));
            r.set(i.a, v);
            next!(ip.next(), r, mem, v, ctx, gas)
        }
    )*};
}

/// `a = f(b)`, where `f` may trap.
macro_rules! unary_checked {
    ($($name:ident: $from:ident => $f:expr;)*) => {$(
        pub(crate) fn $name<const M: bool, const S: u8>(ip: Ip, r: Regs, mem: Mem, _: u64, ctx: &mut Ctx<'_>, gas: u64) -> Exit {
            let i = ip.get();
            let result: Result<u64, TrapCode> = ($f)($from(r.get(i.b)));
            let v = match result {
                Ok(v) => v,
                Err(code) => return ctx.trap(gas, code),
            };
            r.set(i.a, v);
            next!(ip.next(), r, mem, v, ctx, gas)
        }
    )*};
}

/// `a = f(b, c)`.
macro_rules! binary {
    ($($name:ident: $from:ident => $f:expr;)*) => {$(
        pub(crate) fn $name<const M: bool, const S: u8>(ip: Ip, r: Regs, mem: Mem, acc: u64, ctx: &mut Ctx<'_>, gas: u64) -> Exit {
            let i = ip.get();
            let x = operand::<S>(ACC_B, r, i.b, acc);
            let v = ($f)($from(x), $from(operand::<S>(ACC_C, r, i.c, acc)));
            r.set(i.a, v);
            next!(ip.next(), r, mem, v, ctx, gas)
        }
    )*};
}

/// `a = f(b, c)`, where `f` may trap.
macro_rules! binary_checked {
    ($($name:ident: $from:ident => $f:expr;)*) => {$(
        pub(crate) fn $name<const M: bool, const S: u8>(ip: Ip, r: Regs, mem: Mem, _: u64, ctx: &mut Ctx<'_>, gas: u64) -> Exit {
            let i = ip.get();
            let result: Result<u64, TrapCode> = ($f)($from(r.get(i.b)), $from(r.get(i.c)));
            let v = match result {
                Ok(v) => v,
                Err(code) => return ctx.trap(gas, code),
            };
            r.set(i.a, v);
            next!(ip.next(), r, mem, v, ctx, gas)
        }
    )*};
}

/// `a = f(b, imm)`, the immediate decoded from `c` by `$imm`.
macro_rules! binary_imm {
    ($($name:ident: $from:ident, $imm:ident => $f:expr;)*) => {$(
        pub(crate) fn $name<const M: bool, const S: u8>(ip: Ip, r: Regs, mem: Mem, acc: u64, ctx: &mut Ctx<'_>, gas: u64) -> Exit {
            let i = ip.get();
            let v = ($f)($from(operand::<S>(ACC_B, r, i.b, acc)), $imm(i.c));
            r.set(i.a, v);
            next!(ip.next(), r, mem, v, ctx, gas)
        }
    )*};
}

/// Jump to `a`, paying the branch's taken-edge gas, if `f(b, c)` holds.
macro_rules! branch_cmp {
    ($($name:ident: $from:ident => $f:expr;)*) => {$(
        pub(crate) fn $name<const M: bool, const S: u8>(ip: Ip, r: Regs, mem: Mem, acc: u64, ctx: &mut Ctx<'_>, mut gas: u64) -> Exit {
            let i = ip.get();
            let x = operand::<S>(ACC_B, r, i.b, acc);
            if ($f)($from(x), $from(operand::<S>(ACC_C, r, i.c, acc))) {
                charge!(ip, r, acc, ctx, gas, i.cond_taken_gas());
                next!(Ip::jump(ctx.code, i.a), r, mem, acc, ctx, gas)
            }
            fall_through!(ip, r, mem, acc, ctx, gas)
        }
    )*};
}

/// Jump to `a`, paying the branch's taken-edge gas, if `f(b, imm)` holds.
macro_rules! branch_cmp_imm {
    ($($name:ident: $from:ident, $imm:ident => $f:expr;)*) => {$(
        pub(crate) fn $name<const M: bool, const S: u8>(ip: Ip, r: Regs, mem: Mem, acc: u64, ctx: &mut Ctx<'_>, mut gas: u64) -> Exit {
            let i = ip.get();
            if ($f)($from(operand::<S>(ACC_B, r, i.b, acc)), $imm(i.c)) {
                charge!(ip, r, acc, ctx, gas, i.cond_taken_gas());
                next!(Ip::jump(ctx.code, i.a), r, mem, acc, ctx, gas)
            }
            fall_through!(ip, r, mem, acc, ctx, gas)
        }
    )*};
}

unary! {
    i32_eqz: u32c => |x: u32| (x == 0) as u64;
    i32_clz: u32c => |x: u32| x.leading_zeros() as u64;
    i32_ctz: u32c => |x: u32| x.trailing_zeros() as u64;
    i32_popcnt: u32c => |x: u32| x.count_ones() as u64;
    i32_extend8_s: u32c => |x: u32| x as i8 as i32 as u32 as u64;
    i32_extend16_s: u32c => |x: u32| x as i16 as i32 as u32 as u64;
    i64_eqz: u64c => |x: u64| (x == 0) as u64;
    i64_clz: u64c => |x: u64| x.leading_zeros() as u64;
    i64_ctz: u64c => |x: u64| x.trailing_zeros() as u64;
    i64_popcnt: u64c => |x: u64| x.count_ones() as u64;
    i64_extend8_s: u64c => |x: u64| x as i8 as i64 as u64;
    i64_extend16_s: u64c => |x: u64| x as i16 as i64 as u64;
    i64_extend32_s: u64c => |x: u64| x as i32 as i64 as u64;
    f32_abs: u32c => |x: u32| (x & 0x7fff_ffff) as u64;
    f32_neg: u32c => |x: u32| (x ^ 0x8000_0000) as u64;
    f32_ceil: f32c => |x: f32| c32(x.ceil());
    f32_floor: f32c => |x: f32| c32(x.floor());
    f32_trunc: f32c => |x: f32| c32(x.trunc());
    f32_nearest: f32c => |x: f32| c32(x.round_ties_even());
    f32_sqrt: f32c => |x: f32| c32(x.sqrt());
    f64_abs: u64c => |x: u64| x & 0x7fff_ffff_ffff_ffff;
    f64_neg: u64c => |x: u64| x ^ 0x8000_0000_0000_0000;
    f64_ceil: f64c => |x: f64| c64(x.ceil());
    f64_floor: f64c => |x: f64| c64(x.floor());
    f64_trunc: f64c => |x: f64| c64(x.trunc());
    f64_nearest: f64c => |x: f64| c64(x.round_ties_even());
    f64_sqrt: f64c => |x: f64| c64(x.sqrt());
    i32_wrap_i64: u64c => |x: u64| x as u32 as u64;
    i64_extend_i32_s: u32c => |x: u32| x as i32 as i64 as u64;
    i64_extend_i32_u: u32c => |x: u32| x as u64;
    i32_trunc_sat_f32_s: f32c => |x: f32| x as i32 as u32 as u64;
    i32_trunc_sat_f32_u: f32c => |x: f32| x as u32 as u64;
    i32_trunc_sat_f64_s: f64c => |x: f64| x as i32 as u32 as u64;
    i32_trunc_sat_f64_u: f64c => |x: f64| x as u32 as u64;
    i64_trunc_sat_f32_s: f32c => |x: f32| x as i64 as u64;
    i64_trunc_sat_f32_u: f32c => |x: f32| x as u64;
    i64_trunc_sat_f64_s: f64c => |x: f64| x as i64 as u64;
    i64_trunc_sat_f64_u: f64c => |x: f64| x as u64;
    f32_convert_i32_s: u32c => |x: u32| f32r(x as i32 as f32);
    f32_convert_i32_u: u32c => |x: u32| f32r(x as f32);
    f32_convert_i64_s: u64c => |x: u64| f32r(x as i64 as f32);
    f32_convert_i64_u: u64c => |x: u64| f32r(x as f32);
    f32_demote_f64: f64c => |x: f64| c32(x as f32);
    f64_convert_i32_s: u32c => |x: u32| (x as i32 as f64).to_bits();
    f64_convert_i32_u: u32c => |x: u32| (x as f64).to_bits();
    f64_convert_i64_s: u64c => |x: u64| (x as i64 as f64).to_bits();
    f64_convert_i64_u: u64c => |x: u64| (x as f64).to_bits();
    f64_promote_f32: f32c => |x: f32| c64(x as f64);
}

unary_checked! {
    i32_trunc_f32_s: f32c => |x: f32| num::i32_trunc_s(x as f64);
    i32_trunc_f32_u: f32c => |x: f32| num::i32_trunc_u(x as f64);
    i32_trunc_f64_s: f64c => num::i32_trunc_s;
    i32_trunc_f64_u: f64c => num::i32_trunc_u;
    i64_trunc_f32_s: f32c => |x: f32| num::i64_trunc_s(x as f64);
    i64_trunc_f32_u: f32c => |x: f32| num::i64_trunc_u(x as f64);
    i64_trunc_f64_s: f64c => num::i64_trunc_s;
    i64_trunc_f64_u: f64c => num::i64_trunc_u;
}

binary! {
    i32_add: u32c => |x: u32, y: u32| x.wrapping_add(y) as u64;
    i32_sub: u32c => |x: u32, y: u32| x.wrapping_sub(y) as u64;
    i32_mul: u32c => |x: u32, y: u32| x.wrapping_mul(y) as u64;
    i32_and: u32c => |x: u32, y: u32| (x & y) as u64;
    i32_or: u32c => |x: u32, y: u32| (x | y) as u64;
    i32_xor: u32c => |x: u32, y: u32| (x ^ y) as u64;
    i32_shl: u32c => |x: u32, y: u32| x.wrapping_shl(y) as u64;
    i32_shr_s: u32c => |x: u32, y: u32| (x as i32).wrapping_shr(y) as u32 as u64;
    i32_shr_u: u32c => |x: u32, y: u32| x.wrapping_shr(y) as u64;
    i32_rotl: u32c => |x: u32, y: u32| x.rotate_left(y % 32) as u64;
    i32_rotr: u32c => |x: u32, y: u32| x.rotate_right(y % 32) as u64;
    i32_eq: u32c => |x: u32, y: u32| (x == y) as u64;
    i32_ne: u32c => |x: u32, y: u32| (x != y) as u64;
    i32_lt_s: i32c => |x: i32, y: i32| (x < y) as u64;
    i32_lt_u: u32c => |x: u32, y: u32| (x < y) as u64;
    i32_gt_s: i32c => |x: i32, y: i32| (x > y) as u64;
    i32_gt_u: u32c => |x: u32, y: u32| (x > y) as u64;
    i32_le_s: i32c => |x: i32, y: i32| (x <= y) as u64;
    i32_le_u: u32c => |x: u32, y: u32| (x <= y) as u64;
    i32_ge_s: i32c => |x: i32, y: i32| (x >= y) as u64;
    i32_ge_u: u32c => |x: u32, y: u32| (x >= y) as u64;
    i64_add: u64c => |x: u64, y: u64| x.wrapping_add(y);
    i64_sub: u64c => |x: u64, y: u64| x.wrapping_sub(y);
    i64_mul: u64c => |x: u64, y: u64| x.wrapping_mul(y);
    i64_and: u64c => |x: u64, y: u64| x & y;
    i64_or: u64c => |x: u64, y: u64| x | y;
    i64_xor: u64c => |x: u64, y: u64| x ^ y;
    i64_shl: u64c => |x: u64, y: u64| x.wrapping_shl(y as u32);
    i64_shr_s: u64c => |x: u64, y: u64| (x as i64).wrapping_shr(y as u32) as u64;
    i64_shr_u: u64c => |x: u64, y: u64| x.wrapping_shr(y as u32);
    i64_rotl: u64c => |x: u64, y: u64| x.rotate_left((y % 64) as u32);
    i64_rotr: u64c => |x: u64, y: u64| x.rotate_right((y % 64) as u32);
    i64_eq: u64c => |x: u64, y: u64| (x == y) as u64;
    i64_ne: u64c => |x: u64, y: u64| (x != y) as u64;
    i64_lt_s: i64c => |x: i64, y: i64| (x < y) as u64;
    i64_lt_u: u64c => |x: u64, y: u64| (x < y) as u64;
    i64_gt_s: i64c => |x: i64, y: i64| (x > y) as u64;
    i64_gt_u: u64c => |x: u64, y: u64| (x > y) as u64;
    i64_le_s: i64c => |x: i64, y: i64| (x <= y) as u64;
    i64_le_u: u64c => |x: u64, y: u64| (x <= y) as u64;
    i64_ge_s: i64c => |x: i64, y: i64| (x >= y) as u64;
    i64_ge_u: u64c => |x: u64, y: u64| (x >= y) as u64;
    f32_add: f32c => |x: f32, y: f32| c32(x + y);
    f32_sub: f32c => |x: f32, y: f32| c32(x - y);
    f32_mul: f32c => |x: f32, y: f32| c32(x * y);
    f32_div: f32c => |x: f32, y: f32| c32(x / y);
    f32_min: f32c => |x: f32, y: f32| c32(num::f32_min(x, y));
    f32_max: f32c => |x: f32, y: f32| c32(num::f32_max(x, y));
    f32_copysign: u32c => |x: u32, y: u32| num::f32_copysign(x, y) as u64;
    f32_eq: f32c => |x: f32, y: f32| (x == y) as u64;
    f32_ne: f32c => |x: f32, y: f32| (x != y) as u64;
    f32_lt: f32c => |x: f32, y: f32| (x < y) as u64;
    f32_gt: f32c => |x: f32, y: f32| (x > y) as u64;
    f32_le: f32c => |x: f32, y: f32| (x <= y) as u64;
    f32_ge: f32c => |x: f32, y: f32| (x >= y) as u64;
    f64_add: f64c => |x: f64, y: f64| c64(x + y);
    f64_sub: f64c => |x: f64, y: f64| c64(x - y);
    f64_mul: f64c => |x: f64, y: f64| c64(x * y);
    f64_div: f64c => |x: f64, y: f64| c64(x / y);
    f64_min: f64c => |x: f64, y: f64| c64(num::f64_min(x, y));
    f64_max: f64c => |x: f64, y: f64| c64(num::f64_max(x, y));
    f64_copysign: u64c => num::f64_copysign;
    f64_eq: f64c => |x: f64, y: f64| (x == y) as u64;
    f64_ne: f64c => |x: f64, y: f64| (x != y) as u64;
    f64_lt: f64c => |x: f64, y: f64| (x < y) as u64;
    f64_gt: f64c => |x: f64, y: f64| (x > y) as u64;
    f64_le: f64c => |x: f64, y: f64| (x <= y) as u64;
    f64_ge: f64c => |x: f64, y: f64| (x >= y) as u64;
}

binary_checked! {
    i32_div_s: i32c => |x: i32, y: i32| num::i32_div_s(x, y).map(|v| v as u32 as u64);
    i32_div_u: u32c => |x: u32, y: u32| num::nonzero32(y).map(|y| (x / y) as u64);
    i32_rem_s: i32c => |x: i32, y: i32| num::nonzero32(y as u32).map(|_| x.wrapping_rem(y) as u32 as u64);
    i32_rem_u: u32c => |x: u32, y: u32| num::nonzero32(y).map(|y| (x % y) as u64);
    i64_div_s: i64c => |x: i64, y: i64| num::i64_div_s(x, y).map(|v| v as u64);
    i64_div_u: u64c => |x: u64, y: u64| num::nonzero64(y).map(|y| x / y);
    i64_rem_s: i64c => |x: i64, y: i64| num::nonzero64(y as u64).map(|_| x.wrapping_rem(y) as u64);
    i64_rem_u: u64c => |x: u64, y: u64| num::nonzero64(y).map(|y| x % y);
}

binary_imm! {
    i32_add_imm: u32c, imm32 => |x: u32, k: u32| x.wrapping_add(k) as u64;
    i32_mul_imm: u32c, imm32 => |x: u32, k: u32| x.wrapping_mul(k) as u64;
    i32_and_imm: u32c, imm32 => |x: u32, k: u32| (x & k) as u64;
    i32_or_imm: u32c, imm32 => |x: u32, k: u32| (x | k) as u64;
    i32_xor_imm: u32c, imm32 => |x: u32, k: u32| (x ^ k) as u64;
    i32_shl_imm: u32c, imm32 => |x: u32, k: u32| x.wrapping_shl(k) as u64;
    i32_shr_s_imm: u32c, imm32 => |x: u32, k: u32| (x as i32).wrapping_shr(k) as u32 as u64;
    i32_shr_u_imm: u32c, imm32 => |x: u32, k: u32| x.wrapping_shr(k) as u64;
    i32_eq_imm: u32c, imm32 => |x: u32, k: u32| (x == k) as u64;
    i32_ne_imm: u32c, imm32 => |x: u32, k: u32| (x != k) as u64;
    i32_lt_s_imm: i32c, imm32s => |x: i32, k: i32| (x < k) as u64;
    i32_lt_u_imm: u32c, imm32 => |x: u32, k: u32| (x < k) as u64;
    i32_gt_s_imm: i32c, imm32s => |x: i32, k: i32| (x > k) as u64;
    i32_gt_u_imm: u32c, imm32 => |x: u32, k: u32| (x > k) as u64;
    i32_le_s_imm: i32c, imm32s => |x: i32, k: i32| (x <= k) as u64;
    i32_le_u_imm: u32c, imm32 => |x: u32, k: u32| (x <= k) as u64;
    i32_ge_s_imm: i32c, imm32s => |x: i32, k: i32| (x >= k) as u64;
    i32_ge_u_imm: u32c, imm32 => |x: u32, k: u32| (x >= k) as u64;
    i64_add_imm: u64c, sext => |x: u64, k: u64| x.wrapping_add(k);
    i64_mul_imm: u64c, sext => |x: u64, k: u64| x.wrapping_mul(k);
    i64_and_imm: u64c, sext => |x: u64, k: u64| x & k;
    i64_or_imm: u64c, sext => |x: u64, k: u64| x | k;
    i64_xor_imm: u64c, sext => |x: u64, k: u64| x ^ k;
    i64_shl_imm: u64c, sext => |x: u64, k: u64| x.wrapping_shl(k as u32);
    i64_shr_s_imm: u64c, sext => |x: u64, k: u64| (x as i64).wrapping_shr(k as u32) as u64;
    i64_shr_u_imm: u64c, sext => |x: u64, k: u64| x.wrapping_shr(k as u32);
    i64_eq_imm: u64c, sext => |x: u64, k: u64| (x == k) as u64;
    i64_ne_imm: u64c, sext => |x: u64, k: u64| (x != k) as u64;
    i64_lt_s_imm: i64c, sexts => |x: i64, k: i64| (x < k) as u64;
    i64_lt_u_imm: u64c, sext => |x: u64, k: u64| (x < k) as u64;
    i64_gt_s_imm: i64c, sexts => |x: i64, k: i64| (x > k) as u64;
    i64_gt_u_imm: u64c, sext => |x: u64, k: u64| (x > k) as u64;
    i64_le_s_imm: i64c, sexts => |x: i64, k: i64| (x <= k) as u64;
    i64_le_u_imm: u64c, sext => |x: u64, k: u64| (x <= k) as u64;
    i64_ge_s_imm: i64c, sexts => |x: i64, k: i64| (x >= k) as u64;
    i64_ge_u_imm: u64c, sext => |x: u64, k: u64| (x >= k) as u64;
    i32_rotl_imm: u32c, imm32 => |x: u32, k: u32| x.rotate_left(k % 32) as u64;
    i32_rotr_imm: u32c, imm32 => |x: u32, k: u32| x.rotate_right(k % 32) as u64;
    i64_rotl_imm: u64c, sext => |x: u64, k: u64| x.rotate_left((k % 64) as u32);
    i64_rotr_imm: u64c, sext => |x: u64, k: u64| x.rotate_right((k % 64) as u32);
}

/// `a = f(b, imm)` with the 64-bit immediate `Ext.a | Ext.b << 32`.
macro_rules! binary_imm64 {
    ($($name:ident => $f:expr;)*) => {$(
        pub(crate) fn $name<const M: bool, const S: u8>(ip: Ip, r: Regs, mem: Mem, acc: u64, ctx: &mut Ctx<'_>, gas: u64) -> Exit {
            let i = ip.get();
            let ext = ip.next().get();
            let v = ($f)(operand::<S>(ACC_B, r, i.b, acc), ext.a as u64 | (ext.b as u64) << 32);
            r.set(i.a, v);
            next!(ip.next().next(), r, mem, v, ctx, gas)
        }
    )*};
}

binary_imm64! {
    i64_add_imm64 => |x: u64, k: u64| x.wrapping_add(k);
    i64_mul_imm64 => |x: u64, k: u64| x.wrapping_mul(k);
    i64_and_imm64 => |x: u64, k: u64| x & k;
    i64_or_imm64 => |x: u64, k: u64| x | k;
    i64_xor_imm64 => |x: u64, k: u64| x ^ k;
}

branch_cmp! {
    br_if_i32_eq: u32c => |x: u32, y: u32| x == y;
    br_if_i32_ne: u32c => |x: u32, y: u32| x != y;
    br_if_i32_lt_s: i32c => |x: i32, y: i32| x < y;
    br_if_i32_lt_u: u32c => |x: u32, y: u32| x < y;
    br_if_i32_gt_s: i32c => |x: i32, y: i32| x > y;
    br_if_i32_gt_u: u32c => |x: u32, y: u32| x > y;
    br_if_i32_le_s: i32c => |x: i32, y: i32| x <= y;
    br_if_i32_le_u: u32c => |x: u32, y: u32| x <= y;
    br_if_i32_ge_s: i32c => |x: i32, y: i32| x >= y;
    br_if_i32_ge_u: u32c => |x: u32, y: u32| x >= y;
    br_if_i64_eq: u64c => |x: u64, y: u64| x == y;
    br_if_i64_ne: u64c => |x: u64, y: u64| x != y;
    br_if_i64_lt_s: i64c => |x: i64, y: i64| x < y;
    br_if_i64_lt_u: u64c => |x: u64, y: u64| x < y;
    br_if_i64_gt_s: i64c => |x: i64, y: i64| x > y;
    br_if_i64_gt_u: u64c => |x: u64, y: u64| x > y;
    br_if_i64_le_s: i64c => |x: i64, y: i64| x <= y;
    br_if_i64_le_u: u64c => |x: u64, y: u64| x <= y;
    br_if_i64_ge_s: i64c => |x: i64, y: i64| x >= y;
    br_if_i64_ge_u: u64c => |x: u64, y: u64| x >= y;
}

branch_cmp_imm! {
    br_if_i32_eq_imm: u32c, imm32 => |x: u32, k: u32| x == k;
    br_if_i32_ne_imm: u32c, imm32 => |x: u32, k: u32| x != k;
    br_if_i32_lt_s_imm: i32c, imm32s => |x: i32, k: i32| x < k;
    br_if_i32_lt_u_imm: u32c, imm32 => |x: u32, k: u32| x < k;
    br_if_i32_gt_s_imm: i32c, imm32s => |x: i32, k: i32| x > k;
    br_if_i32_gt_u_imm: u32c, imm32 => |x: u32, k: u32| x > k;
    br_if_i32_le_s_imm: i32c, imm32s => |x: i32, k: i32| x <= k;
    br_if_i32_le_u_imm: u32c, imm32 => |x: u32, k: u32| x <= k;
    br_if_i32_ge_s_imm: i32c, imm32s => |x: i32, k: i32| x >= k;
    br_if_i32_ge_u_imm: u32c, imm32 => |x: u32, k: u32| x >= k;
    br_if_i64_eq_imm: u64c, sext => |x: u64, k: u64| x == k;
    br_if_i64_ne_imm: u64c, sext => |x: u64, k: u64| x != k;
    br_if_i64_lt_s_imm: i64c, sexts => |x: i64, k: i64| x < k;
    br_if_i64_lt_u_imm: u64c, sext => |x: u64, k: u64| x < k;
    br_if_i64_gt_s_imm: i64c, sexts => |x: i64, k: i64| x > k;
    br_if_i64_gt_u_imm: u64c, sext => |x: u64, k: u64| x > k;
    br_if_i64_le_s_imm: i64c, sexts => |x: i64, k: i64| x <= k;
    br_if_i64_le_u_imm: u64c, sext => |x: u64, k: u64| x <= k;
    br_if_i64_ge_s_imm: i64c, sexts => |x: i64, k: i64| x >= k;
    br_if_i64_ge_u_imm: u64c, sext => |x: u64, k: u64| x >= k;
}

branch_cmp! {
    br_if_i32_and_nez: u32c => |x: u32, y: u32| x & y != 0;
    br_if_i32_and_eqz: u32c => |x: u32, y: u32| x & y == 0;
    br_if_i64_and_nez: u64c => |x: u64, y: u64| x & y != 0;
    br_if_i64_and_eqz: u64c => |x: u64, y: u64| x & y == 0;
}

branch_cmp_imm! {
    br_if_i32_and_imm_nez: u32c, imm32 => |x: u32, k: u32| x & k != 0;
    br_if_i32_and_imm_eqz: u32c, imm32 => |x: u32, k: u32| x & k == 0;
    br_if_i64_and_imm_nez: u64c, sext => |x: u64, k: u64| x & k != 0;
    br_if_i64_and_imm_eqz: u64c, sext => |x: u64, k: u64| x & k == 0;
}

// Cell views and immediate decoders.

#[inline(always)]
fn u32c(x: u64) -> u32 {
    x as u32
}
#[inline(always)]
fn i32c(x: u64) -> i32 {
    x as i32
}
#[inline(always)]
fn u64c(x: u64) -> u64 {
    x
}
#[inline(always)]
fn i64c(x: u64) -> i64 {
    x as i64
}
#[inline(always)]
fn f32c(x: u64) -> f32 {
    f32::from_bits(x as u32)
}
#[inline(always)]
fn f64c(x: u64) -> f64 {
    f64::from_bits(x)
}
#[inline(always)]
fn imm32(c: u32) -> u32 {
    c
}
#[inline(always)]
fn imm32s(c: u32) -> i32 {
    c as i32
}
/// An i64 immediate, sign-extended from 32 bits.
#[inline(always)]
fn sext(c: u32) -> u64 {
    c as i32 as i64 as u64
}
#[inline(always)]
fn sexts(c: u32) -> i64 {
    c as i32 as i64
}
#[inline(always)]
fn f32r(x: f32) -> u64 {
    x.to_bits() as u64
}

/// The canonical NaNs (docs/gas.md §6).
const CANONICAL_NAN32: u32 = 0x7fc0_0000;
const CANONICAL_NAN64: u64 = 0x7ff8_0000_0000_0000;

/// The cell of an `f32` result of a NaN-producing operator: canonical if NaN.
#[inline(always)]
fn c32(x: f32) -> u64 {
    if x.is_nan() {
        CANONICAL_NAN32 as u64
    } else {
        x.to_bits() as u64
    }
}

/// The cell of an `f64` result of a NaN-producing operator: canonical if NaN.
#[inline(always)]
fn c64(x: f64) -> u64 {
    if x.is_nan() {
        CANONICAL_NAN64
    } else {
        x.to_bits()
    }
}
