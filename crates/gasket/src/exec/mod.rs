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
// The handler modules are visible to the crate so that the instruction-set table
// (`ir/set.rs`) can name each opcode's handler.
pub(crate) mod control;
mod dispatch;
pub(crate) mod memory;
mod num;
pub(crate) mod numeric;
mod table;

use std::sync::Arc;

use crate::func::Caller;
use crate::module::ModuleInner;
use crate::store::{FuncKind, Store};
use crate::translate::CompiledFunc;
use crate::value::{from_cell, to_cell, Val};
use crate::{GasSchedule, Trap, TrapCode};
pub(crate) use dispatch::Handler;
use dispatch::{Ctx, Exit, Ip, Pending, Regs, Unpaid};

/// A suspended caller: where to resume when the callee returns.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Frame {
    ret_ip: u32,
    fp: u32,
    instance: u32,
}

/// Functions declaring at most this many locals (beyond parameters) are entered by the call
/// handlers' fast path ([`Stack::try_enter`]), which zeroes this many cells from the first
/// local on, whatever the count: a fixed-size block is a few vector stores, where a count
/// read from the function is a `memset` call. Cells past the locals belong to the callee's
/// temporaries or to no frame, so zeroing them is harmless; the cell stack keeps this many
/// cells of slack past its last frame ([`Stack::enter`]) so that the block always fits.
/// Rust-compiled functions often declare more than 4 locals, and entering them through the
/// slow path (a call and a `memset`) cost serde_json about 8% of its run.
const INLINE_ZEROED_LOCALS: usize = 16;

/// The value stack (8-byte cells) and the frame stack.
#[derive(Default)]
pub(crate) struct Stack {
    pub(crate) cells: Vec<u64>,
    /// The frame stack is `frames[..depth]`; the rest is room already allocated, so that a
    /// call pushes a frame without a call into the allocator.
    frames: Vec<Frame>,
    depth: usize,
    /// The compiler tier's own stack, kept to reuse its allocation (`compile/runtime.rs`).
    #[cfg(target_arch = "x86_64")]
    pub(crate) jit: Option<crate::compile::JitStack>,
}

impl std::fmt::Debug for Stack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stack").field("cells", &self.cells.len()).field("depth", &self.depth).finish()
    }
}

/// Bounds and costs for one activation.
pub(crate) struct Bounds {
    pub(crate) max_frames: usize,
    pub(crate) max_cells: usize,
    /// The gas schedule; only read when metering.
    pub(crate) schedule: GasSchedule,
}

impl Stack {
    /// Makes room for a frame at `fp` and zeroes its declared locals.
    pub(crate) fn enter(&mut self, fp: usize, f: &CompiledFunc, bounds: &Bounds) -> Result<(), TrapCode> {
        let end = fp + f.frame_size as usize;
        // With the fast path's slack past the frame (`INLINE_ZEROED_LOCALS`), which the
        // value-stack limit does not count.
        if end + INLINE_ZEROED_LOCALS > self.cells.len() {
            if end > bounds.max_cells {
                return Err(TrapCode::ValueStackExhausted);
            }
            let target = end.max(self.cells.len() * 2).min(bounds.max_cells).max(1024.min(bounds.max_cells));
            self.cells.resize(target.max(end) + INLINE_ZEROED_LOCALS, 0);
        }
        self.cells[fp + f.params as usize..fp + f.locals as usize].fill(0);
        Ok(())
    }

    /// Pushes `frame` for a return, then enters `f` at `fp` as [`Stack::enter`] does.
    fn push_and_enter(&mut self, frame: Frame, fp: usize, f: &CompiledFunc, bounds: &Bounds) -> Result<(), TrapCode> {
        if self.depth >= bounds.max_frames {
            return Err(TrapCode::CallStackExhausted);
        }
        self.enter(fp, f, bounds)?;
        if self.depth == self.frames.len() {
            // More than `depth`, since `depth < max_frames` was checked above.
            let room = (self.frames.len() * 2).max(64).min(bounds.max_frames);
            self.frames.resize(room, Frame::default());
        }
        self.frames[self.depth] = frame;
        self.depth += 1;
        Ok(())
    }

    /// The common case of [`Stack::push_and_enter`], done inline by the call handlers
    /// without calls (which would make every handler save registers): there is room for the
    /// frame and both stacks, and `f` declares at most [`INLINE_ZEROED_LOCALS`] locals.
    /// Returns false, having changed nothing, when that is not the case.
    #[inline(always)]
    fn try_enter(&mut self, frame: Frame, fp: usize, f: &CompiledFunc, bounds: &Bounds) -> bool {
        let end = fp + f.frame_size as usize;
        let zeroed = (f.locals - f.params) as usize;
        let room = self.depth < self.frames.len()
            && self.depth < bounds.max_frames
            && end + INLINE_ZEROED_LOCALS <= self.cells.len();
        if !room || zeroed > INLINE_ZEROED_LOCALS {
            return false;
        }
        self.frames[self.depth] = frame;
        self.depth += 1;
        let locals = fp + f.params as usize;
        // `locals <= end`, so the block is within the cells (checked above).
        self.cells[locals..locals + INLINE_ZEROED_LOCALS].fill(0);
        true
    }

    /// Forgets the frames of a finished or abandoned call, keeping the allocations.
    pub(crate) fn reset(&mut self) {
        self.depth = 0;
    }

    /// Pops the frame of the caller to return to, if any.
    #[inline(always)]
    fn pop_frame(&mut self) -> Option<Frame> {
        self.depth = self.depth.checked_sub(1)?;
        Some(self.frames[self.depth])
    }
}

/// Calls store function `func` with `args` as cells, writing result cells to `results`.
pub(crate) fn invoke<T>(store: &mut Store<T>, func: u32, args: &[u64], results: &mut [u64]) -> Result<(), Trap> {
    let bounds = call_bounds(store).ok_or(Trap::new(TrapCode::CallStackExhausted))?;
    let metered = store.inner.metered;
    let mut stack = std::mem::take(&mut store.inner.stack);
    stack.depth = 0;
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
        #[cfg(target_arch = "x86_64")]
        if module.native.is_some() {
            if metered {
                crate::compile::execute::<T, true>(store, &mut stack, instance, entry, &cf, &bounds)?;
            } else {
                crate::compile::execute::<T, false>(store, &mut stack, instance, entry, &cf, &bounds)?;
            }
            results.copy_from_slice(&stack.cells[..results.len()]);
            return Ok(());
        }
        let start = entered(instance, &cf);
        if metered {
            execute::<T, true>(store, &mut stack, start, &bounds)?;
        } else {
            execute::<T, false>(store, &mut stack, start, &bounds)?;
        }
        results.copy_from_slice(&stack.cells[..results.len()]);
        Ok(())
    })();
    stack.depth = 0;
    store.inner.stack = stack;
    outcome
}

/// The bounds of a call the embedder makes now: `None` if no frame is left (the call traps
/// with `CallStackExhausted`).
pub(crate) fn call_bounds<T>(store: &Store<T>) -> Option<Bounds> {
    let max_depth = store.inner.max_call_depth.saturating_sub(store.inner.depth) as usize;
    (max_depth > 0).then(|| Bounds {
        max_frames: max_depth - 1,
        max_cells: store.inner.max_value_stack as usize,
        schedule: store.inner.engine.config().metering.clone().unwrap_or_default(),
    })
}

/// Starts a call of store function `func` that may suspend (`resume.rs`), in the frames of
/// `stack` (whose cells then hold the results), as [`invoke`] does up to the choice of tier:
/// a host function is called here (`None`, or `Stop::Host` for a resumable trap); a Wasm
/// function is set up at frame 0 and returned (its instance, function index and code) for
/// the caller to run on either tier, its first run not yet charged.
pub(crate) fn enter_resumable<T>(
    store: &mut Store<T>,
    stack: &mut Stack,
    bounds: &Bounds,
    func: u32,
    args: &[u64],
    results: usize,
) -> Result<Option<(u32, u32, CompiledFunc)>, Stop<Resume>> {
    stack.depth = 0;
    let (instance, entry) = match store.inner.funcs[func as usize].kind {
        FuncKind::Host { .. } => {
            stack.cells.clear();
            stack.cells.resize(args.len().max(results), 0);
            stack.cells[..args.len()].copy_from_slice(args);
            return match call_host(store, &mut stack.cells, func, 0, None) {
                Err(trap) if trap.is_resumable() => Err(Stop::Host { at: None, base: 0, func, trap }),
                other => Ok(other.map(|()| None)?),
            };
        }
        FuncKind::Wasm { instance, index } => (instance, index),
    };
    let module = &store.inner.instances[instance as usize].module;
    let cf = module.compiled[(entry - module.num_imported_funcs) as usize];
    let needed = (cf.frame_size as usize).max(args.len()).max(results);
    if needed > bounds.max_cells {
        return Err(TrapCode::ValueStackExhausted.into());
    }
    if stack.cells.len() < needed {
        stack.cells.resize(needed, 0);
    }
    stack.cells[..args.len()].copy_from_slice(args);
    stack.enter(0, &cf, bounds)?;
    Ok(Some((instance, entry, cf)))
}

/// Continues a suspended call (or starts one entered at `at`) on the interpreter.
pub(crate) fn resume<T>(
    store: &mut Store<T>,
    stack: &mut Stack,
    bounds: &Bounds,
    at: Resume,
) -> Result<(), Stop<Resume>> {
    if store.inner.engine.config().metering.is_some() {
        execute::<T, true>(store, stack, at, bounds)
    } else {
        execute::<T, false>(store, stack, at, bounds)
    }
}

/// Runs the single instruction at `index` of `cur`'s module (with its `Ext` word) as the
/// interpreter does, on the frame at cell `fp`, charging `gas`: the compiler tier's fallback
/// for every operator it does not compile inline (`compile/step.rs`). The instruction must not
/// transfer control (no branch, call or return: the compiler lowers those itself). A charge
/// that does not fit is `OutOfGas` with nothing applied and the gas it needed in `need`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn step<const M: bool>(
    inner: &mut crate::store::StoreInner,
    stack: &mut Stack,
    cur: &Cached,
    bounds: &Bounds,
    fp: usize,
    index: usize,
    gas: &mut u64,
    need: &mut u64,
) -> Result<(), TrapCode> {
    use crate::ir::{flag, Instr, Op};
    let code = &cur.module.code;
    let i = code[index];
    debug_assert!(
        i.op.info().flags & (flag::BRANCH | flag::COND_BRANCH | flag::BR_TABLE | flag::CALL | flag::ENDS) == 0
    );
    let stop = Instr::new(Op::Stop, 0, 0, 0);
    let ext = if i.op.info().ext.is_some() { code[index + 1] } else { stop };
    // The instruction in its base form (its accumulator forms compute the same), its `Ext`
    // word, and a `Stop` that leaves the handlers after it.
    let run = [Instr { op: i.op.base(), ..i }, ext, stop];
    let mut ctx = Ctx {
        ip: Ip::at(&run, 0),
        regs: Regs::at(stack, fp),
        inner,
        stack,
        cur,
        bounds,
        code: run.as_ptr(),
        mem: dispatch::Mem(std::ptr::null_mut()),
        mem_len: 0,
        acc: 0,
        gas: *gas,
        pending: Pending::default(),
        unpaid: Unpaid::default(),
    };
    ctx.mem = ctx.refresh_memory();
    let exit = dispatch::run::<M>(&mut ctx);
    *gas = ctx.gas;
    match exit {
        Exit::Done => Ok(()),
        Exit::Trap(code) => Err(code),
        Exit::OutOfGas => {
            *need = ctx.unpaid.need;
            Err(TrapCode::OutOfGas)
        }
        Exit::Continue | Exit::CallOut | Exit::ReturnOut => Err(TrapCode::Host),
    }
}

/// Calls host function `func` with arguments at `cells[base..]`, writing results there.
pub(crate) fn call_host<T>(
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
            stack.push_and_enter(caller, new_fp, &cf, bounds)?;
            Ok(Next::Enter { instance, ip: cf.entry as usize, fp: new_fp, entry_cost: cf.entry_cost })
        }
        FuncKind::Host { .. } => {
            let depth = stack.depth as u32 + 1;
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

/// What the handlers need of the executing instance, resolved once per instance switch.
pub(crate) struct Cached {
    pub(crate) instance: u32,
    pub(crate) module: Arc<ModuleInner>,
    pub(crate) funcs: Arc<[u32]>,
    pub(crate) globals: Arc<[u32]>,
    pub(crate) tables: Arc<[u32]>,
    pub(crate) type_ids: Arc<[u32]>,
    /// Store index of memory 0, if the instance has one.
    pub(crate) mem: Option<usize>,
}

impl Cached {
    pub(crate) fn new(store: &crate::store::StoreInner, instance: u32) -> Self {
        let inst = &store.instances[instance as usize];
        Self {
            instance,
            module: Arc::clone(&inst.module),
            funcs: Arc::clone(&inst.funcs),
            globals: Arc::clone(&inst.globals),
            tables: Arc::clone(&inst.tables),
            type_ids: Arc::clone(&inst.type_ids),
            mem: inst.memories.first().map(|m| *m as usize),
        }
    }
}

/// Charges the first run of a function entered from this driver (docs/gas.md §3), or fails
/// with `OutOfGas` leaving `gas` unchanged. Calls within an instance charge it in the `call`
/// handler instead.
pub(crate) fn charge_entry<const METER: bool>(gas: &mut u64, entry_cost: u64) -> Result<(), Trap> {
    if METER {
        *gas = gas.checked_sub(entry_cost).ok_or(Trap::new(TrapCode::OutOfGas))?;
    }
    Ok(())
}

/// Where a suspended run continues (`resume.rs` keeps one in a handle, with its `Stack`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Resume {
    pub(crate) instance: u32,
    /// Index of the instruction in the instance's module code.
    pub(crate) ip: u32,
    pub(crate) fp: usize,
    /// The accumulator, for an instruction that reads an operand from it.
    pub(crate) acc: u64,
    /// Paid before running at `ip` (the entry cost of the function `ip` enters), or 0 when
    /// the instruction at `ip` is run again and makes its own charge.
    pub(crate) charge: u64,
}

/// Why a call stopped before the entered function returned, on either tier: `P` is where it
/// continues, `Resume` for the interpreter ([`execute`]), `()` for the compiled driver (whose
/// `JitCall` is itself the position), and either of them in `resume.rs`.
#[derive(Debug)]
pub(crate) enum Stop<P> {
    /// A trap; the call is over.
    Trap(Trap),
    /// A charge of `need` gas did not fit and none of it was applied (docs/gas.md §5);
    /// after a top-up, execution can continue at `at`.
    OutOfGas { at: P, need: u64 },
    /// Host function `func` (store index) returned a resumable trap. Its results go to
    /// cells `base..`; then execution continues at `at`, or, if `at` is `None` (the host
    /// function was the called function), the call returns them.
    Host { at: Option<P>, base: usize, func: u32, trap: Trap },
}

impl<P> Stop<P> {
    /// The same stop, with its position (if it has one) mapped by `f`.
    pub(crate) fn map_at<Q>(self, f: impl FnOnce(P) -> Q) -> Stop<Q> {
        match self {
            Stop::Trap(trap) => Stop::Trap(trap),
            Stop::OutOfGas { at, need } => Stop::OutOfGas { at: f(at), need },
            Stop::Host { at, base, func, trap } => Stop::Host { at: at.map(f), base, func, trap },
        }
    }
}

impl<P> From<Stop<P>> for Trap {
    fn from(stop: Stop<P>) -> Trap {
        match stop {
            Stop::Trap(trap) | Stop::Host { trap, .. } => trap,
            Stop::OutOfGas { .. } => Trap::new(TrapCode::OutOfGas),
        }
    }
}

impl<P> From<Trap> for Stop<P> {
    fn from(trap: Trap) -> Stop<P> {
        Stop::Trap(trap)
    }
}

impl<P> From<TrapCode> for Stop<P> {
    fn from(code: TrapCode) -> Stop<P> {
        Stop::Trap(Trap::new(code))
    }
}

/// The state where the function `cf` of `instance` was just entered at frame 0.
pub(crate) fn entered(instance: u32, cf: &CompiledFunc) -> Resume {
    Resume { instance, ip: cf.entry, fp: 0, acc: 0, charge: cf.entry_cost }
}

/// Runs from `start` (a function entered, or a suspended run) in the frames of `stack` until
/// the function at frame 0 returns. With `METER`, gas is charged from a counter the handlers
/// keep in a register; it is loaded from the store here and written back when control leaves
/// the handlers. Without it, no metering code exists at all.
///
/// The handlers (`dispatch.rs`) run everything within one instance. This driver completes
/// what they hand back: calls into host code or another instance, and returns into
/// another instance. A failed charge or a resumable host trap stops it with the state to
/// continue from ([`Stop`]); continuing is calling it again with that state.
pub(crate) fn execute<T, const METER: bool>(
    store: &mut Store<T>,
    stack: &mut Stack,
    start: Resume,
    bounds: &Bounds,
) -> Result<(), Stop<Resume>> {
    let mut gas = store.inner.gas;
    if charge_entry::<METER>(&mut gas, start.charge).is_err() {
        return Err(Stop::OutOfGas { at: start, need: start.charge });
    }
    let mut cur = Cached::new(&store.inner, start.instance);
    let (mut ip, mut fp, mut acc) = (start.ip, start.fp, start.acc);
    let result = loop {
        let (exit, state, saved) = {
            let code = cur.module.code.as_ptr();
            let mut ctx = Ctx {
                ip: Ip::at(&cur.module.code, ip),
                regs: Regs::at(stack, fp),
                inner: &mut store.inner,
                stack: &mut *stack,
                cur: &cur,
                bounds,
                code,
                mem: dispatch::Mem(std::ptr::null_mut()),
                mem_len: 0,
                acc,
                gas,
                pending: Pending::default(),
                unpaid: Unpaid::default(),
            };
            ctx.mem = ctx.refresh_memory();
            let exit = if METER { dispatch::run::<true>(&mut ctx) } else { dispatch::run::<false>(&mut ctx) };
            // Only a failed charge needs the saved position.
            let saved =
                (exit == Exit::OutOfGas).then(|| (ctx.ip.index(code), ctx.regs.fp(ctx.stack), ctx.acc, ctx.unpaid));
            (exit, (ctx.gas, ctx.pending), saved)
        };
        let pending;
        (gas, pending) = state;
        acc = 0;
        match exit {
            Exit::Done => break Ok(()),
            Exit::Trap(code) => break Err(Stop::Trap(Trap::new(code))),
            Exit::OutOfGas => {
                let (ip, fp, acc, unpaid) = saved.expect("saved on OutOfGas");
                let charge = if unpaid.entry { unpaid.need } else { 0 };
                let at = Resume { instance: cur.instance, ip, fp, acc, charge };
                break Err(Stop::OutOfGas { at, need: unpaid.need });
            }
            Exit::Continue => unreachable!("the dispatch loop consumes Continue"),
            Exit::ReturnOut => {
                let frame = pending.frame;
                cur = Cached::new(&store.inner, frame.instance);
                (ip, fp) = (frame.ret_ip, frame.fp as usize);
            }
            Exit::CallOut => {
                let frame = pending.frame;
                store.inner.gas = gas;
                let next = call_store_func(store, stack, pending.func, pending.new_fp, frame, bounds);
                gas = store.inner.gas;
                match next {
                    Err(trap) if trap.is_resumable() => {
                        let at = Resume {
                            instance: frame.instance,
                            ip: frame.ret_ip,
                            fp: frame.fp as usize,
                            acc: 0,
                            charge: 0,
                        };
                        break Err(Stop::Host { at: Some(at), base: pending.new_fp, func: pending.func, trap });
                    }
                    Err(trap) => break Err(Stop::Trap(trap)),
                    Ok(Next::Returned) => (ip, fp) = (frame.ret_ip, frame.fp as usize),
                    Ok(Next::Enter { instance: callee, ip: entry, fp: callee_fp, entry_cost }) => {
                        if charge_entry::<METER>(&mut gas, entry_cost).is_err() {
                            let at = Resume {
                                instance: callee,
                                ip: entry as u32,
                                fp: callee_fp,
                                acc: 0,
                                charge: entry_cost,
                            };
                            break Err(Stop::OutOfGas { at, need: entry_cost });
                        }
                        if callee != cur.instance {
                            cur = Cached::new(&store.inner, callee);
                        }
                        (ip, fp) = (entry as u32, callee_fp);
                    }
                }
            }
        }
    };
    store.inner.gas = gas;
    result
}
