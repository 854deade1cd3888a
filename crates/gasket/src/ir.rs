//! The private register IR: instructions, and what each opcode is.
//!
//! An instruction is an opcode and three 32-bit operands `a`, `b`, `c`, 16 bytes in all
//! (pinned by a test). Operands are frame slots (indices of 8-byte cells counted from the
//! frame base: parameters, then locals, then temporaries), immediates, or resolved
//! instruction indices; instructions that need more than three operands are followed by one
//! [`Op::Ext`] word. The opcodes are defined once, in the table of `ir/set.rs`; this module
//! gives the types that table is made of ([`Info`], [`Kind`], [`flag`], [`Rel`]) and the
//! questions asked of an opcode, all answered from it. Nothing here is part of the public API.

mod acc;
mod print;
mod set;

pub(crate) use acc::{mark_branch_targets, AccOperand, BACKWARD, FORMS, TARGET};
pub(crate) use print::print_function;
pub(crate) use set::{Op, Visit, INFO, OPS};

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
        if op.is(flag::COND_BRANCH) {
            u8::MAX as u64
        } else {
            u16::MAX as u64
        }
    }

    /// Gas the branch charges when taken: the cost of the run at its target, which it enters
    /// past that run's `Charge`.
    #[inline(always)]
    pub fn taken_gas(self) -> u64 {
        if self.op.is(flag::COND_BRANCH) {
            self.cond_taken_gas()
        } else {
            self.branch_gas as u64
        }
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
        debug_assert!(self.op.is(flag::COND_BRANCH));
        self.branch_gas = (self.branch_gas & 0xff) | (cost as u16) << 8;
    }

    /// For an accumulator form, the slot of the operand it reads from the accumulator.
    pub fn acc_slot(self) -> Option<u32> {
        Some(match self.op.info().acc? {
            AccOperand::A => self.a,
            AccOperand::B => self.b,
            AccOperand::C => self.c,
        })
    }
}

/// What an operand of an instruction refers to (the verifier checks each kind against its
/// range; the printer names it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Unused (zero).
    No,
    /// A frame slot the instruction writes.
    Dst,
    /// A frame slot the instruction reads.
    Src,
    /// The first of a run of slots whose length is the instruction's `Count` operand.
    Span,
    /// A count (of slots, or of `br_table` entries).
    Count,
    /// The base slot of a callee's frame: may equal the frame size (a frame right after).
    Base,
    /// A branch target: an instruction index in the same function.
    Target,
    /// The index of the first of `Count` branch targets in the module's `br_targets`.
    Targets,
    /// A 32-bit immediate (sign-extended for opcodes flagged [`flag::SEXT`]).
    Imm,
    /// The high 32 bits of the immediate in the operand before it.
    ImmHi,
    /// A static memory offset.
    Offset,
    Func,
    Type,
    Global,
    Table,
    Data,
    Elem,
}

/// Properties of an opcode, one bit each ([`Info::flags`]).
pub(crate) mod flag {
    /// Hands the value it writes to slot `a` to the next instruction in the accumulator
    /// (`ir/acc.rs`): numeric operators, loads, copies and constants.
    pub const SETS_ACC: u16 = 1 << 0;
    /// Jumps to `a` unconditionally.
    pub const BRANCH: u16 = 1 << 1;
    /// Jumps to `a` or falls through to the next word; `branch_gas` holds a byte per edge.
    pub const COND_BRANCH: u16 = 1 << 2;
    /// `br_table`: jumps to one of its `br_targets`.
    pub const BR_TABLE: u16 = 1 << 3;
    /// Never falls through: may end a function body.
    pub const ENDS: u16 = 1 << 4;
    /// Calls a function.
    pub const CALL: u16 = 1 << 5;
    /// Accesses linear memory 0, so the module must have one.
    pub const MEMORY: u16 = 1 << 6;
    /// Charges gas that depends on its operands (docs/gas.md §4), besides any `Charge`.
    pub const DYN_GAS: u16 = 1 << 7;
    /// Reads only the low 32 bits of its slot operands (so an `i32.wrap_i64` feeding it can
    /// be dropped).
    pub const LOW32: u16 = 1 << 8;
    /// Reads operand `c` modulo 64 (so an `i64.extend_i32_*` feeding it can be dropped, and
    /// a constant count reduced).
    pub const SHIFT64: u16 = 1 << 9;
    /// Its `Imm` operand is sign-extended to 64 bits.
    pub const SEXT: u16 = 1 << 10;
}

/// The opcodes the translator turns an opcode into (each `None` where there is none).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rel {
    /// The form taking its last operand as an immediate (`sub x, k` is emitted as
    /// `add x, -k` by the translator); for stores, the form storing a constant.
    pub imm: Option<Op>,
    /// The form taking a 64-bit immediate in an `Ext` word.
    pub imm64: Option<Op>,
    /// For a comparison: the compare-and-branch taken when it holds.
    pub br: Option<Op>,
    /// For an integer comparison: its negation (exact for integers).
    pub not: Option<Op>,
    /// The opcode computing the same with operands `b` and `c` swapped: a commutative
    /// operator itself, a comparison its mirror.
    pub swap: Option<Op>,
    /// For a load: the forms with the address sum `b + imm` / `b + slot` fused in.
    pub add_imm: Option<Op>,
    pub add: Option<Op>,
    /// For an `and`: the bit tests branching when its result is not zero / zero.
    pub nez: Option<Op>,
    pub eqz: Option<Op>,
}

impl Rel {
    pub const NONE: Rel =
        Rel { imm: None, imm64: None, br: None, not: None, swap: None, add_imm: None, add: None, nez: None, eqz: None };
}

/// Everything about one opcode, from its row of the table (`ir/set.rs`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Info {
    pub name: &'static str,
    /// The kinds of `a`, `b`, `c`.
    pub operands: [Kind; 3],
    /// The kinds of the following `Ext` word's `a`, `b`, if the instruction has one.
    pub ext: Option<[Kind; 2]>,
    pub flags: u16,
    /// The opcode this is a form of: itself unless it is an accumulator form.
    pub base: Op,
    /// For an accumulator form, the operand it reads from the accumulator.
    pub acc: Option<AccOperand>,
    /// The accumulator forms reading operand `a`, `b`, `c` (base opcodes only).
    pub forms: [Option<Op>; 3],
    pub rel: Rel,
}

/// Builds [`INFO`] from the rows and the accumulator forms: each form follows its row in the
/// numbering, and is its row with the form's name and operand.
const fn info_table<const N: usize>(rows: &[Info], forms: &[(Op, &'static str, AccOperand)]) -> [Info; N] {
    let mut out = [rows[0]; N];
    let (mut i, mut row, mut form) = (0, 0, 0);
    while i < N {
        if form < forms.len() && forms[form].0 as usize == i {
            let base = rows[row - 1];
            let (_, name, operand) = forms[form];
            out[i] = Info { name, acc: Some(operand), forms: [None; 3], rel: Rel::NONE, ..base };
            form += 1;
        } else {
            out[i] = rows[row];
            row += 1;
        }
        i += 1;
    }
    assert!(row == rows.len() && form == forms.len());
    out
}

impl Op {
    /// This opcode's row of the table.
    #[inline(always)]
    pub const fn info(self) -> &'static Info {
        &INFO[self as usize]
    }

    /// Whether this opcode has every property in `flags`.
    #[inline(always)]
    pub const fn is(self, flags: u16) -> bool {
        self.info().flags & flags == flags
    }

    /// The opcode this is a form of: itself unless it is an accumulator form.
    #[inline(always)]
    pub const fn base(self) -> Op {
        self.info().base
    }

    pub(crate) fn from_u16(v: u16) -> Option<Op> {
        OPS.get(v as usize).copied()
    }

    /// The compare-and-branch form of integer comparison `self`, taken when it holds, or
    /// when it fails if `negated`.
    pub fn branch_form(self, negated: bool) -> Option<Op> {
        let cmp = if negated { self.info().rel.not? } else { self };
        cmp.info().rel.br
    }

    /// The form of load `self` with the address sum `add` (`I32AddImm` or `I32Add`) fused in.
    pub fn load_add_form(self, add: Op) -> Option<Op> {
        match add {
            Op::I32AddImm => self.info().rel.add_imm,
            Op::I32Add => self.info().rel.add,
            _ => None,
        }
    }

    /// The form of store `self` that stores the constant `v`, with its immediate, if the
    /// stored bits fit one: narrow stores keep only the low bits, and a sign-extending form
    /// needs a value that sign-extends from 32 bits.
    pub fn store_imm_form(self, v: u64) -> Option<(Op, u32)> {
        let op = self.info().rel.imm?;
        let fits = !op.is(flag::SEXT) || v as i32 as i64 as u64 == v;
        fits.then_some((op, v as u32))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opcode_table_is_in_numbering_order() {
        for (i, op) in OPS.iter().enumerate() {
            assert_eq!(*op as usize, i, "{op:?}");
            assert_eq!(Op::from_u16(i as u16), Some(*op));
            assert_eq!(INFO[i].name, format!("{op:?}"));
        }
        assert_eq!(Op::from_u16(OPS.len() as u16), None);
    }

    #[test]
    fn instruction_is_16_bytes() {
        assert_eq!(std::mem::size_of::<Instr>(), 16);
        assert_eq!(std::mem::size_of::<Op>(), 2);
    }

    /// The facts the translator relies on, stated against the table.
    #[test]
    fn relations_are_consistent() {
        for &op in OPS {
            let info = op.info();
            let rel = info.rel;
            if let Some(not) = rel.not {
                assert_eq!(not.info().rel.not, Some(op), "{op:?}: negation is an involution");
            }
            if let Some(swap) = rel.swap {
                assert_eq!(swap.info().rel.swap, Some(op), "{op:?}: swapping twice is the identity");
            }
            if let Some(br) = rel.br {
                assert!(br.is(flag::COND_BRANCH), "{op:?}");
            }
            for test in [rel.nez, rel.eqz].into_iter().flatten() {
                assert!(test.is(flag::COND_BRANCH), "{op:?}");
            }
            if info.flags & (flag::BRANCH | flag::COND_BRANCH) != 0 {
                assert_eq!(info.operands[0], Kind::Target, "{op:?} jumps to `a`");
            }
            for k in info.operands.iter().chain(info.ext.iter().flatten()) {
                if *k == Kind::Span {
                    assert!(info.operands.contains(&Kind::Count), "{op:?}: a span needs a count");
                }
            }
            assert_eq!(info.base.info().acc, None, "{op:?}: a form's base is no form");
        }
    }
}
