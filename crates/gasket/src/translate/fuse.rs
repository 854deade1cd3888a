//! Fusion: an instruction takes back the one just emitted (at most two: an `and` and its
//! `eqz`), never across a label, and does its work too: compare and branch, `and` and branch
//! (bit tests), constant operands (immediate forms), `local.set` into the producer, dropped
//! `wrap`/`extend`, an address `i32.add` into its load, a constant into its store. Gas is
//! defined on the Wasm operators, so fusion never changes it.

use super::{Condition, FuncTranslator, Operand};
use crate::ir::{flag, Instr, Op, Slot};

impl FuncTranslator<'_> {
    /// [`Self::pop_slot`] for a consumer that reads only the low bits that each of `through`
    /// leaves unchanged: if the top operand was just computed by one of those conversions,
    /// the conversion is dropped ([`Self::pop_last_result`]) and its source slot returned.
    /// Gas is unaffected: it is defined on the Wasm
    /// operators, not on these instructions (docs/gas.md §3).
    pub(super) fn pop_slot_through(&mut self, through: &[Op]) -> Slot {
        match self.pop_last_result(|op| through.contains(&op)) {
            Some(conversion) => conversion.b,
            None => self.pop_slot(),
        }
    }

    pub(super) fn translate_binary(&mut self, op: Op) {
        let h = self.height();
        if let Operand::Const(k) = self.buf.stack[h as usize - 1] {
            // Shift and rotate counts are taken modulo 64 by the operator, so only those bits
            // matter; sign-extending immediate forms need a constant that fits 32 bits.
            let (op, k) = match op {
                Op::I32Sub => (Op::I32Add, (k as u32).wrapping_neg() as u64),
                Op::I64Sub => (Op::I64Add, (k as i64).wrapping_neg() as u64),
                _ if op.is(flag::SHIFT64) => (op, k & 63),
                _ => (op, k),
            };
            let rel = op.info().rel;
            if let Some(imm_op) = rel.imm.filter(|imm| !imm.is(flag::SEXT) || k as i64 == k as i32 as i64) {
                self.pop();
                let lhs = self.pop_lhs(op);
                let dst = self.push_temp();
                self.emit_result(imm_op, dst, lhs, k as u32);
                return;
            }
            if let Some(imm_op) = rel.imm64 {
                self.pop();
                let lhs = self.pop_lhs(op);
                let dst = self.push_temp();
                self.emit_result_ext(imm_op, dst, lhs, 0, (k as u32, (k >> 32) as u32));
                return;
            }
        }
        let rhs = if op.is(flag::LOW32) {
            self.pop_slot_through(&[Op::I32WrapI64])
        } else if op.is(flag::SHIFT64) {
            // The count is taken modulo 64: extending it from i32 changes no bit that is read.
            self.pop_slot_through(&[Op::I64ExtendI32U, Op::I64ExtendI32S])
        } else {
            self.pop_slot()
        };
        let lhs = self.pop_lhs(op);
        let dst = self.push_temp();
        self.emit_result(op, dst, lhs, rhs);
    }

    /// Pops the left operand of binary `op`.
    pub(super) fn pop_lhs(&mut self, op: Op) -> Slot {
        if op.is(flag::LOW32) {
            self.pop_slot_through(&[Op::I32WrapI64])
        } else {
            self.pop_slot()
        }
    }

    pub(super) fn translate_select(&mut self) {
        let cond = self.pop_slot();
        let second = self.pop_slot();
        let pos = self.height() - 1;
        self.materialize(pos);
        let dst = self.temp(pos);
        self.emit(Op::SelectEqz, dst, cond, second);
    }

    pub(super) fn translate_local_set(&mut self, l: Slot) {
        let pos = self.height() - 1;
        let value = self.pop();
        self.preserve_local(l);
        match value {
            Operand::Temp => match self.last_result {
                Some(at) if self.is_last(at) && self.code[at].a == self.temp(pos) => {
                    self.code[at].a = l;
                    self.last_result = None;
                }
                _ => {
                    let src = self.temp(pos);
                    self.emit_copy(l, src);
                }
            },
            Operand::Local(src) if src == l => {}
            Operand::Local(src) => {
                self.emit_copy(l, src);
            }
            Operand::Const(v) => self.emit_const(l, v),
        }
    }

    /// Pops a branch condition. If the last instruction computed it with an integer
    /// comparison (or `eqz`), that instruction is removed and returned for fusion.
    pub(super) fn pop_condition(&mut self) -> Condition {
        if let Some(and) = self.pop_last_result(|op| matches!(op, Op::I32And | Op::I32AndImm)) {
            return Condition::Test(and, true);
        }
        let fusable = |op: Op| matches!(op, Op::I32Eqz | Op::I64Eqz) || op.branch_form(false).is_some();
        match self.pop_last_result(fusable) {
            Some(eqz) if matches!(eqz.op, Op::I32Eqz | Op::I64Eqz) => match self.pop_and_before(eqz) {
                Some(and) => Condition::Test(and, false),
                None => Condition::Fused(eqz),
            },
            Some(instr) => Condition::Fused(instr),
            None => Condition::Slot(self.pop_slot()),
        }
    }

    /// Once `eqz` has been taken back ([`Self::pop_last_result`]): if the instruction now last
    /// is an `and` of the same width that wrote the temp `eqz` read, with no label after it,
    /// takes it back too and returns it, for a bit test.
    pub(super) fn pop_and_before(&mut self, eqz: Instr) -> Option<Instr> {
        let at = self.code.len();
        let last = *self.code.last()?;
        let and = Instr { op: last.op.base(), ..last };
        let is_i32 = matches!(and.op, Op::I32And | Op::I32AndImm);
        let fits = at > self.entry as usize
            && self.label_pc as usize != at
            && and.op.info().rel.nez.is_some()
            && is_i32 == (eqz.op == Op::I32Eqz)
            && and.a == eqz.b
            && and.a == self.temp(self.height());
        if !fits {
            return None;
        }
        self.code.pop();
        Some(and)
    }

    /// If the top operand is the temp the last instruction just wrote, and that instruction's
    /// opcode passes `accept`, pops both and returns the instruction (for fusion into its
    /// consumer). No instruction came after it, so its operands still hold the same values.
    pub(super) fn pop_last_result(&mut self, accept: impl Fn(Op) -> bool) -> Option<Instr> {
        let pos = self.height() - 1;
        if self.buf.stack[pos as usize] != Operand::Temp {
            return None;
        }
        let at = self.last_result?;
        // Consumers match base opcodes, not the accumulator forms (which read the same).
        let instr = Instr { op: self.code[at].op.base(), ..self.code[at] };
        if at + 1 != self.code.len() || instr.a != self.temp(pos) || !accept(instr.op) {
            return None;
        }
        self.pop();
        self.code.pop();
        self.last_result = None;
        Some(instr)
    }

    /// Emits a branch to `target` taken when `cond` holds (or fails, if `negated`).
    pub(super) fn emit_cond_branch(&mut self, cond: Condition, negated: bool, target: u32) -> u32 {
        match cond {
            Condition::Slot(s) => {
                let op = if negated { Op::BrIfEqz } else { Op::BrIfNez };
                self.emit(op, target, s, 0)
            }
            Condition::Fused(i) if i.op == Op::I32Eqz => {
                let op = if negated { Op::BrIfNez } else { Op::BrIfEqz };
                self.emit(op, target, i.b, 0)
            }
            Condition::Fused(i) if i.op == Op::I64Eqz => {
                let op = if negated { Op::BrIfI64NeImm } else { Op::BrIfI64EqImm };
                self.emit(op, target, i.b, 0)
            }
            Condition::Fused(i) => {
                let op = i.op.branch_form(negated).expect("checked fusable");
                self.emit(op, target, i.b, i.c)
            }
            Condition::Test(and, nonzero) => {
                let rel = and.op.info().rel;
                let op = if nonzero != negated { rel.nez } else { rel.eqz }.expect("an `and`");
                self.emit(op, target, and.b, and.c)
            }
        }
    }

    /// A load. An address just computed by an `i32.add` is added by the load itself: the
    /// load reads the sum's operands before it writes its result (exec/memory.rs).
    pub(super) fn translate_load(&mut self, op: Op, offset: u32) {
        match self.pop_last_result(|add| op.load_add_form(add).is_some()) {
            Some(add) => {
                let dst = self.push_temp();
                let fused = op.load_add_form(add.op).expect("accepted above");
                self.emit_result_ext(fused, dst, add.b, offset, (add.c, 0));
            }
            None => {
                let addr = self.pop_slot();
                let dst = self.push_temp();
                self.emit_result(op, dst, addr, offset);
            }
        }
    }

    /// A store; of a constant that fits, in its immediate form.
    pub(super) fn translate_store(&mut self, op: Op, offset: u32) {
        let imm_form = match self.buf.stack.last() {
            Some(&Operand::Const(v)) => op.store_imm_form(v),
            _ => None,
        };
        match imm_form {
            Some((op, imm)) => {
                self.pop();
                let addr = self.pop_slot();
                self.emit(op, addr, imm, offset);
            }
            None => {
                let value = self.pop_slot();
                let addr = self.pop_slot();
                self.emit(op, addr, value, offset);
            }
        }
    }
}
