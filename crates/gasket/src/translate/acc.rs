//! The accumulator pass: once a function is translated, each instruction that reads the
//! result of the instruction just before it is given the accumulator form that takes that
//! operand from a register (the rule is in `ir/acc.rs`). It changes only opcodes (and, for
//! a commutative operator or a comparison, the order of its two slot operands), in one pass
//! over the function: results and gas are unchanged.

use crate::ir::{mark_branch_targets, AccOperand, Instr, Op};

/// Applies the accumulator forms to `body`, the code of one function starting at index
/// `entry`; `targets` is scratch space.
pub(crate) fn use_accumulator(body: &mut [Instr], entry: u32, br_targets: &[u32], targets: &mut Vec<bool>) {
    mark_branch_targets(body, entry, br_targets, targets);
    // The result slot of the instruction before, if it set the accumulator.
    let mut acc: Option<u32> = None;
    for (i, target) in body.iter_mut().zip(targets.iter()) {
        if i.op == Op::Ext {
            continue;
        }
        if *target {
            acc = None;
        }
        if let Some(slot) = acc {
            *i = with_acc(*i, slot);
        }
        acc = i.op.sets_acc().then_some(i.a);
    }
}

/// `i` in the accumulator form that reads `slot` from the accumulator, if it has one.
fn with_acc(i: Instr, slot: u32) -> Instr {
    let form = |op: Op, operand| op.acc_form(operand);
    if i.b == slot {
        if let Some(op) = form(i.op, AccOperand::B) {
            return Instr { op, ..i };
        }
    }
    // Only binary operators and compare-and-branch on two slots have `C` forms or a swap.
    if i.c == slot {
        if let Some(op) = form(i.op, AccOperand::C) {
            return Instr { op, ..i };
        }
        if let Some(op) = i.op.swapped().and_then(|s| form(s, AccOperand::B)) {
            return Instr { op, b: i.c, c: i.b, ..i };
        }
    }
    if i.a == slot {
        if let Some(op) = form(i.op, AccOperand::A) {
            return Instr { op, ..i };
        }
    }
    i
}
