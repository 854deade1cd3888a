//! What compiled code and the driver share: the context block [`JitCtx`] at fixed offsets, the
//! pinned registers, and the trampolines that switch between the host stack and the compiled
//! code's own stack.
//!
//! Guarantees:
//! - **Compiled code runs on its own stack** ([`JitStack`]), never on the host's: every Wasm
//!   call pushes one return address there and nothing else, and the call depth counter bounds
//!   how many there are, so a recursion as deep as `Config::max_call_depth` allows needs
//!   `8 * max_call_depth` bytes of it whatever the host thread's stack is.
//! - Rust code called from compiled code (builtins) runs on the host stack, below the frame of
//!   the driver that entered the compiled code ([`Trampolines::host_call`]).
//! - Control leaves compiled code only through [`Trampolines::exit`], which saves the pinned
//!   state in the context and returns to the driver with an [`Exit`] kind.
//! - **A call stopped out of gas can continue**: the stopped call's whole state is the
//!   context, the value stack and the compiled stack (return addresses into code its store
//!   keeps alive): [`Trampolines::out_of_gas`] saves the cache registers with it, and
//!   [`Trampolines::resume_regs`] puts them back and retries the charge.

use std::sync::OnceLock;

use dynasmrt::{dynasm, DynasmApi, ExecutableBuffer};

/// Registers (dynasm numbering). Pinned while compiled code runs, and named literally in the
/// assembly: `rbx` the frame pointer (the cell index of the current frame's slot 0), `rbp`
/// the base address of the value stack's cells (reloaded after anything that may grow it),
/// `r12` and `r13` the base and length of linear memory 0, `r14` the [`JitCtx`], `r15` the
/// gas left. `rax` and `r11` are scratch, never live from one instruction to the next nor
/// across a charge; the rest hold cached slots.
pub(super) mod reg {
    pub const RAX: u8 = 0;
    pub const RCX: u8 = 1;
    pub const RDX: u8 = 2;
    pub const RBX: u8 = 3;
    /// The registers that hold cached slots (caller-saved in the System V ABI), in the order
    /// of `JitCtx::saved`.
    pub const CACHE: [u8; 7] = [1, 2, 6, 7, 8, 9, 10]; // rcx rdx rsi rdi r8 r9 r10
}

/// A builtin called from compiled code: `f(ctx, rsi, rdx) -> rax` (`compile/step.rs`).
pub(super) type Builtin = extern "sysv64" fn(*mut JitCtx, u64, u64) -> u64;

/// The state compiled code and the driver share, at fixed offsets ([`off`]). The fields that
/// functions' code reads come first, within 128 bytes, so that it addresses them with 8-bit
/// displacements; the trampolines' own follow.
#[repr(C)]
#[derive(Debug, Default)]
pub(crate) struct JitCtx {
    pub gas: u64,
    pub mem_base: u64,
    pub mem_len: u64,
    /// Base address and length (in cells) of the value stack.
    pub cells: u64,
    pub cells_len: u64,
    /// The frame pointer (a cell index) at an exit, and where to resume with it.
    pub fp: u64,
    /// Wasm frames pushed by calls in this invocation, and the limit.
    pub depth: u64,
    pub max_frames: u64,
    /// The exit's argument (a trap code, or the function a call-out names) and frame.
    pub exit_arg: u64,
    pub exit_fp: u64,
    /// Where a call-out resumes.
    pub resume: u64,
    /// The executing instance's global cells: a pointer to an array of `*mut u64`.
    pub globals: u64,
    /// The addresses of [`Trampolines::exit`], [`Trampolines::host_call`] and
    /// [`Trampolines::out_of_gas`].
    pub exit_addr: u64,
    pub host_call: u64,
    pub out_of_gas: u64,
    pub host_sp: u64,
    /// The compiled stack's pointer: where the next activation starts, or where the suspended
    /// one stands.
    pub jit_sp: u64,
    /// Where [`Trampolines::enter`] jumps: the invoke thunk, or a resume point.
    pub target: u64,
    /// The function body the invoke thunk calls.
    pub callee: u64,
    /// The compiled stack pointer saved while a builtin runs on the host stack.
    pub step_sp: u64,
    /// The driver's state, for builtins (`compile/driver.rs`).
    pub driver: u64,
    /// The cache registers ([`reg::CACHE`], in order) at an [`Exit::OutOfGas`], restored by
    /// [`Trampolines::resume_regs`] when the call continues.
    pub saved: [u64; 7],
}

/// Byte offsets of [`JitCtx`]'s fields, as compiled code addresses them: `i8` for those that
/// functions' code uses (with dynasm's `BYTE` displacements; the layout is checked where they
/// are defined), `i32` for the trampolines' own.
pub(super) mod off {
    use super::JitCtx;
    use std::mem::offset_of;

    /// A field's offset as an 8-bit displacement; not compiling if it does not fit.
    const fn byte(offset: usize) -> i8 {
        assert!(offset < 128, "a field compiled code addresses is past 127 bytes");
        offset as i8
    }

    pub const GAS: i8 = byte(offset_of!(JitCtx, gas));
    pub const MEM_BASE: i8 = byte(offset_of!(JitCtx, mem_base));
    pub const MEM_LEN: i8 = byte(offset_of!(JitCtx, mem_len));
    pub const CELLS: i8 = byte(offset_of!(JitCtx, cells));
    pub const CELLS_LEN: i8 = byte(offset_of!(JitCtx, cells_len));
    pub const FP: i8 = byte(offset_of!(JitCtx, fp));
    pub const DEPTH: i8 = byte(offset_of!(JitCtx, depth));
    pub const MAX_FRAMES: i8 = byte(offset_of!(JitCtx, max_frames));
    pub const EXIT_ARG: i8 = byte(offset_of!(JitCtx, exit_arg));
    pub const EXIT_FP: i8 = byte(offset_of!(JitCtx, exit_fp));
    pub const RESUME: i8 = byte(offset_of!(JitCtx, resume));
    pub const GLOBALS: i8 = byte(offset_of!(JitCtx, globals));
    pub const EXIT_ADDR: i8 = byte(offset_of!(JitCtx, exit_addr));
    pub const HOST_CALL: i8 = byte(offset_of!(JitCtx, host_call));
    pub const OUT_OF_GAS: i8 = byte(offset_of!(JitCtx, out_of_gas));
    pub const HOST_SP: i32 = offset_of!(JitCtx, host_sp) as i32;
    pub const JIT_SP: i32 = offset_of!(JitCtx, jit_sp) as i32;
    pub const TARGET: i32 = offset_of!(JitCtx, target) as i32;
    pub const CALLEE: i32 = offset_of!(JitCtx, callee) as i32;
    pub const STEP_SP: i32 = offset_of!(JitCtx, step_sp) as i32;
    pub const SAVED: i32 = offset_of!(JitCtx, saved) as i32;
}

/// Why compiled code returned to the driver (the value in `eax` at [`Trampolines::exit`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub(super) enum Exit {
    /// The function the invoke thunk called returned.
    Done = 0,
    /// A trap; `exit_arg` is its [`TrapCode`](crate::TrapCode) number ([`super::step::trap_of`]).
    Trap = 1,
    /// A call of imported function `exit_arg` (a module function index) with its frame at cell
    /// `exit_fp`; resume at `resume`.
    CallImport = 2,
    /// A call of store function `exit_arg` (through a table, into host code or another
    /// instance) with its frame at cell `exit_fp`; resume at `resume`.
    CallStore = 3,
    /// A charge of `exit_arg` gas did not fit and was not applied; the call continues by
    /// entering [`Trampolines::resume_regs`], which restores the cache registers saved in
    /// `saved` and jumps to `resume`, the charge (`compile/emit.rs`).
    OutOfGas = 4,
}

impl Exit {
    pub fn from_u32(v: u32) -> Option<Exit> {
        [Exit::Done, Exit::Trap, Exit::CallImport, Exit::CallStore, Exit::OutOfGas].into_iter().find(|e| *e as u32 == v)
    }
}

/// The compiled code's stack: room for one return address per Wasm frame the call depth limit
/// allows, plus [`STACK_SLACK`] words for the thunks. Never read or written by Rust code: its
/// memory is reached only through the stack pointer of compiled code.
pub(crate) struct JitStack {
    words: Vec<u64>,
}

/// Words of the compiled stack beyond one per frame: the invoke thunk's and a host-stack call's
/// return addresses, with room to spare, and the 16-byte alignment of the top.
pub(super) const STACK_SLACK: usize = 64;

impl JitStack {
    /// A stack for `max_frames` frames. The memory is reserved, not written.
    pub fn new(max_frames: usize) -> JitStack {
        JitStack { words: Vec::with_capacity(max_frames + STACK_SLACK) }
    }

    /// Whether the stack holds at least `max_frames` frames.
    pub fn fits(&self, max_frames: usize) -> bool {
        self.words.capacity() >= max_frames + STACK_SLACK
    }

    /// The address just past the top of the stack (it grows down), 16-byte aligned.
    pub fn top(&mut self) -> u64 {
        let end = self.words.as_mut_ptr() as u64 + (self.words.capacity() * 8) as u64;
        end & !15
    }
}

/// The code shared by every compiled module: entering and leaving compiled code.
pub(super) struct Trampolines {
    _code: ExecutableBuffer,
    /// `extern "sysv64" fn(ctx: *mut JitCtx) -> u32`: saves the host's callee-saved registers,
    /// switches to the compiled stack at `jit_sp`, loads the pinned registers and jumps to
    /// `target`. Returns the [`Exit`] when compiled code leaves through `exit`.
    pub enter: extern "sysv64" fn(*mut JitCtx) -> u32,
    /// Jumped to with the [`Exit`] in `eax`: saves gas, the frame pointer and the compiled
    /// stack pointer in the context and returns from `enter`.
    pub exit: u64,
    /// Called from compiled code with the builtin's address in `rax` and its arguments in
    /// `rdi`, `rsi`, `rdx`: runs it on the host stack and returns its `rax`.
    pub host_call: u64,
    /// The target of a fresh activation: calls `callee`, then exits with [`Exit::Done`].
    pub invoke: u64,
    /// Jumped to by a failed charge with `resume` and `exit_arg` set: saves the cache
    /// registers in `saved` and exits with [`Exit::OutOfGas`].
    pub out_of_gas: u64,
    /// The target that continues a call stopped by [`Exit::OutOfGas`]: restores the cache
    /// registers from `saved` and jumps to `resume`.
    pub resume_regs: u64,
}

// SAFETY: the trampolines are immutable code and three function addresses into it.
unsafe impl Sync for Trampolines {}
// SAFETY: as for `Sync`: nothing in it is tied to a thread.
unsafe impl Send for Trampolines {}

static TRAMPOLINES: OnceLock<Trampolines> = OnceLock::new();

/// The trampolines, assembled on first use.
pub(super) fn trampolines() -> &'static Trampolines {
    TRAMPOLINES.get_or_init(assemble)
}

fn assemble() -> Trampolines {
    let mut ops = dynasmrt::x64::Assembler::new().expect("an executable buffer for the compiler tier's trampolines");
    let enter = ops.offset();
    dynasm!(ops
        ; .arch x64
        // Six callee-saved registers and the return address: 56 bytes, so 8 more align the
        // host stack to 16 for the builtins `host_call` runs on it.
        ; push rbp
        ; push rbx
        ; push r12
        ; push r13
        ; push r14
        ; push r15
        ; sub rsp, 8
        ; mov [rdi + off::HOST_SP], rsp
        ; mov r14, rdi
        ; mov rsp, [r14 + off::JIT_SP]
        ; mov r15, [BYTE r14 + off::GAS]
        ; mov r12, [BYTE r14 + off::MEM_BASE]
        ; mov r13, [BYTE r14 + off::MEM_LEN]
        ; mov rbp, [BYTE r14 + off::CELLS]
        ; mov rbx, [BYTE r14 + off::FP]
        ; jmp QWORD [r14 + off::TARGET]
    );
    // Falls through into `exit`.
    let out_of_gas = ops.offset();
    dynasm!(ops
        ; .arch x64
        ; mov [r14 + off::SAVED], rcx
        ; mov [r14 + off::SAVED + 8], rdx
        ; mov [r14 + off::SAVED + 16], rsi
        ; mov [r14 + off::SAVED + 24], rdi
        ; mov [r14 + off::SAVED + 32], r8
        ; mov [r14 + off::SAVED + 40], r9
        ; mov [r14 + off::SAVED + 48], r10
        ; mov eax, Exit::OutOfGas as i32
    );
    let exit = ops.offset();
    dynasm!(ops
        ; .arch x64
        ; mov [BYTE r14 + off::GAS], r15
        ; mov [BYTE r14 + off::FP], rbx
        ; mov [r14 + off::JIT_SP], rsp
        ; mov rsp, [r14 + off::HOST_SP]
        ; add rsp, 8
        ; pop r15
        ; pop r14
        ; pop r13
        ; pop r12
        ; pop rbx
        ; pop rbp
        ; ret
    );
    let host_call = ops.offset();
    dynasm!(ops
        ; .arch x64
        ; mov [r14 + off::STEP_SP], rsp
        ; mov rsp, [r14 + off::HOST_SP]
        ; call rax
        ; mov rsp, [r14 + off::STEP_SP]
        ; ret
    );
    let invoke = ops.offset();
    dynasm!(ops
        ; .arch x64
        ; call QWORD [r14 + off::CALLEE]
        ; mov eax, Exit::Done as i32
        ; jmp QWORD [BYTE r14 + off::EXIT_ADDR]
    );
    let resume_regs = ops.offset();
    dynasm!(ops
        ; .arch x64
        ; mov rcx, [r14 + off::SAVED]
        ; mov rdx, [r14 + off::SAVED + 8]
        ; mov rsi, [r14 + off::SAVED + 16]
        ; mov rdi, [r14 + off::SAVED + 24]
        ; mov r8, [r14 + off::SAVED + 32]
        ; mov r9, [r14 + off::SAVED + 40]
        ; mov r10, [r14 + off::SAVED + 48]
        ; jmp QWORD [BYTE r14 + off::RESUME]
    );
    let code = ops.finalize().expect("finalizing the compiler tier's trampolines");
    let addr = |o: dynasmrt::AssemblyOffset| code.ptr(o) as u64;
    // SAFETY: `enter` is the start of the sequence above, which follows the System V calling
    // convention for `fn(*mut JitCtx) -> u32`: it preserves every callee-saved register and
    // the stack pointer, and returns through `exit` with the exit kind in `eax`.
    let enter_fn = unsafe { std::mem::transmute::<*const u8, extern "sysv64" fn(*mut JitCtx) -> u32>(code.ptr(enter)) };
    Trampolines {
        enter: enter_fn,
        exit: addr(exit),
        host_call: addr(host_call),
        invoke: addr(invoke),
        out_of_gas: addr(out_of_gas),
        resume_regs: addr(resume_regs),
        _code: code,
    }
}
