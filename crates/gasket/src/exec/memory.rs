//! Handlers of the linear-memory operators. Every access is checked as
//! `addr + offset + size <= len` in `u64`, which cannot overflow for 32-bit memories, before
//! any byte is read or written; a failed check traps with no effect. Loads hand their value
//! to the next instruction in the accumulator; `S` is the operand an accumulator form reads
//! from it.

use super::bulk;
use super::dispatch::{charge, next, operand, Ctx, Exit, Ip, Mem, Regs, ACC_A, ACC_B};
use crate::TrapCode;

/// The start of an access of `size` bytes at `addr + offset`, if it is in bounds.
#[inline(always)]
fn checked(len: usize, addr: u64, offset: u32, size: u64) -> Option<usize> {
    let start = (addr as u32 as u64) + offset as u64;
    if start + size > len as u64 {
        return None;
    }
    Some(start as usize)
}

/// `a = load(b + offset c)`.
macro_rules! load {
    ($($name:ident: $ty:ty => $conv:expr;)*) => {$(
        pub(crate) fn $name<const M: bool, const S: u8>(ip: Ip, r: Regs, mem: Mem, acc: u64, ctx: &mut Ctx<'_>, gas: u64) -> Exit {
            const N: usize = std::mem::size_of::<$ty>();
            let i = ip.get();
            let Some(at) = checked(ctx.mem_len, operand::<S>(ACC_B, r, i.b, acc), i.c, N as u64) else {
                return ctx.trap(gas, TrapCode::MemoryOutOfBounds);
            };
            // SAFETY: `mem` points at `ctx.mem_len` live bytes of linear memory (`Mem`'s
            // invariant) and `at + N <= ctx.mem_len` was checked above.
            let bytes = unsafe { mem.0.add(at).cast::<[u8; N]>().read_unaligned() };
            let v = ($conv)(<$ty>::from_le_bytes(bytes));
            r.set(i.a, v);
            next!(ip.next(), r, mem, v, ctx, gas)
        }
    )*};
}

/// `a = load((b + k) mod 2^32 + offset c)`, `k` from the `Ext` word: its `a` itself (`imm`) or
/// the value of slot `Ext.a` (`slot`).
macro_rules! load_add {
    ($($name:ident: $ty:ty, $k:ident => $conv:expr;)*) => {$(
        pub(crate) fn $name<const M: bool, const S: u8>(ip: Ip, r: Regs, mem: Mem, acc: u64, ctx: &mut Ctx<'_>, gas: u64) -> Exit {
            const N: usize = std::mem::size_of::<$ty>();
            let (i, e) = (ip.get(), ip.next().get());
            let k = load_add!(@k $k, r, e);
            let addr = (operand::<S>(ACC_B, r, i.b, acc) as u32).wrapping_add(k);
            let Some(at) = checked(ctx.mem_len, addr as u64, i.c, N as u64) else {
                return ctx.trap(gas, TrapCode::MemoryOutOfBounds);
            };
            // SAFETY: as for `load!`: `at + N <= ctx.mem_len` was checked above.
            let bytes = unsafe { mem.0.add(at).cast::<[u8; N]>().read_unaligned() };
            let v = ($conv)(<$ty>::from_le_bytes(bytes));
            r.set(i.a, v);
            next!(ip.next().next(), r, mem, v, ctx, gas)
        }
    )*};
    (@k imm, $r:ident, $e:ident) => { $e.a };
    (@k slot, $r:ident, $e:ident) => { $r.get($e.a) as u32 };
}

/// `store(a + offset c, b)`, truncating the value to the stored width.
macro_rules! store {
    ($($name:ident: $ty:ty;)*) => {$(
        pub(crate) fn $name<const M: bool, const S: u8>(ip: Ip, r: Regs, mem: Mem, acc: u64, ctx: &mut Ctx<'_>, gas: u64) -> Exit {
            const N: usize = std::mem::size_of::<$ty>();
            let i = ip.get();
            let Some(at) = checked(ctx.mem_len, operand::<S>(ACC_A, r, i.a, acc), i.c, N as u64) else {
                return ctx.trap(gas, TrapCode::MemoryOutOfBounds);
            };
            let bytes = (operand::<S>(ACC_B, r, i.b, acc) as $ty).to_le_bytes();
            // SAFETY: as for loads; nothing else refers to linear memory while handlers run.
            unsafe { mem.0.add(at).cast::<[u8; N]>().write_unaligned(bytes) };
            next!(ip.next(), r, mem, acc, ctx, gas)
        }
    )*};
}

/// `store(a + offset c, imm b)`, the immediate converted by `$conv` and truncated to the
/// stored width.
macro_rules! store_imm {
    ($($name:ident: $ty:ty => $conv:expr;)*) => {$(
        pub(crate) fn $name<const M: bool, const S: u8>(ip: Ip, r: Regs, mem: Mem, acc: u64, ctx: &mut Ctx<'_>, gas: u64) -> Exit {
            const N: usize = std::mem::size_of::<$ty>();
            let i = ip.get();
            let Some(at) = checked(ctx.mem_len, operand::<S>(ACC_A, r, i.a, acc), i.c, N as u64) else {
                return ctx.trap(gas, TrapCode::MemoryOutOfBounds);
            };
            let bytes = (($conv)(i.b) as $ty).to_le_bytes();
            // SAFETY: as for `store!`.
            unsafe { mem.0.add(at).cast::<[u8; N]>().write_unaligned(bytes) };
            next!(ip.next(), r, mem, acc, ctx, gas)
        }
    )*};
}

load! {
    i32_load: u32 => |v: u32| v as u64;
    i64_load: u64 => |v: u64| v;
    i32_load8_s: i8 => |v: i8| v as i32 as u32 as u64;
    i32_load8_u: u8 => |v: u8| v as u64;
    i32_load16_s: i16 => |v: i16| v as i32 as u32 as u64;
    i32_load16_u: u16 => |v: u16| v as u64;
    i64_load8_s: i8 => |v: i8| v as i64 as u64;
    i64_load8_u: u8 => |v: u8| v as u64;
    i64_load16_s: i16 => |v: i16| v as i64 as u64;
    i64_load16_u: u16 => |v: u16| v as u64;
    i64_load32_s: i32 => |v: i32| v as i64 as u64;
    i64_load32_u: u32 => |v: u32| v as u64;
}

load_add! {
    i32_load_add_imm: u32, imm => |v: u32| v as u64;
    i64_load_add_imm: u64, imm => |v: u64| v;
    i32_load_add: u32, slot => |v: u32| v as u64;
    i64_load_add: u64, slot => |v: u64| v;
}

store! {
    i32_store: u32;
    i64_store: u64;
    i32_store8: u8;
    i32_store16: u16;
    i64_store8: u8;
    i64_store16: u16;
    i64_store32: u32;
}

store_imm! {
    i32_store_imm: u32 => |b: u32| b;
    i64_store_imm: u64 => |b: u32| b as i32 as i64 as u64;
    i32_store8_imm: u8 => |b: u32| b;
    i32_store16_imm: u16 => |b: u32| b;
}

/// `a = memory.size`.
pub(crate) fn memory_size<const M: bool, const S: u8>(
    ip: Ip,
    r: Regs,
    mem: Mem,
    acc: u64,
    ctx: &mut Ctx<'_>,
    gas: u64,
) -> Exit {
    let m = ctx.memory_index();
    r.set(ip.get().a, ctx.inner.memories[m].pages() as u64);
    next!(ip.next(), r, mem, acc, ctx, gas)
}

/// `a = memory.grow(b)`; the per-page cost is charged only for a grow that succeeds.
pub(crate) fn memory_grow<const M: bool, const S: u8>(
    ip: Ip,
    r: Regs,
    _: Mem,
    acc: u64,
    ctx: &mut Ctx<'_>,
    mut gas: u64,
) -> Exit {
    let i = ip.get();
    let delta = r.get(i.b) as u32;
    let m = ctx.memory_index();
    if ctx.inner.memories[m].can_grow(delta) {
        charge!(ip, r, acc, ctx, gas, ctx.bounds.schedule.memory_grow_per_page.saturating_mul(delta as u64));
    }
    let old = ctx.inner.memories[m].grow(delta);
    r.set(i.a, old.unwrap_or(u32::MAX) as u64);
    let mem = ctx.refresh_memory();
    next!(ip.next(), r, mem, acc, ctx, gas)
}

fn bulk_cost(ctx: &Ctx<'_>, len: u64) -> u64 {
    ctx.bounds.schedule.bulk_memory_per_word.saturating_mul((len as u32 as u64).div_ceil(8))
}

/// `memory.fill(dst a, value b, len c)`.
pub(crate) fn memory_fill<const M: bool, const S: u8>(
    ip: Ip,
    r: Regs,
    _: Mem,
    acc: u64,
    ctx: &mut Ctx<'_>,
    gas: u64,
) -> Exit {
    bulk_memory::<M>(ip, r, acc, ctx, gas, bulk::memory_fill)
}

/// `memory.copy(dst a, src b, len c)`.
pub(crate) fn memory_copy<const M: bool, const S: u8>(
    ip: Ip,
    r: Regs,
    _: Mem,
    acc: u64,
    ctx: &mut Ctx<'_>,
    gas: u64,
) -> Exit {
    bulk_memory::<M>(ip, r, acc, ctx, gas, bulk::memory_copy)
}

/// A bulk operation `op(memory, a, b, len c)` on memory 0, charged per word of `len` first.
#[inline(always)]
fn bulk_memory<const M: bool>(
    ip: Ip,
    r: Regs,
    acc: u64,
    ctx: &mut Ctx<'_>,
    mut gas: u64,
    op: fn(&mut [u8], u64, u64, u64) -> Result<(), TrapCode>,
) -> Exit {
    let i = ip.get();
    charge!(ip, r, acc, ctx, gas, bulk_cost(ctx, r.get(i.c)));
    let m = ctx.memory_index();
    if let Err(code) = op(&mut ctx.inner.memories[m].bytes, r.get(i.a), r.get(i.b), r.get(i.c)) {
        return ctx.trap(gas, code);
    }
    let mem = ctx.refresh_memory();
    next!(ip.next(), r, mem, acc, ctx, gas)
}

/// `memory.init(dst a, src b, len c)` from data segment `Ext.a`.
pub(crate) fn memory_init<const M: bool, const S: u8>(
    ip: Ip,
    r: Regs,
    _: Mem,
    acc: u64,
    ctx: &mut Ctx<'_>,
    mut gas: u64,
) -> Exit {
    let i = ip.get();
    let seg = ip.next().get().a as usize;
    charge!(ip, r, acc, ctx, gas, bulk_cost(ctx, r.get(i.c)));
    let m = ctx.memory_index();
    let dropped = ctx.inner.instances[ctx.cur.instance as usize].data_dropped[seg];
    let data: &[u8] = if dropped { &[] } else { &ctx.cur.module.datas[seg].bytes };
    let bytes = &mut ctx.inner.memories[m].bytes;
    if let Err(code) = bulk::memory_init(bytes, data, r.get(i.a), r.get(i.b), r.get(i.c)) {
        return ctx.trap(gas, code);
    }
    let mem = ctx.refresh_memory();
    next!(ip.next().next(), r, mem, acc, ctx, gas)
}

/// `data.drop a`.
pub(crate) fn data_drop<const M: bool, const S: u8>(
    ip: Ip,
    r: Regs,
    mem: Mem,
    acc: u64,
    ctx: &mut Ctx<'_>,
    gas: u64,
) -> Exit {
    let seg = ip.get().a as usize;
    ctx.inner.instances[ctx.cur.instance as usize].data_dropped[seg] = true;
    next!(ip.next(), r, mem, acc, ctx, gas)
}
