//! Accumulator forms: which instructions hand their result to the next one in a register, and
//! which forms read one operand from that register instead of from the frame.
//!
//! The value an instruction produces usually feeds the very next one. Through the frame it
//! makes a store and a load that waits on store-to-load forwarding, several cycles on every
//! link of a dependency chain; through the accumulator it stays in a register.
//!
//! **The rule** (applied by `translate/acc.rs`, checked by the verifier): an accumulator form
//! at instruction `i` is used only if
//! - `i` is not a branch target, so it is entered only by falling through from the
//!   instruction before it, and
//! - that instruction (its `Ext` word skipped) is an accumulator setter ([`Op::sets_acc`])
//!   whose result slot `a` is the slot of the operand the form reads from the accumulator.
//!
//! Setters still write their result slot, and forms keep the slot operand, so the
//! accumulator is only ever a copy of a slot that was just written.

use super::{Instr, Op, OPS};

/// The operand an accumulator form reads from the accumulator (the discriminant is the
/// handlers' `S` parameter; 0 means every operand comes from its slot).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum AccOperand {
    A = 1,
    B = 2,
    C = 3,
}

/// Every accumulator form, as (base opcode, operand), in the declaration order of their
/// opcodes, which start at `Op::I32AddAccB` (pinned by a test).
pub(crate) const ACC_FORMS: [(Op, AccOperand); 189] = {
    use AccOperand::*;
    use Op::*;
    [
        (I32Add, B),
        (I32Sub, B),
        (I32Mul, B),
        (I32And, B),
        (I32Or, B),
        (I32Xor, B),
        (I32Shl, B),
        (I32ShrS, B),
        (I32ShrU, B),
        (I32Rotl, B),
        (I32Rotr, B),
        (I32Eq, B),
        (I32Ne, B),
        (I32LtS, B),
        (I32LtU, B),
        (I32GtS, B),
        (I32GtU, B),
        (I32LeS, B),
        (I32LeU, B),
        (I32GeS, B),
        (I32GeU, B),
        (I64Add, B),
        (I64Sub, B),
        (I64Mul, B),
        (I64And, B),
        (I64Or, B),
        (I64Xor, B),
        (I64Shl, B),
        (I64ShrS, B),
        (I64ShrU, B),
        (I64Rotl, B),
        (I64Rotr, B),
        (I64Eq, B),
        (I64Ne, B),
        (I64LtS, B),
        (I64LtU, B),
        (I64GtS, B),
        (I64GtU, B),
        (I64LeS, B),
        (I64LeU, B),
        (I64GeS, B),
        (I64GeU, B),
        (I32Sub, C),
        (I32Shl, C),
        (I32ShrS, C),
        (I32ShrU, C),
        (I32Rotl, C),
        (I32Rotr, C),
        (I64Sub, C),
        (I64Shl, C),
        (I64ShrS, C),
        (I64ShrU, C),
        (I64Rotl, C),
        (I64Rotr, C),
        (I32AddImm, B),
        (I32MulImm, B),
        (I32AndImm, B),
        (I32OrImm, B),
        (I32XorImm, B),
        (I32ShlImm, B),
        (I32ShrSImm, B),
        (I32ShrUImm, B),
        (I32EqImm, B),
        (I32NeImm, B),
        (I32LtSImm, B),
        (I32LtUImm, B),
        (I32GtSImm, B),
        (I32GtUImm, B),
        (I32LeSImm, B),
        (I32LeUImm, B),
        (I32GeSImm, B),
        (I32GeUImm, B),
        (I64AddImm, B),
        (I64MulImm, B),
        (I64AndImm, B),
        (I64OrImm, B),
        (I64XorImm, B),
        (I64ShlImm, B),
        (I64ShrSImm, B),
        (I64ShrUImm, B),
        (I64EqImm, B),
        (I64NeImm, B),
        (I64LtSImm, B),
        (I64LtUImm, B),
        (I64GtSImm, B),
        (I64GtUImm, B),
        (I64LeSImm, B),
        (I64LeUImm, B),
        (I64GeSImm, B),
        (I64GeUImm, B),
        (I32RotlImm, B),
        (I32RotrImm, B),
        (I64RotlImm, B),
        (I64RotrImm, B),
        (I64AddImm64, B),
        (I64MulImm64, B),
        (I64AndImm64, B),
        (I64OrImm64, B),
        (I64XorImm64, B),
        (BrIfI32Eq, B),
        (BrIfI32Ne, B),
        (BrIfI32LtS, B),
        (BrIfI32LtU, B),
        (BrIfI32GtS, B),
        (BrIfI32GtU, B),
        (BrIfI32LeS, B),
        (BrIfI32LeU, B),
        (BrIfI32GeS, B),
        (BrIfI32GeU, B),
        (BrIfI32EqImm, B),
        (BrIfI32NeImm, B),
        (BrIfI32LtSImm, B),
        (BrIfI32LtUImm, B),
        (BrIfI32GtSImm, B),
        (BrIfI32GtUImm, B),
        (BrIfI32LeSImm, B),
        (BrIfI32LeUImm, B),
        (BrIfI32GeSImm, B),
        (BrIfI32GeUImm, B),
        (BrIfI64Eq, B),
        (BrIfI64Ne, B),
        (BrIfI64LtS, B),
        (BrIfI64LtU, B),
        (BrIfI64GtS, B),
        (BrIfI64GtU, B),
        (BrIfI64LeS, B),
        (BrIfI64LeU, B),
        (BrIfI64GeS, B),
        (BrIfI64GeU, B),
        (BrIfI64EqImm, B),
        (BrIfI64NeImm, B),
        (BrIfI64LtSImm, B),
        (BrIfI64LtUImm, B),
        (BrIfI64GtSImm, B),
        (BrIfI64GtUImm, B),
        (BrIfI64LeSImm, B),
        (BrIfI64LeUImm, B),
        (BrIfI64GeSImm, B),
        (BrIfI64GeUImm, B),
        (BrIfNez, B),
        (BrIfEqz, B),
        (I32Eqz, B),
        (I64Eqz, B),
        (I32WrapI64, B),
        (I64ExtendI32S, B),
        (I64ExtendI32U, B),
        (I32Load, B),
        (I64Load, B),
        (I32Load8S, B),
        (I32Load8U, B),
        (I32Load16S, B),
        (I32Load16U, B),
        (I64Load8S, B),
        (I64Load8U, B),
        (I64Load16S, B),
        (I64Load16U, B),
        (I64Load32S, B),
        (I64Load32U, B),
        (I32LoadAddImm, B),
        (I64LoadAddImm, B),
        (I32LoadAdd, B),
        (I64LoadAdd, B),
        (I32Store, A),
        (I64Store, A),
        (I32Store8, A),
        (I32Store16, A),
        (I64Store8, A),
        (I64Store16, A),
        (I64Store32, A),
        (I32Store, B),
        (I64Store, B),
        (I32Store8, B),
        (I32Store16, B),
        (I64Store8, B),
        (I64Store16, B),
        (I64Store32, B),
        (Copy, B),
        (I32StoreImm, A),
        (I64StoreImm, A),
        (I32Store8Imm, A),
        (I32Store16Imm, A),
        (BrIfI32AndNez, B),
        (BrIfI32AndEqz, B),
        (BrIfI64AndNez, B),
        (BrIfI64AndEqz, B),
        (BrIfI32AndImmNez, B),
        (BrIfI32AndImmEqz, B),
        (BrIfI64AndImmNez, B),
        (BrIfI64AndImmEqz, B),
    ]
};

/// The first accumulator form's opcode.
const FIRST: u16 = Op::I32AddAccB as u16;

/// `FORMS[op]`: the opcodes of `op`'s accumulator forms reading `a`, `b`, `c`, then of the
/// `b` form of [`Op::swapped`]; 0 where there is none.
pub(crate) static FORMS: [[u16; 4]; OPS.len()] = {
    let mut t = [[0u16; 4]; OPS.len()];
    let mut i = 0;
    while i < ACC_FORMS.len() {
        let (base, operand) = ACC_FORMS[i];
        t[base as usize][operand as usize - 1] = FIRST + i as u16;
        i += 1;
    }
    let mut op = 0;
    while op < FIRST as usize {
        if let Some(s) = OPS[op].swapped() {
            t[op][3] = t[s as usize][AccOperand::B as usize - 1];
        }
        op += 1;
    }
    t
};

impl Op {
    /// For an accumulator form, its base opcode and the operand it reads from the accumulator.
    pub const fn acc_base(self) -> Option<(Op, AccOperand)> {
        let v = self as u16;
        if v < FIRST || (v - FIRST) as usize >= ACC_FORMS.len() {
            return None;
        }
        Some(ACC_FORMS[(v - FIRST) as usize])
    }

    /// The opcode this is a form of: itself unless it is an accumulator form.
    pub const fn base(self) -> Op {
        match self.acc_base() {
            Some((base, _)) => base,
            None => self,
        }
    }

    /// The accumulator form of this opcode that reads `operand`, if there is one.
    #[cfg(test)]
    pub fn acc_form(self, operand: AccOperand) -> Option<Op> {
        let code = FORMS[self as usize][operand as usize - 1];
        (code != 0).then(|| OPS[code as usize])
    }

    /// Whether the handler hands the value it writes to slot `a` to the next instruction in
    /// the accumulator: the numeric operators, loads, copies and constants.
    pub const fn sets_acc(self) -> bool {
        use Op::*;
        let v = self.base() as u16;
        matches!(self.base(), Copy | Const32 | Const64)
            || within(v, I32Load, I64Load32U)
            || within(v, I32Eqz, F64Ge) // unary, then binary
            || within(v, I32AddImm, I64GeUImm)
            || within(v, I32RotlImm, I64XorImm64)
            || within(v, I32LoadAddImm, I64LoadAdd)
    }

    /// This integer operator or compare-and-branch with `b` and `c` swapped, if that computes
    /// the same: commutative operators give themselves, comparisons their mirror.
    pub const fn swapped(self) -> Option<Op> {
        use Op::*;
        Some(match self {
            I32Add | I32Mul | I32And | I32Or | I32Xor | I32Eq | I32Ne => self,
            I64Add | I64Mul | I64And | I64Or | I64Xor | I64Eq | I64Ne => self,
            BrIfI32Eq | BrIfI32Ne | BrIfI64Eq | BrIfI64Ne => self,
            BrIfI32AndNez | BrIfI32AndEqz | BrIfI64AndNez | BrIfI64AndEqz => self,
            I32LtS => I32GtS,
            I32GtS => I32LtS,
            I32LtU => I32GtU,
            I32GtU => I32LtU,
            I32LeS => I32GeS,
            I32GeS => I32LeS,
            I32LeU => I32GeU,
            I32GeU => I32LeU,
            I64LtS => I64GtS,
            I64GtS => I64LtS,
            I64LtU => I64GtU,
            I64GtU => I64LtU,
            I64LeS => I64GeS,
            I64GeS => I64LeS,
            I64LeU => I64GeU,
            I64GeU => I64LeU,
            BrIfI32LtS => BrIfI32GtS,
            BrIfI32GtS => BrIfI32LtS,
            BrIfI32LtU => BrIfI32GtU,
            BrIfI32GtU => BrIfI32LtU,
            BrIfI32LeS => BrIfI32GeS,
            BrIfI32GeS => BrIfI32LeS,
            BrIfI32LeU => BrIfI32GeU,
            BrIfI32GeU => BrIfI32LeU,
            BrIfI64LtS => BrIfI64GtS,
            BrIfI64GtS => BrIfI64LtS,
            BrIfI64LtU => BrIfI64GtU,
            BrIfI64GtU => BrIfI64LtU,
            BrIfI64LeS => BrIfI64GeS,
            BrIfI64GeS => BrIfI64LeS,
            BrIfI64LeU => BrIfI64GeU,
            BrIfI64GeU => BrIfI64LeU,
            _ => return None,
        })
    }
}

impl Instr {
    /// For an accumulator form, the slot of the operand it reads from the accumulator.
    pub fn acc_slot(self) -> Option<u32> {
        let (_, operand) = self.op.acc_base()?;
        Some(match operand {
            AccOperand::A => self.a,
            AccOperand::B => self.b,
            AccOperand::C => self.c,
        })
    }
}

/// Whether opcode value `v` is in `lo..=hi`.
const fn within(v: u16, lo: Op, hi: Op) -> bool {
    v >= lo as u16 && v <= hi as u16
}

/// What the translator and the verifier need to know of each opcode besides its [`FORMS`],
/// one byte per opcode ([`FACTS`]), so that they look at an instruction with a load instead
/// of matching.
pub(crate) mod fact {
    /// [`Op::sets_acc`](super::Op::sets_acc).
    pub const SETS: u8 = 1;
    /// Jumps to `a` (`Br` and the conditional branches).
    pub const BRANCH: u8 = 2;
    /// `BrTable`.
    pub const TABLE: u8 = 4;
}

/// The [`fact`]s of every opcode, indexed by opcode.
pub(crate) static FACTS: [u8; OPS.len()] = {
    let mut t = [0u8; OPS.len()];
    let mut i = 0;
    while i < OPS.len() {
        let op = OPS[i];
        let mut f = 0;
        if op.sets_acc() {
            f |= fact::SETS;
        }
        if matches!(op, Op::Br) || op.is_cond_branch() {
            f |= fact::BRANCH;
        }
        if matches!(op, Op::BrTable) {
            f |= fact::TABLE;
        }
        t[i] = f;
        i += 1;
    }
    t
};

/// Marks in `out` (indexed from `entry`, `body.len()` long) every instruction of a function
/// body that a branch of the body can jump to; targets outside the body are ignored (the
/// verifier refuses them separately).
pub(crate) fn mark_branch_targets(body: &[Instr], entry: u32, br_targets: &[u32], out: &mut Vec<bool>) {
    let n = body.len();
    out.clear();
    // One cell past the body takes the marks of everything that is not a branch into it,
    // so that the loop has no data-dependent branch.
    out.resize(n + 1, false);
    let index = |target: u32| (target.wrapping_sub(entry) as usize).min(n);
    for i in body {
        let f = FACTS[i.op as usize];
        out[if f & fact::BRANCH != 0 { index(i.a) } else { n }] = true;
        if f & fact::TABLE != 0 {
            let first = i.c as usize;
            for &t in br_targets.get(first..first.saturating_add(i.b as usize)).unwrap_or(&[]) {
                out[index(t)] = true;
            }
        }
    }
    out.truncate(n);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_and_forms_match_the_definitions() {
        for op in OPS {
            let f = FACTS[op as usize];
            assert_eq!(f & fact::SETS != 0, op.sets_acc(), "{op:?}");
            assert_eq!(f & fact::BRANCH != 0, op == Op::Br || op.is_cond_branch(), "{op:?}");
            let swap = op.swapped().and_then(|s| s.acc_form(AccOperand::B));
            assert_eq!(FORMS[op as usize][3], swap.map_or(0, |s| s as u16), "{op:?}");
        }
    }

    #[test]
    fn forms_follow_their_table() {
        for (i, &(base, operand)) in ACC_FORMS.iter().enumerate() {
            let op = OPS[FIRST as usize + i];
            assert_eq!(op.acc_base(), Some((base, operand)), "{op:?}");
            assert_eq!(base.acc_form(operand), Some(op));
            assert!(format!("{op:?}").starts_with(&format!("{base:?}Acc")), "{op:?} is not a form of {base:?}");
            assert_eq!(base.acc_base(), None);
        }
        assert_eq!(OPS.len(), FIRST as usize + ACC_FORMS.len());
    }
}
