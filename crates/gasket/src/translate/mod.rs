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

mod acc;

use crate::ir::{flag, Instr, Op, Slot, FORMS};
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
    /// Branch instructions whose target is this block's end.
    patches: Vec<u32>,
    /// `br_table` entries (indices into `br_targets`) whose target is this block's end.
    table_patches: Vec<u32>,
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
            patches: Vec::new(),
            table_patches: Vec::new(),
            header_charge: None,
            header_cost: None,
            else_patch: None,
            entry_reachable: true,
            branched_to: false,
        });
        let mut this = Self {
            env,
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

    // ---------------------------------------------------------------- metering (docs/gas.md §3)

    /// Starts a run here: emits its `Charge`, whose cost is patched when the run ends.
    fn begin_run(&mut self, initial_cost: u64) {
        if self.env.schedule.is_some() {
            // Keep the entries that jump here: a dropped zero-cost run's (see `end_run`), if
            // nothing was emitted since, and those of the label that starts this run.
            let (pc, code) = (self.pc(), &*self.code);
            self.buf.incoming.retain(|&site| code[site as usize].a == pc);
            self.run_cost = initial_cost;
            self.run_charge = Some(self.emit(Op::Charge, 0, 0, 0));
        }
    }

    /// Ends the current run: patches its `Charge` with the run's cost. A zero-cost charge that
    /// is still the last instruction is dropped (labels pointing at it then point at whatever
    /// comes next, which is equivalent). Branches that enter the run at its label are
    /// redirected past the `Charge` and pay its cost themselves when taken (`Instr::taken_gas`,
    /// if it fits), and a conditional branch right before the `Charge` pays it on its
    /// not-taken edge (`Instr::fall_gas`): the same charge at the same point, without a
    /// dispatch. Only other fall-through entries still execute the `Charge`.
    fn end_run(&mut self) {
        let cost = std::mem::take(&mut self.run_cost);
        if std::mem::take(&mut self.in_entry_run) {
            // No label leads into the function's first run.
            debug_assert!(self.buf.incoming.is_empty());
            self.entry_cost = cost;
            return;
        }
        let mut charge_kept = None;
        let mut dropped = false;
        if let Some(at) = self.run_charge.take() {
            if cost == 0 && at as usize + 1 == self.code.len() {
                // The branches into this run now enter whatever starts here, maybe the next
                // run's `Charge` (two labels in a row): `begin_run` keeps them for it.
                self.code.pop();
                dropped = true;
            } else {
                let charge = &mut self.code[at as usize];
                charge.a = cost as u32;
                charge.b = (cost >> 32) as u32;
                charge_kept = Some(at);
                for &site in &self.buf.incoming {
                    let branch = &mut self.code[site as usize];
                    debug_assert!(branch.a == at && branch.taken_gas() == 0, "a forward branch to this run's label");
                    if cost <= Instr::max_taken_gas(branch.op) {
                        branch.a = at + 1;
                        // Below the fall-through byte of a conditional branch, set already.
                        branch.branch_gas |= cost as u16;
                    }
                }
                if at > self.entry && cost <= u8::MAX as u64 {
                    let before = &mut self.code[at as usize - 1];
                    if before.op.is(flag::COND_BRANCH) {
                        before.set_fall_gas(cost as u8);
                    }
                }
            }
        }
        if !dropped {
            self.buf.incoming.clear();
        }
        if let Some(idx) = self.header_run_of.take() {
            let frame = &mut self.buf.control[idx];
            frame.header_cost = Some(cost);
            frame.header_charge = charge_kept;
        }
    }

    /// Before a return: if the run so far, the return included, costs nothing, ends it now, so
    /// that its `Charge`, still the last instruction, is dropped instead of executed (a run
    /// made of the `end` after an `if`/`else` that returns, as in a recursive `fib`).
    fn end_free_run(&mut self) {
        if self.run_cost == 0 {
            self.end_run();
        }
    }

    /// Where a branch of kind `op` to loop frame `idx` jumps, and the gas it charges when
    /// taken: past the header's `Charge`, paying the header run's cost itself, when that cost
    /// is known and fits; otherwise to the `Charge`.
    fn loop_target(&self, idx: usize, op: Op) -> (u32, u16) {
        let frame = &self.buf.control[idx];
        let cost = if self.header_run_of == Some(idx) {
            // This branch ends the header run, whose cost is therefore final.
            Some(self.run_cost)
        } else {
            frame.header_cost
        };
        match (frame.header_charge, cost) {
            (Some(charge), Some(cost)) if cost > 0 && cost <= Instr::max_taken_gas(op) => (charge + 1, cost as u16),
            _ => (frame.start, 0),
        }
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

    // ---------------------------------------------------------------- emission helpers

    fn pc(&self) -> u32 {
        self.code.len() as u32
    }

    /// Appends an instruction, in the accumulator form that reads the operand the
    /// instruction before it computed, if there is one (`translate/acc.rs`).
    #[inline]
    fn emit(&mut self, op: Op, a: u32, b: u32, c: u32) -> u32 {
        self.last_result = None;
        self.last_copy = None;
        let mut instr = Instr::new(op, a, b, c);
        let forms = FORMS[op as usize];
        if forms != [None; 4] {
            if let Some(slot) = self.acc_slot() {
                instr = acc::with_acc(instr, forms, slot);
            }
        }
        self.code.push(instr);
        self.code.len() as u32 - 1
    }

    /// Marks a label here: code after it must not be merged into code before it, nor read
    /// the accumulator, since a branch can arrive here.
    fn forget_last(&mut self) {
        self.last_result = None;
        self.last_copy = None;
        self.label_pc = self.pc();
    }

    /// The slot whose value the accumulator holds when control reaches the next instruction:
    /// the result slot of the instruction before it if that sets the accumulator and no label
    /// is in between (ir/acc.rs).
    #[inline]
    fn acc_slot(&self) -> Option<Slot> {
        let pc = self.code.len();
        if self.label_pc as usize == pc || pc <= self.entry as usize {
            return None;
        }
        let mut prev = self.code[pc - 1];
        if prev.op == Op::Ext {
            // An `Ext` word follows its instruction, in the same function.
            prev = self.code[pc - 2];
        }
        prev.op.is(flag::SETS_ACC).then_some(prev.a)
    }

    /// Emits `dst = src`, joining the previous instruction if it is a copy with no label
    /// after it: one `Copy2` dispatch instead of two (copies come in runs: a block's values
    /// into its label slots, locals shuffled by compiled code).
    fn emit_copy(&mut self, dst: Slot, src: Slot) {
        if let Some(at) = self.last_copy.filter(|&at| at + 1 == self.code.len()) {
            let first = &mut self.code[at];
            first.op = Op::Copy2;
            first.c = dst;
            self.emit(Op::Ext, src, 0, 0);
            return;
        }
        let at = self.emit(Op::Copy, dst, src, 0);
        self.last_copy = Some(at as usize);
    }

    fn height(&self) -> u32 {
        self.buf.stack.len() as u32
    }

    fn temp(&self, pos: u32) -> Slot {
        self.num_locals + pos
    }

    fn push(&mut self, operand: Operand) {
        if let Operand::Local(l) = operand {
            self.buf.local_refs[l as usize] += 1;
            self.total_local_refs += 1;
        }
        self.buf.stack.push(operand);
        // The frame size counts reachable code only (docs/gas.md §6).
        if self.reachable {
            self.max_height = self.max_height.max(self.height());
        }
    }

    fn pop(&mut self) -> Operand {
        let operand = self.buf.stack.pop().expect("validated: operand stack not empty");
        if let Operand::Local(l) = operand {
            self.buf.local_refs[l as usize] -= 1;
            self.total_local_refs -= 1;
        }
        operand
    }

    fn truncate(&mut self, height: u32) {
        while self.height() > height {
            self.pop();
        }
    }

    /// Makes the operand at `pos` live in its temp slot.
    fn materialize(&mut self, pos: u32) {
        let dst = self.temp(pos);
        match self.buf.stack[pos as usize] {
            Operand::Temp => return,
            Operand::Local(l) => {
                self.buf.local_refs[l as usize] -= 1;
                self.total_local_refs -= 1;
                self.emit_copy(dst, l);
            }
            Operand::Const(v) => self.emit_const(dst, v),
        }
        self.buf.stack[pos as usize] = Operand::Temp;
    }

    fn materialize_top(&mut self, n: u32) {
        let h = self.height();
        for pos in h - n..h {
            self.materialize(pos);
        }
    }

    fn emit_const(&mut self, dst: Slot, v: u64) {
        if v <= u32::MAX as u64 {
            self.emit(Op::Const32, dst, v as u32, 0);
        } else {
            self.emit(Op::Const64, dst, v as u32, (v >> 32) as u32);
        }
    }

    /// Emits a copy of the operand at `pos` into slot `dst`, unless it is already there.
    fn copy_operand_to(&mut self, pos: u32, dst: Slot) {
        match self.buf.stack[pos as usize] {
            Operand::Temp if self.temp(pos) == dst => {}
            Operand::Temp => {
                let src = self.temp(pos);
                self.emit_copy(dst, src);
            }
            Operand::Local(l) if l == dst => {}
            Operand::Local(l) => {
                self.emit_copy(dst, l);
            }
            Operand::Const(v) => self.emit_const(dst, v),
        }
    }

    /// Pops the top operand and returns a slot holding it (materializing constants).
    fn pop_slot(&mut self) -> Slot {
        let pos = self.height() - 1;
        if let Operand::Const(_) = self.buf.stack[pos as usize] {
            self.materialize(pos);
        }
        match self.pop() {
            Operand::Local(l) => l,
            Operand::Temp => self.temp(pos),
            Operand::Const(_) => unreachable!("materialized above"),
        }
    }

    /// [`Self::pop_slot`] for a consumer that reads only the low bits that each of `through`
    /// leaves unchanged: if the top operand was just computed by one of those conversions,
    /// the conversion is dropped ([`Self::pop_last_result`]) and its source slot returned.
    /// Gas is unaffected: it is defined on the Wasm
    /// operators, not on these instructions (docs/gas.md §3).
    fn pop_slot_through(&mut self, through: &[Op]) -> Slot {
        match self.pop_last_result(|op| through.contains(&op)) {
            Some(conversion) => conversion.b,
            None => self.pop_slot(),
        }
    }

    /// Pushes a result temp and returns its slot.
    fn push_temp(&mut self) -> Slot {
        let slot = self.temp(self.height());
        self.push(Operand::Temp);
        slot
    }

    /// Copies every deferred reference to local `l` into its temp, before `l` is written.
    ///
    /// It materializes *all* deferred locals, not only `l`'s: scanning for `l` alone would
    /// rescan other locals' references at every `local.set`, which an input can make quadratic
    /// (the bomb corpus's `local_scan`). Materializing everything is paid for by the pushes.
    fn preserve_local(&mut self, l: Slot) {
        if self.buf.local_refs[l as usize] > 0 {
            self.preserve_all_locals();
        }
    }

    /// Copies every deferred local reference into its temp. Done at block entry, so that code
    /// inside the block may write any local without invalidating operands below the block.
    fn preserve_all_locals(&mut self) {
        let mut pos = self.height();
        while self.total_local_refs > 0 {
            pos -= 1;
            if let Operand::Local(_) = self.buf.stack[pos as usize] {
                self.materialize(pos);
            }
        }
    }

    // ---------------------------------------------------------------- control helpers

    fn push_control(&mut self, kind: Kind, sig: BlockSig) -> Result<(), Error> {
        let depth = self.buf.control.len() as u64;
        if depth > self.limits.max_block_depth as u64 {
            return Err(Error::Limit {
                what: "block nesting depth",
                value: depth,
                limit: self.limits.max_block_depth as u64,
            });
        }
        self.buf.max_depth = self.buf.max_depth.max(depth as u32);
        let reachable = self.reachable;
        let height = if reachable { self.height() - sig.params } else { self.height() };
        self.buf.control.push(Control {
            kind,
            height,
            sig,
            start: self.pc(),
            patches: Vec::new(),
            table_patches: Vec::new(),
            header_charge: None,
            header_cost: None,
            else_patch: None,
            entry_reachable: reachable,
            branched_to: false,
        });
        self.forget_last();
        Ok(())
    }

    /// Moves the top `arity` values into the label slots of control frame `depth` and jumps.
    /// Used by `br` and by the taken path of `br_if`.
    fn emit_branch(&mut self, depth: u32) {
        let idx = self.buf.control.len() - 1 - depth as usize;
        if idx == 0 {
            self.emit_return();
            return;
        }
        let (arity, height) = {
            let frame = &self.buf.control[idx];
            (frame.arity(), frame.height)
        };
        let h = self.height();
        let all_temps = (h - arity..h).all(|pos| self.buf.stack[pos as usize] == Operand::Temp);
        if arity > 1 && all_temps && h - arity != height {
            // One block move instead of `arity` copies; sources lie at or above destinations.
            let (dst, src) = (self.temp(height), self.temp(h - arity));
            self.emit(Op::CopySpan, dst, src, arity);
        } else {
            for k in 0..arity {
                let dst = self.temp(height + k);
                self.copy_operand_to(h - arity + k, dst);
            }
        }
        self.emit_jump(idx);
    }

    /// Emits `Br` to the label of control frame `idx`.
    fn emit_jump(&mut self, idx: usize) {
        let kind = self.buf.control[idx].kind;
        let (target, taken_gas) = if kind == Kind::Loop { self.loop_target(idx, Op::Br) } else { (0, 0) };
        let at = self.emit(Op::Br, target, 0, 0);
        self.code[at as usize].branch_gas = taken_gas;
        let frame = &mut self.buf.control[idx];
        frame.branched_to = true;
        if kind != Kind::Loop {
            frame.patches.push(at);
        }
    }

    /// Whether branching to frame `depth` needs no value moves.
    fn branch_is_in_place(&self, depth: u32) -> bool {
        let idx = self.buf.control.len() - 1 - depth as usize;
        if idx == 0 {
            return false;
        }
        let frame = &self.buf.control[idx];
        let arity = frame.arity();
        let h = self.height();
        (0..arity).all(|k| {
            let pos = h - arity + k;
            self.buf.stack[pos as usize] == Operand::Temp && pos == frame.height + k
        })
    }

    fn emit_return(&mut self) {
        match self.results {
            0 => {
                self.emit(Op::Return0, 0, 0, 0);
            }
            1 => {
                let pos = self.height() - 1;
                let src = match self.buf.stack[pos as usize] {
                    Operand::Local(l) => l,
                    Operand::Temp => self.temp(pos),
                    Operand::Const(v) => {
                        // Results go to slot 0; write the constant there directly.
                        self.emit_const(0, v);
                        0
                    }
                };
                self.emit(Op::Return1, src, 0, 0);
            }
            n => {
                // Materialize into temps; copying them down to slots 0.. moves each value to
                // a lower or equal slot, so an ascending copy never clobbers a source.
                let h = self.height();
                for pos in h - n..h {
                    if self.buf.stack[pos as usize] != Operand::Temp {
                        let dst = self.temp(pos);
                        self.copy_operand_to(pos, dst);
                    }
                }
                let base = self.temp(h - n);
                self.emit(Op::ReturnN, base, n, 0);
            }
        }
    }

    fn patch(&mut self, at: u32, target: u32) {
        self.code[at as usize].a = target;
    }

    // ---------------------------------------------------------------- the operator pass

    /// Translates one validated operator.
    pub fn translate(&mut self, op: WasmOp<'_>) -> Result<(), Error> {
        if !self.reachable {
            return self.translate_unreachable(op);
        }
        if let Some(schedule) = self.env.schedule {
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
            WasmOp::Load(op, offset) => {
                // An address just computed by an `i32.add` is added by the load itself. The
                // load reads the sum's operands before it writes its result (exec/memory.rs).
                match self.pop_last_result(|add| op.load_add_form(add).is_some()) {
                    Some(add) => {
                        let dst = self.push_temp();
                        let fused = op.load_add_form(add.op).expect("accepted above");
                        self.emit_result_ext(fused, dst, add.b, offset, (add.c, 0));
                    }
                    None => {
                        let addr = self.pop_slot();
                        let dst = self.push_temp();
                        self.emit_result(op, dst, addr, offset);
                    }
                }
            }
            WasmOp::Store(op, offset) => {
                let imm_form = match self.buf.stack.last() {
                    Some(&Operand::Const(v)) => op.store_imm_form(v),
                    _ => None,
                };
                match imm_form {
                    Some((op, imm)) => {
                        self.pop();
                        let addr = self.pop_slot();
                        self.emit(op, addr, imm, offset);
                    }
                    None => {
                        let value = self.pop_slot();
                        let addr = self.pop_slot();
                        self.emit(op, addr, value, offset);
                    }
                }
            }
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

    /// Whether instruction `at` (with its `Ext` word, if any) is the last one emitted.
    fn is_last(&self, at: usize) -> bool {
        let ext = self.code.get(at + 1).is_some_and(|i| i.op == Op::Ext) as usize;
        at + 1 + ext == self.code.len()
    }

    /// Emits an instruction computing `a = f(b, c)` into the top temp, which a following
    /// `local.set` may redirect to the local.
    fn emit_result(&mut self, op: Op, dst: Slot, b: u32, c: u32) {
        self.emit(op, dst, b, c);
        self.last_result = Some(self.code.len() - 1);
    }

    /// [`Self::emit_result`] for an instruction followed by an `Ext` word `(x, y)`.
    fn emit_result_ext(&mut self, op: Op, dst: Slot, b: u32, c: u32, (x, y): (u32, u32)) {
        let at = self.emit(op, dst, b, c);
        self.emit(Op::Ext, x, y, 0);
        self.last_result = Some(at as usize);
    }

    /// Pops three operands (a, b, c) and emits `op a b c`, with an optional `Ext` word.
    fn emit_ternary(&mut self, op: Op, ext: Option<(u32, u32)>) {
        let c = self.pop_slot();
        let b = self.pop_slot();
        let a = self.pop_slot();
        self.emit(op, a, b, c);
        if let Some((x, y)) = ext {
            self.emit(Op::Ext, x, y, 0);
        }
    }

    fn prepare_call_args(&mut self, params: u32) -> Slot {
        self.materialize_top(params);
        let base = self.temp(self.height() - params);
        self.truncate(self.height() - params);
        base
    }

    fn push_results(&mut self, n: u32) {
        for _ in 0..n {
            self.push(Operand::Temp);
        }
    }

    fn translate_binary(&mut self, op: Op) {
        let h = self.height();
        if let Operand::Const(k) = self.buf.stack[h as usize - 1] {
            // Shift and rotate counts are taken modulo 64 by the operator, so only those bits
            // matter; sign-extending immediate forms need a constant that fits 32 bits.
            let (op, k) = match op {
                Op::I32Sub => (Op::I32Add, (k as u32).wrapping_neg() as u64),
                Op::I64Sub => (Op::I64Add, (k as i64).wrapping_neg() as u64),
                _ if op.is(flag::SHIFT64) => (op, k & 63),
                _ => (op, k),
            };
            let rel = op.info().rel;
            if let Some(imm_op) = rel.imm.filter(|imm| !imm.is(flag::SEXT) || k as i64 == k as i32 as i64) {
                self.pop();
                let lhs = self.pop_lhs(op);
                let dst = self.push_temp();
                self.emit_result(imm_op, dst, lhs, k as u32);
                return;
            }
            if let Some(imm_op) = rel.imm64 {
                self.pop();
                let lhs = self.pop_lhs(op);
                let dst = self.push_temp();
                self.emit_result_ext(imm_op, dst, lhs, 0, (k as u32, (k >> 32) as u32));
                return;
            }
        }
        let rhs = if op.is(flag::LOW32) {
            self.pop_slot_through(&[Op::I32WrapI64])
        } else if op.is(flag::SHIFT64) {
            // The count is taken modulo 64: extending it from i32 changes no bit that is read.
            self.pop_slot_through(&[Op::I64ExtendI32U, Op::I64ExtendI32S])
        } else {
            self.pop_slot()
        };
        let lhs = self.pop_lhs(op);
        let dst = self.push_temp();
        self.emit_result(op, dst, lhs, rhs);
    }

    /// Pops the left operand of binary `op`.
    fn pop_lhs(&mut self, op: Op) -> Slot {
        if op.is(flag::LOW32) {
            self.pop_slot_through(&[Op::I32WrapI64])
        } else {
            self.pop_slot()
        }
    }

    fn translate_select(&mut self) {
        let cond = self.pop_slot();
        let second = self.pop_slot();
        let pos = self.height() - 1;
        self.materialize(pos);
        let dst = self.temp(pos);
        self.emit(Op::SelectEqz, dst, cond, second);
    }

    fn translate_local_set(&mut self, l: Slot) {
        let pos = self.height() - 1;
        let value = self.pop();
        self.preserve_local(l);
        match value {
            Operand::Temp => match self.last_result {
                Some(at) if self.is_last(at) && self.code[at].a == self.temp(pos) => {
                    self.code[at].a = l;
                    self.last_result = None;
                }
                _ => {
                    let src = self.temp(pos);
                    self.emit_copy(l, src);
                }
            },
            Operand::Local(src) if src == l => {}
            Operand::Local(src) => {
                self.emit_copy(l, src);
            }
            Operand::Const(v) => self.emit_const(l, v),
        }
    }

    fn translate_br_if(&mut self, depth: u32) {
        let cond = self.pop_condition();
        // Make deferred values temps once, on the common path: then a branch whose values are
        // in place needs no copies, and any other needs one block move (`emit_branch`).
        let idx = self.buf.control.len() - 1 - depth as usize;
        if idx > 0 {
            let arity = self.buf.control[idx].arity();
            self.materialize_top(arity);
        }
        if self.branch_is_in_place(depth) {
            let idx = self.buf.control.len() - 1 - depth as usize;
            let is_loop = self.buf.control[idx].kind == Kind::Loop;
            let at = self.emit_cond_branch(cond, false, 0);
            if is_loop {
                let (target, taken_gas) = self.loop_target(idx, self.code[at as usize].op);
                let branch = &mut self.code[at as usize];
                branch.a = target;
                branch.branch_gas = taken_gas;
            }
            let frame = &mut self.buf.control[idx];
            frame.branched_to = true;
            if !is_loop {
                frame.patches.push(at);
            }
        } else {
            let skip = self.emit_cond_branch(cond, true, 0);
            self.emit_branch(depth);
            let here = self.pc();
            self.patch(skip, here);
        }
    }

    /// Pops a branch condition. If the last instruction computed it with an integer
    /// comparison (or `eqz`), that instruction is removed and returned for fusion.
    fn pop_condition(&mut self) -> Condition {
        if let Some(and) = self.pop_last_result(|op| matches!(op, Op::I32And | Op::I32AndImm)) {
            return Condition::Test(and, true);
        }
        let fusable = |op: Op| matches!(op, Op::I32Eqz | Op::I64Eqz) || op.branch_form(false).is_some();
        match self.pop_last_result(fusable) {
            Some(eqz) if matches!(eqz.op, Op::I32Eqz | Op::I64Eqz) => match self.pop_and_before(eqz) {
                Some(and) => Condition::Test(and, false),
                None => Condition::Fused(eqz),
            },
            Some(instr) => Condition::Fused(instr),
            None => Condition::Slot(self.pop_slot()),
        }
    }

    /// Once `eqz` has been taken back ([`Self::pop_last_result`]): if the instruction now last
    /// is an `and` of the same width that wrote the temp `eqz` read, with no label after it,
    /// takes it back too and returns it, for a bit test.
    fn pop_and_before(&mut self, eqz: Instr) -> Option<Instr> {
        let at = self.code.len();
        let last = *self.code.last()?;
        let and = Instr { op: last.op.base(), ..last };
        let is_i32 = matches!(and.op, Op::I32And | Op::I32AndImm);
        let fits = at > self.entry as usize
            && self.label_pc as usize != at
            && and.op.info().rel.nez.is_some()
            && is_i32 == (eqz.op == Op::I32Eqz)
            && and.a == eqz.b
            && and.a == self.temp(self.height());
        if !fits {
            return None;
        }
        self.code.pop();
        Some(and)
    }

    /// If the top operand is the temp the last instruction just wrote, and that instruction's
    /// opcode passes `accept`, pops both and returns the instruction (for fusion into its
    /// consumer). No instruction came after it, so its operands still hold the same values.
    fn pop_last_result(&mut self, accept: impl Fn(Op) -> bool) -> Option<Instr> {
        let pos = self.height() - 1;
        if self.buf.stack[pos as usize] != Operand::Temp {
            return None;
        }
        let at = self.last_result?;
        // Consumers match base opcodes, not the accumulator forms (which read the same).
        let instr = Instr { op: self.code[at].op.base(), ..self.code[at] };
        if at + 1 != self.code.len() || instr.a != self.temp(pos) || !accept(instr.op) {
            return None;
        }
        self.pop();
        self.code.pop();
        self.last_result = None;
        Some(instr)
    }

    /// Emits a branch to `target` taken when `cond` holds (or fails, if `negated`).
    fn emit_cond_branch(&mut self, cond: Condition, negated: bool, target: u32) -> u32 {
        match cond {
            Condition::Slot(s) => {
                let op = if negated { Op::BrIfEqz } else { Op::BrIfNez };
                self.emit(op, target, s, 0)
            }
            Condition::Fused(i) if i.op == Op::I32Eqz => {
                let op = if negated { Op::BrIfNez } else { Op::BrIfEqz };
                self.emit(op, target, i.b, 0)
            }
            Condition::Fused(i) if i.op == Op::I64Eqz => {
                let op = if negated { Op::BrIfI64NeImm } else { Op::BrIfI64EqImm };
                self.emit(op, target, i.b, 0)
            }
            Condition::Fused(i) => {
                let op = i.op.branch_form(negated).expect("checked fusable");
                self.emit(op, target, i.b, i.c)
            }
            Condition::Test(and, nonzero) => {
                let rel = and.op.info().rel;
                let op = if nonzero != negated { rel.nez } else { rel.eqz }.expect("an `and`");
                self.emit(op, target, and.b, and.c)
            }
        }
    }

    fn translate_br_table(&mut self, targets: &[u32], default: u32) -> Result<(), Error> {
        let index = self.pop_slot();
        let len = targets.len() as u32 + 1;
        // All targets have the same arity; put the values in temps once.
        let arity = self.buf.control[self.buf.control.len() - 1 - default as usize].arity();
        self.materialize_top(arity);
        let first = self.br_targets.len() as u32;
        self.emit(Op::BrTable, index, len, first);
        self.br_targets.resize((first + len) as usize, 0);
        let depth_count = self.buf.control.len();
        if self.buf.stub_for_depth.len() < depth_count {
            self.buf.stub_for_depth.resize(depth_count, NO_STUB);
        }
        for (i, depth) in targets.iter().copied().chain(std::iter::once(default)).enumerate() {
            let entry = first + i as u32;
            let idx = depth_count - 1 - depth as usize;
            if self.branch_is_in_place(depth) {
                let frame = &mut self.buf.control[idx];
                frame.branched_to = true;
                if frame.kind == Kind::Loop {
                    let start = frame.start;
                    self.br_targets[entry as usize] = start;
                } else {
                    frame.table_patches.push(entry);
                }
                continue;
            }
            // Values must move: route this entry through one stub per distinct target.
            let stub = self.buf.stub_for_depth[depth as usize];
            let stub = if stub != NO_STUB {
                stub
            } else {
                let stub = self.pc();
                self.buf.stub_for_depth[depth as usize] = stub;
                self.buf.touched_depths.push(depth);
                self.emit_branch(depth);
                stub
            };
            self.br_targets[entry as usize] = stub;
        }
        for depth in self.buf.touched_depths.drain(..) {
            self.buf.stub_for_depth[depth as usize] = NO_STUB;
        }
        self.end_run();
        self.reachable = false;
        Ok(())
    }

    fn translate_else(&mut self) {
        let frame = self.buf.control.last_mut().expect("validated: inside if");
        let (height, sig, entry_reachable) = (frame.height, frame.sig, frame.entry_reachable);
        let else_patch = frame.else_patch.take();
        frame.kind = Kind::Else;
        if self.reachable {
            self.materialize_top(sig.results);
            let idx = self.buf.control.len() - 1;
            self.emit_jump(idx);
            self.end_run();
        }
        if let Some(at) = else_patch {
            let here = self.pc();
            self.patch(at, here);
        }
        self.truncate(height);
        for _ in 0..sig.params {
            self.push(Operand::Temp);
        }
        self.reachable = entry_reachable;
        self.forget_last();
        if self.reachable {
            // The else arm is entered only by the `if`'s branch.
            self.buf.incoming.extend(else_patch);
            self.begin_run(0);
        }
    }

    fn translate_end(&mut self) {
        if self.buf.control.len() == 1 {
            // The function body's end.
            if self.reachable {
                self.end_free_run();
                self.emit_return();
                self.end_run();
            }
            self.reachable = false;
            self.buf.control.pop();
            return;
        }
        if self.reachable {
            let results = self.buf.control.last().expect("validated: inside a block").sig.results;
            self.materialize_top(results);
            // Before the pop: the run may be a loop's header run, recorded in its frame.
            self.end_run();
        }
        let frame = self.buf.control.pop().expect("validated: inside a block");
        let here = self.pc();
        for at in &frame.patches {
            self.code[*at as usize].a = here;
        }
        for at in &frame.table_patches {
            self.br_targets[*at as usize] = here;
        }
        let falls_from_if = frame.else_patch.is_some();
        if let Some(at) = frame.else_patch {
            self.patch(at, here);
        }
        self.reachable = frame.entry_reachable && (self.reachable || frame.branched_to || falls_from_if);
        self.truncate(frame.height);
        for _ in 0..frame.sig.results {
            self.push(Operand::Temp);
        }
        self.forget_last();
        if self.reachable {
            self.buf.incoming.extend(frame.patches.iter().chain(&frame.else_patch));
            self.begin_run(0);
        }
    }

    /// In unreachable code only the block structure matters.
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
