//! Integer division and remainder, and leading and trailing zero counts, inline, with the
//! interpreter's results and traps (`exec/num.rs`):
//!
//! - a zero divisor traps `IntegerDivisionByZero` before anything else;
//! - `div_s` of the minimum by -1 traps `IntegerOverflow`, and `rem_s` by -1 is 0; neither
//!   reaches `idiv`, which would fault on them (a trap is never a signal);
//! - `clz`/`ctz` of zero are the width. `bsr`/`bsf` (baseline x86-64) are used, not
//!   `lzcnt`/`tzcnt`, which older processors silently execute as `bsr`/`bsf` with other
//!   results: the code means the same on every x86-64.
//!
//! A trap leaves the frame as it is, as every trap stub does: after a trap nothing reads it.

use super::R;
use crate::compile::emit::{Cc, FuncCompiler};
use crate::compile::runtime::reg::RDX;
use crate::ir::Instr;
use crate::TrapCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Divide {
    DivS,
    DivU,
    RemS,
    RemU,
}

impl FuncCompiler<'_> {
    /// `a = b op c`. The dividend goes to `rax` and the divisor to `r11` (both scratch), so
    /// that `rdx`, which the instruction overwrites, can be given up first.
    pub(super) fn divide(&mut self, op: Divide, wide: bool, i: Instr) -> R {
        let rb = self.src(i.b, &[]);
        let rc = self.src(i.c, &[rb]);
        match wide {
            true => emit!(self.ops ; .arch x64 ; mov r11, Rq(rc) ; mov rax, Rq(rb)),
            false => emit!(self.ops ; .arch x64 ; mov r11d, Rd(rc) ; mov eax, Rd(rb)),
        }
        self.free(RDX);
        match wide {
            true => emit!(self.ops ; .arch x64 ; test r11, r11),
            false => emit!(self.ops ; .arch x64 ; test r11d, r11d),
        }
        self.trap_if(Some(Cc::E), TrapCode::IntegerDivisionByZero);
        match (op, wide) {
            (Divide::DivS, _) => {
                // x / -1 is -x, which overflows exactly for the minimum.
                match wide {
                    true => emit!(self.ops ; .arch x64 ; cmp r11, -1 ; jne >divide ; neg rax),
                    false => emit!(self.ops ; .arch x64 ; cmp r11d, -1 ; jne >divide ; neg eax),
                }
                self.trap_if(Some(Cc::O), TrapCode::IntegerOverflow);
                match wide {
                    true => emit!(self.ops ; .arch x64 ; jmp >done ; divide: ; cqo ; idiv r11 ; done:),
                    false => emit!(self.ops ; .arch x64 ; jmp >done ; divide: ; cdq ; idiv r11d ; done:),
                }
            }
            (Divide::RemS, true) => emit!(self.ops
                ; .arch x64
                ; xor edx, edx ; cmp r11, -1 ; je >done ; cqo ; idiv r11
                ; done:
            ),
            (Divide::RemS, false) => emit!(self.ops
                ; .arch x64
                ; xor edx, edx ; cmp r11d, -1 ; je >done ; cdq ; idiv r11d
                ; done:
            ),
            (Divide::DivU | Divide::RemU, true) => emit!(self.ops ; .arch x64 ; xor edx, edx ; div r11),
            (Divide::DivU | Divide::RemU, false) => emit!(self.ops ; .arch x64 ; xor edx, edx ; div r11d),
        }
        let d = self.dst(i.a, &[]);
        let result = if matches!(op, Divide::DivS | Divide::DivU) { 0 } else { RDX };
        // 32-bit results are zero-extended to the cell, as the interpreter writes them: by
        // the 32-bit `mov`, or already by the 32-bit `div` when the result is where it is.
        self.mov(wide, d, result);
        Ok(())
    }

    /// `a = clz(b)` (`leading`) or `a = ctz(b)`.
    pub(super) fn count_zeros(&mut self, leading: bool, wide: bool, i: Instr) -> R {
        let rb = self.src(i.b, &[]);
        // bsr gives the highest set bit's index h, and clz = (width - 1) - h = h ^ (width - 1);
        // for zero the flags say so, and the value that xors to the width stands in for h.
        match (leading, wide) {
            (true, true) => emit!(self.ops
                ; .arch x64
                ; bsr rax, Rq(rb) ; jnz >found ; mov eax, 127
                ; found: ; xor eax, 63
            ),
            (true, false) => emit!(self.ops
                ; .arch x64
                ; bsr eax, Rd(rb) ; jnz >found ; mov eax, 63
                ; found: ; xor eax, 31
            ),
            (false, true) => emit!(self.ops
                ; .arch x64
                ; bsf rax, Rq(rb) ; jnz >found ; mov eax, 64
                ; found:
            ),
            (false, false) => emit!(self.ops
                ; .arch x64
                ; bsf eax, Rd(rb) ; jnz >found ; mov eax, 32
                ; found:
            ),
        }
        let d = self.dst(i.a, &[]);
        emit!(self.ops ; .arch x64 ; mov Rd(d), eax);
        Ok(())
    }
}
