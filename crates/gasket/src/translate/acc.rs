//! Accumulator forms at emission: an instruction that reads the result of the instruction
//! just before it is emitted in the form that takes that operand from the accumulator
//! register instead of from the frame (the rule is in `ir/acc.rs`; the translator says where
//! labels are and which instruction is before). Only the opcode changes (and, for a
//! commutative operator or a comparison, the order of its two slot operands): results and
//! gas are unchanged.

use crate::ir::{Instr, Slot, OPS};

/// `i` in the accumulator form that reads `slot` from the accumulator, if it has one;
/// `forms` is `FORMS[i.op]` (ir/acc.rs).
#[inline]
pub(crate) fn with_acc(i: Instr, [on_a, on_b, on_c, swapped]: [u16; 4], slot: Slot) -> Instr {
    let op = |code: u16| OPS[code as usize];
    // Only binary operators and compare-and-branch on two slots have `c` forms or a swap.
    if i.b == slot && on_b != 0 {
        Instr { op: op(on_b), ..i }
    } else if i.c == slot && on_c != 0 {
        Instr { op: op(on_c), ..i }
    } else if i.c == slot && swapped != 0 {
        Instr { op: op(swapped), b: i.c, c: i.b, ..i }
    } else if i.a == slot && on_a != 0 {
        Instr { op: op(on_a), ..i }
    } else {
        i
    }
}
