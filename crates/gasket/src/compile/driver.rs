//! The compiled tier's driver: enters compiled code and completes what it hands back, as the
//! interpreter's driver (`exec/mod.rs`) does for its handlers: calls into host code and into
//! other instances, and traps.
//!
//! Guarantees:
//! - **Calls across instances never recurse on the host stack**: the suspended callers are a
//!   heap vector of [`Activation`]s, and each callee runs in a new activation on the same
//!   compiled stack, below its caller's frames.
//! - Calls, limits and gas follow the interpreter's order exactly (depth, then value stack,
//!   then locals zeroed, then the callee's first run charged), with the same counters.

use super::runtime::{trampolines, Exit, JitCtx, JitStack};
use super::step::trap_of;
use crate::exec::{call_host, charge_entry, Bounds, Cached, Stack, Stop};
use crate::module::ModuleInner;
use crate::store::{FuncKind, Store, StoreInner};
use crate::translate::CompiledFunc;
use crate::{Trap, TrapCode};

/// A `call_indirect` target.
pub(super) enum Callee {
    /// A function of the executing instance: its prologue's address.
    Local(u64),
    /// Any other store function (host code, another instance): the driver calls it.
    Store(u32),
}

/// What builtins need while compiled code runs (reached through `JitCtx::driver`). Set up by
/// [`execute`] before every entry into compiled code, from references it does not use until
/// compiled code has left.
pub(crate) struct Driver {
    inner: *mut StoreInner,
    stack: *mut Stack,
    cur: *const Cached,
    bounds: *const Bounds,
    metered: bool,
    /// Set by a builtin that caught a panic (a bug): the call fails with a host trap.
    pub panicked: bool,
}

impl Driver {
    /// [`crate::exec::step`] on the current frame; out of gas, `exit_arg` is the gas needed.
    pub fn step(&mut self, ctx: &mut JitCtx, index: usize) -> Result<(), TrapCode> {
        // SAFETY: the pointers were made by `execute` from live, exclusive references that it
        // does not use while compiled code (and so this builtin) runs.
        let (inner, stack, cur, bounds) = unsafe { (&mut *self.inner, &mut *self.stack, &*self.cur, &*self.bounds) };
        let (mut gas, fp) = (ctx.gas, ctx.fp as usize);
        let r = if self.metered {
            crate::exec::step::<true>(inner, stack, cur, bounds, fp, index, &mut gas, &mut ctx.exit_arg)
        } else {
            crate::exec::step::<false>(inner, stack, cur, bounds, fp, index, &mut gas, &mut ctx.exit_arg)
        };
        ctx.gas = gas;
        r
    }

    /// Memory 0 as it is now, into the context (after anything that may grow it).
    pub fn sync_memory(&self, ctx: &mut JitCtx) {
        // SAFETY: as in `step`.
        let (inner, cur) = unsafe { (&mut *self.inner, &*self.cur) };
        set_memory(ctx, inner, cur);
    }

    /// `call_indirect` through table `table` (a module table index) at `elem`, expecting type
    /// `ty`: the interpreter's checks, in its order.
    pub fn resolve_indirect(&mut self, ty: u32, table: u32, elem: u32) -> Result<Callee, TrapCode> {
        // SAFETY: as in `step`.
        let (inner, cur) = unsafe { (&*self.inner, &*self.cur) };
        let elements = &inner.tables[cur.tables[table as usize] as usize].elements;
        let cell = match elements.get(elem as usize) {
            Some(0) => return Err(TrapCode::UninitializedElement),
            Some(cell) => *cell,
            None => return Err(TrapCode::UndefinedElement),
        };
        let func = (cell - 1) as u32;
        let entity = &inner.funcs[func as usize];
        if entity.type_id != cur.type_ids[ty as usize] {
            return Err(TrapCode::IndirectCallTypeMismatch);
        }
        match entity.kind {
            FuncKind::Wasm { instance, index } if instance == cur.instance => {
                let native = cur.module.native.as_ref().expect("a compiled module");
                Ok(Callee::Local(native.prologue(index - cur.module.num_imported_funcs)))
            }
            _ => Ok(Callee::Store(func)),
        }
    }

    /// Grows the value stack to at least `end` cells, as the interpreter's calls do.
    pub fn grow_cells(&mut self, ctx: &mut JitCtx, end: usize) -> Result<(), TrapCode> {
        // SAFETY: as in `step`.
        let (stack, bounds) = unsafe { (&mut *self.stack, &*self.bounds) };
        grow(stack, bounds, end)?;
        set_cells(ctx, stack);
        Ok(())
    }
}

/// Makes cells up to `end` exist: the interpreter's growth rule (`Stack::enter`).
fn grow(stack: &mut Stack, bounds: &Bounds, end: usize) -> Result<(), TrapCode> {
    if end > stack.cells.len() {
        if end > bounds.max_cells {
            return Err(TrapCode::ValueStackExhausted);
        }
        let target = end.max(stack.cells.len() * 2).min(bounds.max_cells).max(1024.min(bounds.max_cells));
        stack.cells.resize(target.max(end), 0);
    }
    Ok(())
}

fn set_cells(ctx: &mut JitCtx, stack: &mut Stack) {
    ctx.cells = stack.cells.as_mut_ptr() as u64;
    ctx.cells_len = stack.cells.len() as u64;
}

fn set_memory(ctx: &mut JitCtx, inner: &mut StoreInner, cur: &Cached) {
    (ctx.mem_base, ctx.mem_len) = match cur.mem {
        Some(m) => {
            let bytes = &mut inner.memories[m].bytes;
            (bytes.as_mut_ptr() as u64, bytes.len() as u64)
        }
        None => (std::ptr::NonNull::<u8>::dangling().as_ptr() as u64, 0),
    };
}

/// A caller suspended in a call into another instance: where to resume it.
struct Activation {
    cur: Cached,
    fp: u64,
    resume: u64,
}

/// The executing instance's global cells, for compiled code: rebuilt when the instance or the
/// store's globals (which a host function may add to) change.
#[derive(Default)]
struct GlobalCells {
    cells: Vec<*mut u64>,
    key: Option<(u32, usize, usize)>,
}

impl GlobalCells {
    fn refresh(&mut self, inner: &mut StoreInner, cur: &Cached) -> u64 {
        let key = (cur.instance, inner.globals.as_ptr() as usize, inner.globals.len());
        if self.key != Some(key) {
            self.cells.clear();
            self.cells.extend(cur.globals.iter().map(|&g| &mut inner.globals[g as usize].value as *mut u64));
            self.key = Some(key);
        }
        self.cells.as_ptr() as u64
    }
}

/// The address of the body of `module`'s function `index` (a module function index).
fn body_of(module: &ModuleInner, index: u32) -> u64 {
    module.native.as_ref().expect("a compiled module").body(index - module.num_imported_funcs)
}

/// A call on the compiled tier, between two entries into compiled code: what the driver
/// keeps besides the value stack and the compiled stack (both in the call's [`Stack`]). A
/// call that stopped (`Stop<()>`) is this and its `Stack`, and continues where it stopped.
pub(crate) struct JitCall {
    ctx: JitCtx,
    cur: Cached,
    suspended: Vec<Activation>,
    /// The entry cost of the function about to be entered from the driver, still to pay.
    unpaid: u64,
}

impl std::fmt::Debug for JitCall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JitCall").field("instance", &self.cur.instance).field("unpaid", &self.unpaid).finish()
    }
}

impl JitCall {
    /// A call of `entered`, function `index` of `instance`, already set up at frame 0 of
    /// `stack`; its first run is charged when it runs.
    pub fn new<T>(
        store: &Store<T>,
        stack: &mut Stack,
        instance: u32,
        index: u32,
        entered: &CompiledFunc,
        bounds: &Bounds,
    ) -> JitCall {
        let t = trampolines();
        if !stack.jit.as_ref().is_some_and(|j| j.fits(bounds.max_frames)) {
            stack.jit = Some(JitStack::new(bounds.max_frames));
        }
        let top = stack.jit.as_mut().expect("allocated above").top();
        let cur = Cached::new(&store.inner, instance);
        let entry = body_of(&cur.module, index);
        let ctx = JitCtx {
            jit_sp: top,
            max_frames: bounds.max_frames as u64,
            target: t.invoke,
            callee: entry,
            exit_addr: t.exit,
            host_call: t.host_call,
            out_of_gas: t.out_of_gas,
            ..JitCtx::default()
        };
        JitCall { ctx, cur, suspended: Vec::new(), unpaid: entered.entry_cost }
    }

    /// Runs the call, with the store's gas, until its function returns (its results in the
    /// cells of `stack`) or it stops. The compiled tier's counterpart of the interpreter's
    /// `execute`; `stack` must be the one the call started with.
    pub fn run<T, const METER: bool>(
        &mut self,
        store: &mut Store<T>,
        stack: &mut Stack,
        bounds: &Bounds,
    ) -> Result<(), Stop<()>> {
        let t = trampolines();
        let ctx = &mut self.ctx;
        ctx.gas = store.inner.gas;
        let mut globals = GlobalCells::default();
        let result = loop {
            if charge_entry::<METER>(&mut ctx.gas, self.unpaid).is_err() {
                break Err(Stop::OutOfGas { at: (), need: self.unpaid });
            }
            self.unpaid = 0;
            set_cells(ctx, stack);
            set_memory(ctx, &mut store.inner, &self.cur);
            ctx.globals = globals.refresh(&mut store.inner, &self.cur);
            let mut driver = Driver {
                inner: &mut store.inner,
                stack: &mut *stack,
                cur: &self.cur,
                bounds,
                metered: METER,
                panicked: false,
            };
            ctx.driver = &mut driver as *mut Driver as u64;
            let exit = (t.enter)(ctx);
            if driver.panicked {
                break Err(Stop::Trap(Trap::host("internal error: a compiler-tier builtin panicked")));
            }
            match Exit::from_u32(exit) {
                Some(Exit::Done) => match self.suspended.pop() {
                    None => break Ok(()),
                    Some(caller) => {
                        // The callee's frame, pushed when the call left its caller's instance.
                        ctx.depth -= 1;
                        self.cur = caller.cur;
                        ctx.fp = caller.fp;
                        ctx.target = caller.resume;
                    }
                },
                Some(Exit::Trap) => break Err(Stop::Trap(Trap::new(trap_of(ctx.exit_arg)))),
                Some(Exit::OutOfGas) => {
                    ctx.target = t.resume_regs;
                    break Err(Stop::OutOfGas { at: (), need: ctx.exit_arg });
                }
                Some(kind @ (Exit::CallImport | Exit::CallStore)) => {
                    let func = if kind == Exit::CallImport {
                        self.cur.funcs[ctx.exit_arg as usize]
                    } else {
                        ctx.exit_arg as u32
                    };
                    let new_fp = ctx.exit_fp as usize;
                    ctx.target = ctx.resume;
                    match call_out(store, stack, ctx, func, new_fp, bounds, self.cur.instance) {
                        Err(trap) if trap.is_resumable() => {
                            break Err(Stop::Host { at: Some(()), base: new_fp, func, trap })
                        }
                        Err(trap) => break Err(Stop::Trap(trap)),
                        Ok(None) => {}
                        Ok(Some((callee, index, entry_cost))) => {
                            let body = body_of(&store.inner.instances[callee as usize].module, index);
                            let caller = std::mem::replace(&mut self.cur, Cached::new(&store.inner, callee));
                            self.suspended.push(Activation { cur: caller, fp: ctx.fp, resume: ctx.resume });
                            ctx.fp = new_fp as u64;
                            ctx.callee = body;
                            ctx.target = t.invoke;
                            self.unpaid = entry_cost;
                        }
                    }
                }
                None => break Err(Stop::Trap(Trap::host("internal error: compiled code left with an unknown exit"))),
            }
        };
        store.inner.gas = ctx.gas;
        result
    }
}

/// Runs `entered`, function `index` of `instance` (already set up at frame 0 of `stack`),
/// until it returns: a call that cannot stop part-way.
pub(crate) fn execute<T, const METER: bool>(
    store: &mut Store<T>,
    stack: &mut Stack,
    instance: u32,
    index: u32,
    entered: &CompiledFunc,
    bounds: &Bounds,
) -> Result<(), Trap> {
    let mut call = JitCall::new(store, stack, instance, index, entered, bounds);
    Ok(call.run::<T, METER>(store, stack, bounds)?)
}

/// Calls store function `func` for compiled code of instance `caller`, its frame at cell
/// `new_fp`: a host function runs here (`None`); a Wasm function of another instance is
/// entered as the interpreter enters it (depth, value stack, locals; its first run is then
/// charged by the caller), and its instance, function index and entry cost are returned for
/// a new activation.
fn call_out<T>(
    store: &mut Store<T>,
    stack: &mut Stack,
    ctx: &mut JitCtx,
    func: u32,
    new_fp: usize,
    bounds: &Bounds,
    caller: u32,
) -> Result<Option<(u32, u32, u64)>, Trap> {
    match store.inner.funcs[func as usize].kind {
        FuncKind::Wasm { instance, index } => {
            let module = &store.inner.instances[instance as usize].module;
            let cf = module.compiled[(index - module.num_imported_funcs) as usize];
            if ctx.depth as usize >= bounds.max_frames {
                return Err(Trap::new(TrapCode::CallStackExhausted));
            }
            grow(stack, bounds, new_fp + cf.frame_size as usize)?;
            stack.cells[new_fp + cf.params as usize..new_fp + cf.locals as usize].fill(0);
            ctx.depth += 1;
            Ok(Some((instance, index, cf.entry_cost)))
        }
        FuncKind::Host { .. } => {
            let depth = ctx.depth as u32 + 1;
            let ty = &store.inner.funcs[func as usize].ty;
            grow(stack, bounds, new_fp + ty.params().len().max(ty.results().len()))?;
            store.inner.gas = ctx.gas;
            store.inner.depth += depth;
            let result = call_host(store, &mut stack.cells, func, new_fp, Some(caller));
            store.inner.depth -= depth;
            ctx.gas = store.inner.gas;
            result.map(|()| None)
        }
    }
}
