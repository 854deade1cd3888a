//! The interpreter: a non-recursive loop over register IR.
//!
//! Guarantees:
//! - **A Wasm-to-Wasm call never recurses on the host stack**: frames live in a heap vector.
//! - **Call depth and value-stack size are bounded by counters** from [`Config`](crate::Config),
//!   checked once per call against the callee's precomputed frame size, so a runaway
//!   recursion traps at the same point on every machine.
//! - Nothing is allocated per instruction; the value stack grows only at calls, geometrically.
//! - Every guest failure is returned as a [`TrapCode`]; nothing the guest does panics.

mod bulk;
mod num;

use std::sync::Arc;

use crate::func::Caller;
use crate::ir::{Instr, Op};
use crate::module::ModuleInner;
use crate::store::{FuncKind, Store};
use crate::translate::CompiledFunc;
use crate::value::{from_cell, to_cell, Val};
use crate::{GasSchedule, Trap, TrapCode};

/// A suspended caller: where to resume when the callee returns.
#[derive(Debug, Clone, Copy)]
struct Frame {
    ret_ip: u32,
    fp: u32,
    instance: u32,
}

/// The value stack (8-byte cells) and the frame stack.
#[derive(Debug, Default)]
pub(crate) struct Stack {
    cells: Vec<u64>,
    frames: Vec<Frame>,
}

/// Bounds and costs for one activation.
struct Bounds {
    max_frames: usize,
    max_cells: usize,
    /// The gas schedule; only read when metering.
    schedule: GasSchedule,
}

impl Stack {
    /// Makes room for a frame at `fp` and zeroes its declared locals.
    fn enter(&mut self, fp: usize, f: &CompiledFunc, bounds: &Bounds) -> Result<(), TrapCode> {
        let end = fp + f.frame_size as usize;
        if end > self.cells.len() {
            if end > bounds.max_cells {
                return Err(TrapCode::ValueStackExhausted);
            }
            let target = end.max(self.cells.len() * 2).min(bounds.max_cells).max(1024.min(bounds.max_cells));
            self.cells.resize(target.max(end), 0);
        }
        self.cells[fp + f.params as usize..fp + f.locals as usize].fill(0);
        Ok(())
    }

    fn push_frame(&mut self, frame: Frame, bounds: &Bounds) -> Result<(), TrapCode> {
        if self.frames.len() >= bounds.max_frames {
            return Err(TrapCode::CallStackExhausted);
        }
        self.frames.push(frame);
        Ok(())
    }
}

/// Calls store function `func` with `args` as cells, writing result cells to `results`.
pub(crate) fn invoke<T>(
    store: &mut Store<T>,
    func: u32,
    args: &[u64],
    results: &mut [u64],
) -> Result<(), Trap> {
    let config = store.inner.engine.config();
    let max_depth = config.max_call_depth.saturating_sub(store.inner.depth) as usize;
    if max_depth == 0 {
        return Err(Trap::new(TrapCode::CallStackExhausted));
    }
    let metered = config.metering.is_some();
    let bounds = Bounds {
        max_frames: max_depth - 1,
        max_cells: config.max_value_stack as usize,
        schedule: config.metering.clone().unwrap_or_default(),
    };
    let mut stack = std::mem::take(&mut store.inner.stack);
    stack.frames.clear();
    let outcome = (|| {
        let (instance, entry) = match store.inner.funcs[func as usize].kind {
            FuncKind::Host { .. } => {
                // A host function called directly from the embedder.
                stack.cells.clear();
                stack.cells.resize(args.len().max(results.len()), 0);
                stack.cells[..args.len()].copy_from_slice(args);
                call_host(store, &mut stack.cells, func, 0, None)?;
                results.copy_from_slice(&stack.cells[..results.len()]);
                return Ok(());
            }
            FuncKind::Wasm { instance, index } => (instance, index),
        };
        let module = store.inner.instances[instance as usize].module.clone();
        let cf = module.compiled[(entry - module.num_imported_funcs) as usize];
        let needed = (cf.frame_size as usize).max(args.len()).max(results.len());
        if needed > bounds.max_cells {
            return Err(Trap::new(TrapCode::ValueStackExhausted));
        }
        if stack.cells.len() < needed {
            stack.cells.resize(needed, 0);
        }
        stack.cells[..args.len()].copy_from_slice(args);
        stack.enter(0, &cf, &bounds)?;
        if metered {
            execute::<T, true>(store, &mut stack, instance, &cf, &bounds)?;
        } else {
            execute::<T, false>(store, &mut stack, instance, &cf, &bounds)?;
        }
        results.copy_from_slice(&stack.cells[..results.len()]);
        Ok(())
    })();
    stack.frames.clear();
    store.inner.stack = stack;
    outcome
}

/// Calls host function `func` with arguments at `cells[base..]`, writing results there.
fn call_host<T>(
    store: &mut Store<T>,
    cells: &mut [u64],
    func: u32,
    base: usize,
    instance: Option<u32>,
) -> Result<(), Trap> {
    let entity = &store.inner.funcs[func as usize];
    let FuncKind::Host { host } = entity.kind else { unreachable!("called with a host function") };
    let ty = entity.ty.clone();
    let host = Arc::clone(&store.hosts[host as usize]);
    let id = store.inner.id;
    // Reused buffers: taken out of the store so that a host function calling back into Wasm
    // (which may call another host function) cannot alias them.
    let mut params = std::mem::take(&mut store.inner.host_params);
    let mut results = std::mem::take(&mut store.inner.host_results);
    params.clear();
    params.extend(ty.params().iter().enumerate().map(|(i, t)| from_cell(*t, cells[base + i], id)));
    results.clear();
    results.extend(ty.results().iter().map(|t| Val::default_for(*t)));
    let outcome = host(Caller::new(store, instance), &params, &mut results);
    let outcome = outcome.and_then(|()| {
        for (i, (v, t)) in results.iter().zip(ty.results()).enumerate() {
            if v.ty() != *t {
                return Err(Trap::host(format!("host function returned {} for a {t} result", v.ty())));
            }
            cells[base + i] = to_cell(v);
        }
        Ok(())
    });
    store.inner.host_params = params;
    store.inner.host_results = results;
    outcome
}

/// Where execution continues after a call instruction.
enum Next {
    /// A host function ran; continue after the call.
    Returned,
    /// A Wasm function was entered: run `instance` from `ip` with frame pointer `fp`, after
    /// charging the function's entry cost.
    Enter { instance: u32, ip: usize, fp: usize, entry_cost: u64 },
}

/// Calls store function `func` from a Wasm frame; its frame starts at `new_fp`.
fn call_store_func<T>(
    store: &mut Store<T>,
    stack: &mut Stack,
    func: u32,
    new_fp: usize,
    caller: Frame,
    bounds: &Bounds,
) -> Result<Next, Trap> {
    match store.inner.funcs[func as usize].kind {
        FuncKind::Wasm { instance, index } => {
            let module = &store.inner.instances[instance as usize].module;
            let cf = module.compiled[(index - module.num_imported_funcs) as usize];
            stack.push_frame(caller, bounds)?;
            stack.enter(new_fp, &cf, bounds)?;
            Ok(Next::Enter { instance, ip: cf.entry as usize, fp: new_fp, entry_cost: cf.entry_cost })
        }
        FuncKind::Host { .. } => {
            let depth = stack.frames.len() as u32 + 1;
            let ty = &store.inner.funcs[func as usize].ty;
            let end = new_fp + ty.params().len().max(ty.results().len());
            if end > stack.cells.len() {
                if end > bounds.max_cells {
                    return Err(Trap::new(TrapCode::ValueStackExhausted));
                }
                stack.cells.resize(end, 0);
            }
            store.inner.depth += depth;
            let result = call_host(store, &mut stack.cells, func, new_fp, Some(caller.instance));
            store.inner.depth -= depth;
            result.map(|()| Next::Returned)
        }
    }
}

#[inline(always)]
fn mem_range(len: usize, addr: u64, offset: u32, size: u64) -> Result<std::ops::Range<usize>, TrapCode> {
    let start = addr + offset as u64;
    let end = start + size;
    if end > len as u64 {
        return Err(TrapCode::MemoryOutOfBounds);
    }
    Ok(start as usize..end as usize)
}

macro_rules! load {
    ($mem:expr, $r:ident, $i:ident, $ty:ty, $conv:expr) => {{
        let addr = $r[$i.b as usize] as u32 as u64;
        let range = mem_range($mem.len(), addr, $i.c, std::mem::size_of::<$ty>() as u64)?;
        let mut buf = [0u8; std::mem::size_of::<$ty>()];
        buf.copy_from_slice(&$mem[range]);
        let v = <$ty>::from_le_bytes(buf);
        $r[$i.a as usize] = ($conv)(v);
    }};
}

macro_rules! store {
    ($mem:expr, $r:ident, $i:ident, $ty:ty) => {{
        let addr = $r[$i.a as usize] as u32 as u64;
        let range = mem_range($mem.len(), addr, $i.c, std::mem::size_of::<$ty>() as u64)?;
        $mem[range].copy_from_slice(&($r[$i.b as usize] as $ty).to_le_bytes());
    }};
}

/// Runs from `ip` in `instance` until the frame that was entered first returns. With `METER`,
/// gas is charged from a local counter that is loaded from the store here and written back
/// once at the end (and around calls that may reach host code); without it, no metering code
/// exists at all.
fn execute<T, const METER: bool>(
    store: &mut Store<T>,
    stack: &mut Stack,
    instance: u32,
    entered: &CompiledFunc,
    bounds: &Bounds,
) -> Result<(), Trap> {
    let mut gas = store.inner.gas;
    let result = run::<T, METER>(store, stack, instance, entered, bounds, &mut gas);
    store.inner.gas = gas;
    result
}

#[inline(always)]
fn run<T, const METER: bool>(
    store: &mut Store<T>,
    stack: &mut Stack,
    mut instance: u32,
    entered: &CompiledFunc,
    bounds: &Bounds,
    gas: &mut u64,
) -> Result<(), Trap> {
    let mut ip = entered.entry as usize;
    let mut fp: usize = 0;
    let schedule = &bounds.schedule;
    macro_rules! charge {
        ($cost:expr) => {
            if METER {
                let cost: u64 = $cost;
                if *gas < cost {
                    return Err(TrapCode::OutOfGas.into());
                }
                *gas -= cost;
            }
        };
    }
    charge!(entered.entry_cost);
    'switch: loop {
        let inst = &store.inner.instances[instance as usize];
        let module: Arc<ModuleInner> = Arc::clone(&inst.module);
        let funcs = Arc::clone(&inst.funcs);
        let globals = Arc::clone(&inst.globals);
        let tables = Arc::clone(&inst.tables);
        let type_ids = Arc::clone(&inst.type_ids);
        let mem = inst.memories.first().copied().unwrap_or(u32::MAX) as usize;
        let code: &[Instr] = &module.code;
        let imported = module.num_imported_funcs;
        let mut r: &mut [u64] = &mut stack.cells[fp..];
        loop {
            let i = code[ip];
            ip += 1;
            let (a, b, c) = (i.a as usize, i.b as usize, i.c);
            macro_rules! un {
                ($from:ident, $f:expr) => {{
                    let x = $from(r[b]);
                    r[a] = ($f)(x);
                }};
            }
            macro_rules! bin {
                ($from:ident, $f:expr) => {{
                    let x = $from(r[b]);
                    let y = $from(r[c as usize]);
                    r[a] = ($f)(x, y);
                }};
            }
            macro_rules! bin_imm {
                ($from:ident, $imm:expr, $f:expr) => {{
                    let x = $from(r[b]);
                    r[a] = ($f)(x, $imm);
                }};
            }
            macro_rules! br_cmp {
                ($cond:expr) => {{
                    if $cond {
                        charge!(i.taken_cost as u64);
                        ip = a;
                    }
                }};
            }
            match i.op {
                Op::Ext => {}
                Op::Charge => charge!(a as u64 | (i.b as u64) << 32),
                Op::Unreachable => return Err(TrapCode::Unreachable.into()),
                Op::Copy => r[a] = r[b],
                Op::CopySpan => r.copy_within(b..b + c as usize, a),
                Op::Const32 => r[a] = b as u64,
                Op::Const64 => r[a] = b as u64 | (c as u64) << 32,
                Op::Br => {
                    charge!(i.taken_cost as u64);
                    ip = a;
                }
                Op::BrIfNez => br_cmp!(r[b] as u32 != 0),
                Op::BrIfEqz => br_cmp!(r[b] as u32 == 0),
                Op::BrTable => {
                    let index = (r[a] as u32).min(i.b - 1) as usize;
                    ip = module.br_targets[c as usize + index] as usize;
                }
                Op::Return0 | Op::Return1 | Op::ReturnN => {
                    match i.op {
                        Op::Return1 => r[0] = r[a],
                        Op::ReturnN => r.copy_within(a..a + b, 0),
                        _ => {}
                    }
                    let Some(frame) = stack.frames.pop() else { return Ok(()) };
                    ip = frame.ret_ip as usize;
                    fp = frame.fp as usize;
                    if frame.instance != instance {
                        instance = frame.instance;
                        continue 'switch;
                    }
                    r = &mut stack.cells[fp..];
                }
                Op::Call => {
                    let new_fp = fp + b;
                    let caller = Frame { ret_ip: ip as u32, fp: fp as u32, instance };
                    if i.a >= imported {
                        let cf = &module.compiled[(i.a - imported) as usize];
                        stack.push_frame(caller, bounds)?;
                        stack.enter(new_fp, cf, bounds)?;
                        charge!(cf.entry_cost);
                        fp = new_fp;
                        ip = cf.entry as usize;
                        r = &mut stack.cells[fp..];
                    } else {
                        store.inner.gas = *gas;
                        let next = call_store_func(store, stack, funcs[a], new_fp, caller, bounds);
                        *gas = store.inner.gas;
                        match next? {
                            Next::Returned => r = &mut stack.cells[fp..],
                            Next::Enter { instance: callee, ip: entry, fp: callee_fp, entry_cost } => {
                                charge!(entry_cost);
                                ip = entry;
                                fp = callee_fp;
                                if callee != instance {
                                    instance = callee;
                                    continue 'switch;
                                }
                                r = &mut stack.cells[fp..];
                            }
                        }
                    }
                }
                Op::CallIndirect => {
                    let table = code[ip].a as usize;
                    ip += 1;
                    let index = r[b] as u32 as usize;
                    let cell = *store.inner.tables[tables[table] as usize]
                        .elements
                        .get(index)
                        .ok_or(TrapCode::UndefinedElement)?;
                    if cell == 0 {
                        return Err(TrapCode::UninitializedElement.into());
                    }
                    let func = (cell - 1) as u32;
                    if store.inner.funcs[func as usize].type_id != type_ids[a] {
                        return Err(TrapCode::IndirectCallTypeMismatch.into());
                    }
                    let new_fp = fp + c as usize;
                    let caller = Frame { ret_ip: ip as u32, fp: fp as u32, instance };
                    store.inner.gas = *gas;
                    let next = call_store_func(store, stack, func, new_fp, caller, bounds);
                    *gas = store.inner.gas;
                    match next? {
                        Next::Returned => r = &mut stack.cells[fp..],
                        Next::Enter { instance: callee, ip: entry, fp: callee_fp, entry_cost } => {
                            charge!(entry_cost);
                            ip = entry;
                            fp = callee_fp;
                            if callee != instance {
                                instance = callee;
                                continue 'switch;
                            }
                            r = &mut stack.cells[fp..];
                        }
                    }
                }
                Op::SelectEqz => {
                    if r[b] as u32 == 0 {
                        r[a] = r[c as usize];
                    }
                }
                Op::GlobalGet => r[a] = store.inner.globals[globals[b] as usize].value,
                Op::GlobalSet => store.inner.globals[globals[a] as usize].value = r[b],
                Op::RefFunc => r[a] = funcs[b] as u64 + 1,

                Op::I32Load => load!(store.inner.memories[mem].bytes, r, i, u32, |v: u32| v as u64),
                Op::I64Load => load!(store.inner.memories[mem].bytes, r, i, u64, |v: u64| v),
                Op::I32Load8S => load!(store.inner.memories[mem].bytes, r, i, i8, |v: i8| v as i32 as u32 as u64),
                Op::I32Load8U => load!(store.inner.memories[mem].bytes, r, i, u8, |v: u8| v as u64),
                Op::I32Load16S => load!(store.inner.memories[mem].bytes, r, i, i16, |v: i16| v as i32 as u32 as u64),
                Op::I32Load16U => load!(store.inner.memories[mem].bytes, r, i, u16, |v: u16| v as u64),
                Op::I64Load8S => load!(store.inner.memories[mem].bytes, r, i, i8, |v: i8| v as i64 as u64),
                Op::I64Load8U => load!(store.inner.memories[mem].bytes, r, i, u8, |v: u8| v as u64),
                Op::I64Load16S => load!(store.inner.memories[mem].bytes, r, i, i16, |v: i16| v as i64 as u64),
                Op::I64Load16U => load!(store.inner.memories[mem].bytes, r, i, u16, |v: u16| v as u64),
                Op::I64Load32S => load!(store.inner.memories[mem].bytes, r, i, i32, |v: i32| v as i64 as u64),
                Op::I64Load32U => load!(store.inner.memories[mem].bytes, r, i, u32, |v: u32| v as u64),
                Op::I32Store => store!(store.inner.memories[mem].bytes, r, i, u32),
                Op::I64Store => store!(store.inner.memories[mem].bytes, r, i, u64),
                Op::I32Store8 | Op::I64Store8 => store!(store.inner.memories[mem].bytes, r, i, u8),
                Op::I32Store16 | Op::I64Store16 => store!(store.inner.memories[mem].bytes, r, i, u16),
                Op::I64Store32 => store!(store.inner.memories[mem].bytes, r, i, u32),
                Op::MemorySize => r[a] = store.inner.memories[mem].pages() as u64,
                Op::MemoryGrow => {
                    let delta = r[b] as u32;
                    let memory = &mut store.inner.memories[mem];
                    if memory.can_grow(delta) {
                        charge!(schedule.memory_grow_per_page.saturating_mul(delta as u64));
                    }
                    r[a] = memory.grow(delta).unwrap_or(u32::MAX) as u64;
                }
                Op::MemoryFill => {
                    charge!(bulk_memory_cost(schedule, r[c as usize]));
                    bulk::memory_fill(&mut store.inner.memories[mem].bytes, r[a], r[b], r[c as usize])?
                }
                Op::MemoryCopy => {
                    charge!(bulk_memory_cost(schedule, r[c as usize]));
                    bulk::memory_copy(&mut store.inner.memories[mem].bytes, r[a], r[b], r[c as usize])?
                }
                Op::MemoryInit => {
                    let seg = code[ip].a as usize;
                    ip += 1;
                    charge!(bulk_memory_cost(schedule, r[c as usize]));
                    let dropped = store.inner.instances[instance as usize].data_dropped[seg];
                    let data: &[u8] = if dropped { &[] } else { &module.datas[seg].bytes };
                    bulk::memory_init(&mut store.inner.memories[mem].bytes, data, r[a], r[b], r[c as usize])?;
                }
                Op::DataDrop => store.inner.instances[instance as usize].data_dropped[a] = true,
                Op::TableGet => {
                    let t = &store.inner.tables[tables[c as usize] as usize];
                    r[a] = *t.elements.get(r[b] as u32 as usize).ok_or(TrapCode::TableOutOfBounds)?;
                }
                Op::TableSet => {
                    let t = &mut store.inner.tables[tables[c as usize] as usize];
                    let slot = t.elements.get_mut(r[a] as u32 as usize).ok_or(TrapCode::TableOutOfBounds)?;
                    *slot = r[b];
                }
                Op::TableSize => r[a] = store.inner.tables[tables[b] as usize].elements.len() as u64,
                Op::TableGrow => {
                    let t = code[ip].a as usize;
                    ip += 1;
                    let (init, delta) = (r[b], r[c as usize] as u32);
                    let table = &mut store.inner.tables[tables[t] as usize];
                    if table.can_grow(delta) {
                        charge!(schedule.table_per_element.saturating_mul(delta as u64));
                    }
                    r[a] = table.grow(delta, init).unwrap_or(u32::MAX) as u64;
                }
                Op::TableFill => {
                    let t = code[ip].a as usize;
                    ip += 1;
                    charge!(bulk_table_cost(schedule, r[c as usize]));
                    let elements = &mut store.inner.tables[tables[t] as usize].elements;
                    bulk::table_fill(elements, r[a], r[b], r[c as usize])?;
                }
                Op::TableCopy => {
                    let ext = code[ip];
                    ip += 1;
                    charge!(bulk_table_cost(schedule, r[c as usize]));
                    let (dst, src) = (tables[ext.a as usize] as usize, tables[ext.b as usize] as usize);
                    bulk::table_copy(&mut store.inner.tables, dst, src, r[a], r[b], r[c as usize])?;
                }
                Op::TableInit => {
                    let ext = code[ip];
                    ip += 1;
                    charge!(bulk_table_cost(schedule, r[c as usize]));
                    let inner = &mut store.inner;
                    let seg = &inner.instances[instance as usize].elems[ext.b as usize];
                    let elements = &mut inner.tables[tables[ext.a as usize] as usize].elements;
                    bulk::table_init(elements, seg, r[a], r[b], r[c as usize])?;
                }
                Op::ElemDrop => store.inner.instances[instance as usize].elems[a] = Vec::new(),

                Op::I32Eqz => un!(u32c, |x: u32| (x == 0) as u64),
                Op::I32Clz => un!(u32c, |x: u32| x.leading_zeros() as u64),
                Op::I32Ctz => un!(u32c, |x: u32| x.trailing_zeros() as u64),
                Op::I32Popcnt => un!(u32c, |x: u32| x.count_ones() as u64),
                Op::I32Extend8S => un!(u32c, |x: u32| x as i8 as i32 as u32 as u64),
                Op::I32Extend16S => un!(u32c, |x: u32| x as i16 as i32 as u32 as u64),
                Op::I64Eqz => un!(u64c, |x: u64| (x == 0) as u64),
                Op::I64Clz => un!(u64c, |x: u64| x.leading_zeros() as u64),
                Op::I64Ctz => un!(u64c, |x: u64| x.trailing_zeros() as u64),
                Op::I64Popcnt => un!(u64c, |x: u64| x.count_ones() as u64),
                Op::I64Extend8S => un!(u64c, |x: u64| x as i8 as i64 as u64),
                Op::I64Extend16S => un!(u64c, |x: u64| x as i16 as i64 as u64),
                Op::I64Extend32S => un!(u64c, |x: u64| x as i32 as i64 as u64),
                Op::F32Abs => un!(u32c, |x: u32| (x & 0x7fff_ffff) as u64),
                Op::F32Neg => un!(u32c, |x: u32| (x ^ 0x8000_0000) as u64),
                Op::F32Ceil => un!(f32c, |x: f32| c32(x.ceil())),
                Op::F32Floor => un!(f32c, |x: f32| c32(x.floor())),
                Op::F32Trunc => un!(f32c, |x: f32| c32(x.trunc())),
                Op::F32Nearest => un!(f32c, |x: f32| c32(x.round_ties_even())),
                Op::F32Sqrt => un!(f32c, |x: f32| c32(x.sqrt())),
                Op::F64Abs => un!(u64c, |x: u64| x & 0x7fff_ffff_ffff_ffff),
                Op::F64Neg => un!(u64c, |x: u64| x ^ 0x8000_0000_0000_0000),
                Op::F64Ceil => un!(f64c, |x: f64| c64(x.ceil())),
                Op::F64Floor => un!(f64c, |x: f64| c64(x.floor())),
                Op::F64Trunc => un!(f64c, |x: f64| c64(x.trunc())),
                Op::F64Nearest => un!(f64c, |x: f64| c64(x.round_ties_even())),
                Op::F64Sqrt => un!(f64c, |x: f64| c64(x.sqrt())),
                Op::I32WrapI64 => un!(u64c, |x: u64| x as u32 as u64),
                Op::I64ExtendI32S => un!(u32c, |x: u32| x as i32 as i64 as u64),
                Op::I64ExtendI32U => un!(u32c, |x: u32| x as u64),
                Op::I32TruncF32S => r[a] = num::i32_trunc_s(f32c(r[b]) as f64)?,
                Op::I32TruncF32U => r[a] = num::i32_trunc_u(f32c(r[b]) as f64)?,
                Op::I32TruncF64S => r[a] = num::i32_trunc_s(f64c(r[b]))?,
                Op::I32TruncF64U => r[a] = num::i32_trunc_u(f64c(r[b]))?,
                Op::I64TruncF32S => r[a] = num::i64_trunc_s(f32c(r[b]) as f64)?,
                Op::I64TruncF32U => r[a] = num::i64_trunc_u(f32c(r[b]) as f64)?,
                Op::I64TruncF64S => r[a] = num::i64_trunc_s(f64c(r[b]))?,
                Op::I64TruncF64U => r[a] = num::i64_trunc_u(f64c(r[b]))?,
                Op::I32TruncSatF32S => un!(f32c, |x: f32| x as i32 as u32 as u64),
                Op::I32TruncSatF32U => un!(f32c, |x: f32| x as u32 as u64),
                Op::I32TruncSatF64S => un!(f64c, |x: f64| x as i32 as u32 as u64),
                Op::I32TruncSatF64U => un!(f64c, |x: f64| x as u32 as u64),
                Op::I64TruncSatF32S => un!(f32c, |x: f32| x as i64 as u64),
                Op::I64TruncSatF32U => un!(f32c, |x: f32| x as u64),
                Op::I64TruncSatF64S => un!(f64c, |x: f64| x as i64 as u64),
                Op::I64TruncSatF64U => un!(f64c, |x: f64| x as u64),
                Op::F32ConvertI32S => un!(u32c, |x: u32| f32r(x as i32 as f32)),
                Op::F32ConvertI32U => un!(u32c, |x: u32| f32r(x as f32)),
                Op::F32ConvertI64S => un!(u64c, |x: u64| f32r(x as i64 as f32)),
                Op::F32ConvertI64U => un!(u64c, |x: u64| f32r(x as f32)),
                Op::F32DemoteF64 => un!(f64c, |x: f64| c32(x as f32)),
                Op::F64ConvertI32S => un!(u32c, |x: u32| (x as i32 as f64).to_bits()),
                Op::F64ConvertI32U => un!(u32c, |x: u32| (x as f64).to_bits()),
                Op::F64ConvertI64S => un!(u64c, |x: u64| (x as i64 as f64).to_bits()),
                Op::F64ConvertI64U => un!(u64c, |x: u64| (x as f64).to_bits()),
                Op::F64PromoteF32 => un!(f32c, |x: f32| c64(x as f64)),

                Op::I32Add => bin!(u32c, |x: u32, y: u32| x.wrapping_add(y) as u64),
                Op::I32Sub => bin!(u32c, |x: u32, y: u32| x.wrapping_sub(y) as u64),
                Op::I32Mul => bin!(u32c, |x: u32, y: u32| x.wrapping_mul(y) as u64),
                Op::I32DivS => {
                    let v = num::i32_div_s(r[b] as i32, r[c as usize] as i32)?;
                    r[a] = v as u32 as u64;
                }
                Op::I32DivU => {
                    let y = num::nonzero32(r[c as usize] as u32)?;
                    r[a] = (r[b] as u32 / y) as u64;
                }
                Op::I32RemS => {
                    let y = num::nonzero32(r[c as usize] as u32)? as i32;
                    r[a] = (r[b] as i32).wrapping_rem(y) as u32 as u64;
                }
                Op::I32RemU => {
                    let y = num::nonzero32(r[c as usize] as u32)?;
                    r[a] = (r[b] as u32 % y) as u64;
                }
                Op::I32And => bin!(u32c, |x: u32, y: u32| (x & y) as u64),
                Op::I32Or => bin!(u32c, |x: u32, y: u32| (x | y) as u64),
                Op::I32Xor => bin!(u32c, |x: u32, y: u32| (x ^ y) as u64),
                Op::I32Shl => bin!(u32c, |x: u32, y: u32| x.wrapping_shl(y) as u64),
                Op::I32ShrS => bin!(u32c, |x: u32, y: u32| (x as i32).wrapping_shr(y) as u32 as u64),
                Op::I32ShrU => bin!(u32c, |x: u32, y: u32| x.wrapping_shr(y) as u64),
                Op::I32Rotl => bin!(u32c, |x: u32, y: u32| x.rotate_left(y % 32) as u64),
                Op::I32Rotr => bin!(u32c, |x: u32, y: u32| x.rotate_right(y % 32) as u64),
                Op::I32Eq => bin!(u32c, |x: u32, y: u32| (x == y) as u64),
                Op::I32Ne => bin!(u32c, |x: u32, y: u32| (x != y) as u64),
                Op::I32LtS => bin!(i32c, |x: i32, y: i32| (x < y) as u64),
                Op::I32LtU => bin!(u32c, |x: u32, y: u32| (x < y) as u64),
                Op::I32GtS => bin!(i32c, |x: i32, y: i32| (x > y) as u64),
                Op::I32GtU => bin!(u32c, |x: u32, y: u32| (x > y) as u64),
                Op::I32LeS => bin!(i32c, |x: i32, y: i32| (x <= y) as u64),
                Op::I32LeU => bin!(u32c, |x: u32, y: u32| (x <= y) as u64),
                Op::I32GeS => bin!(i32c, |x: i32, y: i32| (x >= y) as u64),
                Op::I32GeU => bin!(u32c, |x: u32, y: u32| (x >= y) as u64),
                Op::I64Add => bin!(u64c, |x: u64, y: u64| x.wrapping_add(y)),
                Op::I64Sub => bin!(u64c, |x: u64, y: u64| x.wrapping_sub(y)),
                Op::I64Mul => bin!(u64c, |x: u64, y: u64| x.wrapping_mul(y)),
                Op::I64DivS => r[a] = num::i64_div_s(r[b] as i64, r[c as usize] as i64)? as u64,
                Op::I64DivU => {
                    let y = num::nonzero64(r[c as usize])?;
                    r[a] = r[b] / y;
                }
                Op::I64RemS => {
                    let y = num::nonzero64(r[c as usize])? as i64;
                    r[a] = (r[b] as i64).wrapping_rem(y) as u64;
                }
                Op::I64RemU => {
                    let y = num::nonzero64(r[c as usize])?;
                    r[a] = r[b] % y;
                }
                Op::I64And => bin!(u64c, |x: u64, y: u64| x & y),
                Op::I64Or => bin!(u64c, |x: u64, y: u64| x | y),
                Op::I64Xor => bin!(u64c, |x: u64, y: u64| x ^ y),
                Op::I64Shl => bin!(u64c, |x: u64, y: u64| x.wrapping_shl(y as u32)),
                Op::I64ShrS => bin!(u64c, |x: u64, y: u64| (x as i64).wrapping_shr(y as u32) as u64),
                Op::I64ShrU => bin!(u64c, |x: u64, y: u64| x.wrapping_shr(y as u32)),
                Op::I64Rotl => bin!(u64c, |x: u64, y: u64| x.rotate_left((y % 64) as u32)),
                Op::I64Rotr => bin!(u64c, |x: u64, y: u64| x.rotate_right((y % 64) as u32)),
                Op::I64Eq => bin!(u64c, |x: u64, y: u64| (x == y) as u64),
                Op::I64Ne => bin!(u64c, |x: u64, y: u64| (x != y) as u64),
                Op::I64LtS => bin!(i64c, |x: i64, y: i64| (x < y) as u64),
                Op::I64LtU => bin!(u64c, |x: u64, y: u64| (x < y) as u64),
                Op::I64GtS => bin!(i64c, |x: i64, y: i64| (x > y) as u64),
                Op::I64GtU => bin!(u64c, |x: u64, y: u64| (x > y) as u64),
                Op::I64LeS => bin!(i64c, |x: i64, y: i64| (x <= y) as u64),
                Op::I64LeU => bin!(u64c, |x: u64, y: u64| (x <= y) as u64),
                Op::I64GeS => bin!(i64c, |x: i64, y: i64| (x >= y) as u64),
                Op::I64GeU => bin!(u64c, |x: u64, y: u64| (x >= y) as u64),
                Op::F32Add => bin!(f32c, |x: f32, y: f32| c32(x + y)),
                Op::F32Sub => bin!(f32c, |x: f32, y: f32| c32(x - y)),
                Op::F32Mul => bin!(f32c, |x: f32, y: f32| c32(x * y)),
                Op::F32Div => bin!(f32c, |x: f32, y: f32| c32(x / y)),
                Op::F32Min => bin!(f32c, |x: f32, y: f32| c32(num::f32_min(x, y))),
                Op::F32Max => bin!(f32c, |x: f32, y: f32| c32(num::f32_max(x, y))),
                Op::F32Copysign => bin!(u32c, |x: u32, y: u32| num::f32_copysign(x, y) as u64),
                Op::F32Eq => bin!(f32c, |x: f32, y: f32| (x == y) as u64),
                Op::F32Ne => bin!(f32c, |x: f32, y: f32| (x != y) as u64),
                Op::F32Lt => bin!(f32c, |x: f32, y: f32| (x < y) as u64),
                Op::F32Gt => bin!(f32c, |x: f32, y: f32| (x > y) as u64),
                Op::F32Le => bin!(f32c, |x: f32, y: f32| (x <= y) as u64),
                Op::F32Ge => bin!(f32c, |x: f32, y: f32| (x >= y) as u64),
                Op::F64Add => bin!(f64c, |x: f64, y: f64| c64(x + y)),
                Op::F64Sub => bin!(f64c, |x: f64, y: f64| c64(x - y)),
                Op::F64Mul => bin!(f64c, |x: f64, y: f64| c64(x * y)),
                Op::F64Div => bin!(f64c, |x: f64, y: f64| c64(x / y)),
                Op::F64Min => bin!(f64c, |x: f64, y: f64| c64(num::f64_min(x, y))),
                Op::F64Max => bin!(f64c, |x: f64, y: f64| c64(num::f64_max(x, y))),
                Op::F64Copysign => bin!(u64c, |x: u64, y: u64| num::f64_copysign(x, y)),
                Op::F64Eq => bin!(f64c, |x: f64, y: f64| (x == y) as u64),
                Op::F64Ne => bin!(f64c, |x: f64, y: f64| (x != y) as u64),
                Op::F64Lt => bin!(f64c, |x: f64, y: f64| (x < y) as u64),
                Op::F64Gt => bin!(f64c, |x: f64, y: f64| (x > y) as u64),
                Op::F64Le => bin!(f64c, |x: f64, y: f64| (x <= y) as u64),
                Op::F64Ge => bin!(f64c, |x: f64, y: f64| (x >= y) as u64),

                Op::I32AddImm => bin_imm!(u32c, c, |x: u32, k: u32| x.wrapping_add(k) as u64),
                Op::I32MulImm => bin_imm!(u32c, c, |x: u32, k: u32| x.wrapping_mul(k) as u64),
                Op::I32AndImm => bin_imm!(u32c, c, |x: u32, k: u32| (x & k) as u64),
                Op::I32OrImm => bin_imm!(u32c, c, |x: u32, k: u32| (x | k) as u64),
                Op::I32XorImm => bin_imm!(u32c, c, |x: u32, k: u32| (x ^ k) as u64),
                Op::I32ShlImm => bin_imm!(u32c, c, |x: u32, k: u32| x.wrapping_shl(k) as u64),
                Op::I32ShrSImm => bin_imm!(u32c, c, |x: u32, k: u32| (x as i32).wrapping_shr(k) as u32 as u64),
                Op::I32ShrUImm => bin_imm!(u32c, c, |x: u32, k: u32| x.wrapping_shr(k) as u64),
                Op::I32EqImm => bin_imm!(u32c, c, |x: u32, k: u32| (x == k) as u64),
                Op::I32NeImm => bin_imm!(u32c, c, |x: u32, k: u32| (x != k) as u64),
                Op::I32LtSImm => bin_imm!(i32c, c as i32, |x: i32, k: i32| (x < k) as u64),
                Op::I32LtUImm => bin_imm!(u32c, c, |x: u32, k: u32| (x < k) as u64),
                Op::I32GtSImm => bin_imm!(i32c, c as i32, |x: i32, k: i32| (x > k) as u64),
                Op::I32GtUImm => bin_imm!(u32c, c, |x: u32, k: u32| (x > k) as u64),
                Op::I32LeSImm => bin_imm!(i32c, c as i32, |x: i32, k: i32| (x <= k) as u64),
                Op::I32LeUImm => bin_imm!(u32c, c, |x: u32, k: u32| (x <= k) as u64),
                Op::I32GeSImm => bin_imm!(i32c, c as i32, |x: i32, k: i32| (x >= k) as u64),
                Op::I32GeUImm => bin_imm!(u32c, c, |x: u32, k: u32| (x >= k) as u64),
                Op::I64AddImm => bin_imm!(u64c, sext(c), |x: u64, k: u64| x.wrapping_add(k)),
                Op::I64MulImm => bin_imm!(u64c, sext(c), |x: u64, k: u64| x.wrapping_mul(k)),
                Op::I64AndImm => bin_imm!(u64c, sext(c), |x: u64, k: u64| x & k),
                Op::I64OrImm => bin_imm!(u64c, sext(c), |x: u64, k: u64| x | k),
                Op::I64XorImm => bin_imm!(u64c, sext(c), |x: u64, k: u64| x ^ k),
                Op::I64ShlImm => bin_imm!(u64c, sext(c), |x: u64, k: u64| x.wrapping_shl(k as u32)),
                Op::I64ShrSImm => bin_imm!(u64c, sext(c), |x: u64, k: u64| (x as i64).wrapping_shr(k as u32) as u64),
                Op::I64ShrUImm => bin_imm!(u64c, sext(c), |x: u64, k: u64| x.wrapping_shr(k as u32)),
                Op::I64EqImm => bin_imm!(u64c, sext(c), |x: u64, k: u64| (x == k) as u64),
                Op::I64NeImm => bin_imm!(u64c, sext(c), |x: u64, k: u64| (x != k) as u64),
                Op::I64LtSImm => bin_imm!(i64c, sext(c) as i64, |x: i64, k: i64| (x < k) as u64),
                Op::I64LtUImm => bin_imm!(u64c, sext(c), |x: u64, k: u64| (x < k) as u64),
                Op::I64GtSImm => bin_imm!(i64c, sext(c) as i64, |x: i64, k: i64| (x > k) as u64),
                Op::I64GtUImm => bin_imm!(u64c, sext(c), |x: u64, k: u64| (x > k) as u64),
                Op::I64LeSImm => bin_imm!(i64c, sext(c) as i64, |x: i64, k: i64| (x <= k) as u64),
                Op::I64LeUImm => bin_imm!(u64c, sext(c), |x: u64, k: u64| (x <= k) as u64),
                Op::I64GeSImm => bin_imm!(i64c, sext(c) as i64, |x: i64, k: i64| (x >= k) as u64),
                Op::I64GeUImm => bin_imm!(u64c, sext(c), |x: u64, k: u64| (x >= k) as u64),

                Op::BrIfI32Eq => br_cmp!(r[b] as u32 == r[c as usize] as u32),
                Op::BrIfI32Ne => br_cmp!(r[b] as u32 != r[c as usize] as u32),
                Op::BrIfI32LtS => br_cmp!((r[b] as i32) < r[c as usize] as i32),
                Op::BrIfI32LtU => br_cmp!((r[b] as u32) < r[c as usize] as u32),
                Op::BrIfI32GtS => br_cmp!(r[b] as i32 > r[c as usize] as i32),
                Op::BrIfI32GtU => br_cmp!(r[b] as u32 > r[c as usize] as u32),
                Op::BrIfI32LeS => br_cmp!(r[b] as i32 <= r[c as usize] as i32),
                Op::BrIfI32LeU => br_cmp!(r[b] as u32 <= r[c as usize] as u32),
                Op::BrIfI32GeS => br_cmp!(r[b] as i32 >= r[c as usize] as i32),
                Op::BrIfI32GeU => br_cmp!(r[b] as u32 >= r[c as usize] as u32),
                Op::BrIfI32EqImm => br_cmp!(r[b] as u32 == c),
                Op::BrIfI32NeImm => br_cmp!(r[b] as u32 != c),
                Op::BrIfI32LtSImm => br_cmp!((r[b] as i32) < c as i32),
                Op::BrIfI32LtUImm => br_cmp!((r[b] as u32) < c),
                Op::BrIfI32GtSImm => br_cmp!(r[b] as i32 > c as i32),
                Op::BrIfI32GtUImm => br_cmp!(r[b] as u32 > c),
                Op::BrIfI32LeSImm => br_cmp!(r[b] as i32 <= c as i32),
                Op::BrIfI32LeUImm => br_cmp!(r[b] as u32 <= c),
                Op::BrIfI32GeSImm => br_cmp!(r[b] as i32 >= c as i32),
                Op::BrIfI32GeUImm => br_cmp!(r[b] as u32 >= c),
                Op::BrIfI64Eq => br_cmp!(r[b] == r[c as usize]),
                Op::BrIfI64Ne => br_cmp!(r[b] != r[c as usize]),
                Op::BrIfI64LtS => br_cmp!((r[b] as i64) < r[c as usize] as i64),
                Op::BrIfI64LtU => br_cmp!(r[b] < r[c as usize]),
                Op::BrIfI64GtS => br_cmp!(r[b] as i64 > r[c as usize] as i64),
                Op::BrIfI64GtU => br_cmp!(r[b] > r[c as usize]),
                Op::BrIfI64LeS => br_cmp!(r[b] as i64 <= r[c as usize] as i64),
                Op::BrIfI64LeU => br_cmp!(r[b] <= r[c as usize]),
                Op::BrIfI64GeS => br_cmp!(r[b] as i64 >= r[c as usize] as i64),
                Op::BrIfI64GeU => br_cmp!(r[b] >= r[c as usize]),
                Op::BrIfI64EqImm => br_cmp!(r[b] == sext(c)),
                Op::BrIfI64NeImm => br_cmp!(r[b] != sext(c)),
                Op::BrIfI64LtSImm => br_cmp!((r[b] as i64) < sext(c) as i64),
                Op::BrIfI64LtUImm => br_cmp!(r[b] < sext(c)),
                Op::BrIfI64GtSImm => br_cmp!(r[b] as i64 > sext(c) as i64),
                Op::BrIfI64GtUImm => br_cmp!(r[b] > sext(c)),
                Op::BrIfI64LeSImm => br_cmp!(r[b] as i64 <= sext(c) as i64),
                Op::BrIfI64LeUImm => br_cmp!(r[b] <= sext(c)),
                Op::BrIfI64GeSImm => br_cmp!(r[b] as i64 >= sext(c) as i64),
                Op::BrIfI64GeUImm => br_cmp!(r[b] >= sext(c)),
            }
        }
    }
}

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
fn f32r(x: f32) -> u64 {
    x.to_bits() as u64
}
/// The canonical NaNs (docs/gas.md §6).
const CANONICAL_NAN32: u32 = 0x7fc0_0000;
const CANONICAL_NAN64: u64 = 0x7ff8_0000_0000_0000;

/// The cell of an `f32` result of a NaN-producing operator: canonical if NaN.
#[inline(always)]
fn c32(x: f32) -> u64 {
    if x.is_nan() { CANONICAL_NAN32 as u64 } else { x.to_bits() as u64 }
}

/// The cell of an `f64` result of a NaN-producing operator: canonical if NaN.
#[inline(always)]
fn c64(x: f64) -> u64 {
    if x.is_nan() { CANONICAL_NAN64 } else { x.to_bits() }
}

fn bulk_memory_cost(schedule: &GasSchedule, len: u64) -> u64 {
    schedule.bulk_memory_per_word.saturating_mul((len as u32 as u64).div_ceil(8))
}

fn bulk_table_cost(schedule: &GasSchedule, len: u64) -> u64 {
    schedule.table_per_element.saturating_mul(len as u32 as u64)
}

#[inline(always)]
fn sext(c: u32) -> u64 {
    c as i32 as i64 as u64
}
