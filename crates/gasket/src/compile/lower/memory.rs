//! Loads and stores of linear memory 0, inline, with the interpreter's bounds check: an access
//! of `n` bytes at effective address `addr + offset` (in `u64`, so it cannot overflow) is in
//! bounds iff `addr + offset + n <= len`, checked before any byte moves; a failed check traps
//! with `MemoryOutOfBounds` and no effect. The address is the low 32 bits of its slot.

use super::R;
use crate::compile::emit::{Cc, FuncCompiler};
use crate::ir::Instr;
use crate::TrapCode;

/// The width and extension of an access.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Width {
    /// Loads: 32 or 64 bits as they are (`L32` zero-extends to the cell).
    L32,
    L64,
    /// Loads of 8, 16 or 32 bits, sign- or zero-extended to the result.
    S8,
    U8,
    S16,
    U16,
    S32,
    /// Stores of the low 8, 16, 32 or 64 bits.
    W8,
    W16,
    W32,
    W64,
}

impl Width {
    fn bytes(self) -> u32 {
        match self {
            Width::S8 | Width::U8 | Width::W8 => 1,
            Width::S16 | Width::U16 | Width::W16 => 2,
            Width::L32 | Width::S32 | Width::W32 => 4,
            Width::L64 | Width::W64 => 8,
        }
    }
}

impl FuncCompiler<'_> {
    /// With the 32-bit address in `eax`: checks an access of `bytes` at `eax + offset`, and
    /// returns the displacement to use from `r12 + rax` (adding large offsets into `rax`).
    fn bounds_check(&mut self, offset: u32, bytes: u32) -> i32 {
        let end = offset as u64 + bytes as u64;
        let disp = if end <= i32::MAX as u64 {
            emit!(self.ops ; .arch x64 ; lea r11, [rax + end as i32] ; cmp r11, r13);
            offset as i32
        } else {
            emit!(self.ops
                ; .arch x64
                ; mov r11d, offset as i32
                ; add rax, r11
                ; lea r11, [rax + bytes as i32]
                ; cmp r11, r13
            );
            0
        };
        self.trap_if(Some(Cc::A), TrapCode::MemoryOutOfBounds);
        disp
    }

    /// Loads `w` from `r12 + rax + disp` into `d`.
    fn load_at(&mut self, w: Width, wide: bool, d: u8, disp: i32) {
        match (w, wide) {
            (Width::L32, _) => emit!(self.ops ; .arch x64 ; mov Rd(d), DWORD [r12 + rax + disp]),
            (Width::L64, _) => emit!(self.ops ; .arch x64 ; mov Rq(d), QWORD [r12 + rax + disp]),
            (Width::U8, _) => emit!(self.ops ; .arch x64 ; movzx Rd(d), BYTE [r12 + rax + disp]),
            (Width::U16, _) => emit!(self.ops ; .arch x64 ; movzx Rd(d), WORD [r12 + rax + disp]),
            (Width::S8, false) => emit!(self.ops ; .arch x64 ; movsx Rd(d), BYTE [r12 + rax + disp]),
            (Width::S16, false) => emit!(self.ops ; .arch x64 ; movsx Rd(d), WORD [r12 + rax + disp]),
            (Width::S8, true) => emit!(self.ops ; .arch x64 ; movsx Rq(d), BYTE [r12 + rax + disp]),
            (Width::S16, true) => emit!(self.ops ; .arch x64 ; movsx Rq(d), WORD [r12 + rax + disp]),
            (Width::S32, _) => emit!(self.ops ; .arch x64 ; movsxd Rq(d), DWORD [r12 + rax + disp]),
            (Width::W8 | Width::W16 | Width::W32 | Width::W64, _) => unreachable!("a store width"),
        }
    }

    /// `a = load(b + offset c)`.
    pub(super) fn load(&mut self, w: Width, wide: bool, i: Instr) -> R {
        let rb = self.src(i.b, &[]);
        emit!(self.ops ; .arch x64 ; mov eax, Rd(rb));
        let disp = self.bounds_check(i.c, w.bytes());
        let d = self.dst(i.a, &[]);
        self.load_at(w, wide, d, disp);
        Ok(())
    }

    /// `a = load((b + k) mod 2^32 + offset c)`, `k` being `Ext.a` (`imm`) or slot `Ext.a`.
    pub(super) fn load_add(&mut self, w: Width, wide: bool, imm: bool, i: Instr) -> R {
        let e = self.ext();
        let rb = self.src(i.b, &[]);
        emit!(self.ops ; .arch x64 ; mov eax, Rd(rb));
        if imm {
            emit!(self.ops ; .arch x64 ; add eax, e.a as i32);
        } else {
            let rk = self.src(e.a, &[rb]);
            emit!(self.ops ; .arch x64 ; add eax, Rd(rk));
        }
        let disp = self.bounds_check(i.c, w.bytes());
        let d = self.dst(i.a, &[]);
        self.load_at(w, wide, d, disp);
        Ok(())
    }

    /// `store(a + offset c, b)`.
    pub(super) fn store(&mut self, w: Width, i: Instr) -> R {
        let ra = self.src(i.a, &[]);
        let rb = self.src(i.b, &[ra]);
        emit!(self.ops ; .arch x64 ; mov eax, Rd(ra));
        let disp = self.bounds_check(i.c, w.bytes());
        match w {
            Width::W8 => emit!(self.ops ; .arch x64 ; mov BYTE [r12 + rax + disp], Rb(rb)),
            Width::W16 => emit!(self.ops ; .arch x64 ; mov WORD [r12 + rax + disp], Rw(rb)),
            Width::W32 => emit!(self.ops ; .arch x64 ; mov DWORD [r12 + rax + disp], Rd(rb)),
            Width::W64 => emit!(self.ops ; .arch x64 ; mov QWORD [r12 + rax + disp], Rq(rb)),
            _ => unreachable!("a load width"),
        }
        Ok(())
    }

    /// `store(a + offset c, imm b)`: the immediate truncated to the width (`W64`: sign-extended
    /// from 32 bits).
    pub(super) fn store_imm(&mut self, w: Width, i: Instr) -> R {
        let ra = self.src(i.a, &[]);
        emit!(self.ops ; .arch x64 ; mov eax, Rd(ra));
        let disp = self.bounds_check(i.c, w.bytes());
        let k = i.b;
        match w {
            Width::W8 => emit!(self.ops ; .arch x64 ; mov BYTE [r12 + rax + disp], k as i8),
            Width::W16 => emit!(self.ops ; .arch x64 ; mov WORD [r12 + rax + disp], k as i16),
            Width::W32 => emit!(self.ops ; .arch x64 ; mov DWORD [r12 + rax + disp], k as i32),
            Width::W64 => emit!(self.ops ; .arch x64 ; mov QWORD [r12 + rax + disp], k as i32),
            _ => unreachable!("a load width"),
        }
        Ok(())
    }
}
