//! Gas placement (docs/gas.md §3): where each straight-line run's `Charge` goes and which
//! branch pays it instead. The cost of a run is summed from the Wasm operators in it
//! (`GasSchedule::cost`, in `translate`); this file only decides where it is charged:
//! - a run's `Charge` is emitted where it starts and patched with its cost where it ends;
//! - the function's first run has none: callers charge it ([`super::CompiledFunc::entry_cost`]);
//! - a branch into a label pays the run it enters and enters it past its `Charge`; a loop's
//!   back-edges pay its header run; a conditional branch pays the run after it on its
//!   not-taken edge (`Instr::fall_gas`); a zero-cost `Charge` is dropped.
//!
//! Every entry into a run therefore pays its cost exactly once, which the unit tests and the
//! reference meter check.

use super::FuncTranslator;
use crate::ir::{flag, Instr, Op};

impl FuncTranslator<'_> {
    /// Starts a run here: emits its `Charge`, whose cost is patched when the run ends.
    pub(super) fn begin_run(&mut self, initial_cost: u64) {
        if self.schedule.is_some() {
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

#[cfg(test)]
mod tests {
    use crate::ir::{flag, Op};
    use crate::translate::testing::{translate, Translated};
    use crate::GasSchedule;

    /// Functions with every kind of run boundary: `if`/`else`, loops entered by `br` and
    /// `br_if`, `br_table`, nested blocks, early returns, calls, and dropped zero-cost runs.
    const SHAPES: &str = r#"(module
        (func (param i32) (result i32) (local i32)
            (if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.const 2))))
        (func (param i32) (result i32) (local i32)
            (loop $l (local.set 1 (i32.add (local.get 1) (i32.const 3)))
                (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
            (local.get 1))
        (func (param i32) (result i32)
            (block $a (block $b (block $c (br_table $a $b $c (local.get 0)))
                (return (i32.const 10))) (return (i32.const 20))) (i32.const 30))
        (func (param i32) (result i32) (local i32 i32)
            (block (loop (br_if 1 (i32.eqz (local.get 0)))
                (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
                (if (i32.and (local.get 0) (i32.const 1)) (then (local.set 1 (i32.add (local.get 1) (local.get 0)))))
                (br 0)))
            (local.get 1))
        (func (param i32) (result i32)
            (if (local.get 0) (then (return (call 0 (local.get 0)))))
            (block (block (block))) (i32.const 5)))"#;

    /// **Every entry into a run pays its cost exactly once**: a branch either lands on the
    /// run's `Charge` and pays nothing itself, or lands just past it and pays its cost; a
    /// conditional branch's not-taken edge pays the `Charge` it skips; and no branch lands on
    /// an instruction after a `Charge` that is not the start of a run.
    fn check_charges(t: &Translated, f: usize) {
        let body = t.body(f);
        let code = &t.code;
        let targets = |i: usize| -> Vec<usize> {
            let instr = code[i];
            let info = instr.op.info();
            if info.flags & (flag::BRANCH | flag::COND_BRANCH) != 0 {
                vec![instr.a as usize]
            } else if info.flags & flag::BR_TABLE != 0 {
                t.br_targets[instr.c as usize..(instr.c + instr.b) as usize].iter().map(|&x| x as usize).collect()
            } else {
                vec![]
            }
        };
        for i in body.clone() {
            let instr = code[i];
            for target in targets(i) {
                assert!(body.contains(&target), "func {f}: instruction {i} jumps out of its body");
                let paid = if instr.op.is(flag::BR_TABLE) { 0 } else { instr.taken_gas() };
                if code[target].op == Op::Charge {
                    assert_eq!(paid, 0, "func {f}: {i} lands on a Charge and also pays");
                } else if target > body.start && code[target - 1].op == Op::Charge {
                    assert_eq!(paid, code[target - 1].charge_cost(), "func {f}: {i} skips a Charge");
                } else {
                    // Landing where no run starts with a Charge: only at a free run.
                    assert_eq!(paid, 0, "func {f}: {i} pays for a run without a Charge");
                }
            }
            if instr.op.is(flag::COND_BRANCH) && instr.fall_gas() != 0 {
                assert_eq!(code[i + 1].op, Op::Charge, "func {f}: {i} pays a fall-through without a Charge");
                assert_eq!(code[i + 1].charge_cost(), instr.fall_gas());
            }
        }
    }

    #[test]
    fn every_entry_into_a_run_pays_its_charge_once() {
        let t = translate(SHAPES, true);
        for f in 0..t.funcs.len() {
            check_charges(&t, f);
        }
    }

    /// A function without branches is one run, charged by its caller: no `Charge` at all,
    /// and its entry cost is the sum of its operators' costs (docs/gas.md §2).
    #[test]
    fn a_straight_line_function_is_one_run_charged_at_entry() {
        let s = GasSchedule::default();
        let t = translate(
            "(module (memory 1) (func (param i32) (result i32) (local i32 i32)
                (i32.store (local.get 0) (i32.mul (local.get 0) (i32.const 3)))
                (i32.add (i32.load (local.get 0)) (local.get 0))))",
            true,
        );
        assert!(!t.ops(0).contains(&Op::Charge), "{:?}", t.ops(0));
        // Two declared locals, then: local.get, local.get, const, mul, store, local.get, load,
        // local.get, add; `end` is free.
        let expected = 2 * s.entry_per_local + 4 * s.local + s.base * 2 + s.store + s.load + s.base;
        assert_eq!(t.funcs[0].entry_cost, expected);
    }

    /// Without metering no `Charge` is emitted and no branch carries gas.
    #[test]
    fn unmetered_code_has_no_charges() {
        let t = translate(SHAPES, false);
        assert!(t.code.iter().all(|i| i.op != Op::Charge && i.branch_gas == 0));
        assert!(t.funcs.iter().all(|f| f.entry_cost == 0));
    }
}
