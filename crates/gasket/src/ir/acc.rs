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
//! - that instruction (its `Ext` word skipped) is an accumulator setter
//!   ([`flag::SETS_ACC`]) whose result slot `a` is the slot of the operand the form reads
//!   from the accumulator.
//!
//! Setters still write their result slot, and forms keep the slot operand, so the
//! accumulator is only ever a copy of a slot that was just written. Which opcodes have forms,
//! and for which operand, is declared in the table (`ir/set.rs`, `acc(...)`).

use super::{flag, Instr, Op, INFO, OPS};

/// The operand an accumulator form reads from the accumulator (the discriminant is the
/// handlers' `S` parameter; 0 means every operand comes from its slot).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum AccOperand {
    A = 1,
    B = 2,
    C = 3,
}

/// `FORMS[op]`: the accumulator forms of `op` reading `a`, `b`, `c`, then the `b` form of the
/// opcode computing the same with `b` and `c` swapped ([`super::Rel::swap`]). Derived from the
/// table, so that the translator looks them up with one load.
pub(crate) static FORMS: [[Option<Op>; 4]; OPS.len()] = {
    let mut t = [[None; 4]; OPS.len()];
    let mut op = 0;
    while op < OPS.len() {
        let info = &INFO[op];
        let [a, b, c] = info.forms;
        let swapped = match info.rel.swap {
            Some(s) => INFO[s as usize].forms[AccOperand::B as usize - 1],
            None => None,
        };
        t[op] = [a, b, c, swapped];
        op += 1;
    }
    t
};

/// Marks of [`mark_branch_targets`]: a branch of the body can jump here, and one at or after
/// here can (the head of a loop).
pub(crate) const TARGET: u8 = 1;
pub(crate) const BACKWARD: u8 = 2;

/// Marks in `out` (indexed from `entry`, `body.len()` long) every instruction of a function
/// body that a branch of the body can jump to ([`TARGET`], and [`BACKWARD`] when the branch is
/// at or after it); targets outside the body are ignored (the verifier refuses them
/// separately).
pub(crate) fn mark_branch_targets(body: &[Instr], entry: u32, br_targets: &[u32], out: &mut Vec<u8>) {
    /// Each opcode's branch flags, a byte apart (its row of the instruction set is 56 bytes).
    static BRANCHES: [u8; OPS.len()] = {
        let mut t = [0; OPS.len()];
        let mut k = 0;
        while k < OPS.len() {
            t[k] = (INFO[k].flags & (flag::BRANCH | flag::COND_BRANCH | flag::BR_TABLE)) as u8;
            k += 1;
        }
        t
    };
    let n = body.len();
    out.clear();
    // One cell past the body takes the marks of everything that is not a branch into it,
    // so that the loop has no data-dependent branch.
    out.resize(n + 1, 0);
    let index = |target: u32| (target.wrapping_sub(entry) as usize).min(n);
    let mark = |to: usize, from: usize| TARGET | if to <= from { BACKWARD } else { 0 };
    for (k, i) in body.iter().enumerate() {
        let f = BRANCHES[i.op as usize];
        let to = if f & (flag::BRANCH | flag::COND_BRANCH) as u8 != 0 { index(i.a) } else { n };
        out[to] |= mark(to, k);
        if f & flag::BR_TABLE as u8 != 0 {
            let first = i.c as usize;
            for &t in br_targets.get(first..first.saturating_add(i.b as usize)).unwrap_or(&[]) {
                out[index(t)] |= mark(index(t), k);
            }
        }
    }
    out.truncate(n);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_are_named_after_their_base_and_operand() {
        for &op in OPS {
            let info = op.info();
            if let Some(operand) = info.acc {
                assert_eq!(info.name, format!("{:?}Acc{operand:?}", info.base), "{op:?}");
                assert_eq!(info.base.info().forms[operand as usize - 1], Some(op));
                assert!(op as usize > info.base as usize, "{op:?} follows its row");
            }
            for (i, form) in info.forms.iter().enumerate() {
                if let Some(form) = form {
                    assert_eq!(form.info().base, op);
                    assert_eq!(form.info().acc.map(|o| o as usize), Some(i + 1));
                }
            }
        }
    }

    #[test]
    fn only_operands_that_are_slots_have_forms() {
        use super::super::Kind;
        for &op in OPS {
            let info = op.info();
            for (i, form) in info.forms.iter().enumerate() {
                if form.is_some() {
                    assert_eq!(info.operands[i], Kind::Src, "{op:?} reads operand {i} from a slot");
                }
            }
        }
    }
}
