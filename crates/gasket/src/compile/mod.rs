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
mod lower;
mod runtime;
mod step;

use std::time::Instant;

use asm::Asm;

pub(crate) use driver::{execute, JitCall};
pub(crate) use runtime::JitStack;

use crate::ir::{flag, mark_branch_targets, Op};
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

/// Machine code bytes reserved per IR word (see [`compile`]).
const NATIVE_BYTES_PER_WORD: usize = 24;
/// The most reserved up front (a larger module's buffer grows as it is written).
const MAX_RESERVE: usize = 1 << 30;

/// Compiles every defined function of `m` (already verified).
pub(crate) fn compile(m: &ModuleInner, metered: bool) -> Result<Native, Error> {
    let started = Instant::now();
    // Sized for the code up front (about 17-20 bytes of machine code per IR word on ordinary
    // and real-world modules): growing the buffer by doubling copied it ~log2(size) times and
    // took ~14% of compiling. Untouched reserved pages cost no memory; more code just grows it.
    let capacity = m.code.len().saturating_mul(NATIVE_BYTES_PER_WORD).saturating_add(4096).min(MAX_RESERVE);
    let mut ops = Asm::new(capacity)?;
    let mut prologue = Vec::with_capacity(m.compiled.len());
    let mut body = Vec::with_capacity(m.compiled.len());
    let mut targets = Vec::new();
    let mut reusable: emit::Reusable = (cache::Cache::new(0), Vec::new());
    for (f, cf) in m.compiled.iter().enumerate() {
        let entry = cf.entry as usize;
        let end = m.compiled.get(f + 1).map_or(m.code.len(), |g| g.entry as usize);
        mark_branch_targets(&m.code[entry..end], cf.entry, &m.br_targets, &mut targets);
        if metered {
            // Paying branches jump to the `Charge` before their target (`emit::paid_entry`).
            for i in &m.code[entry..end] {
                if i.op.info().flags & (flag::BRANCH | flag::COND_BRANCH) != 0 {
                    if let Some(charge) = emit::paid_entry(&m.code, entry, i.a, i.taken_gas(), true) {
                        targets[charge as usize - entry] = true;
                    }
                }
            }
        }
        let (len, frame) = (end - entry, cf.frame_size as usize);
        let mut fc =
            emit::FuncCompiler::new(&mut ops, m, emit::Span { entry, len, frame_size: frame }, metered, reusable);
        prologue.push(fc.ops.offset());
        fc.prologue(cf)?;
        body.push(fc.ops.offset());
        let mut ip = entry;
        while ip < end {
            if targets[ip - entry] {
                fc.flush_clear();
                let l = fc.label(ip as u32);
                fc.ops.place(l);
            }
            let i = m.code[ip];
            fc.ip = ip;
            i.op.visit(&mut fc, i)?;
            ip += 1 + i.op.info().ext.is_some() as usize;
            debug_assert!(i.op != Op::Stop);
        }
        reusable = fc.finish()?;
        ops.end_function()?;
    }
    let code = ops.finalize(&prologue)?;
    Ok(Native { code, prologue, body, compile_nanos: started.elapsed().as_nanos() as u64 })
}
