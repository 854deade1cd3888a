//! Data movement, control flow, calls, globals, gas, and the fallback to the interpreter.
//!
//! Calls: a call site completes the frame (flush), moves the frame pointer to the callee's
//! frame and calls its prologue, which checks the depth and the value stack, zeroes the
//! callee's locals and charges its first run, in the interpreter's order; the callee returns
//! with `ret`, and the caller restores its frame pointer and the depth. Calls into host code or
//! another instance leave compiled code for the driver and resume after it.

use super::R;
use crate::compile::emit::{Cc, FuncCompiler, Loc};
use crate::compile::encode::{self, Binary};
use crate::compile::runtime::reg::{RAX, RBX};
use crate::compile::runtime::{off, Exit};
use crate::compile::step;
use crate::ir::Instr;
use crate::translate::CompiledFunc;
use crate::{Error, TrapCode};

/// Locals zeroed with one store each; up to [`VECTOR_ZEROES`] with 16-byte stores; more
/// with `rep stosq`, whose start-up (tens of cycles) costs more than the stores below that.
/// (The limits bound the bytes a prologue emits, whatever the count of declared locals.)
const UNROLLED_ZEROES: u32 = 8;
const VECTOR_ZEROES: u32 = 128;

impl FuncCompiler<'_> {
    /// The prologue of a function entered by a call (where the code is now): limits, locals,
    /// charge.
    pub(in crate::compile) fn prologue(&mut self, cf: &CompiledFunc) -> R {
        if (cf.frame_size as u64) * 8 > i32::MAX as u64 {
            return Err(Error::Limit {
                what: "frame slots of a compiled function",
                value: cf.frame_size as u64,
                limit: (i32::MAX / 8) as u64,
            });
        }
        let frame = cf.frame_size as i32;
        let room = self.ops.new_dynamic_label();
        emit!(self.ops ; .arch x64 ; mov rax, [BYTE r14 + off::DEPTH] ; cmp rax, [BYTE r14 + off::MAX_FRAMES]);
        self.trap_if(Some(Cc::Ae), TrapCode::CallStackExhausted);
        emit!(self.ops
            ; .arch x64
            ; inc rax
            ; mov [BYTE r14 + off::DEPTH], rax
        );
        match i8::try_from(frame) {
            Ok(frame) => emit!(self.ops ; .arch x64 ; lea rax, [BYTE rbx + frame]),
            Err(_) => emit!(self.ops ; .arch x64 ; lea rax, [rbx + frame]),
        }
        emit!(self.ops
            ; .arch x64
            ; cmp rax, [BYTE r14 + off::CELLS_LEN]
            ; jbe =>room
        );
        self.ops.call_at(self.shared.grow);
        self.ops.place(room);
        let zeroed = cf.locals - cf.params;
        if zeroed <= UNROLLED_ZEROES {
            for k in cf.params..cf.locals {
                self.ops.put(encode::store_imm(k, 0));
            }
        } else if zeroed <= VECTOR_ZEROES {
            let d = (cf.params * 8) as i32;
            emit!(self.ops ; .arch x64 ; lea rdi, [rbp + rbx * 8 + d] ; xorps xmm0, xmm0);
            for k in 0..zeroed / 2 {
                let at = (k * 16) as i32;
                emit!(self.ops ; .arch x64 ; movups [rdi + at], xmm0);
            }
            if zeroed % 2 == 1 {
                let at = ((zeroed - 1) * 8) as i32;
                emit!(self.ops ; .arch x64 ; movq QWORD [rdi + at], xmm0);
            }
        } else {
            let d = (cf.params * 8) as i32;
            emit!(self.ops
                ; .arch x64
                ; lea rdi, [rbp + rbx * 8 + d]
                ; mov ecx, zeroed as i32
                ; xor eax, eax
                ; rep stosq
            );
        }
        self.charge(cf.entry_cost);
        Ok(())
    }

    /// Runs the current instruction with the interpreter's handler; if its charge does not
    /// fit, the call stops to run it again from the start.
    pub(super) fn step(&mut self) -> R {
        self.flush_clear();
        let at = self.ops.offset();
        let index = self.ip as i32;
        emit!(self.ops ; .arch x64 ; mov esi, index);
        self.call_builtin(step::step);
        self.step_failed(at);
        // The instruction may have grown the memory.
        emit!(self.ops ; .arch x64 ; mov r12, [BYTE r14 + off::MEM_BASE] ; mov r13, [BYTE r14 + off::MEM_LEN]);
        Ok(())
    }

    pub(super) fn unreachable(&mut self) -> R {
        self.trap_if(None, TrapCode::Unreachable);
        self.cache.clear();
        Ok(())
    }

    /// An opcode that never reaches the compiler (the verifier refuses it in module code).
    pub(super) fn unreachable_op(&mut self, name: &str) -> R {
        Err(Error::Usage(format!("internal error: {name} in verified code")))
    }

    pub(super) fn charge_run(&mut self, i: Instr) -> R {
        self.charge(i.charge_cost());
        Ok(())
    }

    /// `a = b`.
    pub(super) fn copy(&mut self, a: u32, b: u32) -> R {
        if a != b {
            let x = self.locate(b);
            let d = self.dst(a, &[x.reg()]);
            self.load_loc(d, x);
        }
        Ok(())
    }

    /// `a = b`, then `c = Ext.a`.
    pub(super) fn copy2(&mut self, i: Instr) -> R {
        let e = self.ext();
        self.copy(i.a, i.b)?;
        self.copy(i.c, e.a)
    }

    /// Copies `n` cells from `src..` to `dst..` in the frame, as `memmove`; the frame must be
    /// complete and the cache clear.
    fn move_cells(&mut self, dst: u32, src: u32, n: u32) {
        let step = |ops: &mut crate::compile::asm::Asm, k: u32| {
            ops.put(encode::binary(Binary::Mov, true, RAX, Loc::Cell(src + k)));
            ops.put(encode::store(dst + k, RAX));
        };
        if dst < src {
            (0..n).for_each(|k| step(self.ops, k));
        } else if dst > src {
            (0..n).rev().for_each(|k| step(self.ops, k));
        }
    }

    /// Copies `c` slots from `b..` to `a..`.
    pub(super) fn copy_span(&mut self, i: Instr) -> R {
        self.flush_clear();
        self.move_cells(i.a, i.b, i.c);
        Ok(())
    }

    /// `a = b` (32 bits, zero-extended).
    pub(super) fn const32(&mut self, i: Instr) -> R {
        let d = self.dst(i.a, &[]);
        self.ops.put(encode::mov_imm(false, d, i.b as i32));
        Ok(())
    }

    /// `a = b | c << 32`.
    pub(super) fn const64(&mut self, i: Instr) -> R {
        let d = self.dst(i.a, &[]);
        let k = i.b as u64 | (i.c as u64) << 32;
        emit!(self.ops ; .arch x64 ; mov Rq(d), QWORD k as i64);
        Ok(())
    }

    pub(super) fn br(&mut self, i: Instr) -> R {
        self.flush();
        self.branch(i.a, i.branch_gas as u64);
        self.cache.clear();
        Ok(())
    }

    /// `br_table`: index slot `a`, `b` targets at `br_targets[c..]`, the last the default.
    pub(super) fn br_table(&mut self, i: Instr) -> R {
        let ra = self.src(i.a, &[]);
        let last = (i.b - 1) as i32;
        emit!(self.ops
            ; .arch x64
            ; mov eax, Rd(ra)
            ; mov r11d, last
            ; cmp eax, r11d
            ; cmova eax, r11d
        );
        self.flush();
        let table = self.ops.new_dynamic_label();
        emit!(self.ops
            ; .arch x64
            ; lea r11, [=>table]
            ; lea rax, [rax + rax * 4]
            ; add rax, r11
            ; jmp rax
            ; =>table
        );
        // Each entry a 5-byte `jmp rel32` (dynasm encodes jumps to dynamic labels so).
        let first = i.c as usize;
        for k in 0..i.b as usize {
            let target = self.module.br_targets[first + k];
            let l = self.label(target);
            emit!(self.ops ; .arch x64 ; jmp =>l);
        }
        self.cache.clear();
        Ok(())
    }

    /// Returns `n` results from slots `a..` (written to slots `0..n`). Slots other than the
    /// results die with the frame, so the cache is not written back.
    pub(super) fn ret(&mut self, n: u32, i: Instr) -> R {
        match n {
            0 => {}
            1 if i.a == 0 => {
                if let Some(r) = self.cache.find(0) {
                    if self.cache.is_dirty(r) {
                        self.store_slot(0, r);
                    }
                }
            }
            1 => {
                let r = self.src(i.a, &[]);
                self.store_slot(0, r);
            }
            n => {
                self.flush_clear();
                self.move_cells(0, i.a, n);
            }
        }
        emit!(self.ops ; .arch x64 ; ret);
        self.cache.clear();
        Ok(())
    }

    /// Calls the prologue of defined function `target` or at `[r14 + exit_arg]` with the callee
    /// frame at slot `base`, then restores this frame.
    fn call_local(&mut self, target: Option<u32>, base: u32) {
        let base = base as i32;
        self.ops.put(encode::binary_imm(Binary::Add, true, RBX, base));
        match target {
            Some(f) => self.ops.call_function(f),
            None => emit!(self.ops ; .arch x64 ; call QWORD [BYTE r14 + off::EXIT_ARG]),
        }
        self.ops.put(encode::binary_imm(Binary::Sub, true, RBX, base));
        emit!(self.ops
            ; .arch x64
            ; dec QWORD [BYTE r14 + off::DEPTH]
            // The callee may have grown the value stack.
            ; mov rbp, [BYTE r14 + off::CELLS]
        );
    }

    /// Leaves for the driver to call `exit_arg` (set by the caller) with its frame at slot
    /// `base`, and resumes after it.
    fn call_out(&mut self, kind: Exit, base: u32) {
        let resume = self.ops.new_dynamic_label();
        let base = base as i32;
        emit!(self.ops
            ; .arch x64
            ; lea rax, [rbx + base]
            ; mov [BYTE r14 + off::EXIT_FP], rax
            ; lea rax, [=>resume]
            ; mov [BYTE r14 + off::RESUME], rax
            ; mov eax, kind as i32
            ; jmp QWORD [BYTE r14 + off::EXIT_ADDR]
            ; =>resume
        );
    }

    /// Calls function `a` (module index) with its frame at slot `b`.
    pub(super) fn call(&mut self, i: Instr) -> R {
        self.flush_clear();
        let imported = self.module.num_imported_funcs;
        if i.a < imported {
            let f = i.a as i32;
            emit!(self.ops ; .arch x64 ; mov QWORD [BYTE r14 + off::EXIT_ARG], f);
            self.call_out(Exit::CallImport, i.b);
        } else {
            self.call_local(Some(i.a - imported), i.b);
        }
        Ok(())
    }

    /// Calls through table `Ext.a`: type `a`, element index slot `b`, frame at slot `c`.
    pub(super) fn call_indirect(&mut self, i: Instr) -> R {
        let table = self.ext().a;
        let rb = self.src(i.b, &[]);
        emit!(self.ops ; .arch x64 ; mov r11d, Rd(rb));
        self.flush_clear();
        let packed = i.a as u64 | (table as u64) << 32;
        emit!(self.ops ; .arch x64 ; mov rsi, QWORD packed as i64 ; mov rdx, r11);
        self.call_builtin(step::resolve_indirect);
        let (out, done, trap) =
            (self.ops.new_dynamic_label(), self.ops.new_dynamic_label(), self.ops.new_dynamic_label());
        emit!(self.ops
            ; .arch x64
            ; cmp rax, 1
            ; je =>out
            ; ja =>trap
        );
        self.call_local(None, i.c);
        self.jmp(done);
        emit!(self.ops ; .arch x64 ; =>out);
        self.call_out(Exit::CallStore, i.c);
        self.jmp(done);
        emit!(self.ops
            ; .arch x64
            ; =>trap
            ; sub rax, 2
            ; mov [BYTE r14 + off::EXIT_ARG], rax
            ; mov eax, Exit::Trap as i32
            ; jmp QWORD [BYTE r14 + off::EXIT_ADDR]
            ; =>done
        );
        Ok(())
    }

    /// `a = c` if slot `b` is zero (`a` holds the first operand).
    pub(super) fn select(&mut self, i: Instr) -> R {
        let ra = self.src(i.a, &[]);
        let rb = self.src(i.b, &[ra]);
        let rc = self.src(i.c, &[ra, rb]);
        emit!(self.ops ; .arch x64 ; test Rd(rb), Rd(rb) ; cmovz Rq(ra), Rq(rc));
        self.cache.bind(ra, i.a, true);
        Ok(())
    }

    pub(super) fn global_get(&mut self, i: Instr) -> R {
        let g = (i.b * 8) as i32;
        emit!(self.ops ; .arch x64 ; mov rax, [BYTE r14 + off::GLOBALS] ; mov rax, [rax + g]);
        let d = self.dst(i.a, &[]);
        emit!(self.ops ; .arch x64 ; mov Rq(d), [rax]);
        Ok(())
    }

    pub(super) fn global_set(&mut self, i: Instr) -> R {
        let rb = self.src(i.b, &[]);
        let g = (i.a * 8) as i32;
        emit!(self.ops ; .arch x64 ; mov rax, [BYTE r14 + off::GLOBALS] ; mov rax, [rax + g] ; mov [rax], Rq(rb));
        Ok(())
    }
}
