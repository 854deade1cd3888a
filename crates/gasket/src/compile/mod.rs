//! The compiler tier: a single-pass x86-64 code generator over the verified, gas-annotated
//! register IR, and the driver that runs its code. The interpreter (`exec/`) stays the
//! reference; this tier must be indistinguishable from it but for speed.
//!
//! Guarantees:
//! - **One pass, linear by construction.** Each IR instruction is lowered once, in order, with
//!   O(1) work (a fixed-size register cache, a label per branch target); each emits a bounded
//!   number of bytes, except the copies of multi-value branches and returns (bounded by the
//!   value-traffic limit) and `br_table`'s jump table (5 bytes per target). No analysis looks
//!   at a function twice.
//! - **Gas identical by construction**: code is charged exactly where the IR's `Charge`
//!   instructions and branch gas say, the same amounts, with the interpreter's out-of-gas
//!   rule; every operator lowered inline has the interpreter's semantics, and every other one
//!   runs the interpreter's own handler (`step.rs`).
//! - **Traps are values**: bounds and other checks are explicit; no signal is ever used.
//! - **Code pages are never writable and executable at once**: the assembler (`asm.rs`)
//!   writes the code into a read+write mapping and then makes it read+execute
//!   (`Asm::finalize`); the code is freed with its module.
//! - All `unsafe` of the tier is in this module tree, each block with its `// SAFETY:`
//!   argument; compiled code is reached only through [`runtime::Trampolines::enter`].

// dynasm's register operands (`Rq(r)`) expand to `r.into()`, which clippy flags when `r` is
// already the register number type.
#![allow(clippy::useless_conversion)]

#[macro_use]
mod asm;
mod cache;
mod driver;
mod emit;
mod encode;
mod lower;
mod runtime;
mod step;

use std::time::Instant;

use asm::Asm;

pub(crate) use driver::{execute, JitCall};
pub(crate) use runtime::JitStack;

use crate::ir::{flag, mark_branch_targets, Instr, Kind, Op, BACKWARD, OPS, TARGET};
use crate::module::ModuleInner;
use crate::Error;

/// A module's native code.
pub(crate) struct Native {
    code: asm::Code,
    /// Each defined function's prologue (where calls enter: limits, locals, the first run's
    /// charge) and body (where the driver enters, having done those itself).
    prologue: Vec<usize>,
    body: Vec<usize>,
    /// How long compiling took, in nanoseconds.
    pub compile_nanos: u64,
}

impl std::fmt::Debug for Native {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Native").field("bytes", &self.code.len()).field("functions", &self.body.len()).finish()
    }
}

impl Native {
    /// The address of defined function `f`'s prologue.
    pub fn prologue(&self, f: u32) -> u64 {
        self.code[self.prologue[f as usize]..].as_ptr() as u64
    }

    /// The address of defined function `f`'s body.
    pub fn body(&self, f: u32) -> u64 {
        self.code[self.body[f as usize]..].as_ptr() as u64
    }

    /// The native code of defined function `f` (prologue, body and stubs), for inspection.
    pub fn function_code(&self, f: u32) -> Option<&[u8]> {
        let start = *self.prologue.get(f as usize)?;
        let end = self.prologue.get(f as usize + 1).copied().unwrap_or(self.code.len());
        Some(&self.code[start..end])
    }

    /// The size of the native code in bytes.
    pub fn code_bytes(&self) -> usize {
        self.code.len()
    }
}

/// Machine code bytes reserved per IR word and per defined function (its prologue and stubs:
/// about 170 bytes for a function whose body is one `unreachable`), see [`compile`].
const NATIVE_BYTES_PER_WORD: usize = 24;
const NATIVE_BYTES_PER_FUNCTION: usize = 192;
/// The most reserved up front (a larger module's buffer grows as it is written).
const MAX_RESERVE: usize = 1 << 30;
/// Loop heads start at a multiple of this many bytes (padded with `nop`s, run once per entry
/// into the loop), as optimizing compilers place them: where a hot loop falls across the
/// processor's fetch and micro-op cache blocks then does not depend on the code before it.
const LOOP_ALIGN: usize = 16;
const FUNCTION_ALIGN: usize = 16;

/// Whether instruction `i` pops the temporaries it reads for good, and the slot it writes
/// (`u32::MAX` for none): what [`emit::FuncCompiler::drop_dead`] needs to forget the registers
/// of the temporaries it read, which are dead once it has run.
///
/// Temporaries are positional (`translate/stack.rs`): the operand at stack height `h` lives
/// in slot `temps + h`. Every instruction but the copies and constants (which also move
/// values below the top: branch values, `local.tee`, materialized operands) pops the
/// temporaries it reads and pushes its result, if it is a temporary, on top of what is left.
/// So a temporary it read is not on the stack afterwards, unless it is the result: it is dead
/// until an instruction writes it again, and its dirty register needs no write-back. (For IR
/// that broke this rule, compiled code could compute other values than the interpreter, but
/// never touch memory outside the frame: the rule is the translator's, and builds with debug
/// assertions poison the dropped cells, so that the tier differential tests and fuzzing check
/// it.) The lowering notes the temporaries it reads from registers as it reads them
/// (`FuncCompiler::src`, `locate`), so that no table of operands is consulted here.
#[inline(always)]
fn pops(i: Instr) -> (bool, u32) {
    let rule = OPERANDS[i.op as usize];
    (rule & COPIES == 0, if rule & A_DST != 0 { i.a } else { u32::MAX })
}

/// The number of IR words instruction `code[ip]` takes: 2 with an `Ext` word, else 1.
#[inline(always)]
fn width(i: Instr) -> usize {
    1 + (OPERANDS[i.op as usize] >> 7) as usize
}

/// The slots instruction `code[ip]` (with its `Ext` word, if it has one) reads, `u32::MAX`
/// for none.
#[inline]
fn reads(code: &[Instr], ip: usize) -> [u32; 5] {
    let i = code[ip];
    let rule = OPERANDS[i.op as usize];
    // The word after the last instruction is never read as its `Ext`: only instructions with
    // one have `Ext` bits.
    let ext = code.get(ip + 1).copied().unwrap_or(i);
    let read = |bit: u8, slot: u32| if rule & bit != 0 { slot } else { u32::MAX };
    [read(A_SRC, i.a), read(B_SRC, i.b), read(C_SRC, i.c), read(EXT_A_SRC, ext.a), read(EXT_B_SRC, ext.b)]
}

/// [`OPERANDS`] bits: operand `a`, `b`, `c`, `Ext.a`, `Ext.b` is a slot read; `a` is a slot
/// written; the opcode copies or materializes a value (a copy or a constant); it has an `Ext`
/// word (the top bit, read by [`width`]).
const A_SRC: u8 = 1;
const B_SRC: u8 = 2;
const C_SRC: u8 = 4;
const EXT_A_SRC: u8 = 8;
const EXT_B_SRC: u8 = 16;
const A_DST: u8 = 32;
const COPIES: u8 = 64;
const HAS_EXT: u8 = 128;

/// For each opcode, what [`reads`], [`pops`] and [`width`] look at, from its row of the
/// instruction set: one table lookup per instruction.
static OPERANDS: [u8; OPS.len()] = {
    let mut t = [0; OPS.len()];
    let mut k = 0;
    while k < OPS.len() {
        let info = OPS[k].info();
        let copies = matches!(info.base, Op::Copy | Op::Copy2 | Op::CopySpan | Op::Const32 | Op::Const64);
        let mut bits = if copies { COPIES } else { 0 };
        let mut j = 0;
        while j < 3 {
            bits |= match info.operands[j] {
                Kind::Src => 1 << j,
                Kind::Dst if j == 0 => A_DST,
                _ => 0,
            };
            j += 1;
        }
        if let Some(ext) = info.ext {
            bits |= HAS_EXT;
            bits |= if matches!(ext[0], Kind::Src) { EXT_A_SRC } else { 0 };
            bits |= if matches!(ext[1], Kind::Src) { EXT_B_SRC } else { 0 };
        }
        t[k] = bits;
        k += 1;
    }
    t
};

/// Compiles every defined function of `m` (already verified).
pub(crate) fn compile(m: &ModuleInner, metered: bool) -> Result<Native, Error> {
    let started = Instant::now();
    // Sized for the code up front (about 17-20 bytes of machine code per IR word on ordinary
    // and real-world modules): growing the buffer by doubling copied it ~log2(size) times and
    // took ~14% of compiling. Untouched reserved pages cost no memory; more code just grows it.
    // A module of many tiny functions needs more per word: reserving too little made it move
    // to larger mappings (copying its code and faulting new pages in) several times.
    let capacity = m
        .code
        .len()
        .saturating_mul(NATIVE_BYTES_PER_WORD)
        .saturating_add(m.compiled.len().saturating_mul(NATIVE_BYTES_PER_FUNCTION))
        .saturating_add(4096)
        .min(MAX_RESERVE);
    let mut ops = Asm::new(capacity)?;
    let mut prologue = Vec::with_capacity(m.compiled.len());
    let mut body = Vec::with_capacity(m.compiled.len());
    let mut targets = Vec::new();
    let mut reusable = emit::Reusable::new();
    let shared = emit::Shared::emit(&mut ops, metered)?;
    for (f, cf) in m.compiled.iter().enumerate() {
        let entry = cf.entry as usize;
        let end = m.compiled.get(f + 1).map_or(m.code.len(), |g| g.entry as usize);
        mark_branch_targets(&m.code[entry..end], cf.entry, &m.br_targets, &mut targets);
        if metered {
            // Paying branches jump to the `Charge` before their target (`emit::paid_entry`),
            // which then heads the loop if the branch is a loop's.
            for (k, i) in m.code[entry..end].iter().enumerate() {
                if i.op.info().flags & (flag::BRANCH | flag::COND_BRANCH) != 0 {
                    if let Some(charge) = emit::paid_entry(&m.code, entry, i.a, i.taken_gas(), true) {
                        let at = charge as usize - entry;
                        targets[at] |= TARGET | if at <= k { BACKWARD } else { 0 };
                    }
                }
            }
        }
        let (len, frame) = (end - entry, cf.frame_size as usize);
        let mut fc = emit::FuncCompiler::new(
            &mut ops,
            m,
            emit::Span { entry, len, frame_size: frame, temps: cf.locals },
            metered,
            shared,
            reusable,
        );
        fc.ops.align_with_nops(FUNCTION_ALIGN);
        prologue.push(fc.ops.offset());
        fc.prologue(cf)?;
        body.push(fc.ops.offset());
        let mut ip = entry;
        while ip < end {
            let mark = targets[ip - entry];
            if mark != 0 {
                fc.flush_clear();
                // Not just after a paid loop's `Charge`, the head its branches land on: the
                // `nop`s would run on every iteration.
                let paid_head = ip > entry && targets[ip - 1 - entry] != 0 && m.code[ip - 1].op == Op::Charge;
                if mark & BACKWARD != 0 && !paid_head {
                    fc.ops.align_with_nops(LOOP_ALIGN);
                }
                let l = fc.label(ip as u32);
                fc.ops.place(l);
            }
            let i = m.code[ip];
            fc.ip = ip;
            (fc.pops, fc.result) = pops(i);
            i.op.visit(&mut fc, i)?;
            fc.drop_dead();
            ip += width(i);
            debug_assert!(i.op != Op::Stop);
        }
        reusable = fc.finish()?;
        ops.end_function()?;
    }
    let code = ops.finalize(&prologue)?;
    Ok(Native { code, prologue, body, compile_nanos: started.elapsed().as_nanos() as u64 })
}
