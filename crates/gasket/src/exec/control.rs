//! Handlers of data movement, control flow, calls, globals and tables. A call into a
//! function of the executing instance completes here; calls into host code or another
//! instance, and returns into another instance, are handed to the driver (`exec/mod.rs`).

use super::dispatch::{
    charge, charge_entry, fall_through, leave, next, operand, Ctx, Exit, Ip, Mem, Pending, Regs, ACC_B,
};
use super::{bulk, Frame};
use crate::store::FuncKind;
use crate::TrapCode;

/// `Ext` words are operands of the preceding instruction and are skipped by it; executing
/// one is a no-op.
pub(crate) fn ext<const M: bool, const S: u8>(
    ip: Ip,
    r: Regs,
    mem: Mem,
    acc: u64,
    ctx: &mut Ctx<'_>,
    gas: u64,
) -> Exit {
    next!(ip.next(), r, mem, acc, ctx, gas)
}

/// Leaves the handlers after a single instruction run for the compiler tier (`Op::Stop`).
pub(crate) fn stop<const M: bool, const S: u8>(
    ip: Ip,
    r: Regs,
    mem: Mem,
    acc: u64,
    ctx: &mut Ctx<'_>,
    gas: u64,
) -> Exit {
    leave!(Exit::Done, ip, r, mem, acc, ctx, gas)
}

/// Charges the static cost `a | b << 32` of the run that starts here (docs/gas.md §3).
pub(crate) fn charge<const M: bool, const S: u8>(
    ip: Ip,
    r: Regs,
    mem: Mem,
    acc: u64,
    ctx: &mut Ctx<'_>,
    mut gas: u64,
) -> Exit {
    let i = ip.get();
    charge!(ip, r, acc, ctx, gas, i.charge_cost());
    next!(ip.next(), r, mem, acc, ctx, gas)
}

pub(crate) fn unreachable<const M: bool, const S: u8>(
    _: Ip,
    _: Regs,
    _: Mem,
    _: u64,
    ctx: &mut Ctx<'_>,
    gas: u64,
) -> Exit {
    ctx.trap(gas, TrapCode::Unreachable)
}

pub(crate) fn copy<const M: bool, const S: u8>(
    ip: Ip,
    r: Regs,
    mem: Mem,
    acc: u64,
    ctx: &mut Ctx<'_>,
    gas: u64,
) -> Exit {
    let i = ip.get();
    let v = operand::<S>(ACC_B, r, i.b, acc);
    r.set(i.a, v);
    next!(ip.next(), r, mem, v, ctx, gas)
}

/// `a = b`, then `c = Ext.a`.
pub(crate) fn copy2<const M: bool, const S: u8>(
    ip: Ip,
    r: Regs,
    mem: Mem,
    acc: u64,
    ctx: &mut Ctx<'_>,
    gas: u64,
) -> Exit {
    let (i, e) = (ip.get(), ip.next().get());
    r.set(i.a, r.get(i.b));
    r.set(i.c, r.get(e.a));
    next!(ip.next().next(), r, mem, acc, ctx, gas)
}

pub(crate) fn copy_span<const M: bool, const S: u8>(
    ip: Ip,
    r: Regs,
    mem: Mem,
    acc: u64,
    ctx: &mut Ctx<'_>,
    gas: u64,
) -> Exit {
    let i = ip.get();
    r.copy(i.a, i.b, i.c);
    next!(ip.next(), r, mem, acc, ctx, gas)
}

pub(crate) fn const32<const M: bool, const S: u8>(
    ip: Ip,
    r: Regs,
    mem: Mem,
    _: u64,
    ctx: &mut Ctx<'_>,
    gas: u64,
) -> Exit {
    let i = ip.get();
    r.set(i.a, i.b as u64);
    next!(ip.next(), r, mem, i.b as u64, ctx, gas)
}

pub(crate) fn const64<const M: bool, const S: u8>(
    ip: Ip,
    r: Regs,
    mem: Mem,
    _: u64,
    ctx: &mut Ctx<'_>,
    gas: u64,
) -> Exit {
    let i = ip.get();
    let v = i.b as u64 | (i.c as u64) << 32;
    r.set(i.a, v);
    next!(ip.next(), r, mem, v, ctx, gas)
}

pub(crate) fn br<const M: bool, const S: u8>(
    ip: Ip,
    r: Regs,
    mem: Mem,
    acc: u64,
    ctx: &mut Ctx<'_>,
    mut gas: u64,
) -> Exit {
    let i = ip.get();
    charge!(ip, r, acc, ctx, gas, i.branch_gas as u64);
    next!(Ip::jump(ctx.code, i.a), r, mem, acc, ctx, gas)
}

pub(crate) fn br_if_nez<const M: bool, const S: u8>(
    ip: Ip,
    r: Regs,
    mem: Mem,
    acc: u64,
    ctx: &mut Ctx<'_>,
    mut gas: u64,
) -> Exit {
    let i = ip.get();
    if operand::<S>(ACC_B, r, i.b, acc) as u32 != 0 {
        charge!(ip, r, acc, ctx, gas, i.cond_taken_gas());
        next!(Ip::jump(ctx.code, i.a), r, mem, acc, ctx, gas)
    }
    fall_through!(ip, r, mem, acc, ctx, gas)
}

pub(crate) fn br_if_eqz<const M: bool, const S: u8>(
    ip: Ip,
    r: Regs,
    mem: Mem,
    acc: u64,
    ctx: &mut Ctx<'_>,
    mut gas: u64,
) -> Exit {
    let i = ip.get();
    if operand::<S>(ACC_B, r, i.b, acc) as u32 == 0 {
        charge!(ip, r, acc, ctx, gas, i.cond_taken_gas());
        next!(Ip::jump(ctx.code, i.a), r, mem, acc, ctx, gas)
    }
    fall_through!(ip, r, mem, acc, ctx, gas)
}

/// Index slot `a`; `b` targets starting at `br_targets[c]`, the last the default.
pub(crate) fn br_table<const M: bool, const S: u8>(
    ip: Ip,
    r: Regs,
    mem: Mem,
    acc: u64,
    ctx: &mut Ctx<'_>,
    gas: u64,
) -> Exit {
    let i = ip.get();
    let index = (r.get(i.a) as u32).min(i.b - 1);
    let target = ctx.cur.module.br_targets[i.c as usize + index as usize];
    next!(Ip::jump(ctx.code, target), r, mem, acc, ctx, gas)
}

/// Returns to the caller: within this instance here, otherwise through the driver.
#[inline(always)]
fn return_to_caller<const M: bool>(ip: Ip, r: Regs, mem: Mem, acc: u64, ctx: &mut Ctx<'_>, gas: u64) -> Exit {
    match ctx.stack.pop_frame() {
        None => leave!(Exit::Done, ip, r, mem, acc, ctx, gas),
        Some(frame) if frame.instance == ctx.cur.instance => {
            let r = Regs::at(ctx.stack, frame.fp as usize);
            next!(Ip::jump(ctx.code, frame.ret_ip), r, mem, acc, ctx, gas)
        }
        Some(frame) => {
            ctx.pending = Pending { frame, ..Pending::default() };
            leave!(Exit::ReturnOut, ip, r, mem, acc, ctx, gas)
        }
    }
}

pub(crate) fn return0<const M: bool, const S: u8>(
    ip: Ip,
    r: Regs,
    mem: Mem,
    acc: u64,
    ctx: &mut Ctx<'_>,
    gas: u64,
) -> Exit {
    return_to_caller::<M>(ip, r, mem, acc, ctx, gas)
}

/// Returns the value in slot `a` (written to slot 0).
pub(crate) fn return1<const M: bool, const S: u8>(
    ip: Ip,
    r: Regs,
    mem: Mem,
    acc: u64,
    ctx: &mut Ctx<'_>,
    gas: u64,
) -> Exit {
    r.set(0, r.get(ip.get().a));
    return_to_caller::<M>(ip, r, mem, acc, ctx, gas)
}

/// Returns `b` values from slots `a..a+b` (written to slots `0..b`).
pub(crate) fn return_n<const M: bool, const S: u8>(
    ip: Ip,
    r: Regs,
    mem: Mem,
    acc: u64,
    ctx: &mut Ctx<'_>,
    gas: u64,
) -> Exit {
    let i = ip.get();
    r.copy(0, i.a, i.b);
    return_to_caller::<M>(ip, r, mem, acc, ctx, gas)
}

/// Enters function `index` of this instance (a defined function) with its frame at
/// `new_fp`, after pushing `frame` for the return. The common case is inline and makes no
/// calls ([`Stack::try_enter`](super::Stack)); the rest goes to [`enter_local_slow`] as a
/// sibling call, so that no call handler saves registers on its fast path.
#[inline(always)]
fn enter_local<const M: bool>(
    index: u32,
    new_fp: usize,
    frame: Frame,
    mem: Mem,
    acc: u64,
    ctx: &mut Ctx<'_>,
    mut gas: u64,
) -> Exit {
    // A reference into the module, not a copy: a local whose address escapes into
    // `Stack::enter` would keep LLVM from turning the final call into a jump.
    let module: &crate::module::ModuleInner = &ctx.cur.module;
    let cf = &module.compiled[(index - module.num_imported_funcs) as usize];
    if !ctx.stack.try_enter(frame, new_fp, cf, ctx.bounds) {
        ctx.pending = Pending { func: index, new_fp, frame };
        return enter_local_slow::<M>(mem, acc, ctx, gas);
    }
    charge_entry!(ctx, gas, cf.entry_cost, cf.entry, new_fp, acc);
    let r = Regs::at(ctx.stack, new_fp);
    next!(Ip::jump(ctx.code, cf.entry), r, mem, acc, ctx, gas)
}

/// [`enter_local`] for the call in `ctx.pending` (`func` is the module function index):
/// grows the stacks or zeroes many locals, or traps at a limit.
#[inline(never)]
fn enter_local_slow<const M: bool>(mem: Mem, acc: u64, ctx: &mut Ctx<'_>, mut gas: u64) -> Exit {
    let Pending { func: index, new_fp, frame } = ctx.pending;
    let module: &crate::module::ModuleInner = &ctx.cur.module;
    let cf = &module.compiled[(index - module.num_imported_funcs) as usize];
    if let Err(code) = ctx.stack.push_and_enter(frame, new_fp, cf, ctx.bounds) {
        return ctx.trap(gas, code);
    }
    charge_entry!(ctx, gas, cf.entry_cost, cf.entry, new_fp, acc);
    let r = Regs::at(ctx.stack, new_fp);
    next!(Ip::jump(ctx.code, cf.entry), r, mem, acc, ctx, gas)
}

/// Calls function `a` (module index) with its frame at slot `b`.
pub(crate) fn call<const M: bool, const S: u8>(
    ip: Ip,
    r: Regs,
    mem: Mem,
    acc: u64,
    ctx: &mut Ctx<'_>,
    gas: u64,
) -> Exit {
    let i = ip.get();
    let fp = r.fp(ctx.stack);
    let new_fp = fp + i.b as usize;
    let frame = Frame { ret_ip: ip.next().index(ctx.code), fp: fp as u32, instance: ctx.cur.instance };
    if i.a < ctx.cur.module.num_imported_funcs {
        ctx.pending = Pending { func: ctx.cur.funcs[i.a as usize], new_fp, frame };
        leave!(Exit::CallOut, ip, r, mem, acc, ctx, gas)
    }
    enter_local::<M>(i.a, new_fp, frame, mem, acc, ctx, gas)
}

/// Calls through table `Ext.a`: expected type `a`, element index slot `b`, frame at slot `c`.
pub(crate) fn call_indirect<const M: bool, const S: u8>(
    ip: Ip,
    r: Regs,
    mem: Mem,
    acc: u64,
    ctx: &mut Ctx<'_>,
    gas: u64,
) -> Exit {
    let i = ip.get();
    let table = ip.next().get().a as usize;
    let index = r.get(i.b) as u32 as usize;
    let elements = &ctx.inner.tables[ctx.cur.tables[table] as usize].elements;
    let cell = match elements.get(index) {
        Some(0) => return ctx.trap(gas, TrapCode::UninitializedElement),
        Some(cell) => *cell,
        None => return ctx.trap(gas, TrapCode::UndefinedElement),
    };
    let func = (cell - 1) as u32;
    let entity = &ctx.inner.funcs[func as usize];
    if entity.type_id != ctx.cur.type_ids[i.a as usize] {
        return ctx.trap(gas, TrapCode::IndirectCallTypeMismatch);
    }
    let fp = r.fp(ctx.stack);
    let new_fp = fp + i.c as usize;
    let frame = Frame { ret_ip: ip.next().next().index(ctx.code), fp: fp as u32, instance: ctx.cur.instance };
    match entity.kind {
        FuncKind::Wasm { instance, index } if instance == ctx.cur.instance => {
            enter_local::<M>(index, new_fp, frame, mem, acc, ctx, gas)
        }
        _ => {
            ctx.pending = Pending { func, new_fp, frame };
            leave!(Exit::CallOut, ip, r, mem, acc, ctx, gas)
        }
    }
}

/// `a = c if slot b == 0` (`a` already holds the first operand).
pub(crate) fn select_eqz<const M: bool, const S: u8>(
    ip: Ip,
    r: Regs,
    mem: Mem,
    acc: u64,
    ctx: &mut Ctx<'_>,
    gas: u64,
) -> Exit {
    let i = ip.get();
    // A conditional move, not a branch: `select` conditions are data, which a branch
    // predictor guesses badly (a third of CoreMark-class code's time went to this one jump).
    let v = std::hint::select_unpredictable(r.get(i.b) as u32 == 0, r.get(i.c), r.get(i.a));
    r.set(i.a, v);
    next!(ip.next(), r, mem, acc, ctx, gas)
}

pub(crate) fn global_get<const M: bool, const S: u8>(
    ip: Ip,
    r: Regs,
    mem: Mem,
    acc: u64,
    ctx: &mut Ctx<'_>,
    gas: u64,
) -> Exit {
    let i = ip.get();
    r.set(i.a, ctx.inner.globals[ctx.cur.globals[i.b as usize] as usize].value);
    next!(ip.next(), r, mem, acc, ctx, gas)
}

pub(crate) fn global_set<const M: bool, const S: u8>(
    ip: Ip,
    r: Regs,
    mem: Mem,
    acc: u64,
    ctx: &mut Ctx<'_>,
    gas: u64,
) -> Exit {
    let i = ip.get();
    ctx.inner.globals[ctx.cur.globals[i.a as usize] as usize].value = r.get(i.b);
    next!(ip.next(), r, mem, acc, ctx, gas)
}

pub(crate) fn ref_func<const M: bool, const S: u8>(
    ip: Ip,
    r: Regs,
    mem: Mem,
    acc: u64,
    ctx: &mut Ctx<'_>,
    gas: u64,
) -> Exit {
    let i = ip.get();
    r.set(i.a, ctx.cur.funcs[i.b as usize] as u64 + 1);
    next!(ip.next(), r, mem, acc, ctx, gas)
}

/// `a = table[c][b]`.
pub(crate) fn table_get<const M: bool, const S: u8>(
    ip: Ip,
    r: Regs,
    mem: Mem,
    acc: u64,
    ctx: &mut Ctx<'_>,
    gas: u64,
) -> Exit {
    let i = ip.get();
    let t = &ctx.inner.tables[ctx.cur.tables[i.c as usize] as usize];
    match t.elements.get(r.get(i.b) as u32 as usize) {
        Some(v) => r.set(i.a, *v),
        None => return ctx.trap(gas, TrapCode::TableOutOfBounds),
    }
    next!(ip.next(), r, mem, acc, ctx, gas)
}

/// `table[c][a] = b`.
pub(crate) fn table_set<const M: bool, const S: u8>(
    ip: Ip,
    r: Regs,
    mem: Mem,
    acc: u64,
    ctx: &mut Ctx<'_>,
    gas: u64,
) -> Exit {
    let i = ip.get();
    let t = &mut ctx.inner.tables[ctx.cur.tables[i.c as usize] as usize];
    match t.elements.get_mut(r.get(i.a) as u32 as usize) {
        Some(slot) => *slot = r.get(i.b),
        None => return ctx.trap(gas, TrapCode::TableOutOfBounds),
    }
    next!(ip.next(), r, mem, acc, ctx, gas)
}

/// `a = table.size b`.
pub(crate) fn table_size<const M: bool, const S: u8>(
    ip: Ip,
    r: Regs,
    mem: Mem,
    acc: u64,
    ctx: &mut Ctx<'_>,
    gas: u64,
) -> Exit {
    let i = ip.get();
    r.set(i.a, ctx.inner.tables[ctx.cur.tables[i.b as usize] as usize].elements.len() as u64);
    next!(ip.next(), r, mem, acc, ctx, gas)
}

fn table_cost(ctx: &Ctx<'_>, n: u64) -> u64 {
    ctx.bounds.schedule.table_per_element.saturating_mul(n as u32 as u64)
}

/// `a = table.grow(init b, delta c)` of table `Ext.a`; charged only if it succeeds.
pub(crate) fn table_grow<const M: bool, const S: u8>(
    ip: Ip,
    r: Regs,
    mem: Mem,
    acc: u64,
    ctx: &mut Ctx<'_>,
    mut gas: u64,
) -> Exit {
    let i = ip.get();
    let t = ctx.cur.tables[ip.next().get().a as usize] as usize;
    let (init, delta) = (r.get(i.b), r.get(i.c) as u32);
    if ctx.inner.tables[t].can_grow(delta) {
        charge!(ip, r, acc, ctx, gas, table_cost(ctx, delta as u64));
    }
    let old = ctx.inner.tables[t].grow(delta, init);
    r.set(i.a, old.unwrap_or(u32::MAX) as u64);
    next!(ip.next().next(), r, mem, acc, ctx, gas)
}

/// `table.fill(dst a, value b, len c)` of table `Ext.a`.
pub(crate) fn table_fill<const M: bool, const S: u8>(
    ip: Ip,
    r: Regs,
    mem: Mem,
    acc: u64,
    ctx: &mut Ctx<'_>,
    mut gas: u64,
) -> Exit {
    let i = ip.get();
    let t = ctx.cur.tables[ip.next().get().a as usize] as usize;
    charge!(ip, r, acc, ctx, gas, table_cost(ctx, r.get(i.c)));
    if let Err(code) = bulk::table_fill(&mut ctx.inner.tables[t].elements, r.get(i.a), r.get(i.b), r.get(i.c)) {
        return ctx.trap(gas, code);
    }
    next!(ip.next().next(), r, mem, acc, ctx, gas)
}

/// `table.copy(dst a, src b, len c)`: destination table `Ext.a`, source `Ext.b`.
pub(crate) fn table_copy<const M: bool, const S: u8>(
    ip: Ip,
    r: Regs,
    mem: Mem,
    acc: u64,
    ctx: &mut Ctx<'_>,
    mut gas: u64,
) -> Exit {
    let i = ip.get();
    let ext = ip.next().get();
    charge!(ip, r, acc, ctx, gas, table_cost(ctx, r.get(i.c)));
    let (dst, src) = (ctx.cur.tables[ext.a as usize] as usize, ctx.cur.tables[ext.b as usize] as usize);
    if let Err(code) = bulk::table_copy(&mut ctx.inner.tables, dst, src, r.get(i.a), r.get(i.b), r.get(i.c)) {
        return ctx.trap(gas, code);
    }
    next!(ip.next().next(), r, mem, acc, ctx, gas)
}

/// `table.init(dst a, src b, len c)`: table `Ext.a`, element segment `Ext.b`.
pub(crate) fn table_init<const M: bool, const S: u8>(
    ip: Ip,
    r: Regs,
    mem: Mem,
    acc: u64,
    ctx: &mut Ctx<'_>,
    mut gas: u64,
) -> Exit {
    let i = ip.get();
    let ext = ip.next().get();
    charge!(ip, r, acc, ctx, gas, table_cost(ctx, r.get(i.c)));
    let inner = &mut *ctx.inner;
    let seg = &inner.instances[ctx.cur.instance as usize].elems[ext.b as usize];
    let elements = &mut inner.tables[ctx.cur.tables[ext.a as usize] as usize].elements;
    if let Err(code) = bulk::table_init(elements, seg, r.get(i.a), r.get(i.b), r.get(i.c)) {
        return ctx.trap(gas, code);
    }
    next!(ip.next().next(), r, mem, acc, ctx, gas)
}

/// `elem.drop a`.
pub(crate) fn elem_drop<const M: bool, const S: u8>(
    ip: Ip,
    r: Regs,
    mem: Mem,
    acc: u64,
    ctx: &mut Ctx<'_>,
    gas: u64,
) -> Exit {
    ctx.inner.instances[ctx.cur.instance as usize].elems[ip.get().a as usize] = Vec::new();
    next!(ip.next(), r, mem, acc, ctx, gas)
}
