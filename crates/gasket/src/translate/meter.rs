//! Gas placement (docs/gas.md §3): where each straight-line run's `Charge` goes and which
//! branch pays it instead. The cost of a run is summed from the Wasm operators in it
//! (`GasSchedule::cost`, in `translate`); this file only decides where it is charged:
//! - a run's `Charge` is emitted where it starts and patched with its cost where it ends;
//! - the function's first run has none: callers charge it ([`super::CompiledFunc::entry_cost`]);
//! - a branch into a label pays the run it enters and enters it past its `Charge`; a loop's
//!   back-edges pay its header run; a conditional branch pays the run after it on its
//!   not-taken edge (`Instr::fall_gas`); a zero-cost `Charge` is dropped.
//! Every entry into a run therefore pays its cost exactly once, which the unit tests and the
//! reference meter check.

use super::FuncTranslator;
use crate::ir::{flag, Instr, Op};

impl FuncTranslator<'_> {
    /// Starts a run here: emits its `Charge`, whose cost is patched when the run ends.
    pub(super) fn begin_run(&mut self, initial_cost: u64) {
        if self.env.schedule.is_some() {
            // Keep the entries that jump here: a dropped zero-cost run's (see `end_run`), if
            // nothing was emitted since, and those of the label that starts this run.
            let (pc, code) = (self.pc(), &*self.code);
            self.buf.incoming.retain(|&site| code[site as usize].a == pc);
            self.run_cost = initial_cost;
            self.run_charge = Some(self.emit(Op::Charge, 0, 0, 0));
        }
    }

    /// Ends the current run: patches its `Charge` with the run's cost. A zero-cost charge that
    /// is still the last instruction is dropped (labels pointing at it then point at whatever
    /// comes next, which is equivalent). Branches that enter the run at its label are
    /// redirected past the `Charge` and pay its cost themselves when taken (`Instr::taken_gas`,
    /// if it fits), and a conditional branch right before the `Charge` pays it on its
    /// not-taken edge (`Instr::fall_gas`): the same charge at the same point, without a
    /// dispatch. Only other fall-through entries still execute the `Charge`.
    pub(super) fn end_run(&mut self) {
        let cost = std::mem::take(&mut self.run_cost);
        if std::mem::take(&mut self.in_entry_run) {
            // No label leads into the function's first run.
            debug_assert!(self.buf.incoming.is_empty());
            self.entry_cost = cost;
            return;
        }
        let mut charge_kept = None;
        let mut dropped = false;
        if let Some(at) = self.run_charge.take() {
            if cost == 0 && at as usize + 1 == self.code.len() {
                // The branches into this run now enter whatever starts here, maybe the next
                // run's `Charge` (two labels in a row): `begin_run` keeps them for it.
                self.code.pop();
                dropped = true;
            } else {
                let charge = &mut self.code[at as usize];
                charge.a = cost as u32;
                charge.b = (cost >> 32) as u32;
                charge_kept = Some(at);
                for &site in &self.buf.incoming {
                    let branch = &mut self.code[site as usize];
                    debug_assert!(branch.a == at && branch.taken_gas() == 0, "a forward branch to this run's label");
                    if cost <= Instr::max_taken_gas(branch.op) {
                        branch.a = at + 1;
                        // Below the fall-through byte of a conditional branch, set already.
                        branch.branch_gas |= cost as u16;
                    }
                }
                if at > self.entry && cost <= u8::MAX as u64 {
                    let before = &mut self.code[at as usize - 1];
                    if before.op.is(flag::COND_BRANCH) {
                        before.set_fall_gas(cost as u8);
                    }
                }
            }
        }
        if !dropped {
            self.buf.incoming.clear();
        }
        if let Some(idx) = self.header_run_of.take() {
            let frame = &mut self.buf.control[idx];
            frame.header_cost = Some(cost);
            frame.header_charge = charge_kept;
        }
    }

    /// Before a return: if the run so far, the return included, costs nothing, ends it now, so
    /// that its `Charge`, still the last instruction, is dropped instead of executed (a run
    /// made of the `end` after an `if`/`else` that returns, as in a recursive `fib`).
    pub(super) fn end_free_run(&mut self) {
        if self.run_cost == 0 {
            self.end_run();
        }
    }

    /// Where a branch of kind `op` to loop frame `idx` jumps, and the gas it charges when
    /// taken: past the header's `Charge`, paying the header run's cost itself, when that cost
    /// is known and fits; otherwise to the `Charge`.
    pub(super) fn loop_target(&self, idx: usize, op: Op) -> (u32, u16) {
        let frame = &self.buf.control[idx];
        let cost = if self.header_run_of == Some(idx) {
            // This branch ends the header run, whose cost is therefore final.
            Some(self.run_cost)
        } else {
            frame.header_cost
        };
        match (frame.header_charge, cost) {
            (Some(charge), Some(cost)) if cost > 0 && cost <= Instr::max_taken_gas(op) => (charge + 1, cost as u16),
            _ => (frame.start, 0),
        }
    }
}
