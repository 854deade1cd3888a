//! The private register IR: the instruction set in one place.
//!
//! An instruction is an opcode and three 32-bit operands `a`, `b`, `c`, 16 bytes in all
//! (pinned by a test). Operands are frame slots (indices of 8-byte cells counted from the
//! frame base: parameters, then locals, then temporaries), immediates, or resolved
//! instruction indices. The operand convention of each opcode is given beside it; `dst` is
//! always `a` for instructions that produce a value. Instructions that need more than three
//! operands are followed by one [`Op::Ext`] word. Nothing here is part of the public API.

mod acc;
pub(crate) use acc::{fact, mark_branch_targets, AccOperand, ACC_FORMS, FACTS, FORMS};

/// A frame slot index.
pub(crate) type Slot = u32;

/// One instruction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(C)]
pub(crate) struct Instr {
    pub op: Op,
    /// For branches when metering: the run costs the branch charges itself, so that the
    /// `Charge` of the run it enters need not execute (docs/gas.md §3; gas is unchanged).
    /// See [`Instr::taken_gas`] and [`Instr::fall_gas`]; zero for every other instruction.
    pub branch_gas: u16,
    pub a: u32,
    pub b: u32,
    pub c: u32,
}

impl Instr {
    pub fn new(op: Op, a: u32, b: u32, c: u32) -> Self {
        Self { op, branch_gas: 0, a, b, c }
    }

    /// The largest run cost a branch of kind `op` can pay on its taken edge: conditional
    /// branches share `branch_gas` with their fall-through edge, so they have a byte each.
    pub fn max_taken_gas(op: Op) -> u64 {
        if op.is_cond_branch() { u8::MAX as u64 } else { u16::MAX as u64 }
    }

    /// Gas the branch charges when taken: the cost of the run at its target, which it enters
    /// past that run's `Charge`.
    #[inline(always)]
    pub fn taken_gas(self) -> u64 {
        if self.op.is_cond_branch() { self.cond_taken_gas() } else { self.branch_gas as u64 }
    }

    /// [`Instr::taken_gas`] of an instruction known to be a conditional branch.
    #[inline(always)]
    pub fn cond_taken_gas(self) -> u64 {
        (self.branch_gas & 0xff) as u64
    }

    /// For a conditional branch, gas it charges when not taken: if not zero, the next word is
    /// the `Charge` of the run that starts there, of exactly this cost, and the not-taken path
    /// pays it and continues after that `Charge` (checked by the verifier).
    #[inline(always)]
    pub fn fall_gas(self) -> u64 {
        (self.branch_gas >> 8) as u64
    }

    /// A `Charge`'s static cost, `a | b << 32`.
    #[inline(always)]
    pub fn charge_cost(self) -> u64 {
        self.a as u64 | (self.b as u64) << 32
    }

    /// Sets a conditional branch's fall-through cost (at most `u8::MAX`).
    pub fn set_fall_gas(&mut self, cost: u8) {
        debug_assert!(self.op.is_cond_branch());
        self.branch_gas = (self.branch_gas & 0xff) | (cost as u16) << 8;
    }
}

impl Op {
    /// Whether this is a conditional branch (or an accumulator form of one): jumps to `a` or
    /// falls through to the next word.
    #[inline(always)]
    pub const fn is_cond_branch(self) -> bool {
        let op = self.base();
        matches!(op, Op::BrIfNez | Op::BrIfEqz) || op.is_branch_cmp()
    }

    /// Whether this is a compare-and-branch (`BrIfI32Eq` ..= `BrIfI64GeUImm`, the bit tests
    /// `BrIfI32AndNez` ..= `BrIfI64AndImmEqz`, or an accumulator form of one).
    pub const fn is_branch_cmp(self) -> bool {
        let v = self.base() as u16;
        (v >= Op::BrIfI32Eq as u16 && v <= Op::BrIfI64GeUImm as u16)
            || (v >= Op::BrIfI32AndNez as u16 && v <= Op::BrIfI64AndImmEqz as u16)
    }
}

/// Opcodes. Names follow the Wasm spec; `a`, `b`, `c` are the operands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u16)]
pub(crate) enum Op {
    // ---- data movement and control ----
    /// Extra operands of the preceding instruction.
    Ext,
    /// Charge the static cost `a | b << 32` of the run that starts here (docs/gas.md §3).
    Charge,
    /// Trap `unreachable`.
    Unreachable,
    /// `a = b` (slot copy).
    Copy,
    /// Copies `c` slots from `b..b+c` to `a..a+c`, as `memmove` (multi-value branches).
    CopySpan,
    /// `a = b` as a 32-bit immediate (zero-extended).
    Const32,
    /// `a = b | c << 32`.
    Const64,
    /// Jump to instruction `a`.
    Br,
    /// Jump to `a` if slot `b` (i32) is not zero.
    BrIfNez,
    /// Jump to `a` if slot `b` (i32) is zero.
    BrIfEqz,
    /// Jump via a table: index slot `a`, `b` entries follow (each a `Br`), the last is the default.
    BrTable,
    /// Return with no results.
    Return0,
    /// Return one result from slot `a` (written to slot 0).
    Return1,
    /// Return `b` results from slots `a..a+b` (written to slots `0..b`).
    ReturnN,
    /// Call function `a` (module index); the callee frame starts at slot `b`.
    Call,
    /// Call through table: type index `a`, element index slot `b`, callee frame at slot `c`;
    /// `Ext.a` is the table index.
    CallIndirect,
    /// `a = c if slot b == 0` (the `select` instruction, with `a` already holding the first value).
    SelectEqz,
    /// `a = global[b]`.
    GlobalGet,
    /// `global[a] = b`.
    GlobalSet,
    /// `a = ref.func b` (module function index).
    RefFunc,

    // ---- memory: a = dst/addr, b = addr/value, c = offset ----
    I32Load, I64Load, I32Load8S, I32Load8U, I32Load16S, I32Load16U,
    I64Load8S, I64Load8U, I64Load16S, I64Load16U, I64Load32S, I64Load32U,
    /// Stores: address slot `a`, value slot `b`, offset `c`.
    I32Store, I64Store, I32Store8, I32Store16, I64Store8, I64Store16, I64Store32,
    /// `a = memory.size`.
    MemorySize,
    /// `a = memory.grow(b)`.
    MemoryGrow,
    /// `memory.fill(dst a, value b, len c)`.
    MemoryFill,
    /// `memory.copy(dst a, src b, len c)`.
    MemoryCopy,
    /// `memory.init(dst a, src b, len c)`; `Ext.a` is the data segment.
    MemoryInit,
    /// `data.drop a`.
    DataDrop,

    // ---- tables ----
    /// `a = table[c][b]`.
    TableGet,
    /// `table[c][a] = b`.
    TableSet,
    /// `a = table.size b`.
    TableSize,
    /// `a = table.grow(init b, delta c)`; `Ext.a` is the table.
    TableGrow,
    /// `table.fill(dst a, value b, len c)`; `Ext.a` is the table.
    TableFill,
    /// `table.copy(dst a, src b, len c)`; `Ext.a` dst table, `Ext.b` src table.
    TableCopy,
    /// `table.init(dst a, src b, len c)`; `Ext.a` table, `Ext.b` element segment.
    TableInit,
    /// `elem.drop a`.
    ElemDrop,

    // ---- unary: a = op(b) ----
    I32Eqz, I32Clz, I32Ctz, I32Popcnt, I32Extend8S, I32Extend16S,
    I64Eqz, I64Clz, I64Ctz, I64Popcnt, I64Extend8S, I64Extend16S, I64Extend32S,
    F32Abs, F32Neg, F32Ceil, F32Floor, F32Trunc, F32Nearest, F32Sqrt,
    F64Abs, F64Neg, F64Ceil, F64Floor, F64Trunc, F64Nearest, F64Sqrt,
    I32WrapI64, I64ExtendI32S, I64ExtendI32U,
    I32TruncF32S, I32TruncF32U, I32TruncF64S, I32TruncF64U,
    I64TruncF32S, I64TruncF32U, I64TruncF64S, I64TruncF64U,
    I32TruncSatF32S, I32TruncSatF32U, I32TruncSatF64S, I32TruncSatF64U,
    I64TruncSatF32S, I64TruncSatF32U, I64TruncSatF64S, I64TruncSatF64U,
    F32ConvertI32S, F32ConvertI32U, F32ConvertI64S, F32ConvertI64U, F32DemoteF64,
    F64ConvertI32S, F64ConvertI32U, F64ConvertI64S, F64ConvertI64U, F64PromoteF32,

    // ---- binary: a = op(b, c) ----
    I32Add, I32Sub, I32Mul, I32DivS, I32DivU, I32RemS, I32RemU,
    I32And, I32Or, I32Xor, I32Shl, I32ShrS, I32ShrU, I32Rotl, I32Rotr,
    I32Eq, I32Ne, I32LtS, I32LtU, I32GtS, I32GtU, I32LeS, I32LeU, I32GeS, I32GeU,
    I64Add, I64Sub, I64Mul, I64DivS, I64DivU, I64RemS, I64RemU,
    I64And, I64Or, I64Xor, I64Shl, I64ShrS, I64ShrU, I64Rotl, I64Rotr,
    I64Eq, I64Ne, I64LtS, I64LtU, I64GtS, I64GtU, I64LeS, I64LeU, I64GeS, I64GeU,
    F32Add, F32Sub, F32Mul, F32Div, F32Min, F32Max, F32Copysign,
    F32Eq, F32Ne, F32Lt, F32Gt, F32Le, F32Ge,
    F64Add, F64Sub, F64Mul, F64Div, F64Min, F64Max, F64Copysign,
    F64Eq, F64Ne, F64Lt, F64Gt, F64Le, F64Ge,

    // ---- binary with an immediate: a = op(b, imm c) (i64 forms sign-extend c) ----
    I32AddImm, I32MulImm, I32AndImm, I32OrImm, I32XorImm, I32ShlImm, I32ShrSImm, I32ShrUImm,
    I32EqImm, I32NeImm, I32LtSImm, I32LtUImm, I32GtSImm, I32GtUImm,
    I32LeSImm, I32LeUImm, I32GeSImm, I32GeUImm,
    I64AddImm, I64MulImm, I64AndImm, I64OrImm, I64XorImm, I64ShlImm, I64ShrSImm, I64ShrUImm,
    I64EqImm, I64NeImm, I64LtSImm, I64LtUImm, I64GtSImm, I64GtUImm,
    I64LeSImm, I64LeUImm, I64GeSImm, I64GeUImm,

    // ---- compare and branch: jump to `a` if cmp(slot b, slot c); `Imm` forms compare with
    //      the immediate `c` (sign-extended for i64) ----
    BrIfI32Eq, BrIfI32Ne, BrIfI32LtS, BrIfI32LtU, BrIfI32GtS, BrIfI32GtU,
    BrIfI32LeS, BrIfI32LeU, BrIfI32GeS, BrIfI32GeU,
    BrIfI32EqImm, BrIfI32NeImm, BrIfI32LtSImm, BrIfI32LtUImm, BrIfI32GtSImm, BrIfI32GtUImm,
    BrIfI32LeSImm, BrIfI32LeUImm, BrIfI32GeSImm, BrIfI32GeUImm,
    BrIfI64Eq, BrIfI64Ne, BrIfI64LtS, BrIfI64LtU, BrIfI64GtS, BrIfI64GtU,
    BrIfI64LeS, BrIfI64LeU, BrIfI64GeS, BrIfI64GeU,
    BrIfI64EqImm, BrIfI64NeImm, BrIfI64LtSImm, BrIfI64LtUImm, BrIfI64GtSImm, BrIfI64GtUImm,
    BrIfI64LeSImm, BrIfI64LeUImm, BrIfI64GeSImm, BrIfI64GeUImm,

    // ---- added in artifact format 2 without renumbering the opcodes above ----
    /// Rotations by an immediate: `a = rot(b, imm c)`.
    I32RotlImm, I32RotrImm, I64RotlImm, I64RotrImm,
    /// Binary operators with a 64-bit immediate that does not fit 32 bits sign-extended:
    /// `a = op(b, Ext.a | Ext.b << 32)`.
    I64AddImm64, I64MulImm64, I64AndImm64, I64OrImm64, I64XorImm64,

    // ---- added in artifact format 3 ----
    /// Two copies in one dispatch, in order: `a = b`, then `c = Ext.a`.
    Copy2,
    /// A load whose address is a sum, the `i32.add` that computed it fused in:
    /// `a = load((b + k) mod 2^32 + offset c)`, `k` being `Ext.a` (the `AddImm` forms) or the
    /// value of slot `Ext.a`.
    I32LoadAddImm, I64LoadAddImm, I32LoadAdd, I64LoadAdd,

    // ---- added in artifact format 4 ----
    /// Stores of a constant: `store(a + offset c, imm b)`, the immediate truncated to the
    /// stored width (`I64StoreImm` sign-extends it from 32 bits).
    I32StoreImm, I64StoreImm, I32Store8Imm, I32Store16Imm,
    /// Bit tests: jump to `a` if `b & c` (slots) or `b & imm c` (sign-extended for i64) is not
    /// zero (`Nez`) or is zero (`Eqz`): an `and` fused into the branch on its result.
    BrIfI32AndNez, BrIfI32AndEqz, BrIfI64AndNez, BrIfI64AndEqz,
    BrIfI32AndImmNez, BrIfI32AndImmEqz, BrIfI64AndImmNez, BrIfI64AndImmEqz,
    /// Accumulator forms, in the order of [`acc::ACC_FORMS`]: each behaves as the opcode before
    /// `Acc`, except that operand `b` (`AccB`), `c` (`AccC`) or `a` (`AccA`) is read from the
    /// accumulator, which holds the value the previous instruction wrote to that slot (see
    /// `ir/acc.rs`). The slot operand stays in place, so that the verifier can check it.
    I32AddAccB, I32SubAccB, I32MulAccB, I32AndAccB, I32OrAccB, I32XorAccB, I32ShlAccB,
    I32ShrSAccB, I32ShrUAccB, I32RotlAccB, I32RotrAccB, I32EqAccB, I32NeAccB, I32LtSAccB,
    I32LtUAccB, I32GtSAccB, I32GtUAccB, I32LeSAccB, I32LeUAccB, I32GeSAccB, I32GeUAccB,
    I64AddAccB, I64SubAccB, I64MulAccB, I64AndAccB, I64OrAccB, I64XorAccB, I64ShlAccB,
    I64ShrSAccB, I64ShrUAccB, I64RotlAccB, I64RotrAccB, I64EqAccB, I64NeAccB, I64LtSAccB,
    I64LtUAccB, I64GtSAccB, I64GtUAccB, I64LeSAccB, I64LeUAccB, I64GeSAccB, I64GeUAccB,
    I32SubAccC, I32ShlAccC, I32ShrSAccC, I32ShrUAccC, I32RotlAccC, I32RotrAccC, I64SubAccC,
    I64ShlAccC, I64ShrSAccC, I64ShrUAccC, I64RotlAccC, I64RotrAccC, I32AddImmAccB,
    I32MulImmAccB, I32AndImmAccB, I32OrImmAccB, I32XorImmAccB, I32ShlImmAccB, I32ShrSImmAccB,
    I32ShrUImmAccB, I32EqImmAccB, I32NeImmAccB, I32LtSImmAccB, I32LtUImmAccB, I32GtSImmAccB,
    I32GtUImmAccB, I32LeSImmAccB, I32LeUImmAccB, I32GeSImmAccB, I32GeUImmAccB, I64AddImmAccB,
    I64MulImmAccB, I64AndImmAccB, I64OrImmAccB, I64XorImmAccB, I64ShlImmAccB, I64ShrSImmAccB,
    I64ShrUImmAccB, I64EqImmAccB, I64NeImmAccB, I64LtSImmAccB, I64LtUImmAccB, I64GtSImmAccB,
    I64GtUImmAccB, I64LeSImmAccB, I64LeUImmAccB, I64GeSImmAccB, I64GeUImmAccB, I32RotlImmAccB,
    I32RotrImmAccB, I64RotlImmAccB, I64RotrImmAccB, I64AddImm64AccB, I64MulImm64AccB,
    I64AndImm64AccB, I64OrImm64AccB, I64XorImm64AccB, BrIfI32EqAccB, BrIfI32NeAccB,
    BrIfI32LtSAccB, BrIfI32LtUAccB, BrIfI32GtSAccB, BrIfI32GtUAccB, BrIfI32LeSAccB,
    BrIfI32LeUAccB, BrIfI32GeSAccB, BrIfI32GeUAccB, BrIfI32EqImmAccB, BrIfI32NeImmAccB,
    BrIfI32LtSImmAccB, BrIfI32LtUImmAccB, BrIfI32GtSImmAccB, BrIfI32GtUImmAccB,
    BrIfI32LeSImmAccB, BrIfI32LeUImmAccB, BrIfI32GeSImmAccB, BrIfI32GeUImmAccB, BrIfI64EqAccB,
    BrIfI64NeAccB, BrIfI64LtSAccB, BrIfI64LtUAccB, BrIfI64GtSAccB, BrIfI64GtUAccB,
    BrIfI64LeSAccB, BrIfI64LeUAccB, BrIfI64GeSAccB, BrIfI64GeUAccB, BrIfI64EqImmAccB,
    BrIfI64NeImmAccB, BrIfI64LtSImmAccB, BrIfI64LtUImmAccB, BrIfI64GtSImmAccB,
    BrIfI64GtUImmAccB, BrIfI64LeSImmAccB, BrIfI64LeUImmAccB, BrIfI64GeSImmAccB,
    BrIfI64GeUImmAccB, BrIfNezAccB, BrIfEqzAccB, I32EqzAccB, I64EqzAccB, I32WrapI64AccB,
    I64ExtendI32SAccB, I64ExtendI32UAccB, I32LoadAccB, I64LoadAccB, I32Load8SAccB,
    I32Load8UAccB, I32Load16SAccB, I32Load16UAccB, I64Load8SAccB, I64Load8UAccB, I64Load16SAccB,
    I64Load16UAccB, I64Load32SAccB, I64Load32UAccB, I32LoadAddImmAccB, I64LoadAddImmAccB,
    I32LoadAddAccB, I64LoadAddAccB, I32StoreAccA, I64StoreAccA, I32Store8AccA, I32Store16AccA,
    I64Store8AccA, I64Store16AccA, I64Store32AccA, I32StoreAccB, I64StoreAccB, I32Store8AccB,
    I32Store16AccB, I64Store8AccB, I64Store16AccB, I64Store32AccB, CopyAccB, I32StoreImmAccA,
    I64StoreImmAccA, I32Store8ImmAccA, I32Store16ImmAccA, BrIfI32AndNezAccB, BrIfI32AndEqzAccB, BrIfI64AndNezAccB, BrIfI64AndEqzAccB,
    BrIfI32AndImmNezAccB, BrIfI32AndImmEqzAccB, BrIfI64AndImmNezAccB, BrIfI64AndImmEqzAccB,
}

/// The logical negation of an integer comparison (exact for integers: `!(x < y)` is `x >= y`).
fn negate(op: Op) -> Option<Op> {
    use Op::*;
    Some(match op {
        I32Eq => I32Ne, I32Ne => I32Eq, I32LtS => I32GeS, I32GeS => I32LtS, I32LtU => I32GeU,
        I32GeU => I32LtU, I32GtS => I32LeS, I32LeS => I32GtS, I32GtU => I32LeU, I32LeU => I32GtU,
        I32EqImm => I32NeImm, I32NeImm => I32EqImm, I32LtSImm => I32GeSImm, I32GeSImm => I32LtSImm,
        I32LtUImm => I32GeUImm, I32GeUImm => I32LtUImm, I32GtSImm => I32LeSImm,
        I32LeSImm => I32GtSImm, I32GtUImm => I32LeUImm, I32LeUImm => I32GtUImm,
        I64Eq => I64Ne, I64Ne => I64Eq, I64LtS => I64GeS, I64GeS => I64LtS, I64LtU => I64GeU,
        I64GeU => I64LtU, I64GtS => I64LeS, I64LeS => I64GtS, I64GtU => I64LeU, I64LeU => I64GtU,
        I64EqImm => I64NeImm, I64NeImm => I64EqImm, I64LtSImm => I64GeSImm, I64GeSImm => I64LtSImm,
        I64LtUImm => I64GeUImm, I64GeUImm => I64LtUImm, I64GtSImm => I64LeSImm,
        I64LeSImm => I64GtSImm, I64GtUImm => I64LeUImm, I64LeUImm => I64GtUImm,
        _ => return None,
    })
}

/// The compare-and-branch form of an integer comparison `cmp`, taken when `cmp` holds, or
/// when it fails if `negated`.
pub(crate) fn branch_form(cmp: Op, negated: bool) -> Option<Op> {
    use Op::*;
    let cmp = if negated { negate(cmp)? } else { cmp };
    Some(match cmp {
        I32Eq => BrIfI32Eq, I32Ne => BrIfI32Ne, I32LtS => BrIfI32LtS, I32LtU => BrIfI32LtU,
        I32GtS => BrIfI32GtS, I32GtU => BrIfI32GtU, I32LeS => BrIfI32LeS, I32LeU => BrIfI32LeU,
        I32GeS => BrIfI32GeS, I32GeU => BrIfI32GeU,
        I32EqImm => BrIfI32EqImm, I32NeImm => BrIfI32NeImm, I32LtSImm => BrIfI32LtSImm,
        I32LtUImm => BrIfI32LtUImm, I32GtSImm => BrIfI32GtSImm, I32GtUImm => BrIfI32GtUImm,
        I32LeSImm => BrIfI32LeSImm, I32LeUImm => BrIfI32LeUImm, I32GeSImm => BrIfI32GeSImm,
        I32GeUImm => BrIfI32GeUImm,
        I64Eq => BrIfI64Eq, I64Ne => BrIfI64Ne, I64LtS => BrIfI64LtS, I64LtU => BrIfI64LtU,
        I64GtS => BrIfI64GtS, I64GtU => BrIfI64GtU, I64LeS => BrIfI64LeS, I64LeU => BrIfI64LeU,
        I64GeS => BrIfI64GeS, I64GeU => BrIfI64GeU,
        I64EqImm => BrIfI64EqImm, I64NeImm => BrIfI64NeImm, I64LtSImm => BrIfI64LtSImm,
        I64LtUImm => BrIfI64LtUImm, I64GtSImm => BrIfI64GtSImm, I64GtUImm => BrIfI64GtUImm,
        I64LeSImm => BrIfI64LeSImm, I64LeUImm => BrIfI64LeUImm, I64GeSImm => BrIfI64GeSImm,
        I64GeUImm => BrIfI64GeUImm,
        _ => return None,
    })
}

/// Every opcode, in declaration order: `OPS[op as usize] == op` (pinned by a test). Used to
/// decode opcodes from serialized artifacts without `unsafe`.
pub(crate) const OPS: [Op; 476] = [
    Op::Ext, Op::Charge, Op::Unreachable, Op::Copy, Op::CopySpan, Op::Const32, Op::Const64, Op::Br,
    Op::BrIfNez, Op::BrIfEqz, Op::BrTable, Op::Return0, Op::Return1, Op::ReturnN, Op::Call,
    Op::CallIndirect, Op::SelectEqz, Op::GlobalGet, Op::GlobalSet, Op::RefFunc, Op::I32Load,
    Op::I64Load, Op::I32Load8S, Op::I32Load8U, Op::I32Load16S, Op::I32Load16U, Op::I64Load8S,
    Op::I64Load8U, Op::I64Load16S, Op::I64Load16U, Op::I64Load32S, Op::I64Load32U, Op::I32Store,
    Op::I64Store, Op::I32Store8, Op::I32Store16, Op::I64Store8, Op::I64Store16, Op::I64Store32,
    Op::MemorySize, Op::MemoryGrow, Op::MemoryFill, Op::MemoryCopy, Op::MemoryInit,
    Op::DataDrop, Op::TableGet, Op::TableSet, Op::TableSize, Op::TableGrow, Op::TableFill,
    Op::TableCopy, Op::TableInit, Op::ElemDrop, Op::I32Eqz, Op::I32Clz, Op::I32Ctz,
    Op::I32Popcnt, Op::I32Extend8S, Op::I32Extend16S, Op::I64Eqz, Op::I64Clz, Op::I64Ctz,
    Op::I64Popcnt, Op::I64Extend8S, Op::I64Extend16S, Op::I64Extend32S, Op::F32Abs, Op::F32Neg,
    Op::F32Ceil, Op::F32Floor, Op::F32Trunc, Op::F32Nearest, Op::F32Sqrt, Op::F64Abs,
    Op::F64Neg, Op::F64Ceil, Op::F64Floor, Op::F64Trunc, Op::F64Nearest, Op::F64Sqrt,
    Op::I32WrapI64, Op::I64ExtendI32S, Op::I64ExtendI32U, Op::I32TruncF32S, Op::I32TruncF32U,
    Op::I32TruncF64S, Op::I32TruncF64U, Op::I64TruncF32S, Op::I64TruncF32U, Op::I64TruncF64S,
    Op::I64TruncF64U, Op::I32TruncSatF32S, Op::I32TruncSatF32U, Op::I32TruncSatF64S,
    Op::I32TruncSatF64U, Op::I64TruncSatF32S, Op::I64TruncSatF32U, Op::I64TruncSatF64S,
    Op::I64TruncSatF64U, Op::F32ConvertI32S, Op::F32ConvertI32U, Op::F32ConvertI64S,
    Op::F32ConvertI64U, Op::F32DemoteF64, Op::F64ConvertI32S, Op::F64ConvertI32U,
    Op::F64ConvertI64S, Op::F64ConvertI64U, Op::F64PromoteF32, Op::I32Add, Op::I32Sub,
    Op::I32Mul, Op::I32DivS, Op::I32DivU, Op::I32RemS, Op::I32RemU, Op::I32And, Op::I32Or,
    Op::I32Xor, Op::I32Shl, Op::I32ShrS, Op::I32ShrU, Op::I32Rotl, Op::I32Rotr, Op::I32Eq,
    Op::I32Ne, Op::I32LtS, Op::I32LtU, Op::I32GtS, Op::I32GtU, Op::I32LeS, Op::I32LeU,
    Op::I32GeS, Op::I32GeU, Op::I64Add, Op::I64Sub, Op::I64Mul, Op::I64DivS, Op::I64DivU,
    Op::I64RemS, Op::I64RemU, Op::I64And, Op::I64Or, Op::I64Xor, Op::I64Shl, Op::I64ShrS,
    Op::I64ShrU, Op::I64Rotl, Op::I64Rotr, Op::I64Eq, Op::I64Ne, Op::I64LtS, Op::I64LtU,
    Op::I64GtS, Op::I64GtU, Op::I64LeS, Op::I64LeU, Op::I64GeS, Op::I64GeU, Op::F32Add,
    Op::F32Sub, Op::F32Mul, Op::F32Div, Op::F32Min, Op::F32Max, Op::F32Copysign, Op::F32Eq,
    Op::F32Ne, Op::F32Lt, Op::F32Gt, Op::F32Le, Op::F32Ge, Op::F64Add, Op::F64Sub, Op::F64Mul,
    Op::F64Div, Op::F64Min, Op::F64Max, Op::F64Copysign, Op::F64Eq, Op::F64Ne, Op::F64Lt,
    Op::F64Gt, Op::F64Le, Op::F64Ge, Op::I32AddImm, Op::I32MulImm, Op::I32AndImm, Op::I32OrImm,
    Op::I32XorImm, Op::I32ShlImm, Op::I32ShrSImm, Op::I32ShrUImm, Op::I32EqImm, Op::I32NeImm,
    Op::I32LtSImm, Op::I32LtUImm, Op::I32GtSImm, Op::I32GtUImm, Op::I32LeSImm, Op::I32LeUImm,
    Op::I32GeSImm, Op::I32GeUImm, Op::I64AddImm, Op::I64MulImm, Op::I64AndImm, Op::I64OrImm,
    Op::I64XorImm, Op::I64ShlImm, Op::I64ShrSImm, Op::I64ShrUImm, Op::I64EqImm, Op::I64NeImm,
    Op::I64LtSImm, Op::I64LtUImm, Op::I64GtSImm, Op::I64GtUImm, Op::I64LeSImm, Op::I64LeUImm,
    Op::I64GeSImm, Op::I64GeUImm, Op::BrIfI32Eq, Op::BrIfI32Ne, Op::BrIfI32LtS, Op::BrIfI32LtU,
    Op::BrIfI32GtS, Op::BrIfI32GtU, Op::BrIfI32LeS, Op::BrIfI32LeU, Op::BrIfI32GeS,
    Op::BrIfI32GeU, Op::BrIfI32EqImm, Op::BrIfI32NeImm, Op::BrIfI32LtSImm, Op::BrIfI32LtUImm,
    Op::BrIfI32GtSImm, Op::BrIfI32GtUImm, Op::BrIfI32LeSImm, Op::BrIfI32LeUImm,
    Op::BrIfI32GeSImm, Op::BrIfI32GeUImm, Op::BrIfI64Eq, Op::BrIfI64Ne, Op::BrIfI64LtS,
    Op::BrIfI64LtU, Op::BrIfI64GtS, Op::BrIfI64GtU, Op::BrIfI64LeS, Op::BrIfI64LeU,
    Op::BrIfI64GeS, Op::BrIfI64GeU, Op::BrIfI64EqImm, Op::BrIfI64NeImm, Op::BrIfI64LtSImm,
    Op::BrIfI64LtUImm, Op::BrIfI64GtSImm, Op::BrIfI64GtUImm, Op::BrIfI64LeSImm,
    Op::BrIfI64LeUImm, Op::BrIfI64GeSImm, Op::BrIfI64GeUImm, Op::I32RotlImm, Op::I32RotrImm,
    Op::I64RotlImm, Op::I64RotrImm, Op::I64AddImm64, Op::I64MulImm64, Op::I64AndImm64,
    Op::I64OrImm64, Op::I64XorImm64, Op::Copy2, Op::I32LoadAddImm, Op::I64LoadAddImm,
    Op::I32LoadAdd, Op::I64LoadAdd, Op::I32StoreImm, Op::I64StoreImm, Op::I32Store8Imm,
    Op::I32Store16Imm, Op::BrIfI32AndNez, Op::BrIfI32AndEqz, Op::BrIfI64AndNez, Op::BrIfI64AndEqz,
    Op::BrIfI32AndImmNez, Op::BrIfI32AndImmEqz, Op::BrIfI64AndImmNez, Op::BrIfI64AndImmEqz,
    Op::I32AddAccB, Op::I32SubAccB, Op::I32MulAccB, Op::I32AndAccB, Op::I32OrAccB,
    Op::I32XorAccB, Op::I32ShlAccB, Op::I32ShrSAccB, Op::I32ShrUAccB, Op::I32RotlAccB,
    Op::I32RotrAccB, Op::I32EqAccB, Op::I32NeAccB, Op::I32LtSAccB, Op::I32LtUAccB,
    Op::I32GtSAccB, Op::I32GtUAccB, Op::I32LeSAccB, Op::I32LeUAccB, Op::I32GeSAccB,
    Op::I32GeUAccB, Op::I64AddAccB, Op::I64SubAccB, Op::I64MulAccB, Op::I64AndAccB,
    Op::I64OrAccB, Op::I64XorAccB, Op::I64ShlAccB, Op::I64ShrSAccB, Op::I64ShrUAccB,
    Op::I64RotlAccB, Op::I64RotrAccB, Op::I64EqAccB, Op::I64NeAccB, Op::I64LtSAccB,
    Op::I64LtUAccB, Op::I64GtSAccB, Op::I64GtUAccB, Op::I64LeSAccB, Op::I64LeUAccB,
    Op::I64GeSAccB, Op::I64GeUAccB, Op::I32SubAccC, Op::I32ShlAccC, Op::I32ShrSAccC,
    Op::I32ShrUAccC, Op::I32RotlAccC, Op::I32RotrAccC, Op::I64SubAccC, Op::I64ShlAccC,
    Op::I64ShrSAccC, Op::I64ShrUAccC, Op::I64RotlAccC, Op::I64RotrAccC, Op::I32AddImmAccB,
    Op::I32MulImmAccB, Op::I32AndImmAccB, Op::I32OrImmAccB, Op::I32XorImmAccB,
    Op::I32ShlImmAccB, Op::I32ShrSImmAccB, Op::I32ShrUImmAccB, Op::I32EqImmAccB,
    Op::I32NeImmAccB, Op::I32LtSImmAccB, Op::I32LtUImmAccB, Op::I32GtSImmAccB,
    Op::I32GtUImmAccB, Op::I32LeSImmAccB, Op::I32LeUImmAccB, Op::I32GeSImmAccB,
    Op::I32GeUImmAccB, Op::I64AddImmAccB, Op::I64MulImmAccB, Op::I64AndImmAccB,
    Op::I64OrImmAccB, Op::I64XorImmAccB, Op::I64ShlImmAccB, Op::I64ShrSImmAccB,
    Op::I64ShrUImmAccB, Op::I64EqImmAccB, Op::I64NeImmAccB, Op::I64LtSImmAccB,
    Op::I64LtUImmAccB, Op::I64GtSImmAccB, Op::I64GtUImmAccB, Op::I64LeSImmAccB,
    Op::I64LeUImmAccB, Op::I64GeSImmAccB, Op::I64GeUImmAccB, Op::I32RotlImmAccB,
    Op::I32RotrImmAccB, Op::I64RotlImmAccB, Op::I64RotrImmAccB, Op::I64AddImm64AccB,
    Op::I64MulImm64AccB, Op::I64AndImm64AccB, Op::I64OrImm64AccB, Op::I64XorImm64AccB,
    Op::BrIfI32EqAccB, Op::BrIfI32NeAccB, Op::BrIfI32LtSAccB, Op::BrIfI32LtUAccB,
    Op::BrIfI32GtSAccB, Op::BrIfI32GtUAccB, Op::BrIfI32LeSAccB, Op::BrIfI32LeUAccB,
    Op::BrIfI32GeSAccB, Op::BrIfI32GeUAccB, Op::BrIfI32EqImmAccB, Op::BrIfI32NeImmAccB,
    Op::BrIfI32LtSImmAccB, Op::BrIfI32LtUImmAccB, Op::BrIfI32GtSImmAccB, Op::BrIfI32GtUImmAccB,
    Op::BrIfI32LeSImmAccB, Op::BrIfI32LeUImmAccB, Op::BrIfI32GeSImmAccB, Op::BrIfI32GeUImmAccB,
    Op::BrIfI64EqAccB, Op::BrIfI64NeAccB, Op::BrIfI64LtSAccB, Op::BrIfI64LtUAccB,
    Op::BrIfI64GtSAccB, Op::BrIfI64GtUAccB, Op::BrIfI64LeSAccB, Op::BrIfI64LeUAccB,
    Op::BrIfI64GeSAccB, Op::BrIfI64GeUAccB, Op::BrIfI64EqImmAccB, Op::BrIfI64NeImmAccB,
    Op::BrIfI64LtSImmAccB, Op::BrIfI64LtUImmAccB, Op::BrIfI64GtSImmAccB, Op::BrIfI64GtUImmAccB,
    Op::BrIfI64LeSImmAccB, Op::BrIfI64LeUImmAccB, Op::BrIfI64GeSImmAccB, Op::BrIfI64GeUImmAccB,
    Op::BrIfNezAccB, Op::BrIfEqzAccB, Op::I32EqzAccB, Op::I64EqzAccB, Op::I32WrapI64AccB,
    Op::I64ExtendI32SAccB, Op::I64ExtendI32UAccB, Op::I32LoadAccB, Op::I64LoadAccB,
    Op::I32Load8SAccB, Op::I32Load8UAccB, Op::I32Load16SAccB, Op::I32Load16UAccB,
    Op::I64Load8SAccB, Op::I64Load8UAccB, Op::I64Load16SAccB, Op::I64Load16UAccB,
    Op::I64Load32SAccB, Op::I64Load32UAccB, Op::I32LoadAddImmAccB, Op::I64LoadAddImmAccB,
    Op::I32LoadAddAccB, Op::I64LoadAddAccB, Op::I32StoreAccA, Op::I64StoreAccA,
    Op::I32Store8AccA, Op::I32Store16AccA, Op::I64Store8AccA, Op::I64Store16AccA,
    Op::I64Store32AccA, Op::I32StoreAccB, Op::I64StoreAccB, Op::I32Store8AccB,
    Op::I32Store16AccB, Op::I64Store8AccB, Op::I64Store16AccB, Op::I64Store32AccB, Op::CopyAccB,
    Op::I32StoreImmAccA, Op::I64StoreImmAccA, Op::I32Store8ImmAccA, Op::I32Store16ImmAccA,
    Op::BrIfI32AndNezAccB, Op::BrIfI32AndEqzAccB, Op::BrIfI64AndNezAccB, Op::BrIfI64AndEqzAccB,
    Op::BrIfI32AndImmNezAccB, Op::BrIfI32AndImmEqzAccB, Op::BrIfI64AndImmNezAccB, Op::BrIfI64AndImmEqzAccB,
];

impl Op {
    pub(crate) fn from_u16(v: u16) -> Option<Op> {
        OPS.get(v as usize).copied()
    }
}

/// The immediate form of a binary operator, if it has one. `sub x, k` is emitted as
/// `add x, -k`, so `Sub` maps to `AddImm` with the constant negated by the caller.
pub(crate) fn imm_form(op: Op) -> Option<Op> {
    use Op::*;
    Some(match op {
        I32Add => I32AddImm, I32Mul => I32MulImm, I32And => I32AndImm, I32Or => I32OrImm,
        I32Xor => I32XorImm, I32Shl => I32ShlImm, I32ShrS => I32ShrSImm, I32ShrU => I32ShrUImm,
        I32Eq => I32EqImm, I32Ne => I32NeImm, I32LtS => I32LtSImm, I32LtU => I32LtUImm,
        I32GtS => I32GtSImm, I32GtU => I32GtUImm, I32LeS => I32LeSImm, I32LeU => I32LeUImm,
        I32GeS => I32GeSImm, I32GeU => I32GeUImm,
        I64Add => I64AddImm, I64Mul => I64MulImm, I64And => I64AndImm, I64Or => I64OrImm,
        I64Xor => I64XorImm, I64Shl => I64ShlImm, I64ShrS => I64ShrSImm, I64ShrU => I64ShrUImm,
        I64Eq => I64EqImm, I64Ne => I64NeImm, I64LtS => I64LtSImm, I64LtU => I64LtUImm,
        I64GtS => I64GtSImm, I64GtU => I64GtUImm, I64LeS => I64LeSImm, I64LeU => I64LeUImm,
        I64GeS => I64GeSImm, I64GeU => I64GeUImm,
        I32Rotl => I32RotlImm, I32Rotr => I32RotrImm, I64Rotl => I64RotlImm, I64Rotr => I64RotrImm,
        _ => return None,
    })
}

/// The form of a binary i64 operator taking a full 64-bit immediate in an `Ext` word.
pub(crate) fn imm64_form(op: Op) -> Option<Op> {
    use Op::*;
    Some(match op {
        I64Add => I64AddImm64, I64Mul => I64MulImm64, I64And => I64AndImm64, I64Or => I64OrImm64,
        I64Xor => I64XorImm64,
        _ => return None,
    })
}

/// The form of load `load` with the address sum `add` (`I32AddImm` or `I32Add`) fused in.
pub(crate) fn load_add_form(load: Op, add: Op) -> Option<Op> {
    use Op::*;
    Some(match (load, add) {
        (I32Load, I32AddImm) => I32LoadAddImm,
        (I64Load, I32AddImm) => I64LoadAddImm,
        (I32Load, I32Add) => I32LoadAdd,
        (I64Load, I32Add) => I64LoadAdd,
        _ => return None,
    })
}

/// The bit test that branches when `and` (`I32And`, `I64And` or their `AndImm` forms)
/// gives a result that is not zero (`nonzero`) or zero.
pub(crate) fn test_form(and: Op, nonzero: bool) -> Option<Op> {
    use Op::*;
    Some(match (and, nonzero) {
        (I32And, true) => BrIfI32AndNez,
        (I32And, false) => BrIfI32AndEqz,
        (I64And, true) => BrIfI64AndNez,
        (I64And, false) => BrIfI64AndEqz,
        (I32AndImm, true) => BrIfI32AndImmNez,
        (I32AndImm, false) => BrIfI32AndImmEqz,
        (I64AndImm, true) => BrIfI64AndImmNez,
        (I64AndImm, false) => BrIfI64AndImmEqz,
        _ => return None,
    })
}

/// The form of store `store` that stores the constant `v`, with its immediate, if the stored
/// bits fit one: narrow stores keep only the low bits, and an `i64.store` needs a value that
/// sign-extends from 32 bits.
pub(crate) fn store_imm_form(store: Op, v: u64) -> Option<(Op, u32)> {
    use Op::*;
    let op = match store {
        I32Store | I64Store32 => I32StoreImm,
        I32Store8 | I64Store8 => I32Store8Imm,
        I32Store16 | I64Store16 => I32Store16Imm,
        I64Store if v as i32 as i64 as u64 == v => I64StoreImm,
        _ => return None,
    };
    Some((op, v as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opcode_table_is_in_declaration_order() {
        for (i, op) in OPS.iter().enumerate() {
            assert_eq!(*op as usize, i, "{op:?}");
            assert_eq!(Op::from_u16(i as u16), Some(*op));
        }
        assert_eq!(Op::from_u16(OPS.len() as u16), None);
    }

    #[test]
    fn instruction_is_16_bytes() {
        assert_eq!(std::mem::size_of::<Instr>(), 16);
        assert_eq!(std::mem::size_of::<Op>(), 2);
    }
}
