//! Float arithmetic, comparisons, conversions and sign operations inline, on SSE2 (part of
//! x86-64's baseline), with the interpreter's results bit for bit (`exec/numeric.rs`):
//!
//! - every operator that can produce a NaN (arithmetic, `sqrt`, `promote`, `demote`) yields
//!   the canonical NaN (docs/gas.md §6) in place of any NaN the hardware produces;
//! - conversions from integers round to nearest, ties to even, as Rust's `as` does (the
//!   `MXCSR` rounding mode is the default one: neither gasket nor Rust ever changes it);
//! - `abs` and `neg` are bit operations on the cell, as in the interpreter;
//! - comparisons are false on NaN except `ne`, as Wasm and Rust define them.
//!
//! Values stay in the general registers of the slot cache; `xmm0` and `xmm1` are scratch,
//! never live across an instruction. f32 cells hold their bits in the low 32 bits, and every
//! f32 result is written zero-extended, as the interpreter writes it.

use super::R;
use crate::compile::emit::FuncCompiler;
use crate::ir::Instr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FBin {
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FCmp {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FConv {
    F64FromI32S,
    F64FromI32U,
    F64FromI64S,
    F32FromI32S,
    F32FromI32U,
    F32FromI64S,
    Promote,
    Demote,
}

/// The canonical NaNs (docs/gas.md §6), as the interpreter writes them.
const CANONICAL_NAN32: i32 = 0x7fc0_0000;
const CANONICAL_NAN64: i64 = 0x7ff8_0000_0000_0000;

impl FuncCompiler<'_> {
    /// `xmm{x} = bits of r` (64 or low 32).
    fn load_xmm(&mut self, wide: bool, x: u8, r: u8) {
        match wide {
            true => emit!(self.ops ; .arch x64 ; movq Rx(x), Rq(r)),
            false => emit!(self.ops ; .arch x64 ; movd Rx(x), Rd(r)),
        }
    }

    /// `d = xmm0`, canonical if it is a NaN.
    fn canonical_from_xmm0(&mut self, wide: bool, d: u8) {
        match wide {
            true => emit!(self.ops
                ; .arch x64
                ; movq Rq(d), xmm0
                ; ucomisd xmm0, xmm0
                ; jnp >done
                ; mov Rq(d), QWORD CANONICAL_NAN64
                ; done:
            ),
            false => emit!(self.ops
                ; .arch x64
                ; movd Rd(d), xmm0
                ; ucomiss xmm0, xmm0
                ; jnp >done
                ; mov Rd(d), CANONICAL_NAN32
                ; done:
            ),
        }
    }

    /// `a = b op c`.
    pub(super) fn fbin(&mut self, op: FBin, wide: bool, i: Instr) -> R {
        let rb = self.src(i.b, &[]);
        let rc = self.src(i.c, &[rb]);
        self.load_xmm(wide, 0, rb);
        self.load_xmm(wide, 1, rc);
        match (op, wide) {
            (FBin::Add, true) => emit!(self.ops ; .arch x64 ; addsd xmm0, xmm1),
            (FBin::Sub, true) => emit!(self.ops ; .arch x64 ; subsd xmm0, xmm1),
            (FBin::Mul, true) => emit!(self.ops ; .arch x64 ; mulsd xmm0, xmm1),
            (FBin::Div, true) => emit!(self.ops ; .arch x64 ; divsd xmm0, xmm1),
            (FBin::Add, false) => emit!(self.ops ; .arch x64 ; addss xmm0, xmm1),
            (FBin::Sub, false) => emit!(self.ops ; .arch x64 ; subss xmm0, xmm1),
            (FBin::Mul, false) => emit!(self.ops ; .arch x64 ; mulss xmm0, xmm1),
            (FBin::Div, false) => emit!(self.ops ; .arch x64 ; divss xmm0, xmm1),
        }
        let d = self.dst(i.a, &[]);
        self.canonical_from_xmm0(wide, d);
        Ok(())
    }

    /// `a = sqrt(b)`.
    pub(super) fn fsqrt(&mut self, wide: bool, i: Instr) -> R {
        let rb = self.src(i.b, &[]);
        self.load_xmm(wide, 0, rb);
        match wide {
            true => emit!(self.ops ; .arch x64 ; sqrtsd xmm0, xmm0),
            false => emit!(self.ops ; .arch x64 ; sqrtss xmm0, xmm0),
        }
        let d = self.dst(i.a, &[]);
        self.canonical_from_xmm0(wide, d);
        Ok(())
    }

    /// `a = b cmp c` as 0 or 1. `ucomis` sets ZF, PF and CF all on unordered operands, so
    /// "above" and "above or equal" are false on NaN; `lt`/`le` swap the operands.
    pub(super) fn fcmp(&mut self, cmp: FCmp, wide: bool, i: Instr) -> R {
        let rb = self.src(i.b, &[]);
        let rc = self.src(i.c, &[rb]);
        let (x, y) = if matches!(cmp, FCmp::Lt | FCmp::Le) { (rc, rb) } else { (rb, rc) };
        self.load_xmm(wide, 0, x);
        self.load_xmm(wide, 1, y);
        match wide {
            true => emit!(self.ops ; .arch x64 ; ucomisd xmm0, xmm1),
            false => emit!(self.ops ; .arch x64 ; ucomiss xmm0, xmm1),
        }
        match cmp {
            FCmp::Eq => emit!(self.ops ; .arch x64 ; sete al ; setnp ah ; and al, ah),
            FCmp::Ne => emit!(self.ops ; .arch x64 ; setne al ; setp ah ; or al, ah),
            FCmp::Gt | FCmp::Lt => emit!(self.ops ; .arch x64 ; seta al),
            FCmp::Ge | FCmp::Le => emit!(self.ops ; .arch x64 ; setae al),
        }
        let d = self.dst(i.a, &[]);
        emit!(self.ops ; .arch x64 ; movzx Rd(d), al);
        Ok(())
    }

    /// `a = convert(b)`.
    pub(super) fn fconv(&mut self, conv: FConv, i: Instr) -> R {
        let rb = self.src(i.b, &[]);
        let d = self.dst(i.a, &[rb]);
        // Clear xmm0 first: `cvtsi2s*` writes only its low lane, and would otherwise wait for
        // whatever last wrote xmm0.
        emit!(self.ops ; .arch x64 ; xorps xmm0, xmm0);
        match conv {
            FConv::F64FromI32S => emit!(self.ops ; .arch x64 ; cvtsi2sd xmm0, Rd(rb) ; movq Rq(d), xmm0),
            // The operand is the low 32 bits (the cell may hold more): zero-extend, then convert
            // the 64-bit value, which is exact.
            FConv::F64FromI32U => {
                emit!(self.ops ; .arch x64 ; mov Rd(d), Rd(rb) ; cvtsi2sd xmm0, Rq(d) ; movq Rq(d), xmm0)
            }
            FConv::F64FromI64S => emit!(self.ops ; .arch x64 ; cvtsi2sd xmm0, Rq(rb) ; movq Rq(d), xmm0),
            FConv::F32FromI32S => emit!(self.ops ; .arch x64 ; cvtsi2ss xmm0, Rd(rb) ; movd Rd(d), xmm0),
            // One rounding of the zero-extended value: what `u32 as f32` gives.
            FConv::F32FromI32U => {
                emit!(self.ops ; .arch x64 ; mov Rd(d), Rd(rb) ; cvtsi2ss xmm0, Rq(d) ; movd Rd(d), xmm0)
            }
            FConv::F32FromI64S => emit!(self.ops ; .arch x64 ; cvtsi2ss xmm0, Rq(rb) ; movd Rd(d), xmm0),
            FConv::Promote => {
                emit!(self.ops ; .arch x64 ; movd xmm0, Rd(rb) ; cvtss2sd xmm0, xmm0);
                self.canonical_from_xmm0(true, d);
            }
            FConv::Demote => {
                emit!(self.ops ; .arch x64 ; movq xmm0, Rq(rb) ; cvtsd2ss xmm0, xmm0);
                self.canonical_from_xmm0(false, d);
            }
        }
        Ok(())
    }

    /// `a = abs(b)` or `a = neg(b)`: the sign bit cleared or flipped.
    pub(super) fn fsign(&mut self, neg: bool, wide: bool, i: Instr) -> R {
        let rb = self.src(i.b, &[]);
        let d = if i.a == i.b {
            self.cache.bind(rb, i.a, true);
            rb
        } else {
            let d = self.dst(i.a, &[rb]);
            self.mov(wide, d, rb);
            d
        };
        match (neg, wide) {
            (false, true) => emit!(self.ops ; .arch x64 ; btr Rq(d), 63),
            (true, true) => emit!(self.ops ; .arch x64 ; btc Rq(d), 63),
            // 32-bit operations also clear the cell's upper half, as the interpreter writes it.
            (false, false) => emit!(self.ops ; .arch x64 ; and Rd(d), 0x7fff_ffff),
            (true, false) => emit!(self.ops ; .arch x64 ; xor Rd(d), 0x8000_0000_u32 as i32),
        }
        Ok(())
    }
}
