//! The operand stack: deferred `local.get`s and constants, temps, and their materialization.
//! The operand at height `h` lives in slot `num_locals + h` (its temp) once materialized.
//! Deferred locals are preserved before their local is written by materializing *every*
//! deferred local, which the pushes that created them paid for: O(1) amortized.

use super::{FuncTranslator, Operand};
use crate::ir::Slot;

impl FuncTranslator<'_> {
    #[inline(always)]
    pub(super) fn height(&self) -> u32 {
        self.buf.stack.len() as u32
    }

    #[inline(always)]
    pub(super) fn temp(&self, pos: u32) -> Slot {
        self.num_locals + pos
    }

    #[inline(always)]
    pub(super) fn push(&mut self, operand: Operand) {
        if let Operand::Local(l) = operand {
            self.buf.local_refs[l as usize] += 1;
            self.total_local_refs += 1;
        }
        self.buf.stack.push(operand);
        // The frame size counts reachable code only (docs/gas.md §6).
        if self.reachable {
            self.max_height = self.max_height.max(self.height());
        }
    }

    #[inline(always)]
    pub(super) fn pop(&mut self) -> Operand {
        let operand = self.buf.stack.pop().expect("validated: operand stack not empty");
        if let Operand::Local(l) = operand {
            self.buf.local_refs[l as usize] -= 1;
            self.total_local_refs -= 1;
        }
        operand
    }

    pub(super) fn truncate(&mut self, height: u32) {
        while self.height() > height {
            self.pop();
        }
    }

    /// Makes the operand at `pos` live in its temp slot.
    pub(super) fn materialize(&mut self, pos: u32) {
        let dst = self.temp(pos);
        match self.buf.stack[pos as usize] {
            Operand::Temp => return,
            Operand::Local(l) => {
                self.buf.local_refs[l as usize] -= 1;
                self.total_local_refs -= 1;
                self.emit_copy(dst, l);
            }
            Operand::Const(v) => self.emit_const(dst, v),
        }
        self.buf.stack[pos as usize] = Operand::Temp;
    }

    pub(super) fn materialize_top(&mut self, n: u32) {
        let h = self.height();
        for pos in h - n..h {
            self.materialize(pos);
        }
    }

    /// Emits a copy of the operand at `pos` into slot `dst`, unless it is already there.
    pub(super) fn copy_operand_to(&mut self, pos: u32, dst: Slot) {
        match self.buf.stack[pos as usize] {
            Operand::Temp if self.temp(pos) == dst => {}
            Operand::Temp => {
                let src = self.temp(pos);
                self.emit_copy(dst, src);
            }
            Operand::Local(l) if l == dst => {}
            Operand::Local(l) => {
                self.emit_copy(dst, l);
            }
            Operand::Const(v) => self.emit_const(dst, v),
        }
    }

    /// Pops the top operand and returns a slot holding it (materializing constants).
    #[inline(always)]
    pub(super) fn pop_slot(&mut self) -> Slot {
        let pos = self.height() - 1;
        if let Operand::Const(_) = self.buf.stack[pos as usize] {
            self.materialize(pos);
        }
        match self.pop() {
            Operand::Local(l) => l,
            Operand::Temp => self.temp(pos),
            Operand::Const(_) => unreachable!("materialized above"),
        }
    }

    /// Pushes a result temp and returns its slot.
    #[inline(always)]
    pub(super) fn push_temp(&mut self) -> Slot {
        let slot = self.temp(self.height());
        self.push(Operand::Temp);
        slot
    }

    /// Copies every deferred reference to local `l` into its temp, before `l` is written.
    ///
    /// It materializes *all* deferred locals, not only `l`'s: scanning for `l` alone would
    /// rescan other locals' references at every `local.set`, which an input can make quadratic
    /// (the bomb corpus's `local_scan`). Materializing everything is paid for by the pushes.
    pub(super) fn preserve_local(&mut self, l: Slot) {
        if self.buf.local_refs[l as usize] > 0 {
            self.preserve_all_locals();
        }
    }

    /// Copies every deferred local reference into its temp. Done at block entry, so that code
    /// inside the block may write any local without invalidating operands below the block.
    pub(super) fn preserve_all_locals(&mut self) {
        let mut pos = self.height();
        while self.total_local_refs > 0 {
            pos -= 1;
            if let Operand::Local(_) = self.buf.stack[pos as usize] {
                self.materialize(pos);
            }
        }
    }

    pub(super) fn prepare_call_args(&mut self, params: u32) -> Slot {
        self.materialize_top(params);
        let base = self.temp(self.height() - params);
        self.truncate(self.height() - params);
        base
    }

    pub(super) fn push_results(&mut self, n: u32) {
        for _ in 0..n {
            self.push(Operand::Temp);
        }
    }
}
