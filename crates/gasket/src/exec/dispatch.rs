//! Threaded dispatch: every IR opcode has a handler with one signature, and each handler
//! ends by fetching the next instruction's handler and calling it in tail position.
//!
//! Guarantees:
//! - **The native stack never grows with the guest's instruction count.** With the
//!   `gasket_tail_dispatch` cfg (set by `build.rs` for optimizing, non-debug builds on
//!   targets whose LLVM backend performs sibling calls) a handler's last act is a call with
//!   the same signature that LLVM lowers to a jump. Every other build uses the *loop
//!   fallback*: the same handler bodies return to a loop after each instruction. The release
//!   spec run in `.ci/run` executes on a 256 KiB thread stack, so a release build whose
//!   sibling calls were not lowered to jumps fails CI instead of overflowing in production.
//! - The interpreter state lives in the six handler arguments (instruction pointer, frame
//!   pointer, linear memory base, the accumulator, the context, and the gas counter), so it
//!   stays in registers; it is written to [`Ctx`] only when control leaves the handlers.
//!   The memory length lives in [`Ctx::mem_len`]: bounds checks load it off the critical
//!   path, which frees a register for the accumulator.
//! - **The accumulator** holds the value the previous instruction wrote to its result slot
//!   `a` when that instruction is an accumulator setter ([`Op::sets_acc`]); the accumulator
//!   forms of the next instruction read that operand from it instead of from the frame
//!   (`ir/acc.rs` says when a form may be used, and the verifier checks it). The slot is
//!   written as well, so nothing else depends on the accumulator.
//! - Every raw access is justified by the IR verifier's guarantees (see [`Ip`], [`Regs`]).

use super::{Bounds, Cached, Frame, Stack};
use crate::ir::{AccOperand, Instr, OPS};
use crate::store::StoreInner;
use crate::TrapCode;

/// The address of the current instruction.
///
/// Invariant: an `Ip` only ever points at an instruction inside the body of the function
/// being executed, in the code of the module of `Ctx::cur`. The verifier (`verify.rs`, run
/// on every translated or loaded module) guarantees that every branch target and call entry
/// lies inside its function's body, that a body ends with an instruction that transfers
/// control, and that an instruction needing an `Ext` word is followed by one. Handlers only
/// form an `Ip` from the entry of a compiled function, a verified branch target, a frame's
/// verified return address, or the successor of a non-final instruction.
#[derive(Clone, Copy)]
pub(crate) struct Ip(*const Instr);

impl Ip {
    /// The instruction at `index` of `code`; panics if out of range (never on verified IR).
    pub fn at(code: &[Instr], index: u32) -> Ip {
        Ip(&code[index as usize])
    }

    #[inline(always)]
    pub fn get(self) -> Instr {
        // SAFETY: by the type's invariant `self` points at a live instruction of a module
        // whose code is kept alive by `Ctx::cur` for as long as the handlers run.
        unsafe { *self.0 }
    }

    /// The following instruction (or `Ext` word).
    #[inline(always)]
    pub fn next(self) -> Ip {
        // SAFETY: the current instruction does not end its function body (those transfer
        // control and never call `next`), so its successor is in the same allocation.
        Ip(unsafe { self.0.add(1) })
    }

    /// The instruction at index `target` of the current module's code.
    #[inline(always)]
    pub fn jump(code: *const Instr, target: u32) -> Ip {
        // SAFETY: `target` is a verified branch target, call entry or return address of the
        // module whose code starts at `code`, so it is in bounds.
        Ip(unsafe { code.add(target as usize) })
    }

    /// The index of this instruction in the code starting at `code`.
    #[inline(always)]
    pub fn index(self, code: *const Instr) -> u32 {
        ((self.0 as usize - code as usize) / std::mem::size_of::<Instr>()) as u32
    }
}

/// The frame of the executing function: 8-byte cells, `Regs(p)[s]` is slot `s`.
///
/// Invariant: the value stack holds at least `frame_size` cells from this pointer on (the
/// caller checked it in `Stack::enter`), and the verifier guarantees that every slot operand
/// of the function's instructions is below its `frame_size` (span operands end within it).
/// A `Regs` is re-derived from the stack after anything that may reallocate the stack.
#[derive(Clone, Copy)]
pub(crate) struct Regs(*mut u64);

impl Regs {
    pub fn at(stack: &mut Stack, fp: usize) -> Regs {
        assert!(fp <= stack.cells.len());
        Regs(stack.cells.as_mut_ptr().wrapping_add(fp))
    }

    #[inline(always)]
    pub fn get(self, slot: u32) -> u64 {
        // SAFETY: slot operands are below the frame size (type invariant).
        unsafe { *self.0.add(slot as usize) }
    }

    #[inline(always)]
    pub fn set(self, slot: u32, value: u64) {
        // SAFETY: as for `get`.
        unsafe { *self.0.add(slot as usize) = value }
    }

    /// Copies `n` cells from slot `src` to slot `dst`, as `memmove`.
    #[inline(always)]
    pub fn copy(self, dst: u32, src: u32, n: u32) {
        // SAFETY: the verifier checks `src + n` and `dst + n` against the frame size.
        unsafe { std::ptr::copy(self.0.add(src as usize), self.0.add(dst as usize), n as usize) }
    }

    /// The frame pointer: this frame's index in the value stack.
    #[inline(always)]
    pub fn fp(self, stack: &Stack) -> usize {
        (self.0 as usize - stack.cells.as_ptr() as usize) / 8
    }
}

/// The base of linear memory 0; accesses are bounds-checked against [`Ctx::mem_len`] by
/// each handler. Re-derived from the store after anything that can move or resize
/// the memory (`memory.grow`, bulk operations, host calls, instance switches).
#[derive(Clone, Copy)]
pub(crate) struct Mem(pub *mut u8);

/// Why control left the handlers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    /// Loop fallback only: one instruction ran; the state is in the context.
    #[cfg_attr(gasket_tail_dispatch, allow(dead_code))]
    Continue,
    /// The entered function returned.
    Done,
    /// The guest trapped.
    Trap(TrapCode),
    /// A call the handlers do not complete themselves (an imported function, or a
    /// `call_indirect` into host code or another instance): see `Ctx::pending`.
    CallOut,
    /// A return into a frame of another instance: see `Ctx::pending`.
    ReturnOut,
    /// A charge did not fit (docs/gas.md §3-4), and none of it was applied: the trap
    /// `OutOfGas`, with the register state saved where execution resumes after a top-up
    /// (`Ctx::ip` and the others, and `Ctx::unpaid`). Made only on the
    /// cold path of a failed charge, so a plain call pays nothing for resumability.
    OutOfGas,
}

/// A call or return handed to the driver.
#[derive(Clone, Copy, Default)]
pub(crate) struct Pending {
    pub func: u32,
    pub new_fp: usize,
    pub frame: Frame,
}

/// The charge that failed, with [`Exit::OutOfGas`].
#[derive(Clone, Copy, Default)]
pub(crate) struct Unpaid {
    /// The gas it needed.
    pub need: u64,
    /// True if the saved `ip` is a function's entry whose entry cost (`need`) is still to
    /// be paid; false if the instruction at `ip` is to run again, which makes the charge
    /// itself (every charging handler charges before it has any effect).
    pub entry: bool,
}

/// What the handlers share besides the register state.
pub(crate) struct Ctx<'s> {
    pub inner: &'s mut StoreInner,
    pub stack: &'s mut Stack,
    pub cur: &'s Cached,
    pub bounds: &'s Bounds,
    /// The start of `cur.module.code`.
    pub code: *const Instr,
    // The register state, saved when control leaves the handlers.
    pub ip: Ip,
    pub regs: Regs,
    pub mem: Mem,
    pub acc: u64,
    pub gas: u64,
    /// The length of linear memory 0 in bytes (0 without one): not a handler argument, see
    /// the module docs; kept in step with `mem` by [`Ctx::refresh_memory`].
    pub mem_len: usize,
    pub pending: Pending,
    pub unpaid: Unpaid,
}

impl Ctx<'_> {
    /// Saves the register state.
    #[inline(always)]
    pub fn save(&mut self, ip: Ip, r: Regs, mem: Mem, acc: u64, gas: u64) {
        self.ip = ip;
        self.regs = r;
        self.mem = mem;
        self.acc = acc;
        self.gas = gas;
    }

    /// Leaves the handlers with a trap.
    #[cold]
    pub fn trap(&mut self, gas: u64, code: TrapCode) -> Exit {
        self.gas = gas;
        Exit::Trap(code)
    }

    /// Leaves the handlers because charging `need` failed in the instruction at `ip`, which
    /// has had no effect: saves the state to run it again (see [`Exit::OutOfGas`]).
    #[cold]
    #[inline(never)]
    pub fn out_of_gas(&mut self, ip: Ip, r: Regs, acc: u64, gas: u64, need: u64) -> Exit {
        self.save(ip, r, self.mem, acc, gas);
        self.unpaid = Unpaid { need, entry: false };
        opaque_out_of_gas()
    }

    /// Leaves the handlers because the entry cost `need` of the function just entered at
    /// `entry` (frame pushed at `fp`) did not fit: saves the state to pay it and run there.
    #[cold]
    #[inline(never)]
    pub fn out_of_gas_at_entry(&mut self, entry: u32, fp: usize, acc: u64, gas: u64, need: u64) -> Exit {
        let (ip, r) = (Ip::jump(self.code, entry), Regs::at(self.stack, fp));
        self.save(ip, r, self.mem, acc, gas);
        self.unpaid = Unpaid { need, entry: true };
        opaque_out_of_gas()
    }

    /// The store index of the instance's memory 0, for a memory operator: the verifier
    /// refuses memory operators in a module without a memory.
    pub fn memory_index(&self) -> usize {
        self.cur.mem.expect("verified: memory operators need a memory")
    }

    /// Linear memory 0 as it is now (length 0 if the instance has none): sets `mem_len` and
    /// returns the base.
    pub fn refresh_memory(&mut self) -> Mem {
        let (mem, len) = match self.cur.mem {
            Some(m) => {
                let bytes = &mut self.inner.memories[m].bytes;
                (Mem(bytes.as_mut_ptr()), bytes.len())
            }
            None => (Mem(std::ptr::NonNull::dangling().as_ptr()), 0),
        };
        self.mem_len = len;
        mem
    }
}

/// A handler: runs the instruction at `ip` and continues with the next one.
pub(crate) type Handler = fn(Ip, Regs, Mem, u64, &mut Ctx<'_>, u64) -> Exit;

/// The handlers' `S` values that read operand `a`, `b` or `c` from the accumulator.
pub(super) const ACC_A: u8 = AccOperand::A as u8;
pub(super) const ACC_B: u8 = AccOperand::B as u8;
pub(super) const ACC_C: u8 = AccOperand::C as u8;

/// An operand of a handler instantiated with `S`: the accumulator if `S` is `which`
/// (one of `ACC_A`, `ACC_B`, `ACC_C`), otherwise the value of `slot`.
#[inline(always)]
pub(super) fn operand<const S: u8>(which: u8, r: Regs, slot: u32, acc: u64) -> u64 {
    if S == which {
        acc
    } else {
        r.get(slot)
    }
}

/// `Exit::OutOfGas`, hidden from the optimizer. Were the out-of-gas paths known to return a
/// constant, LLVM would call them and then return the constant itself instead of jumping to
/// them (a sibling call); that call made every charging handler, hot path included, push and
/// pop a stack slot to align the stack for it.
#[inline(always)]
fn opaque_out_of_gas() -> Exit {
    std::hint::black_box(Exit::OutOfGas)
}

/// Continues with the instruction at `$ip`: a sibling call to its handler, or (loop fallback)
/// a return to the loop in [`run`].
macro_rules! next {
    ($ip:expr, $r:expr, $mem:expr, $acc:expr, $ctx:expr, $gas:expr) => {{
        #[cfg(gasket_tail_dispatch)]
        {
            return $crate::exec::dispatch::dispatch::<M>($ip, $r, $mem, $acc, $ctx, $gas);
        }
        #[cfg(not(gasket_tail_dispatch))]
        {
            $ctx.save($ip, $r, $mem, $acc, $gas);
            return $crate::exec::dispatch::Exit::Continue;
        }
    }};
}
pub(super) use next;

/// Charges `cost` from the gas counter for the instruction at `$ip`, or leaves with
/// [`Exit::OutOfGas`] leaving it unchanged (docs/gas.md §3), the instruction to run again on
/// resumption. Compiled out without metering.
macro_rules! charge {
    ($ip:expr, $r:expr, $acc:expr, $ctx:expr, $gas:ident, $cost:expr) => {
        if M {
            let cost: u64 = $cost;
            if $gas < cost {
                return $ctx.out_of_gas($ip, $r, $acc, $gas, cost);
            }
            $gas -= cost;
        }
    };
}
pub(super) use charge;

/// Charges the entry cost of the function just entered at `$entry` with its frame at
/// `$fp`, or leaves with [`Exit::OutOfGas`] to pay it there on resumption.
macro_rules! charge_entry {
    ($ctx:expr, $gas:ident, $cost:expr, $entry:expr, $fp:expr, $acc:expr) => {
        if M {
            let cost: u64 = $cost;
            if $gas < cost {
                return $ctx.out_of_gas_at_entry($entry, $fp, $acc, $gas, cost);
            }
            $gas -= cost;
        }
    };
}
pub(super) use charge_entry;

/// The not-taken edge of the conditional branch at `$ip`: continues with the next word or,
/// when the branch carries the fall-through run's cost (`Instr::fall_gas`, metering only),
/// pays it and continues past that run's `Charge`, which is the next word (verified).
///
/// A branch, not arithmetic, picks the successor: every later instruction's operands are
/// loaded through `ip`, and a computed `ip` put the gas load and test on that path (the
/// metered `loop` benchmark ran 30% slower); a predicted branch keeps them off it.
macro_rules! fall_through {
    ($ip:expr, $r:expr, $mem:expr, $acc:expr, $ctx:expr, $gas:ident) => {{
        if M {
            let fall = $ip.get().fall_gas();
            if fall != 0 {
                $crate::exec::dispatch::charge!($ip, $r, $acc, $ctx, $gas, fall);
                // The next word is that `Charge` (verified), which does not end a body.
                $crate::exec::dispatch::next!($ip.next().next(), $r, $mem, $acc, $ctx, $gas)
            }
        }
        $crate::exec::dispatch::next!($ip.next(), $r, $mem, $acc, $ctx, $gas)
    }};
}
pub(super) use fall_through;

/// Leaves the handlers for the driver, saving the register state.
macro_rules! leave {
    ($exit:expr, $ip:expr, $r:expr, $mem:expr, $acc:expr, $ctx:expr, $gas:expr) => {{
        $ctx.save($ip, $r, $mem, $acc, $gas);
        return $exit;
    }};
}
pub(super) use leave;

/// Calls the handler of the instruction at `ip`.
#[inline(always)]
pub(super) fn dispatch<const M: bool>(ip: Ip, r: Regs, mem: Mem, acc: u64, ctx: &mut Ctx<'_>, gas: u64) -> Exit {
    let table = if M { &METERED } else { &UNMETERED };
    table[ip.get().op as usize](ip, r, mem, acc, ctx, gas)
}

/// Runs from the state saved in `ctx` until control leaves the handlers.
pub(super) fn run<const M: bool>(ctx: &mut Ctx<'_>) -> Exit {
    #[cfg(gasket_tail_dispatch)]
    {
        dispatch::<M>(ctx.ip, ctx.regs, ctx.mem, ctx.acc, ctx, ctx.gas)
    }
    #[cfg(not(gasket_tail_dispatch))]
    loop {
        match dispatch::<M>(ctx.ip, ctx.regs, ctx.mem, ctx.acc, ctx, ctx.gas) {
            Exit::Continue => {}
            exit => return exit,
        }
    }
}

// Constants, not statics: a reference to a promoted constant is PC-relative (`lea`), where a
// static was reached through the GOT, one more load on every dispatch in a PIE executable.
// In the release build each table is still one object (one address per table in the
// disassembly).
const METERED: [Handler; OPS.len()] = super::table::table::<true>();
const UNMETERED: [Handler; OPS.len()] = super::table::table::<false>();
