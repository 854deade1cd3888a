//! Translation of one validated function body into register IR, in a single forward pass.
//!
//! Guarantees:
//! - **Linear time.** Every operator does O(1) amortized work. Deferred `local.get` operands
//!   are preserved by scanning down only to the deepest live reference, which the pushes that
//!   created it have already paid for.
//! - **Branch targets are resolved here**: forward branches are patched at their label.
//! - The translator only sees validated operators (the decoder validates each one first), so
//!   stack underflow and type errors cannot occur; it tracks stack heights, not types.
//!
//! Frame layout: slots `0..num_locals` hold parameters and locals; the operand at stack
//! height `h` lives in slot `num_locals + h` (its *temp*). `local.get` and constants are
//! kept as deferred operands and cost no instruction until they must be materialized.

pub(crate) mod op;

mod control;
mod emit;
mod fuse;
mod meter;
mod stack;

use crate::ir::{flag, Instr, Op, Slot};
use crate::{Error, GasSchedule, Limits};
pub(crate) use op::{BlockSig, WasmOp};

/// A function's compiled form, located in its module's code buffer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CompiledFunc {
    /// Index of the first instruction.
    pub entry: u32,
    /// Parameters.
    pub params: u32,
    /// Parameters plus declared locals.
    pub locals: u32,
    /// Slots the frame needs: locals plus the maximum operand stack height.
    pub frame_size: u32,
    /// The static cost of the function's first run, charged by whoever enters the function
    /// (docs/gas.md §3: the first run is entered only by a call).
    pub entry_cost: u64,
}

/// Read-only facts about the module a function needs.
pub(crate) struct ModuleEnv<'a> {
    /// Parameter and result counts of each function, by function index.
    pub func_sigs: &'a [BlockSig],
    /// Parameter and result counts of each type, by type index.
    pub type_sigs: &'a [BlockSig],
    /// The gas schedule, when metering is on.
    pub schedule: Option<&'a GasSchedule>,
}

/// A value on the translator's operand stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operand {
    /// The current value of a local, not yet copied.
    Local(Slot),
    /// A constant, not yet materialized.
    Const(u64),
    /// A value held in the temp slot of its stack position.
    Temp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Func,
    Block,
    Loop,
    If,
    Else,
}

#[derive(Debug)]
struct Control {
    kind: Kind,
    /// Operand stack height below the block's parameters.
    height: u32,
    sig: BlockSig,
    /// For loops, the instruction index of the loop header.
    start: u32,
    /// Branch instructions whose target is this block's end, as a list threaded through
    /// their target fields: this is the last one, its `a` holds the one before it, and so on
    /// down to [`NO_PATCH`]. No allocation per block (a `Vec` each was a malloc and a free
    /// per block that any branch left).
    patches: u32,
    /// `br_table` entries (indices into `br_targets`) whose target is this block's end,
    /// threaded the same way through `br_targets`.
    table_patches: u32,
    /// For loops when metering: the header run's `Charge` and, once that run ended, its cost.
    header_charge: Option<u32>,
    header_cost: Option<u64>,
    /// For `if`, the `BrIfEqz` that jumps to the else arm (or the end).
    else_patch: Option<u32>,
    entry_reachable: bool,
    branched_to: bool,
}

impl Control {
    fn arity(&self) -> u32 {
        if self.kind == Kind::Loop {
            self.sig.params
        } else {
            self.sig.results
        }
    }
}

/// A branch condition: a slot holding an i32, or a comparison to fuse into the branch.
#[derive(Debug, Clone, Copy)]
enum Condition {
    Slot(Slot),
    Fused(Instr),
    /// A bit test: the `and` that computed the value tested, and whether the condition holds
    /// when that value is not zero (`br_if` on it) or when it is zero (on its `eqz`).
    Test(Instr, bool),
}

/// Buffers reused across the functions of one module.
#[derive(Default)]
pub(crate) struct TranslatorBuffers {
    stack: Vec<Operand>,
    local_refs: Vec<u32>,
    control: Vec<Control>,
    stub_for_depth: Vec<u32>,
    touched_depths: Vec<u32>,
    /// Metering: the branches that enter the current run at its `Charge` (a label's).
    incoming: Vec<u32>,
    /// The deepest block nesting seen in the module (for [`crate::ModuleStats`]).
    pub max_depth: u32,
}

/// Translates one function. Create with [`FuncTranslator::new`], feed every operator with
/// [`FuncTranslator::translate`], then call [`FuncTranslator::finish`].
pub(crate) struct FuncTranslator<'a> {
    env: &'a ModuleEnv<'a>,
    /// `env.schedule`, one load nearer: every operator adds its cost.
    schedule: Option<&'a GasSchedule>,
    limits: &'a Limits,
    code: &'a mut Vec<Instr>,
    br_targets: &'a mut Vec<u32>,
    buf: &'a mut TranslatorBuffers,
    entry: u32,
    params: u32,
    num_locals: u32,
    results: u32,
    max_height: u32,
    total_local_refs: u32,
    reachable: bool,
    /// The index of the last instruction if it computes `a = f(b, c)` into the top operand's
    /// temp and nothing (no label, no other instruction) came after it.
    last_result: Option<usize>,
    /// The index of the last instruction if it is a `Copy` and no label came after it: the
    /// next copy joins it as a `Copy2`.
    last_copy: Option<usize>,
    /// Where the latest label is (`forget_last`).
    label_pc: u32,
    /// Metering: the static cost of the current run so far, and its `Charge` instruction.
    run_cost: u64,
    run_charge: Option<u32>,
    /// Whether the current run is the function's first, which has no `Charge` of its own.
    in_entry_run: bool,
    entry_cost: u64,
    /// The loop (control index) whose header run is the current run.
    header_run_of: Option<usize>,
}

const NO_STUB: u32 = u32::MAX;
/// The end of a threaded patch list ([`Control::patches`]).
const NO_PATCH: u32 = u32::MAX;

impl<'a> FuncTranslator<'a> {
    pub fn new(
        env: &'a ModuleEnv<'a>,
        limits: &'a Limits,
        code: &'a mut Vec<Instr>,
        br_targets: &'a mut Vec<u32>,
        buf: &'a mut TranslatorBuffers,
        sig: BlockSig,
        num_locals: u32,
    ) -> Self {
        buf.stack.clear();
        buf.control.clear();
        buf.incoming.clear();
        // Every count is zero here: `finish` empties the operand stack. So the array only
        // grows (to the largest function's locals, once per module) and is never cleared,
        // which keeps per-function work independent of how many locals are declared.
        if buf.local_refs.len() < num_locals as usize {
            buf.local_refs.resize(num_locals as usize, 0);
        }
        let entry = code.len() as u32;
        buf.control.push(Control {
            kind: Kind::Func,
            height: 0,
            sig: BlockSig { params: 0, results: sig.results },
            start: entry,
            patches: NO_PATCH,
            table_patches: NO_PATCH,
            header_charge: None,
            header_cost: None,
            else_patch: None,
            entry_reachable: true,
            branched_to: false,
        });
        let mut this = Self {
            env,
            schedule: env.schedule,
            limits,
            code,
            br_targets,
            buf,
            entry,
            params: sig.params,
            num_locals,
            results: sig.results,
            max_height: 0,
            total_local_refs: 0,
            reachable: true,
            last_result: None,
            last_copy: None,
            label_pc: entry,
            run_cost: 0,
            run_charge: None,
            in_entry_run: true,
            entry_cost: 0,
            header_run_of: None,
        };
        this.run_cost = env.schedule.map_or(0, |s| s.entry_per_local * (num_locals - sig.params) as u64);
        this
    }

    pub fn finish(mut self) -> CompiledFunc {
        self.end_run();
        self.truncate(0);
        let entry_cost = self.entry_cost;
        CompiledFunc {
            entry: self.entry,
            params: self.params,
            locals: self.num_locals,
            frame_size: self.num_locals + self.max_height,
            entry_cost,
        }
    }

    /// Translates one validated operator. Always inlined: the decoder calls it once per
    /// opcode with an operator of a known variant, so the `match` folds to that arm and the
    /// operator is never built in memory (passing it made a store-forwarding stall per op).
    #[inline(always)]
    pub fn translate(&mut self, op: WasmOp<'_>) -> Result<(), Error> {
        if !self.reachable {
            return self.translate_unreachable(op);
        }
        if let Some(schedule) = self.schedule {
            self.run_cost += schedule.cost(&op);
        }
        match op {
            WasmOp::Nop => {}
            WasmOp::Unreachable => {
                self.emit(Op::Unreachable, 0, 0, 0);
                self.end_run();
                self.reachable = false;
            }
            WasmOp::Block(sig) => {
                self.preserve_all_locals();
                self.materialize_top(sig.params);
                self.push_control(Kind::Block, sig)?;
            }
            WasmOp::Loop(sig) => {
                self.preserve_all_locals();
                self.materialize_top(sig.params);
                self.end_run();
                self.push_control(Kind::Loop, sig)?;
                self.begin_run(0);
                if self.run_charge.is_some() {
                    let idx = self.buf.control.len() - 1;
                    self.header_run_of = Some(idx);
                    self.buf.control[idx].header_charge = self.run_charge;
                }
            }
            WasmOp::If(sig) => {
                let cond = self.pop_condition();
                self.preserve_all_locals();
                self.materialize_top(sig.params);
                let at = self.emit_cond_branch(cond, true, 0);
                self.end_run();
                self.push_control(Kind::If, sig)?;
                self.buf.control.last_mut().expect("pushed").else_patch = Some(at);
                self.begin_run(0);
            }
            WasmOp::Else => self.translate_else(),
            WasmOp::End => self.translate_end(),
            WasmOp::Br(depth) => {
                self.emit_branch(depth);
                self.end_run();
                self.reachable = false;
            }
            WasmOp::BrIf(depth) => {
                self.translate_br_if(depth);
                self.end_run();
                self.begin_run(0);
            }
            WasmOp::BrTable { targets, default } => self.translate_br_table(targets, default)?,
            WasmOp::Return => {
                self.end_free_run();
                self.emit_return();
                self.end_run();
                self.reachable = false;
            }
            WasmOp::Call(func) => {
                let sig = self.env.func_sigs[func as usize];
                let base = self.prepare_call_args(sig.params);
                self.emit(Op::Call, func, base, 0);
                self.push_results(sig.results);
            }
            WasmOp::CallIndirect { type_index, table } => {
                let index = self.pop_slot();
                let sig = self.env.type_sigs[type_index as usize];
                let base = self.prepare_call_args(sig.params);
                self.emit(Op::CallIndirect, type_index, index, base);
                self.emit(Op::Ext, table, 0, 0);
                self.push_results(sig.results);
            }
            WasmOp::Drop => {
                self.pop();
            }
            WasmOp::Select => self.translate_select(),
            WasmOp::LocalGet(l) => self.push(Operand::Local(l)),
            WasmOp::LocalSet(l) => self.translate_local_set(l),
            WasmOp::LocalTee(l) => {
                self.translate_local_set(l);
                self.push(Operand::Local(l));
            }
            WasmOp::GlobalGet(g) => {
                let dst = self.push_temp();
                self.emit(Op::GlobalGet, dst, g, 0);
            }
            WasmOp::GlobalSet(g) => {
                let src = self.pop_slot();
                self.emit(Op::GlobalSet, g, src, 0);
            }
            WasmOp::Load(op, offset) => self.translate_load(op, offset),
            WasmOp::Store(op, offset) => self.translate_store(op, offset),
            WasmOp::MemorySize => {
                let dst = self.push_temp();
                self.emit_result(Op::MemorySize, dst, 0, 0);
            }
            WasmOp::MemoryGrow => {
                let delta = self.pop_slot();
                let dst = self.push_temp();
                self.emit_result(Op::MemoryGrow, dst, delta, 0);
            }
            WasmOp::MemoryFill => self.emit_ternary(Op::MemoryFill, None),
            WasmOp::MemoryCopy => self.emit_ternary(Op::MemoryCopy, None),
            WasmOp::MemoryInit(data) => self.emit_ternary(Op::MemoryInit, Some((data, 0))),
            WasmOp::DataDrop(data) => {
                self.emit(Op::DataDrop, data, 0, 0);
            }
            WasmOp::TableGet(table) => {
                let index = self.pop_slot();
                let dst = self.push_temp();
                self.emit_result(Op::TableGet, dst, index, table);
            }
            WasmOp::TableSet(table) => {
                let value = self.pop_slot();
                let index = self.pop_slot();
                self.emit(Op::TableSet, index, value, table);
            }
            WasmOp::TableSize(table) => {
                let dst = self.push_temp();
                self.emit_result(Op::TableSize, dst, table, 0);
            }
            WasmOp::TableGrow(table) => {
                let delta = self.pop_slot();
                let init = self.pop_slot();
                let dst = self.push_temp();
                self.emit(Op::TableGrow, dst, init, delta);
                self.emit(Op::Ext, table, 0, 0);
            }
            WasmOp::TableFill(table) => self.emit_ternary(Op::TableFill, Some((table, 0))),
            WasmOp::TableCopy { dst, src } => self.emit_ternary(Op::TableCopy, Some((dst, src))),
            WasmOp::TableInit { table, elem } => self.emit_ternary(Op::TableInit, Some((table, elem))),
            WasmOp::ElemDrop(elem) => {
                self.emit(Op::ElemDrop, elem, 0, 0);
            }
            WasmOp::Const(v) => self.push(Operand::Const(v)),
            WasmOp::RefFunc(func) => {
                let dst = self.push_temp();
                self.emit(Op::RefFunc, dst, func, 0);
            }
            WasmOp::Unary(op) => {
                let src = if op.is(flag::LOW32) { self.pop_slot_through(&[Op::I32WrapI64]) } else { self.pop_slot() };
                let dst = self.push_temp();
                self.emit_result(op, dst, src, 0);
            }
            WasmOp::Binary(op) => self.translate_binary(op),
            WasmOp::Reinterpret => {}
        }
        Ok(())
    }

    /// In unreachable code only the block structure matters. Inlined like
    /// [`Self::translate`], so that it folds to nothing for every operator but the five
    /// structured ones.
    #[inline(always)]
    fn translate_unreachable(&mut self, op: WasmOp<'_>) -> Result<(), Error> {
        match op {
            WasmOp::Block(sig) => self.push_control(Kind::Block, sig)?,
            WasmOp::Loop(sig) => self.push_control(Kind::Loop, sig)?,
            WasmOp::If(sig) => self.push_control(Kind::If, sig)?,
            WasmOp::Else => self.translate_else(),
            WasmOp::End => self.translate_end(),
            _ => {}
        }
        Ok(())
    }
}

/// Helpers for the translator's unit tests (in each file beside the rules they test).
#[cfg(test)]
pub(crate) mod testing {
    use crate::ir::{Instr, Op};
    use crate::{Config, Engine, GasSchedule, Module};

    /// A prepared module's code, branch tables and functions.
    pub struct Translated {
        pub code: Vec<Instr>,
        pub br_targets: Vec<u32>,
        pub funcs: Vec<super::CompiledFunc>,
        pub module: Module,
    }

    impl Translated {
        /// The opcodes of defined function `f` (an index among the defined functions).
        pub fn ops(&self, f: usize) -> Vec<Op> {
            let end = self.funcs.get(f + 1).map_or(self.code.len(), |g| g.entry as usize);
            self.code[self.funcs[f].entry as usize..end].iter().map(|i| i.op).collect()
        }

        /// The range of defined function `f`'s code.
        pub fn body(&self, f: usize) -> std::ops::Range<usize> {
            let end = self.funcs.get(f + 1).map_or(self.code.len(), |g| g.entry as usize);
            self.funcs[f].entry as usize..end
        }
    }

    /// Prepares `wat`, metered with the default schedule or not.
    pub fn translate(wat: &str, metered: bool) -> Translated {
        let config = Config { metering: metered.then(GasSchedule::default), ..Config::default() };
        let module = Module::new(&Engine::new(&config), wat).unwrap_or_else(|e| panic!("{wat}: {e}"));
        let m = &module.inner;
        Translated {
            code: m.code.to_vec(),
            br_targets: m.br_targets.clone(),
            funcs: m.compiled.clone(),
            module: module.clone(),
        }
    }
}
