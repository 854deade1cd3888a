//! Integer arithmetic, comparisons, conversions and compare-and-branch, inline. i32 operators
//! use 32-bit instructions, which zero-extend their result to the cell as the interpreter
//! does; shifts and rotations mask their count as Wasm does (x86 masks by 31 or 63 alike).

use super::R;
use crate::compile::emit::{Cc, FuncCompiler, Loc};
use crate::compile::encode::{self, Binary};
use crate::compile::runtime::reg::{RAX, RCX};
use crate::ir::Instr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Alu {
    Add,
    Sub,
    Mul,
    And,
    Or,
    Xor,
}

impl Alu {
    fn commutative(self) -> bool {
        !matches!(self, Alu::Sub)
    }

    /// The instruction that computes it.
    fn binary(self) -> Binary {
        match self {
            Alu::Add => Binary::Add,
            Alu::Sub => Binary::Sub,
            Alu::Mul => Binary::Imul,
            Alu::And => Binary::And,
            Alu::Or => Binary::Or,
            Alu::Xor => Binary::Xor,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shift {
    Shl,
    ShrS,
    ShrU,
    Rotl,
    Rotr,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Convert {
    /// The low 32 bits, zero-extended (`i32.wrap_i64`, `i64.extend_i32_u`).
    Wrap,
    /// The low 32 bits, sign-extended to 64.
    ExtendS32,
    S8To32,
    S16To32,
    S8To64,
    S16To64,
}

impl FuncCompiler<'_> {
    /// `d = d op x` (a register or a cell).
    fn alu_rx(&mut self, op: Alu, wide: bool, d: u8, x: Loc) {
        self.ops.put(encode::binary(op.binary(), wide, d, x));
    }

    /// `d = s op k` (`k` sign-extended for 64-bit operators, as the IR's immediates are).
    fn alu_ri(&mut self, op: Alu, wide: bool, d: u8, s: u8, k: i32) {
        if op == Alu::Mul {
            return self.ops.put(encode::imul_imm(wide, d, s, k));
        }
        self.mov(wide, d, s);
        self.ops.put(encode::binary_imm(op.binary(), wide, d, k));
    }

    /// `d = s` unless they are the same register.
    pub(super) fn mov(&mut self, wide: bool, d: u8, s: u8) {
        if d != s {
            self.ops.put(encode::binary(Binary::Mov, wide, d, Loc::Reg(s)));
        }
    }

    /// `a = b op c`. An operand that is not in a register is read from its cell (the second
    /// as a memory operand, the first loaded straight into the result's register), so that
    /// only results take cache registers.
    pub(super) fn alu(&mut self, op: Alu, wide: bool, i: Instr) -> R {
        if i.a == i.b {
            let rb = self.src(i.b, &[]);
            let c = self.locate(i.c);
            self.cache.bind(rb, i.a, true);
            self.alu_rx(op, wide, rb, c);
        } else if i.a == i.c && op.commutative() {
            let rc = self.src(i.c, &[]);
            let b = self.locate(i.b);
            self.cache.bind(rc, i.a, true);
            self.alu_rx(op, wide, rc, b);
        } else {
            let b = self.locate(i.b);
            let c = self.locate(i.c);
            // `a` may be `c` (a subtraction): its new value goes to another register, and
            // `c` is read from its register or its cell, which still hold the old one.
            // (`b`'s register, if `b` dies here, is not `c`'s: `b` is not `c`, or `a` is `b`.)
            let d = self.result_from(i.b, b, i.a, c.reg());
            self.alu_rx(op, wide, d, c);
        }
        Ok(())
    }

    /// `a = b op imm c`.
    pub(super) fn alu_imm(&mut self, op: Alu, wide: bool, i: Instr) -> R {
        if i.a == i.b {
            let rb = self.src(i.b, &[]);
            self.cache.bind(rb, i.a, true);
            self.alu_ri(op, wide, rb, rb, i.c as i32);
            return Ok(());
        }
        let b = self.locate(i.b);
        if let Some(d) = self.reuse(i.b, b, i.a) {
            self.alu_ri(op, wide, d, d, i.c as i32);
            return Ok(());
        }
        let d = self.dst(i.a, &[b.reg()]);
        match b {
            Loc::Reg(rb) => self.alu_ri(op, wide, d, rb, i.c as i32),
            Loc::Cell(_) => {
                self.load_loc(d, b);
                self.alu_ri(op, wide, d, d, i.c as i32);
            }
        }
        Ok(())
    }

    /// `a = b op (Ext.a | Ext.b << 32)`.
    pub(super) fn alu_imm64(&mut self, op: Alu, i: Instr) -> R {
        let e = self.ext();
        let k = e.a as u64 | (e.b as u64) << 32;
        let rb = self.src(i.b, &[]);
        emit!(self.ops ; .arch x64 ; mov rax, QWORD k as i64);
        let d = if i.a == i.b {
            self.cache.bind(rb, i.a, true);
            rb
        } else {
            self.dst(i.a, &[rb])
        };
        self.mov(true, d, rb);
        self.alu_rx(op, true, d, Loc::Reg(RAX));
        Ok(())
    }

    /// `rax = rax op cl`.
    fn shift_rax(&mut self, op: Shift, wide: bool) {
        match (op, wide) {
            (Shift::Shl, false) => emit!(self.ops ; .arch x64 ; shl eax, cl),
            (Shift::ShrS, false) => emit!(self.ops ; .arch x64 ; sar eax, cl),
            (Shift::ShrU, false) => emit!(self.ops ; .arch x64 ; shr eax, cl),
            (Shift::Rotl, false) => emit!(self.ops ; .arch x64 ; rol eax, cl),
            (Shift::Rotr, false) => emit!(self.ops ; .arch x64 ; ror eax, cl),
            (Shift::Shl, true) => emit!(self.ops ; .arch x64 ; shl rax, cl),
            (Shift::ShrS, true) => emit!(self.ops ; .arch x64 ; sar rax, cl),
            (Shift::ShrU, true) => emit!(self.ops ; .arch x64 ; shr rax, cl),
            (Shift::Rotl, true) => emit!(self.ops ; .arch x64 ; rol rax, cl),
            (Shift::Rotr, true) => emit!(self.ops ; .arch x64 ; ror rax, cl),
        }
    }

    /// `a = b op c`, the count in `cl`.
    pub(super) fn shift(&mut self, op: Shift, wide: bool, i: Instr) -> R {
        let rb = self.src(i.b, &[]);
        self.mov(true, RAX, rb);
        if self.cache.find(i.c) != Some(RCX) {
            let rc = self.src(i.c, &[]);
            self.free(RCX);
            emit!(self.ops ; .arch x64 ; mov ecx, Rd(rc));
        }
        self.shift_rax(op, wide);
        let d = self.dst(i.a, &[]);
        self.mov(true, d, RAX);
        Ok(())
    }

    /// `a = b op imm c`.
    pub(super) fn shift_imm(&mut self, op: Shift, wide: bool, i: Instr) -> R {
        let d = if i.a == i.b {
            let rb = self.src(i.b, &[]);
            self.cache.bind(rb, i.a, true);
            rb
        } else {
            let b = self.locate(i.b);
            self.result_from(i.b, b, i.a, b.reg())
        };
        let k = (i.c & if wide { 63 } else { 31 }) as i8;
        match (op, wide) {
            (Shift::Shl, false) => emit!(self.ops ; .arch x64 ; shl Rd(d), k),
            (Shift::ShrS, false) => emit!(self.ops ; .arch x64 ; sar Rd(d), k),
            (Shift::ShrU, false) => emit!(self.ops ; .arch x64 ; shr Rd(d), k),
            (Shift::Rotl, false) => emit!(self.ops ; .arch x64 ; rol Rd(d), k),
            (Shift::Rotr, false) => emit!(self.ops ; .arch x64 ; ror Rd(d), k),
            (Shift::Shl, true) => emit!(self.ops ; .arch x64 ; shl Rq(d), k),
            (Shift::ShrS, true) => emit!(self.ops ; .arch x64 ; sar Rq(d), k),
            (Shift::ShrU, true) => emit!(self.ops ; .arch x64 ; shr Rq(d), k),
            (Shift::Rotl, true) => emit!(self.ops ; .arch x64 ; rol Rq(d), k),
            (Shift::Rotr, true) => emit!(self.ops ; .arch x64 ; ror Rq(d), k),
        }
        Ok(())
    }

    /// Compares register `x` with `y` (a register or a cell).
    fn cmp_rx(&mut self, wide: bool, x: u8, y: Loc) {
        self.ops.put(encode::binary(Binary::Cmp, wide, x, y));
    }

    fn cmp_ri(&mut self, wide: bool, x: u8, k: i32) {
        self.ops.put(encode::binary_imm(Binary::Cmp, wide, x, k));
    }

    /// `a = b cc c` as 0 or 1.
    pub(super) fn compare(&mut self, cc: Cc, wide: bool, i: Instr) -> R {
        let rb = self.src(i.b, &[]);
        let c = self.locate(i.c);
        self.cmp_rx(wide, rb, c);
        let d = self.dst(i.a, &[]);
        self.setcc(cc, d);
        Ok(())
    }

    /// `a = b cc imm c` as 0 or 1.
    pub(super) fn compare_imm(&mut self, cc: Cc, wide: bool, i: Instr) -> R {
        let rb = self.src(i.b, &[]);
        self.cmp_ri(wide, rb, i.c as i32);
        let d = self.dst(i.a, &[]);
        self.setcc(cc, d);
        Ok(())
    }

    /// `a = b == 0`.
    pub(super) fn eqz(&mut self, wide: bool, i: Instr) -> R {
        let rb = self.src(i.b, &[]);
        match wide {
            false => emit!(self.ops ; .arch x64 ; test Rd(rb), Rd(rb)),
            true => emit!(self.ops ; .arch x64 ; test Rq(rb), Rq(rb)),
        }
        let d = self.dst(i.a, &[]);
        self.setcc(Cc::E, d);
        Ok(())
    }

    /// `a = convert(b)`.
    pub(super) fn convert(&mut self, conv: Convert, i: Instr) -> R {
        let rb = self.src(i.b, &[]);
        let d = if i.a == i.b {
            self.cache.bind(rb, i.a, true);
            rb
        } else {
            self.dst(i.a, &[rb])
        };
        match conv {
            Convert::Wrap => emit!(self.ops ; .arch x64 ; mov Rd(d), Rd(rb)),
            Convert::ExtendS32 => emit!(self.ops ; .arch x64 ; movsxd Rq(d), Rd(rb)),
            Convert::S8To32 => emit!(self.ops ; .arch x64 ; movsx Rd(d), Rb(rb)),
            Convert::S16To32 => emit!(self.ops ; .arch x64 ; movsx Rd(d), Rw(rb)),
            Convert::S8To64 => emit!(self.ops ; .arch x64 ; movsx Rq(d), Rb(rb)),
            Convert::S16To64 => emit!(self.ops ; .arch x64 ; movsx Rq(d), Rw(rb)),
        }
        Ok(())
    }

    /// Jump to `a` if `b cc c`.
    pub(super) fn branch_compare(&mut self, cc: Cc, wide: bool, i: Instr) -> R {
        let rb = self.src(i.b, &[]);
        let c = self.locate(i.c);
        // Writing registers back leaves them and every cell current, so `c` stays where it is.
        self.flush();
        self.cmp_rx(wide, rb, c);
        self.branch_if(cc, i.a, i.cond_taken_gas());
        Ok(())
    }

    /// Jump to `a` if `b cc imm c`.
    pub(super) fn branch_compare_imm(&mut self, cc: Cc, wide: bool, i: Instr) -> R {
        let rb = self.src(i.b, &[]);
        self.flush();
        self.cmp_ri(wide, rb, i.c as i32);
        self.branch_if(cc, i.a, i.cond_taken_gas());
        Ok(())
    }

    /// Jump to `a` if `b & c` is not zero (`Ne`) or zero (`E`).
    pub(super) fn branch_test(&mut self, cc: Cc, wide: bool, i: Instr) -> R {
        let rb = self.src(i.b, &[]);
        let rc = self.src(i.c, &[rb]);
        self.flush();
        match wide {
            false => emit!(self.ops ; .arch x64 ; test Rd(rb), Rd(rc)),
            true => emit!(self.ops ; .arch x64 ; test Rq(rb), Rq(rc)),
        }
        self.branch_if(cc, i.a, i.cond_taken_gas());
        Ok(())
    }

    /// Jump to `a` if `b & imm c` is not zero (`Ne`) or zero (`E`).
    pub(super) fn branch_test_imm(&mut self, cc: Cc, wide: bool, i: Instr) -> R {
        let rb = self.src(i.b, &[]);
        self.flush();
        let k = i.c as i32;
        match wide {
            false => emit!(self.ops ; .arch x64 ; test Rd(rb), k),
            true => emit!(self.ops ; .arch x64 ; test Rq(rb), k),
        }
        self.branch_if(cc, i.a, i.cond_taken_gas());
        Ok(())
    }

    /// Jump to `a` if the i32 in `b` is not zero (`Ne`) or zero (`E`).
    pub(super) fn branch_nonzero(&mut self, cc: Cc, i: Instr) -> R {
        let rb = self.src(i.b, &[]);
        self.flush();
        emit!(self.ops ; .arch x64 ; test Rd(rb), Rd(rb));
        self.branch_if(cc, i.a, i.cond_taken_gas());
        Ok(())
    }
}
