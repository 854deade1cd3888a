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
    #[inline(always)]
    pub(super) fn pop_slot_through(&mut self, through: &[Op]) -> Slot {
        match self.pop_last_result(|op| through.contains(&op)) {
            Some(conversion) => conversion.b,
            None => self.pop_slot(),
        }
    }

    #[inline(always)]
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
    #[inline(always)]
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
    #[inline(always)]
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

#[cfg(test)]
mod tests {
    use crate::ir::{flag, Op};
    use crate::translate::testing::{translate, Translated};
    use crate::{Linker, Store};

    /// Calls export `f(x, y) -> i32`.
    fn run(t: &Translated, x: i32, y: i32) -> i32 {
        let engine = t.module.engine().clone();
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine).instantiate(&mut store, &t.module).unwrap();
        instance.get_typed_func::<(i32, i32), i32>(&store, "f").unwrap().call(&mut store, (x, y)).unwrap()
    }

    /// `body` with `(block (param i32) (result i32))` inserted at `|`: a label between the
    /// instructions before and after it, across which nothing may be fused.
    fn with_and_without_label(body: &str) -> (Translated, Translated) {
        let func = |b: String| {
            format!(r#"(module (memory 1) (func (export "f") (param i32 i32) (result i32) (local i32 i64) {b}))"#)
        };
        let adjacent = func(body.replace('|', ""));
        let labelled = func(body.replace('|', " block (param i32) (result i32) end "));
        (translate(&adjacent, false), translate(&labelled, false))
    }

    /// Each fusion happens when producer and consumer are adjacent and never across a label,
    /// and both translations compute the same.
    #[test]
    fn fusions_never_cross_a_label() {
        type Fused = fn(Op) -> bool;
        let cases: [(&str, &str, Fused); 7] = [
            (
                "compare and branch",
                "(block local.get 0 local.get 1 i32.lt_s | br_if 0 (return (i32.const 1))) (i32.const 7)",
                |op| op.is(flag::COND_BRANCH) && !matches!(op.base(), Op::BrIfNez | Op::BrIfEqz | Op::Br),
            ),
            (
                "bit test",
                "(block local.get 0 local.get 1 i32.and | br_if 0 (return (i32.const 1))) (i32.const 7)",
                |op| matches!(op.base(), Op::BrIfI32AndNez | Op::BrIfI32AndEqz),
            ),
            (
                "address sum into its load",
                "(i32.store (i32.const 8) (i32.const 99)) local.get 0 local.get 1 i32.add | i32.load",
                |op| matches!(op.base(), Op::I32LoadAdd | Op::I32LoadAddImm),
            ),
            ("result into local.set", "local.get 0 local.get 1 i32.mul | local.set 2 (local.get 2)", |op| {
                op.base() != Op::Copy
            }),
            ("dropped wrap", "(i32.wrap_i64 (i64.extend_i32_u (local.get 0))) | local.get 1 i32.add", |op| {
                op.base() != Op::I32WrapI64
            }),
            ("accumulator operand", "(i32.add (local.get 0) (i32.const 3)) | local.get 1 i32.mul", |op| {
                op.info().acc.is_some()
            }),
            ("constant into its store", "local.get 0 i32.const 77 | i32.store (i32.load (local.get 0))", |op| {
                op.base() == Op::I32StoreImm
            }),
        ];
        for (what, body, fused) in cases {
            let (adjacent, labelled) = with_and_without_label(body);
            let (a, l) = (adjacent.ops(0), labelled.ops(0));
            // "result into local.set" and "dropped wrap" are fused when an instruction is
            // *absent*: the predicate holds for every instruction of the fused translation.
            let (fused_a, fused_l) = if matches!(what, "result into local.set" | "dropped wrap") {
                (a.iter().all(|&op| fused(op)), l.iter().all(|&op| fused(op)))
            } else {
                (a.iter().any(|&op| fused(op)), l.iter().any(|&op| fused(op)))
            };
            assert!(fused_a, "{what}: not fused when adjacent: {a:?}");
            assert!(!fused_l, "{what}: fused across a label: {l:?}");
            for (x, y) in [(1, 2), (3, 2), (-5, 7), (0, 0)] {
                let (x, y) = if what.contains("load") || what.contains("store") { (x & 8, 0) } else { (x, y) };
                assert_eq!(run(&adjacent, x, y), run(&labelled, x, y), "{what}: f({x}, {y})");
            }
        }
    }
}
