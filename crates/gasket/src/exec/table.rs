//! The handler tables, metered and unmetered: every opcode's handler, as its row of the
//! instruction-set table names it (`ir/set.rs`; accumulator forms take their row's handler
//! instantiated with the operand they read from the accumulator, `S`).

use super::dispatch::Handler;
use crate::ir::{Op, OPS};

pub(super) const fn table<const M: bool>() -> [Handler; OPS.len()] {
    let mut t = [Op::Ext.handler::<M>(); OPS.len()];
    let mut i = 0;
    while i < OPS.len() {
        t[i] = OPS[i].handler::<M>();
        i += 1;
    }
    t
}
