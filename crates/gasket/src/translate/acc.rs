//! Accumulator forms at emission: an instruction that reads the result of the instruction
//! just before it is emitted in the form that takes that operand from the accumulator
//! register instead of from the frame (the rule is in `ir/acc.rs`; the translator says where
//! labels are and which instruction is before). Only the opcode changes (and, for a
//! commutative operator or a comparison, the order of its two slot operands): results and
//! gas are unchanged.

use crate::ir::{Instr, Op, Slot};

/// `i` in the accumulator form that reads `slot` from the accumulator, if it has one;
/// `forms` is `FORMS[i.op]` (ir/acc.rs).
#[inline]
pub(crate) fn with_acc(i: Instr, [on_a, on_b, on_c, swapped]: [Option<Op>; 4], slot: Slot) -> Instr {
    // Only binary operators and compare-and-branch on two slots have `c` forms or a swap.
    match (on_a, on_b, on_c, swapped) {
        (_, Some(op), _, _) if i.b == slot => Instr { op, ..i },
        (_, _, Some(op), _) if i.c == slot => Instr { op, ..i },
        (_, _, _, Some(op)) if i.c == slot => Instr { op, b: i.c, c: i.b, ..i },
        (Some(op), _, _, _) if i.a == slot => Instr { op, ..i },
        _ => i,
    }
}
