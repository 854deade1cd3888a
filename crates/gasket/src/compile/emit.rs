//! The function compiler's machinery: slots through the register cache, labels, gas charges,
//! trap exits and builtin calls, on top of dynasm's x86-64 assembler. The lowering of each
//! instruction (`compile/lower/`) is written with these helpers.
//!
//! Guarantees:
//! - **Gas is charged where the IR charges it, with the interpreter's amounts**: [`FuncCompiler::charge`]
//!   subtracts and, on underflow, restores the counter in an out-of-line stub and stops the
//!   call with `OutOfGas`, so the gas left after running out equals the interpreter's, and
//!   names the charge so that a resumable call can retry it (docs/resume.md).
//! - Every trap leaves through one exit per trap code and module ([`Shared`]), after the
//!   effects of the instructions before it and none after.

use dynasmrt::DynamicLabel;

use super::asm::Asm;
use super::cache::{Cache, Spill};
pub(super) use super::encode::Loc;
use super::encode::{self, Binary};
use super::runtime::{off, Builtin, Exit};
use super::step::trap_number;
use crate::ir::{Instr, Op};
use crate::module::ModuleInner;
use crate::TrapCode;

/// An x86 condition code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Cc {
    O,
    No,
    E,
    Ne,
    L,
    Le,
    G,
    Ge,
    B,
    Be,
    A,
    Ae,
}

impl Cc {
    /// The condition's number in the encodings of `jcc` and `setcc` (their low nibble).
    pub fn number(self) -> u8 {
        match self {
            Cc::O => 0x0,
            Cc::No => 0x1,
            Cc::B => 0x2,
            Cc::Ae => 0x3,
            Cc::E => 0x4,
            Cc::Ne => 0x5,
            Cc::Be => 0x6,
            Cc::A => 0x7,
            Cc::L => 0xc,
            Cc::Ge => 0xd,
            Cc::Le => 0xe,
            Cc::G => 0xf,
        }
    }

    /// The condition that holds exactly when `self` does not.
    pub fn not(self) -> Cc {
        match self {
            Cc::O => Cc::No,
            Cc::No => Cc::O,
            Cc::E => Cc::Ne,
            Cc::Ne => Cc::E,
            Cc::L => Cc::Ge,
            Cc::Ge => Cc::L,
            Cc::Le => Cc::G,
            Cc::G => Cc::Le,
            Cc::B => Cc::Ae,
            Cc::Ae => Cc::B,
            Cc::Be => Cc::A,
            Cc::A => Cc::Be,
        }
    }
}

/// The allocations a function compiler reuses from the function before it (so that the fixed
/// cost of compiling a function is not an allocation or a clearing of each).
pub(super) struct Reusable {
    cache: Cache,
    labels: Vec<u32>,
    oog: Vec<(DynamicLabel, u64)>,
    oog_recent: Vec<Recent>,
    sites: Vec<OogSite>,
    /// The number of the next function, which tags its entries of `oog_recent`.
    function: u32,
}

impl Reusable {
    pub fn new() -> Reusable {
        Reusable {
            cache: Cache::new(0, 0),
            labels: Vec::new(),
            oog: Vec::new(),
            oog_recent: vec![None; OOG_RECENT],
            sites: Vec::new(),
            function: 0,
        }
    }
}

/// An entry of [`FuncCompiler::oog_recent`]: the function it is of (a tag, so that the
/// table needs no clearing between functions), a cost and its shared stub.
type Recent = Option<(u32, u64, DynamicLabel)>;

/// No label (in [`FuncCompiler::labels`]).
const NO_LABEL: u32 = u32::MAX;

/// Entries of [`FuncCompiler::oog_recent`] (a power of two).
const OOG_RECENT: usize = 64;

/// Trap codes with an exit, by [`trap_number`].
const TRAP_EXITS: usize = 13;

/// Code that every function of a module shares, emitted once before the first (offsets into
/// the module's code): each trap code's exit, the exit of a builtin's trap, and the value
/// stack's growth that prologues call. Trap checks jump straight here, and a function's own
/// stubs (a builtin's failure) jump here, so that its fixed size is its checks, not its exits
/// (a function whose body is `unreachable` took 169 bytes).
#[derive(Debug, Clone, Copy)]
pub(super) struct Shared {
    traps: [usize; TRAP_EXITS],
    /// Entered with a builtin's failure (its trap code plus one) in `rax`.
    step_trap: usize,
    /// Called by a prologue with the cells the frame needs in `rax`: grows the value stack
    /// (reloading `rbp`) or traps.
    pub grow: usize,
}

impl Shared {
    pub fn emit(ops: &mut Asm, metered: bool) -> Result<Shared, crate::Error> {
        let mut traps = [0; TRAP_EXITS];
        for (n, at) in traps.iter_mut().enumerate() {
            *at = ops.offset();
            emit!(ops
                ; .arch x64
                ; mov QWORD [BYTE r14 + off::EXIT_ARG], n as i32
                ; mov eax, Exit::Trap as i32
                ; jmp QWORD [BYTE r14 + off::EXIT_ADDR]
            );
        }
        let step_trap = ops.offset();
        emit!(ops
            ; .arch x64
            ; dec rax
            ; mov [BYTE r14 + off::EXIT_ARG], rax
            ; mov eax, Exit::Trap as i32
            ; jmp QWORD [BYTE r14 + off::EXIT_ADDR]
        );
        let grow = ops.offset();
        emit!(ops ; .arch x64 ; mov rsi, rax);
        call_builtin(ops, metered, super::step::grow_cells);
        emit!(ops ; .arch x64 ; test rax, rax);
        ops.jump_to(Some(Cc::Ne.number()), step_trap);
        emit!(ops ; .arch x64 ; mov rbp, [BYTE r14 + off::CELLS] ; ret);
        ops.end_function()?;
        Ok(Shared { traps, step_trap, grow })
    }
}

/// Calls builtin `f(ctx, rsi, rdx)` on the host stack, with `rsi` and `rdx` already set; its
/// result is in `rax`. Every cache register is clobbered; gas (if `metered`) and the frame
/// pointer are written to the context first.
fn call_builtin(ops: &mut Asm, metered: bool, f: Builtin) {
    let f = f as usize as u64;
    if metered {
        emit!(ops ; .arch x64 ; mov [BYTE r14 + off::GAS], r15);
    }
    emit!(ops
        ; .arch x64
        ; mov [BYTE r14 + off::FP], rbx
        ; mov rdi, r14
        ; mov rax, QWORD f as i64
        ; call QWORD [BYTE r14 + off::HOST_CALL]
    );
    if metered {
        emit!(ops ; .arch x64 ; mov r15, [BYTE r14 + off::GAS]);
    }
}

/// The label in `slot`, made on first use (a stub emitted once per function).
fn once(ops: &mut Asm, slot: &mut Option<DynamicLabel>) -> DynamicLabel {
    *slot.get_or_insert_with(|| ops.new_dynamic_label())
}

/// Where a branch that pays `taken_gas` into `target` can jump instead: the `Charge` just
/// before `target`, which charges exactly that and falls into `target` (docs/gas.md §3: a
/// branch that lands past a run's `Charge` pays its cost). The same charge at the same point,
/// so gas, the out-of-gas point and resumption are unchanged, and the branch is a single
/// `jcc` instead of a skip, an inline charge and a `jmp`. `None` (charge inline) unless
/// metered, paying, and that `Charge` is in the function (from `entry`) with that cost.
pub(super) fn paid_entry(code: &[Instr], entry: usize, target: u32, taken_gas: u64, metered: bool) -> Option<u32> {
    let before = (target as usize).checked_sub(1)?;
    let charge = code.get(before)?;
    (metered && taken_gas != 0 && before >= entry && charge.op == Op::Charge && charge.charge_cost() == taken_gas)
        .then_some(before as u32)
}

/// A charge's own out-of-gas stub (in [`FuncCompiler::sites`]): `label`, the charge's code
/// offset `at`, and the shared stub it goes on to.
#[derive(Debug, Clone, Copy)]
struct OogSite {
    label: DynamicLabel,
    at: usize,
    then: DynamicLabel,
}

/// Where one function lies in the module's code: its entry, its length in instructions and
/// its frame size in slots.
pub(super) struct Span {
    pub entry: usize,
    pub len: usize,
    pub frame_size: usize,
    /// The first temporary's slot.
    pub temps: u32,
}

/// How many instructions ahead [`FuncCompiler::read_soon`] looks.
const LOOKAHEAD: usize = 8;

/// What builds with debug assertions write into the cells of dead temporaries
/// ([`FuncCompiler::drop_dead`]).
const DEAD_CELL: u64 = 0xdead_0bad_dead_0bad;

impl Loc {
    /// The register to keep, for the `avoid` lists of [`FuncCompiler::dst`]: `rax` for a
    /// cell, which avoids nothing (`rax` is never a cache register).
    pub fn reg(self) -> u8 {
        match self {
            Loc::Reg(r) => r,
            Loc::Cell(_) => super::runtime::reg::RAX,
        }
    }
}

/// The cache entries (as bits) of the slots that the [`LOOKAHEAD`] instructions after
/// `code[ip]` read: the registers to keep when one must go. Constant work, asked only when
/// every register is taken.
fn read_soon(code: &[Instr], ip: usize, cache: &Cache) -> u8 {
    let mut soon = 0;
    let mut ip = ip + super::width(code[ip]);
    for _ in 0..LOOKAHEAD {
        let Some(&i) = code.get(ip) else { break };
        for slot in super::reads(code, ip) {
            soon |= cache.bit_of(slot);
        }
        ip += super::width(i);
    }
    soon
}

/// Compiles one function: the state of the pass.
pub(super) struct FuncCompiler<'a> {
    pub ops: &'a mut Asm,
    pub cache: Cache,
    pub module: &'a ModuleInner,
    /// The module's code and the current instruction's index in it.
    pub code: &'a [Instr],
    pub ip: usize,
    /// Labels of this function's branch targets, indexed from its entry; `None` elsewhere.
    /// (Each a label's index in the function, [`NO_LABEL`] for none: 4 bytes per instruction
    /// to clear, where an `Option<DynamicLabel>` takes 16.)
    pub labels: Vec<u32>,
    pub entry: usize,
    pub shared: Shared,
    /// The stub that ends a builtin's trap: its code is in `rax`, plus one.
    step_trap: Option<DynamicLabel>,
    /// Out-of-gas stubs: each restores the counter by its charge and stops the call there.
    /// Charges of the same cost share a stub when `oog_recent` remembers it (a direct-mapped
    /// table by cost: constant work per charge, and the same choice every time for the same
    /// code).
    oog: Vec<(DynamicLabel, u64)>,
    oog_recent: Vec<Recent>,
    function: u32,
    /// Each charge's own stub: it names the charge (its code offset) to resume at, then
    /// jumps to its cost's shared stub, or for a builtin that ran out, to `step_fail`.
    sites: Vec<OogSite>,
    /// The stub that sorts a failed `step` builtin: out of gas stops the call resumably,
    /// anything else traps.
    step_fail: Option<DynamicLabel>,
    pub metered: bool,
    /// Whether the current instruction pops the temporaries it reads, and the result slot it
    /// writes (`u32::MAX`: none), for [`Self::dies`] and [`Self::drop_dead`]
    /// (`compile::pops`).
    pub pops: bool,
    pub result: u32,
    temps: u32,
}

impl<'a> FuncCompiler<'a> {
    pub fn new(
        ops: &'a mut Asm,
        module: &'a ModuleInner,
        Span { entry, len, frame_size, temps }: Span,
        metered: bool,
        shared: Shared,
        Reusable { mut cache, mut labels, mut oog, oog_recent, mut sites, function }: Reusable,
    ) -> Self {
        oog.clear();
        sites.clear();
        cache.reset(frame_size, temps);
        labels.clear();
        labels.resize(len, NO_LABEL);
        FuncCompiler {
            ops,
            cache,
            module,
            code: &module.code,
            ip: entry,
            labels,
            entry,
            shared,
            step_trap: None,
            oog,
            oog_recent,
            function,
            sites,
            step_fail: None,
            metered,
            pops: false,
            result: u32::MAX,
            temps,
        }
    }

    /// The `Ext` word of the current instruction.
    pub fn ext(&self) -> Instr {
        self.code[self.ip + 1]
    }

    // ------------------------------------------------------------------ slots and the cache

    pub fn load_slot(&mut self, r: u8, slot: u32) {
        self.ops.put(encode::binary(Binary::Mov, true, r, Loc::Cell(slot)));
    }

    pub fn store_slot(&mut self, slot: u32, r: u8) {
        self.ops.put(encode::store(slot, r));
    }

    fn spill(&mut self, spill: Option<Spill>) {
        if let Some(Spill { reg, slot }) = spill {
            self.store_slot(slot, reg);
        }
    }

    /// A register holding the value of `slot`, loading it if it is not cached; registers in
    /// `pinned` (operands already placed) are not reused.
    pub fn src(&mut self, slot: u32, pinned: &[u8]) -> u8 {
        let r = match self.cache.find(slot) {
            Some(r) => r,
            None => {
                let (code, ip) = (self.code, self.ip);
                let (r, spill) = self.cache.alloc(pinned, |c| read_soon(code, ip, c));
                self.spill(spill);
                self.load_slot(r, slot);
                self.cache.bind(r, slot, false);
                r
            }
        };
        self.cache.note_read(r, slot);
        r
    }

    /// Where `slot`'s value is, loading nothing.
    pub fn locate(&mut self, slot: u32) -> Loc {
        match self.cache.find(slot) {
            Some(r) => {
                self.cache.note_read(r, slot);
                Loc::Reg(r)
            }
            None => Loc::Cell(slot),
        }
    }

    /// `d = x` (all 64 bits of the cell or register), caching nothing.
    pub fn load_loc(&mut self, d: u8, x: Loc) {
        match x {
            Loc::Reg(r) => self.mov_q(d, r),
            Loc::Cell(slot) => self.load_slot(d, slot),
        }
    }

    fn mov_q(&mut self, d: u8, s: u8) {
        if d != s {
            self.ops.put(encode::binary(Binary::Mov, true, d, Loc::Reg(s)));
        }
    }

    /// A register to compute the new value of `slot` into, other than `avoid`; the caller
    /// writes it and the slot is then dirty in it.
    pub fn dst(&mut self, slot: u32, avoid: &[u8]) -> u8 {
        if let Some(r) = self.cache.find(slot) {
            if !avoid.contains(&r) {
                self.cache.bind(r, slot, true);
                return r;
            }
        }
        let (code, ip) = (self.code, self.ip);
        let (r, spill) = self.cache.alloc(avoid, |c| read_soon(code, ip, c));
        self.spill(spill);
        self.cache.bind(r, slot, true);
        r
    }

    /// Whether the current instruction pops `slot` for good: its value is dead once read.
    fn dies(&self, slot: u32) -> bool {
        self.pops && slot != u32::MAX && slot >= self.temps && slot != self.result
    }

    /// If operand `b` is in a register and dies here, that register, now holding `a` (dirty):
    /// the result is computed in place, with no copy of the operand first. (Builds with debug
    /// assertions poison `b`'s cell, as [`Self::drop_dead`] does.)
    pub fn reuse(&mut self, b: u32, at: Loc, a: u32) -> Option<u8> {
        let Loc::Reg(r) = at else { return None };
        if !self.dies(b) {
            return None;
        }
        if cfg!(debug_assertions) {
            self.poison(b);
        }
        self.cache.bind(r, a, true);
        Some(r)
    }

    /// A register for result `a` that holds operand `b`'s value (at `x`), other than `keep`:
    /// `b`'s own register if `b` dies here ([`Self::reuse`]), else a new one it is copied or
    /// loaded into.
    pub fn result_from(&mut self, b: u32, x: Loc, a: u32, keep: u8) -> u8 {
        if let Some(d) = self.reuse(b, x, a) {
            return d;
        }
        let d = self.dst(a, &[x.reg(), keep]);
        self.load_loc(d, x);
        d
    }

    /// Forgets the registers of the temporaries the current instruction popped for good
    /// (those it read, if it pops them), without writing them back. Builds with debug
    /// assertions (the tests and the fuzz targets) store [`DEAD_CELL`] into their cells
    /// instead, so that a read of one, should the rule ever be wrong, gives a value the
    /// interpreter would not.
    #[inline(always)]
    pub fn drop_dead(&mut self) {
        let dead = self.cache.take_read_temporaries(self.result) & (self.pops as u8).wrapping_neg();
        if cfg!(debug_assertions) {
            let slots: Vec<u32> = self.cache.slots_of(dead).collect();
            for slot in slots {
                self.poison(slot);
            }
        }
        self.cache.forget_entries(dead);
    }

    /// Stores [`DEAD_CELL`] into `slot`'s cell (debug builds, for a dead temporary).
    fn poison(&mut self, slot: u32) {
        emit!(self.ops ; .arch x64 ; mov rax, QWORD DEAD_CELL as i64);
        self.store_slot(slot, super::runtime::reg::RAX);
    }

    /// Makes register `r` free for an instruction that needs it (a shift count in `cl`, a
    /// division in `rdx`), writing back the slot it holds if that is dirty.
    pub fn free(&mut self, r: u8) {
        let spill = self.cache.take(r);
        self.spill(spill);
    }

    /// Writes every dirty register back: the frame is complete.
    pub fn flush(&mut self) {
        let ops = &mut *self.ops;
        for Spill { reg, slot } in self.cache.flush() {
            ops.put(encode::store(slot, reg));
        }
    }

    /// [`Self::flush`], then forgets every register (their contents are about to change).
    pub fn flush_clear(&mut self) {
        self.flush();
        self.cache.clear();
    }

    // ------------------------------------------------------------------ labels and control

    /// The label of branch target `target` (an index into the module's code).
    pub fn label(&mut self, target: u32) -> DynamicLabel {
        let i = target as usize - self.entry;
        match self.labels[i] {
            NO_LABEL => {
                let l = self.ops.new_dynamic_label();
                self.labels[i] = l.get_id() as u32;
                l
            }
            k => self.ops.label(k),
        }
    }

    pub fn jmp(&mut self, l: DynamicLabel) {
        emit!(self.ops ; .arch x64 ; jmp =>l);
    }

    pub fn jcc(&mut self, cc: Cc, l: DynamicLabel) {
        match cc {
            Cc::O => emit!(self.ops ; .arch x64 ; jo =>l),
            Cc::No => emit!(self.ops ; .arch x64 ; jno =>l),
            Cc::E => emit!(self.ops ; .arch x64 ; je =>l),
            Cc::Ne => emit!(self.ops ; .arch x64 ; jne =>l),
            Cc::L => emit!(self.ops ; .arch x64 ; jl =>l),
            Cc::Le => emit!(self.ops ; .arch x64 ; jle =>l),
            Cc::G => emit!(self.ops ; .arch x64 ; jg =>l),
            Cc::Ge => emit!(self.ops ; .arch x64 ; jge =>l),
            Cc::B => emit!(self.ops ; .arch x64 ; jb =>l),
            Cc::Be => emit!(self.ops ; .arch x64 ; jbe =>l),
            Cc::A => emit!(self.ops ; .arch x64 ; ja =>l),
            Cc::Ae => emit!(self.ops ; .arch x64 ; jae =>l),
        }
    }

    /// `r = cc ? 1 : 0` (32 bits, zero-extended), from the flags.
    pub fn setcc(&mut self, cc: Cc, r: u8) {
        match cc {
            Cc::O => emit!(self.ops ; .arch x64 ; seto al),
            Cc::No => emit!(self.ops ; .arch x64 ; setno al),
            Cc::E => emit!(self.ops ; .arch x64 ; sete al),
            Cc::Ne => emit!(self.ops ; .arch x64 ; setne al),
            Cc::L => emit!(self.ops ; .arch x64 ; setl al),
            Cc::Le => emit!(self.ops ; .arch x64 ; setle al),
            Cc::G => emit!(self.ops ; .arch x64 ; setg al),
            Cc::Ge => emit!(self.ops ; .arch x64 ; setge al),
            Cc::B => emit!(self.ops ; .arch x64 ; setb al),
            Cc::Be => emit!(self.ops ; .arch x64 ; setbe al),
            Cc::A => emit!(self.ops ; .arch x64 ; seta al),
            Cc::Ae => emit!(self.ops ; .arch x64 ; setae al),
        }
        emit!(self.ops ; .arch x64 ; movzx Rd(r), al);
    }

    /// A conditional branch to IR target `target` on `cc`, paying `taken_gas` when taken.
    /// The cache must be flushed (the frame complete) and the flags set.
    pub fn branch_if(&mut self, cc: Cc, target: u32, taken_gas: u64) {
        if let Some(charge) = paid_entry(self.code, self.entry, target, taken_gas, self.metered) {
            let l = self.label(charge);
            self.jcc(cc, l);
            return;
        }
        let l = self.label(target);
        if taken_gas == 0 {
            self.jcc(cc, l);
        } else {
            let skip = self.ops.new_dynamic_label();
            self.jcc(cc.not(), skip);
            self.charge(taken_gas);
            self.jmp(l);
            emit!(self.ops ; .arch x64 ; =>skip);
        }
    }

    /// An unconditional jump to IR target `target`, paying `taken_gas`.
    pub fn branch(&mut self, target: u32, taken_gas: u64) {
        if let Some(charge) = paid_entry(self.code, self.entry, target, taken_gas, self.metered) {
            let l = self.label(charge);
            self.jmp(l);
            return;
        }
        self.charge(taken_gas);
        let l = self.label(target);
        self.jmp(l);
    }

    // ------------------------------------------------------------------ gas and traps

    /// Charges `cost`; if it is short, stops the call out of gas with the counter unchanged
    /// and where it can continue: this charge, with the cache registers as they are
    /// ([`Exit::OutOfGas`]). Free when the engine does not meter or the cost is zero.
    pub fn charge(&mut self, cost: u64) {
        if !self.metered || cost == 0 {
            return;
        }
        let recent = &mut self.oog_recent[cost as usize & (OOG_RECENT - 1)];
        let shared = match *recent {
            Some((f, c, l)) if f == self.function && c == cost => l,
            _ => {
                let l = self.ops.new_dynamic_label();
                *recent = Some((self.function, cost, l));
                self.oog.push((l, cost));
                l
            }
        };
        let at = self.ops.offset();
        let stub = self.ops.new_dynamic_label();
        self.sites.push(OogSite { label: stub, at, then: shared });
        if cost <= i32::MAX as u64 {
            emit!(self.ops ; .arch x64 ; sub r15, cost as i32 ; jb =>stub);
        } else {
            emit!(self.ops ; .arch x64 ; mov rax, QWORD cost as i64 ; sub r15, rax ; jb =>stub);
        }
    }

    /// Traps with `code` if `cc` holds (always for `None`): a jump straight to the module's
    /// exit for `code`, whose offset is known (no label to patch, no stub per function).
    pub fn trap_if(&mut self, cc: Option<Cc>, code: TrapCode) {
        let exit = self.shared.traps[trap_number(code) as usize];
        self.ops.jump_to(cc.map(Cc::number), exit);
    }

    /// Calls builtin `f(ctx, rsi, rdx)` on the host stack, with `rsi` and `rdx` already set;
    /// its result is in `rax`. The cache must be flushed and cleared (the call clobbers every
    /// cache register).
    pub fn call_builtin(&mut self, f: Builtin) {
        call_builtin(self.ops, self.metered, f);
    }

    /// After a builtin that returns 0 or a trap code plus one in `rax`: traps if it failed.
    pub fn trap_if_failed(&mut self) {
        let l = self.step_trap();
        emit!(self.ops ; .arch x64 ; test rax, rax ; jnz =>l);
    }

    /// After the `step` builtin, whose code began at offset `at` with the cache clear: as
    /// [`Self::trap_if_failed`], but a charge that did not fit (metered code) stops the call
    /// to continue at `at`, running the instruction again.
    pub fn step_failed(&mut self, at: usize) {
        if !self.metered {
            return self.trap_if_failed();
        }
        let then = once(self.ops, &mut self.step_fail);
        let stub = self.ops.new_dynamic_label();
        self.sites.push(OogSite { label: stub, at, then });
        emit!(self.ops ; .arch x64 ; test rax, rax ; jnz =>stub);
    }

    fn step_trap(&mut self) -> DynamicLabel {
        once(self.ops, &mut self.step_trap)
    }

    /// Emits the function's out-of-line stubs (out of gas, then each trap) and hands back the
    /// allocations for the next function.
    pub fn finish(mut self) -> Result<Reusable, crate::Error> {
        self.stubs()?;
        Ok(Reusable {
            cache: self.cache,
            labels: self.labels,
            oog: self.oog,
            oog_recent: self.oog_recent,
            sites: self.sites,
            function: self.function.wrapping_add(1),
        })
    }

    fn stubs(&mut self) -> Result<(), crate::Error> {
        // Each site's stub: `r11` = the charge's address (`lea r11, [rip + disp32]`, encoded
        // here: the displacement to the site, behind the stub, is already known).
        for k in 0..self.sites.len() {
            let OogSite { label, at, then } = self.sites[k];
            emit!(self.ops ; .arch x64 ; =>label);
            let back = self.ops.offset() + 7 - at;
            let disp = i32::try_from(back).map(|b| -b).map_err(|_| crate::Error::Limit {
                what: "bytes from a charge to its out-of-gas stub",
                value: back as u64,
                limit: i32::MAX as u64,
            })?;
            let mut bytes = [0x4c, 0x8d, 0x1d, 0, 0, 0, 0];
            bytes[3..].copy_from_slice(&disp.to_le_bytes());
            emit!(self.ops ; .arch x64 ; .bytes bytes.iter() ; jmp =>then);
        }
        // Each cost's stub: restore the counter, name the charge and stop.
        for k in 0..self.oog.len() {
            let (l, cost) = self.oog[k];
            if cost <= i32::MAX as u64 {
                emit!(self.ops
                    ; .arch x64
                    ; =>l
                    ; add r15, cost as i32
                    ; mov QWORD [BYTE r14 + off::EXIT_ARG], cost as i32
                );
            } else {
                emit!(self.ops
                    ; .arch x64
                    ; =>l
                    ; mov rax, QWORD cost as i64
                    ; add r15, rax
                    ; mov [BYTE r14 + off::EXIT_ARG], rax
                );
            }
            emit!(self.ops
                ; .arch x64
                ; mov [BYTE r14 + off::RESUME], r11
                ; jmp QWORD [BYTE r14 + off::OUT_OF_GAS]
            );
        }
        // A failed `step`: the builtin set `exit_arg` to the gas it needed.
        if let Some(l) = self.step_fail {
            let trap = self.step_trap();
            emit!(self.ops
                ; .arch x64
                ; =>l
                ; cmp rax, trap_number(TrapCode::OutOfGas) as i32 + 1
                ; jne =>trap
                ; mov [BYTE r14 + off::RESUME], r11
                ; jmp QWORD [BYTE r14 + off::OUT_OF_GAS]
            );
        }
        if let Some(l) = self.step_trap {
            self.ops.place(l);
            self.ops.jump_to(None, self.shared.step_trap);
        }
        Ok(())
    }
}
