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
//! - The interpreter state lives in the handler arguments (instruction pointer, frame
//!   pointer, linear memory base and length, the context, and the gas counter), so it stays
//!   in registers; it is written to [`Ctx`] only when control leaves the handlers.
//! - Every raw access is justified by the IR verifier's guarantees (see [`Ip`], [`Regs`]).

use super::{control, memory, numeric, Bounds, Cached, Frame, Stack};
use crate::ir::{Instr, Op, OPS};
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
pub(super) struct Ip(*const Instr);

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
pub(super) struct Regs(*mut u64);

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

/// Linear memory 0 as a base pointer and a length; accesses are bounds-checked against the
/// length by each handler. Re-derived from the store after anything that can move or resize
/// the memory (`memory.grow`, bulk operations, host calls, instance switches).
#[derive(Clone, Copy)]
pub(super) struct Mem(pub *mut u8);

/// Why control left the handlers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Exit {
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
}

/// A call or return handed to the driver.
#[derive(Clone, Copy, Default)]
pub(super) struct Pending {
    pub func: u32,
    pub new_fp: usize,
    pub frame: Frame,
}

/// What the handlers share besides the register state.
pub(super) struct Ctx<'s> {
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
    pub mem_len: usize,
    pub gas: u64,
    pub pending: Pending,
}

impl Ctx<'_> {
    /// Saves the register state.
    #[inline(always)]
    pub fn save(&mut self, ip: Ip, r: Regs, mem: Mem, len: usize, gas: u64) {
        self.ip = ip;
        self.regs = r;
        self.mem = mem;
        self.mem_len = len;
        self.gas = gas;
    }

    /// Leaves the handlers with a trap.
    #[cold]
    pub fn trap(&mut self, gas: u64, code: TrapCode) -> Exit {
        self.gas = gas;
        Exit::Trap(code)
    }

    /// The store index of the instance's memory 0, for a memory operator: the verifier
    /// refuses memory operators in a module without a memory.
    pub fn memory_index(&self) -> usize {
        self.cur.mem.expect("verified: memory operators need a memory")
    }

    /// Linear memory 0 as it is now (length 0 if the instance has none).
    pub fn memory(&mut self) -> (Mem, usize) {
        match self.cur.mem {
            Some(m) => {
                let bytes = &mut self.inner.memories[m].bytes;
                (Mem(bytes.as_mut_ptr()), bytes.len())
            }
            None => (Mem(std::ptr::NonNull::dangling().as_ptr()), 0),
        }
    }
}

/// A handler: runs the instruction at `ip` and continues with the next one.
pub(super) type Handler = fn(Ip, Regs, Mem, usize, &mut Ctx<'_>, u64) -> Exit;

/// Continues with the instruction at `$ip`: a sibling call to its handler, or (loop fallback)
/// a return to the loop in [`run`].
macro_rules! next {
    ($ip:expr, $r:expr, $mem:expr, $len:expr, $ctx:expr, $gas:expr) => {{
        #[cfg(gasket_tail_dispatch)]
        {
            return $crate::exec::dispatch::dispatch::<M>($ip, $r, $mem, $len, $ctx, $gas);
        }
        #[cfg(not(gasket_tail_dispatch))]
        {
            $ctx.save($ip, $r, $mem, $len, $gas);
            return $crate::exec::dispatch::Exit::Continue;
        }
    }};
}
pub(super) use next;

/// Charges `cost` from the gas counter, or traps with `OutOfGas` leaving it unchanged
/// (docs/gas.md §3). Compiled out without metering.
macro_rules! charge {
    ($ctx:expr, $gas:ident, $cost:expr) => {
        if M {
            let cost: u64 = $cost;
            if $gas < cost {
                return $ctx.trap($gas, $crate::TrapCode::OutOfGas);
            }
            $gas -= cost;
        }
    };
}
pub(super) use charge;

/// The not-taken edge of the conditional branch at `$ip`: continues with the next word or,
/// when the branch carries the fall-through run's cost (`Instr::fall_gas`, metering only),
/// pays it and continues past that run's `Charge`, which is the next word (verified).
///
/// A branch, not arithmetic, picks the successor: every later instruction's operands are
/// loaded through `ip`, and a computed `ip` put the gas load and test on that path (the
/// metered `loop` benchmark ran 30% slower); a predicted branch keeps them off it.
macro_rules! fall_through {
    ($ip:expr, $r:expr, $mem:expr, $len:expr, $ctx:expr, $gas:ident) => {{
        if M {
            let fall = $ip.get().fall_gas();
            if fall != 0 {
                $crate::exec::dispatch::charge!($ctx, $gas, fall);
                // The next word is that `Charge` (verified), which does not end a body.
                $crate::exec::dispatch::next!($ip.next().next(), $r, $mem, $len, $ctx, $gas)
            }
        }
        $crate::exec::dispatch::next!($ip.next(), $r, $mem, $len, $ctx, $gas)
    }};
}
pub(super) use fall_through;

/// Leaves the handlers for the driver, saving the register state.
macro_rules! leave {
    ($exit:expr, $ip:expr, $r:expr, $mem:expr, $len:expr, $ctx:expr, $gas:expr) => {{
        $ctx.save($ip, $r, $mem, $len, $gas);
        return $exit;
    }};
}
pub(super) use leave;

/// Calls the handler of the instruction at `ip`.
#[inline(always)]
pub(super) fn dispatch<const M: bool>(ip: Ip, r: Regs, mem: Mem, len: usize, ctx: &mut Ctx<'_>, gas: u64) -> Exit {
    let table = if M { &METERED } else { &UNMETERED };
    table[ip.get().op as usize](ip, r, mem, len, ctx, gas)
}

/// Runs from the state saved in `ctx` until control leaves the handlers.
pub(super) fn run<const M: bool>(ctx: &mut Ctx<'_>) -> Exit {
    #[cfg(gasket_tail_dispatch)]
    {
        dispatch::<M>(ctx.ip, ctx.regs, ctx.mem, ctx.mem_len, ctx, ctx.gas)
    }
    #[cfg(not(gasket_tail_dispatch))]
    loop {
        match dispatch::<M>(ctx.ip, ctx.regs, ctx.mem, ctx.mem_len, ctx, ctx.gas) {
            Exit::Continue => {}
            exit => return exit,
        }
    }
}

static METERED: [Handler; OPS.len()] = table::<true>();
static UNMETERED: [Handler; OPS.len()] = table::<false>();

const fn table<const M: bool>() -> [Handler; OPS.len()] {
    let mut t = [control::ext::<M> as Handler; OPS.len()];
    let mut i = 0;
    while i < OPS.len() {
        t[i] = handler::<M>(OPS[i]);
        i += 1;
    }
    t
}

/// The handler of each opcode.
const fn handler<const M: bool>(op: Op) -> Handler {
    use control as c;
    use memory as m;
    use numeric as n;
    match op {
        Op::Ext => c::ext::<M>,
        Op::Charge => c::charge::<M>,
        Op::Unreachable => c::unreachable::<M>,
        Op::Copy => c::copy::<M>,
        Op::CopySpan => c::copy_span::<M>,
        Op::Const32 => c::const32::<M>,
        Op::Const64 => c::const64::<M>,
        Op::Br => c::br::<M>,
        Op::BrIfNez => c::br_if_nez::<M>,
        Op::BrIfEqz => c::br_if_eqz::<M>,
        Op::BrTable => c::br_table::<M>,
        Op::Return0 => c::return0::<M>,
        Op::Return1 => c::return1::<M>,
        Op::ReturnN => c::return_n::<M>,
        Op::Call => c::call::<M>,
        Op::CallIndirect => c::call_indirect::<M>,
        Op::SelectEqz => c::select_eqz::<M>,
        Op::GlobalGet => c::global_get::<M>,
        Op::GlobalSet => c::global_set::<M>,
        Op::RefFunc => c::ref_func::<M>,
        Op::I32Load => m::i32_load::<M>,
        Op::I64Load => m::i64_load::<M>,
        Op::I32Load8S => m::i32_load8_s::<M>,
        Op::I32Load8U => m::i32_load8_u::<M>,
        Op::I32Load16S => m::i32_load16_s::<M>,
        Op::I32Load16U => m::i32_load16_u::<M>,
        Op::I64Load8S => m::i64_load8_s::<M>,
        Op::I64Load8U => m::i64_load8_u::<M>,
        Op::I64Load16S => m::i64_load16_s::<M>,
        Op::I64Load16U => m::i64_load16_u::<M>,
        Op::I64Load32S => m::i64_load32_s::<M>,
        Op::I64Load32U => m::i64_load32_u::<M>,
        Op::I32Store => m::i32_store::<M>,
        Op::I64Store => m::i64_store::<M>,
        Op::I32Store8 => m::i32_store8::<M>,
        Op::I32Store16 => m::i32_store16::<M>,
        Op::I64Store8 => m::i64_store8::<M>,
        Op::I64Store16 => m::i64_store16::<M>,
        Op::I64Store32 => m::i64_store32::<M>,
        Op::MemorySize => m::memory_size::<M>,
        Op::MemoryGrow => m::memory_grow::<M>,
        Op::MemoryFill => m::memory_fill::<M>,
        Op::MemoryCopy => m::memory_copy::<M>,
        Op::MemoryInit => m::memory_init::<M>,
        Op::DataDrop => m::data_drop::<M>,
        Op::TableGet => c::table_get::<M>,
        Op::TableSet => c::table_set::<M>,
        Op::TableSize => c::table_size::<M>,
        Op::TableGrow => c::table_grow::<M>,
        Op::TableFill => c::table_fill::<M>,
        Op::TableCopy => c::table_copy::<M>,
        Op::TableInit => c::table_init::<M>,
        Op::ElemDrop => c::elem_drop::<M>,
        Op::I32Eqz => n::i32_eqz::<M>,
        Op::I32Clz => n::i32_clz::<M>,
        Op::I32Ctz => n::i32_ctz::<M>,
        Op::I32Popcnt => n::i32_popcnt::<M>,
        Op::I32Extend8S => n::i32_extend8_s::<M>,
        Op::I32Extend16S => n::i32_extend16_s::<M>,
        Op::I64Eqz => n::i64_eqz::<M>,
        Op::I64Clz => n::i64_clz::<M>,
        Op::I64Ctz => n::i64_ctz::<M>,
        Op::I64Popcnt => n::i64_popcnt::<M>,
        Op::I64Extend8S => n::i64_extend8_s::<M>,
        Op::I64Extend16S => n::i64_extend16_s::<M>,
        Op::I64Extend32S => n::i64_extend32_s::<M>,
        Op::F32Abs => n::f32_abs::<M>,
        Op::F32Neg => n::f32_neg::<M>,
        Op::F32Ceil => n::f32_ceil::<M>,
        Op::F32Floor => n::f32_floor::<M>,
        Op::F32Trunc => n::f32_trunc::<M>,
        Op::F32Nearest => n::f32_nearest::<M>,
        Op::F32Sqrt => n::f32_sqrt::<M>,
        Op::F64Abs => n::f64_abs::<M>,
        Op::F64Neg => n::f64_neg::<M>,
        Op::F64Ceil => n::f64_ceil::<M>,
        Op::F64Floor => n::f64_floor::<M>,
        Op::F64Trunc => n::f64_trunc::<M>,
        Op::F64Nearest => n::f64_nearest::<M>,
        Op::F64Sqrt => n::f64_sqrt::<M>,
        Op::I32WrapI64 => n::i32_wrap_i64::<M>,
        Op::I64ExtendI32S => n::i64_extend_i32_s::<M>,
        Op::I64ExtendI32U => n::i64_extend_i32_u::<M>,
        Op::I32TruncF32S => n::i32_trunc_f32_s::<M>,
        Op::I32TruncF32U => n::i32_trunc_f32_u::<M>,
        Op::I32TruncF64S => n::i32_trunc_f64_s::<M>,
        Op::I32TruncF64U => n::i32_trunc_f64_u::<M>,
        Op::I64TruncF32S => n::i64_trunc_f32_s::<M>,
        Op::I64TruncF32U => n::i64_trunc_f32_u::<M>,
        Op::I64TruncF64S => n::i64_trunc_f64_s::<M>,
        Op::I64TruncF64U => n::i64_trunc_f64_u::<M>,
        Op::I32TruncSatF32S => n::i32_trunc_sat_f32_s::<M>,
        Op::I32TruncSatF32U => n::i32_trunc_sat_f32_u::<M>,
        Op::I32TruncSatF64S => n::i32_trunc_sat_f64_s::<M>,
        Op::I32TruncSatF64U => n::i32_trunc_sat_f64_u::<M>,
        Op::I64TruncSatF32S => n::i64_trunc_sat_f32_s::<M>,
        Op::I64TruncSatF32U => n::i64_trunc_sat_f32_u::<M>,
        Op::I64TruncSatF64S => n::i64_trunc_sat_f64_s::<M>,
        Op::I64TruncSatF64U => n::i64_trunc_sat_f64_u::<M>,
        Op::F32ConvertI32S => n::f32_convert_i32_s::<M>,
        Op::F32ConvertI32U => n::f32_convert_i32_u::<M>,
        Op::F32ConvertI64S => n::f32_convert_i64_s::<M>,
        Op::F32ConvertI64U => n::f32_convert_i64_u::<M>,
        Op::F32DemoteF64 => n::f32_demote_f64::<M>,
        Op::F64ConvertI32S => n::f64_convert_i32_s::<M>,
        Op::F64ConvertI32U => n::f64_convert_i32_u::<M>,
        Op::F64ConvertI64S => n::f64_convert_i64_s::<M>,
        Op::F64ConvertI64U => n::f64_convert_i64_u::<M>,
        Op::F64PromoteF32 => n::f64_promote_f32::<M>,
        Op::I32Add => n::i32_add::<M>,
        Op::I32Sub => n::i32_sub::<M>,
        Op::I32Mul => n::i32_mul::<M>,
        Op::I32DivS => n::i32_div_s::<M>,
        Op::I32DivU => n::i32_div_u::<M>,
        Op::I32RemS => n::i32_rem_s::<M>,
        Op::I32RemU => n::i32_rem_u::<M>,
        Op::I32And => n::i32_and::<M>,
        Op::I32Or => n::i32_or::<M>,
        Op::I32Xor => n::i32_xor::<M>,
        Op::I32Shl => n::i32_shl::<M>,
        Op::I32ShrS => n::i32_shr_s::<M>,
        Op::I32ShrU => n::i32_shr_u::<M>,
        Op::I32Rotl => n::i32_rotl::<M>,
        Op::I32Rotr => n::i32_rotr::<M>,
        Op::I32Eq => n::i32_eq::<M>,
        Op::I32Ne => n::i32_ne::<M>,
        Op::I32LtS => n::i32_lt_s::<M>,
        Op::I32LtU => n::i32_lt_u::<M>,
        Op::I32GtS => n::i32_gt_s::<M>,
        Op::I32GtU => n::i32_gt_u::<M>,
        Op::I32LeS => n::i32_le_s::<M>,
        Op::I32LeU => n::i32_le_u::<M>,
        Op::I32GeS => n::i32_ge_s::<M>,
        Op::I32GeU => n::i32_ge_u::<M>,
        Op::I64Add => n::i64_add::<M>,
        Op::I64Sub => n::i64_sub::<M>,
        Op::I64Mul => n::i64_mul::<M>,
        Op::I64DivS => n::i64_div_s::<M>,
        Op::I64DivU => n::i64_div_u::<M>,
        Op::I64RemS => n::i64_rem_s::<M>,
        Op::I64RemU => n::i64_rem_u::<M>,
        Op::I64And => n::i64_and::<M>,
        Op::I64Or => n::i64_or::<M>,
        Op::I64Xor => n::i64_xor::<M>,
        Op::I64Shl => n::i64_shl::<M>,
        Op::I64ShrS => n::i64_shr_s::<M>,
        Op::I64ShrU => n::i64_shr_u::<M>,
        Op::I64Rotl => n::i64_rotl::<M>,
        Op::I64Rotr => n::i64_rotr::<M>,
        Op::I64Eq => n::i64_eq::<M>,
        Op::I64Ne => n::i64_ne::<M>,
        Op::I64LtS => n::i64_lt_s::<M>,
        Op::I64LtU => n::i64_lt_u::<M>,
        Op::I64GtS => n::i64_gt_s::<M>,
        Op::I64GtU => n::i64_gt_u::<M>,
        Op::I64LeS => n::i64_le_s::<M>,
        Op::I64LeU => n::i64_le_u::<M>,
        Op::I64GeS => n::i64_ge_s::<M>,
        Op::I64GeU => n::i64_ge_u::<M>,
        Op::F32Add => n::f32_add::<M>,
        Op::F32Sub => n::f32_sub::<M>,
        Op::F32Mul => n::f32_mul::<M>,
        Op::F32Div => n::f32_div::<M>,
        Op::F32Min => n::f32_min::<M>,
        Op::F32Max => n::f32_max::<M>,
        Op::F32Copysign => n::f32_copysign::<M>,
        Op::F32Eq => n::f32_eq::<M>,
        Op::F32Ne => n::f32_ne::<M>,
        Op::F32Lt => n::f32_lt::<M>,
        Op::F32Gt => n::f32_gt::<M>,
        Op::F32Le => n::f32_le::<M>,
        Op::F32Ge => n::f32_ge::<M>,
        Op::F64Add => n::f64_add::<M>,
        Op::F64Sub => n::f64_sub::<M>,
        Op::F64Mul => n::f64_mul::<M>,
        Op::F64Div => n::f64_div::<M>,
        Op::F64Min => n::f64_min::<M>,
        Op::F64Max => n::f64_max::<M>,
        Op::F64Copysign => n::f64_copysign::<M>,
        Op::F64Eq => n::f64_eq::<M>,
        Op::F64Ne => n::f64_ne::<M>,
        Op::F64Lt => n::f64_lt::<M>,
        Op::F64Gt => n::f64_gt::<M>,
        Op::F64Le => n::f64_le::<M>,
        Op::F64Ge => n::f64_ge::<M>,
        Op::I32AddImm => n::i32_add_imm::<M>,
        Op::I32MulImm => n::i32_mul_imm::<M>,
        Op::I32AndImm => n::i32_and_imm::<M>,
        Op::I32OrImm => n::i32_or_imm::<M>,
        Op::I32XorImm => n::i32_xor_imm::<M>,
        Op::I32ShlImm => n::i32_shl_imm::<M>,
        Op::I32ShrSImm => n::i32_shr_s_imm::<M>,
        Op::I32ShrUImm => n::i32_shr_u_imm::<M>,
        Op::I32EqImm => n::i32_eq_imm::<M>,
        Op::I32NeImm => n::i32_ne_imm::<M>,
        Op::I32LtSImm => n::i32_lt_s_imm::<M>,
        Op::I32LtUImm => n::i32_lt_u_imm::<M>,
        Op::I32GtSImm => n::i32_gt_s_imm::<M>,
        Op::I32GtUImm => n::i32_gt_u_imm::<M>,
        Op::I32LeSImm => n::i32_le_s_imm::<M>,
        Op::I32LeUImm => n::i32_le_u_imm::<M>,
        Op::I32GeSImm => n::i32_ge_s_imm::<M>,
        Op::I32GeUImm => n::i32_ge_u_imm::<M>,
        Op::I64AddImm => n::i64_add_imm::<M>,
        Op::I64MulImm => n::i64_mul_imm::<M>,
        Op::I64AndImm => n::i64_and_imm::<M>,
        Op::I64OrImm => n::i64_or_imm::<M>,
        Op::I64XorImm => n::i64_xor_imm::<M>,
        Op::I64ShlImm => n::i64_shl_imm::<M>,
        Op::I64ShrSImm => n::i64_shr_s_imm::<M>,
        Op::I64ShrUImm => n::i64_shr_u_imm::<M>,
        Op::I64EqImm => n::i64_eq_imm::<M>,
        Op::I64NeImm => n::i64_ne_imm::<M>,
        Op::I64LtSImm => n::i64_lt_s_imm::<M>,
        Op::I64LtUImm => n::i64_lt_u_imm::<M>,
        Op::I64GtSImm => n::i64_gt_s_imm::<M>,
        Op::I64GtUImm => n::i64_gt_u_imm::<M>,
        Op::I64LeSImm => n::i64_le_s_imm::<M>,
        Op::I64LeUImm => n::i64_le_u_imm::<M>,
        Op::I64GeSImm => n::i64_ge_s_imm::<M>,
        Op::I64GeUImm => n::i64_ge_u_imm::<M>,
        Op::BrIfI32Eq => n::br_if_i32_eq::<M>,
        Op::BrIfI32Ne => n::br_if_i32_ne::<M>,
        Op::BrIfI32LtS => n::br_if_i32_lt_s::<M>,
        Op::BrIfI32LtU => n::br_if_i32_lt_u::<M>,
        Op::BrIfI32GtS => n::br_if_i32_gt_s::<M>,
        Op::BrIfI32GtU => n::br_if_i32_gt_u::<M>,
        Op::BrIfI32LeS => n::br_if_i32_le_s::<M>,
        Op::BrIfI32LeU => n::br_if_i32_le_u::<M>,
        Op::BrIfI32GeS => n::br_if_i32_ge_s::<M>,
        Op::BrIfI32GeU => n::br_if_i32_ge_u::<M>,
        Op::BrIfI32EqImm => n::br_if_i32_eq_imm::<M>,
        Op::BrIfI32NeImm => n::br_if_i32_ne_imm::<M>,
        Op::BrIfI32LtSImm => n::br_if_i32_lt_s_imm::<M>,
        Op::BrIfI32LtUImm => n::br_if_i32_lt_u_imm::<M>,
        Op::BrIfI32GtSImm => n::br_if_i32_gt_s_imm::<M>,
        Op::BrIfI32GtUImm => n::br_if_i32_gt_u_imm::<M>,
        Op::BrIfI32LeSImm => n::br_if_i32_le_s_imm::<M>,
        Op::BrIfI32LeUImm => n::br_if_i32_le_u_imm::<M>,
        Op::BrIfI32GeSImm => n::br_if_i32_ge_s_imm::<M>,
        Op::BrIfI32GeUImm => n::br_if_i32_ge_u_imm::<M>,
        Op::BrIfI64Eq => n::br_if_i64_eq::<M>,
        Op::BrIfI64Ne => n::br_if_i64_ne::<M>,
        Op::BrIfI64LtS => n::br_if_i64_lt_s::<M>,
        Op::BrIfI64LtU => n::br_if_i64_lt_u::<M>,
        Op::BrIfI64GtS => n::br_if_i64_gt_s::<M>,
        Op::BrIfI64GtU => n::br_if_i64_gt_u::<M>,
        Op::BrIfI64LeS => n::br_if_i64_le_s::<M>,
        Op::BrIfI64LeU => n::br_if_i64_le_u::<M>,
        Op::BrIfI64GeS => n::br_if_i64_ge_s::<M>,
        Op::BrIfI64GeU => n::br_if_i64_ge_u::<M>,
        Op::BrIfI64EqImm => n::br_if_i64_eq_imm::<M>,
        Op::BrIfI64NeImm => n::br_if_i64_ne_imm::<M>,
        Op::BrIfI64LtSImm => n::br_if_i64_lt_s_imm::<M>,
        Op::BrIfI64LtUImm => n::br_if_i64_lt_u_imm::<M>,
        Op::BrIfI64GtSImm => n::br_if_i64_gt_s_imm::<M>,
        Op::BrIfI64GtUImm => n::br_if_i64_gt_u_imm::<M>,
        Op::BrIfI64LeSImm => n::br_if_i64_le_s_imm::<M>,
        Op::BrIfI64LeUImm => n::br_if_i64_le_u_imm::<M>,
        Op::BrIfI64GeSImm => n::br_if_i64_ge_s_imm::<M>,
        Op::BrIfI64GeUImm => n::br_if_i64_ge_u_imm::<M>,
        Op::I32RotlImm => n::i32_rotl_imm::<M>,
        Op::I32RotrImm => n::i32_rotr_imm::<M>,
        Op::I64RotlImm => n::i64_rotl_imm::<M>,
        Op::I64RotrImm => n::i64_rotr_imm::<M>,
        Op::I64AddImm64 => n::i64_add_imm64::<M>,
        Op::I64MulImm64 => n::i64_mul_imm64::<M>,
        Op::I64AndImm64 => n::i64_and_imm64::<M>,
        Op::I64OrImm64 => n::i64_or_imm64::<M>,
        Op::I64XorImm64 => n::i64_xor_imm64::<M>,
        Op::Copy2 => c::copy2::<M>,
        Op::I32LoadAddImm => m::i32_load_add_imm::<M>,
        Op::I64LoadAddImm => m::i64_load_add_imm::<M>,
        Op::I32LoadAdd => m::i32_load_add::<M>,
        Op::I64LoadAdd => m::i64_load_add::<M>,
    }
}
