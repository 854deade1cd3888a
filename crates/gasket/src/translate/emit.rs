//! Emission: appending instructions, each in the accumulator form that reads the result of
//! the instruction before it when the rule of `ir/acc.rs` allows, and marking labels, after
//! which nothing may be merged into what came before (`forget_last`). Choosing a form changes
//! only the opcode (and, for a commutative operator or a comparison, the order of its two
//! slot operands): results and gas are unchanged.

use super::FuncTranslator;
use crate::ir::{flag, Instr, Op, Slot, FORMS};

impl FuncTranslator<'_> {
    pub(super) fn pc(&self) -> u32 {
        self.code.len() as u32
    }

    /// Appends an instruction, in the accumulator form that reads the operand the
    /// instruction before it computed, if there is one (`translate/acc.rs`).
    /// Always inlined: most callers pass a constant opcode, for which the `FORMS` lookup and
    /// the accumulator check fold away (no forms) or to a single comparison.
    #[inline(always)]
    pub(super) fn emit(&mut self, op: Op, a: u32, b: u32, c: u32) -> u32 {
        self.last_result = None;
        self.last_copy = None;
        let mut instr = Instr::new(op, a, b, c);
        let forms = FORMS[op as usize];
        if forms != [None; 4] {
            if let Some(slot) = self.acc_slot() {
                instr = with_acc(instr, forms, slot);
            }
        }
        self.code.push(instr);
        self.code.len() as u32 - 1
    }

    /// Marks a label here: code after it must not be merged into code before it, nor read
    /// the accumulator, since a branch can arrive here.
    pub(super) fn forget_last(&mut self) {
        self.last_result = None;
        self.last_copy = None;
        self.label_pc = self.pc();
    }

    /// The slot whose value the accumulator holds when control reaches the next instruction:
    /// the result slot of the instruction before it if that sets the accumulator and no label
    /// is in between (ir/acc.rs).
    #[inline(always)]
    pub(super) fn acc_slot(&self) -> Option<Slot> {
        let pc = self.code.len();
        if self.label_pc as usize == pc || pc <= self.entry as usize {
            return None;
        }
        let mut prev = self.code[pc - 1];
        if prev.op == Op::Ext {
            // An `Ext` word follows its instruction, in the same function.
            prev = self.code[pc - 2];
        }
        prev.op.is(flag::SETS_ACC).then_some(prev.a)
    }

    /// Emits `dst = src`, joining the previous instruction if it is a copy with no label
    /// after it: one `Copy2` dispatch instead of two (copies come in runs: a block's values
    /// into its label slots, locals shuffled by compiled code).
    pub(super) fn emit_copy(&mut self, dst: Slot, src: Slot) {
        if let Some(at) = self.last_copy.filter(|&at| at + 1 == self.code.len()) {
            let first = &mut self.code[at];
            first.op = Op::Copy2;
            first.c = dst;
            self.emit(Op::Ext, src, 0, 0);
            return;
        }
        let at = self.emit(Op::Copy, dst, src, 0);
        self.last_copy = Some(at as usize);
    }

    pub(super) fn emit_const(&mut self, dst: Slot, v: u64) {
        if v <= u32::MAX as u64 {
            self.emit(Op::Const32, dst, v as u32, 0);
        } else {
            self.emit(Op::Const64, dst, v as u32, (v >> 32) as u32);
        }
    }

    /// Whether instruction `at` (with its `Ext` word, if any) is the last one emitted.
    pub(super) fn is_last(&self, at: usize) -> bool {
        let ext = self.code.get(at + 1).is_some_and(|i| i.op == Op::Ext) as usize;
        at + 1 + ext == self.code.len()
    }

    /// Emits an instruction computing `a = f(b, c)` into the top temp, which a following
    /// `local.set` may redirect to the local.
    #[inline(always)]
    pub(super) fn emit_result(&mut self, op: Op, dst: Slot, b: u32, c: u32) {
        self.emit(op, dst, b, c);
        self.last_result = Some(self.code.len() - 1);
    }

    /// [`Self::emit_result`] for an instruction followed by an `Ext` word `(x, y)`.
    pub(super) fn emit_result_ext(&mut self, op: Op, dst: Slot, b: u32, c: u32, (x, y): (u32, u32)) {
        let at = self.emit(op, dst, b, c);
        self.emit(Op::Ext, x, y, 0);
        self.last_result = Some(at as usize);
    }

    /// Pops three operands (a, b, c) and emits `op a b c`, with an optional `Ext` word.
    pub(super) fn emit_ternary(&mut self, op: Op, ext: Option<(u32, u32)>) {
        let c = self.pop_slot();
        let b = self.pop_slot();
        let a = self.pop_slot();
        self.emit(op, a, b, c);
        if let Some((x, y)) = ext {
            self.emit(Op::Ext, x, y, 0);
        }
    }

    pub(super) fn patch(&mut self, at: u32, target: u32) {
        self.code[at as usize].a = target;
    }
}

/// `i` in the accumulator form that reads `slot` from the accumulator, if it has one;
/// `forms` is `FORMS[i.op]` (ir/acc.rs).
#[inline]
fn with_acc(i: Instr, [on_a, on_b, on_c, swapped]: [Option<Op>; 4], slot: Slot) -> Instr {
    // Only binary operators and compare-and-branch on two slots have `c` forms or a swap.
    match (on_a, on_b, on_c, swapped) {
        (_, Some(op), _, _) if i.b == slot => Instr { op, ..i },
        (_, _, Some(op), _) if i.c == slot => Instr { op, ..i },
        (_, _, _, Some(op)) if i.c == slot => Instr { op, b: i.c, c: i.b, ..i },
        (Some(op), _, _, _) if i.a == slot => Instr { op, ..i },
        _ => i,
    }
}
