//! Control flow: blocks, loops, `if`/`else`, branches, `br_table` and returns. Forward
//! branches are patched at their label; values move into a block's label slots before a
//! branch (one `CopySpan` when they are temps in a row); `br_table` entries that must move
//! values share one stub per target.

use super::{Control, FuncTranslator, Kind, Operand, NO_PATCH, NO_STUB};
use crate::ir::Op;
use crate::translate::BlockSig;
use crate::Error;

impl FuncTranslator<'_> {
    pub(super) fn push_control(&mut self, kind: Kind, sig: BlockSig) -> Result<(), Error> {
        let depth = self.buf.control.len() as u64;
        if depth > self.limits.max_block_depth as u64 {
            return Err(Error::Limit {
                what: "block nesting depth",
                value: depth,
                limit: self.limits.max_block_depth as u64,
            });
        }
        self.buf.max_depth = self.buf.max_depth.max(depth as u32);
        let reachable = self.reachable;
        let height = if reachable { self.height() - sig.params } else { self.height() };
        self.buf.control.push(Control {
            kind,
            height,
            sig,
            start: self.pc(),
            patches: NO_PATCH,
            table_patches: NO_PATCH,
            header_charge: None,
            header_cost: None,
            else_patch: None,
            entry_reachable: reachable,
            branched_to: false,
        });
        self.forget_last();
        Ok(())
    }

    /// Moves the top `arity` values into the label slots of control frame `depth` and jumps.
    /// Used by `br` and by the taken path of `br_if`.
    pub(super) fn emit_branch(&mut self, depth: u32) {
        let idx = self.buf.control.len() - 1 - depth as usize;
        if idx == 0 {
            self.emit_return();
            return;
        }
        let (arity, height) = {
            let frame = &self.buf.control[idx];
            (frame.arity(), frame.height)
        };
        let h = self.height();
        let all_temps = (h - arity..h).all(|pos| self.buf.stack[pos as usize] == Operand::Temp);
        if arity > 1 && all_temps && h - arity != height {
            // One block move instead of `arity` copies; sources lie at or above destinations.
            let (dst, src) = (self.temp(height), self.temp(h - arity));
            self.emit(Op::CopySpan, dst, src, arity);
        } else {
            for k in 0..arity {
                let dst = self.temp(height + k);
                self.copy_operand_to(h - arity + k, dst);
            }
        }
        self.emit_jump(idx);
    }

    /// Adds branch instruction `at`, just emitted with a placeholder target, to the branches
    /// patched at the end of control frame `idx` (a non-loop).
    fn add_patch(&mut self, idx: usize, at: u32) {
        let frame = &mut self.buf.control[idx];
        self.code[at as usize].a = std::mem::replace(&mut frame.patches, at);
    }

    /// Emits `Br` to the label of control frame `idx`.
    pub(super) fn emit_jump(&mut self, idx: usize) {
        let kind = self.buf.control[idx].kind;
        let (target, taken_gas) = if kind == Kind::Loop { self.loop_target(idx, Op::Br) } else { (0, 0) };
        let at = self.emit(Op::Br, target, 0, 0);
        self.code[at as usize].branch_gas = taken_gas;
        self.buf.control[idx].branched_to = true;
        if kind != Kind::Loop {
            self.add_patch(idx, at);
        }
    }

    /// Whether branching to frame `depth` needs no value moves.
    pub(super) fn branch_is_in_place(&self, depth: u32) -> bool {
        let idx = self.buf.control.len() - 1 - depth as usize;
        if idx == 0 {
            return false;
        }
        let frame = &self.buf.control[idx];
        let arity = frame.arity();
        let h = self.height();
        (0..arity).all(|k| {
            let pos = h - arity + k;
            self.buf.stack[pos as usize] == Operand::Temp && pos == frame.height + k
        })
    }

    pub(super) fn emit_return(&mut self) {
        match self.results {
            0 => {
                self.emit(Op::Return0, 0, 0, 0);
            }
            1 => {
                let pos = self.height() - 1;
                let src = match self.buf.stack[pos as usize] {
                    Operand::Local(l) => l,
                    Operand::Temp => self.temp(pos),
                    Operand::Const(v) => {
                        // Results go to slot 0; write the constant there directly.
                        self.emit_const(0, v);
                        0
                    }
                };
                self.emit(Op::Return1, src, 0, 0);
            }
            n => {
                // Materialize into temps; copying them down to slots 0.. moves each value to
                // a lower or equal slot, so an ascending copy never clobbers a source.
                let h = self.height();
                for pos in h - n..h {
                    if self.buf.stack[pos as usize] != Operand::Temp {
                        let dst = self.temp(pos);
                        self.copy_operand_to(pos, dst);
                    }
                }
                let base = self.temp(h - n);
                self.emit(Op::ReturnN, base, n, 0);
            }
        }
    }

    pub(super) fn translate_br_if(&mut self, depth: u32) {
        let cond = self.pop_condition();
        // Make deferred values temps once, on the common path: then a branch whose values are
        // in place needs no copies, and any other needs one block move (`emit_branch`).
        let idx = self.buf.control.len() - 1 - depth as usize;
        if idx > 0 {
            let arity = self.buf.control[idx].arity();
            self.materialize_top(arity);
        }
        if self.branch_is_in_place(depth) {
            let idx = self.buf.control.len() - 1 - depth as usize;
            let is_loop = self.buf.control[idx].kind == Kind::Loop;
            let at = self.emit_cond_branch(cond, false, 0);
            if is_loop {
                let (target, taken_gas) = self.loop_target(idx, self.code[at as usize].op);
                let branch = &mut self.code[at as usize];
                branch.a = target;
                branch.branch_gas = taken_gas;
            }
            self.buf.control[idx].branched_to = true;
            if !is_loop {
                self.add_patch(idx, at);
            }
        } else {
            let skip = self.emit_cond_branch(cond, true, 0);
            self.emit_branch(depth);
            let here = self.pc();
            self.patch(skip, here);
        }
    }

    pub(super) fn translate_br_table(&mut self, targets: &[u32], default: u32) -> Result<(), Error> {
        let index = self.pop_slot();
        let len = targets.len() as u32 + 1;
        // All targets have the same arity; put the values in temps once.
        let arity = self.buf.control[self.buf.control.len() - 1 - default as usize].arity();
        self.materialize_top(arity);
        let first = self.br_targets.len() as u32;
        self.emit(Op::BrTable, index, len, first);
        self.br_targets.resize((first + len) as usize, 0);
        let depth_count = self.buf.control.len();
        if self.buf.stub_for_depth.len() < depth_count {
            self.buf.stub_for_depth.resize(depth_count, NO_STUB);
        }
        for (i, depth) in targets.iter().copied().chain(std::iter::once(default)).enumerate() {
            let entry = first + i as u32;
            let idx = depth_count - 1 - depth as usize;
            if self.branch_is_in_place(depth) {
                let frame = &mut self.buf.control[idx];
                frame.branched_to = true;
                if frame.kind == Kind::Loop {
                    let start = frame.start;
                    self.br_targets[entry as usize] = start;
                } else {
                    self.br_targets[entry as usize] = std::mem::replace(&mut frame.table_patches, entry);
                }
                continue;
            }
            // Values must move: route this entry through one stub per distinct target.
            let stub = self.buf.stub_for_depth[depth as usize];
            let stub = if stub != NO_STUB {
                stub
            } else {
                let stub = self.pc();
                self.buf.stub_for_depth[depth as usize] = stub;
                self.buf.touched_depths.push(depth);
                self.emit_branch(depth);
                stub
            };
            self.br_targets[entry as usize] = stub;
        }
        for depth in self.buf.touched_depths.drain(..) {
            self.buf.stub_for_depth[depth as usize] = NO_STUB;
        }
        self.end_run();
        self.reachable = false;
        Ok(())
    }

    pub(super) fn translate_else(&mut self) {
        let frame = self.buf.control.last_mut().expect("validated: inside if");
        let (height, sig, entry_reachable) = (frame.height, frame.sig, frame.entry_reachable);
        let else_patch = frame.else_patch.take();
        frame.kind = Kind::Else;
        if self.reachable {
            self.materialize_top(sig.results);
            let idx = self.buf.control.len() - 1;
            self.emit_jump(idx);
            self.end_run();
        }
        if let Some(at) = else_patch {
            let here = self.pc();
            self.patch(at, here);
        }
        self.truncate(height);
        for _ in 0..sig.params {
            self.push(Operand::Temp);
        }
        self.reachable = entry_reachable;
        self.forget_last();
        if self.reachable {
            // The else arm is entered only by the `if`'s branch.
            self.buf.incoming.extend(else_patch);
            self.begin_run(0);
        }
    }

    pub(super) fn translate_end(&mut self) {
        if self.buf.control.len() == 1 {
            // The function body's end.
            if self.reachable {
                self.end_free_run();
                self.emit_return();
                self.end_run();
            }
            self.reachable = false;
            self.buf.control.pop();
            return;
        }
        if self.reachable {
            let results = self.buf.control.last().expect("validated: inside a block").sig.results;
            self.materialize_top(results);
            // Before the pop: the run may be a loop's header run, recorded in its frame.
            self.end_run();
        }
        let frame = self.buf.control.pop().expect("validated: inside a block");
        let here = self.pc();
        let reachable_after =
            frame.entry_reachable && (self.reachable || frame.branched_to || frame.else_patch.is_some());
        // Metering: the branches that enter the run starting here (`begin_run`).
        let record = reachable_after && self.schedule.is_some();
        let mut at = frame.patches;
        while at != NO_PATCH {
            let branch = &mut self.code[at as usize];
            let next = std::mem::replace(&mut branch.a, here);
            if record {
                self.buf.incoming.push(at);
            }
            at = next;
        }
        let mut entry = frame.table_patches;
        while entry != NO_PATCH {
            entry = std::mem::replace(&mut self.br_targets[entry as usize], here);
        }
        if let Some(at) = frame.else_patch {
            self.patch(at, here);
        }
        self.reachable = reachable_after;
        self.truncate(frame.height);
        for _ in 0..frame.sig.results {
            self.push(Operand::Temp);
        }
        self.forget_last();
        if self.reachable {
            self.buf.incoming.extend(frame.else_patch);
            self.begin_run(0);
        }
    }
}
