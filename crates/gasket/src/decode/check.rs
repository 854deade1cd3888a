//! Function-body validation, fused with translation: the type rules of Wasm 2.0 (the spec's
//! validation algorithm, appendix 7.3) over one stack of operand types and one control stack.
//!
//! Guarantees:
//! - **Accepts exactly what wasmparser's validator accepts** with the decoder's features (Wasm
//!   2.0 without SIMD, floats optional): the same checks, in the same order per operator, so
//!   the first error is found at the same operator. `tests/validation.rs` compares the two on
//!   the spec suite and on random valid and invalid bodies; `fuzz/fuzz_targets/validate.rs`
//!   runs the comparison as a fuzz target.
//! - **O(1) work per operator and per value it moves**: a type is one byte, a pop is a
//!   compare against the current frame's height, and block types are read from the module's
//!   type table. `br_table` checks each target's label types, which the value-traffic limit
//!   bounds (`visit.rs`).
//! - Module-level facts (globals, tables, memories, segments, declared references) come from
//!   the section validator's resources, which already checked them.
//!
//! Wasm 2.0 has no subtyping between the value types it allows, so matching is equality,
//! except that the bottom type of unreachable code matches every type.

use wasmparser::{
    AbstractHeapType, BlockType, FrameKind, HeapType, MemArg, MemArgTarget, Operator as O, RefType, ValType as W,
    ValidatorResources, WasmModuleResources,
};

use crate::value::{FuncType, ValType};
use crate::Error;

/// wasmparser's maximum of locals per function (parameters included), which its validator
/// enforced and this one keeps: a larger count is invalid, whatever [`crate::Limits`] allow.
const MAX_LOCALS: u64 = 50_000;

/// An operand's type: a value type, or the bottom type of values popped from an empty stack
/// in unreachable code, which matches any type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    I32,
    I64,
    F32,
    F64,
    FuncRef,
    ExternRef,
    Bottom,
}

use Ty::{ExternRef, FuncRef, F32, F64, I32, I64};

impl Ty {
    fn of(t: ValType) -> Ty {
        match t {
            ValType::I32 => I32,
            ValType::I64 => I64,
            ValType::F32 => F32,
            ValType::F64 => F64,
            ValType::FuncRef => FuncRef,
            ValType::ExternRef => ExternRef,
        }
    }

    fn is_num(self) -> bool {
        matches!(self, I32 | I64 | F32 | F64)
    }

    fn name(self) -> &'static str {
        match self {
            I32 => "i32",
            I64 => "i64",
            F32 => "f32",
            F64 => "f64",
            FuncRef => "funcref",
            ExternRef => "externref",
            Ty::Bottom => "bot",
        }
    }
}

/// One entry of the control stack.
#[derive(Debug, Clone, Copy)]
pub(super) struct Frame {
    pub kind: FrameKind,
    pub block: BlockType,
    /// Operand stack height at the frame's start (below its parameters).
    height: u32,
    unreachable: bool,
}

/// The types a block type or function type names, as a sequence.
#[derive(Clone, Copy)]
enum Types<'a> {
    None,
    One(Ty),
    Many(&'a [ValType]),
}

impl Types<'_> {
    fn len(self) -> usize {
        match self {
            Types::None => 0,
            Types::One(_) => 1,
            Types::Many(ts) => ts.len(),
        }
    }

    fn get(self, i: usize) -> Ty {
        match self {
            Types::One(t) => t,
            Types::Many(ts) => Ty::of(ts[i]),
            Types::None => unreachable!("an empty sequence has no element {i}"),
        }
    }
}

/// What the checks read about the module.
pub(super) struct Env<'a> {
    pub types: &'a [FuncType],
    /// Type index of every function, imported first.
    pub funcs: &'a [u32],
    pub resources: &'a ValidatorResources,
    pub floats: bool,
}

impl<'a> Env<'a> {
    fn func_type(&self, index: u32, offset: usize) -> Result<&'a FuncType, Error> {
        self.types
            .get(index as usize)
            .ok_or_else(|| err(offset, format!("unknown type {index}: type index out of bounds")))
    }

    /// A value type that the decoder's features allow (the validator's `check_value_type`).
    fn value_type(&self, t: W, offset: usize) -> Result<Ty, Error> {
        Ok(match t {
            W::I32 => I32,
            W::I64 => I64,
            W::F32 | W::F64 if !self.floats => return Err(err(offset, "floating-point support is disabled".into())),
            W::F32 => F32,
            W::F64 => F64,
            W::Ref(r) => ref_type(r).ok_or_else(|| err(offset, format!("reference type `{r}` is not supported")))?,
            W::V128 => return Err(err(offset, "SIMD support is not enabled".into())),
        })
    }

    fn floats(&self, offset: usize) -> Result<(), Error> {
        if self.floats {
            return Ok(());
        }
        Err(err(offset, "floating-point instruction disallowed".into()))
    }

    /// A table's element type.
    fn table(&self, index: u32, offset: usize) -> Result<Ty, Error> {
        let table = self
            .resources
            .table_at(index)
            .ok_or_else(|| err(offset, format!("unknown table {index}: table index out of bounds")))?;
        heap_kind(table.element_type).ok_or_else(|| err(offset, "unsupported table element type".into()))
    }

    fn memory(&self, index: u32, offset: usize) -> Result<(), Error> {
        match self.resources.memory_at(index) {
            Some(_) => Ok(()),
            None => Err(err(offset, format!("unknown memory {index}"))),
        }
    }

    fn memarg(&self, m: &MemArg, offset: usize) -> Result<(), Error> {
        if m.align > m.max_align {
            return Err(err(offset, "invalid memop alignment: alignment must not be larger than natural".into()));
        }
        match m.target {
            MemArgTarget::Memory(index) => self.memory(index, offset)?,
            MemArgTarget::Array(_) => return Err(err(offset, "multibyte array access support is not enabled".into())),
        }
        if m.offset > u32::MAX as u64 {
            return Err(err(offset, "offset out of range: must be <= 2**32".into()));
        }
        Ok(())
    }

    fn data(&self, index: u32, offset: usize) -> Result<(), Error> {
        match self.resources.data_count() {
            None => Err(err(offset, "data count section required".into())),
            Some(count) if index < count => Ok(()),
            Some(_) => Err(err(offset, format!("unknown data segment {index}"))),
        }
    }

    fn elem(&self, index: u32, offset: usize) -> Result<Ty, Error> {
        let t = self
            .resources
            .element_type_at(index)
            .ok_or_else(|| err(offset, format!("unknown elem segment {index}: segment index out of bounds")))?;
        heap_kind(t).ok_or_else(|| err(offset, "unsupported element type".into()))
    }
}

/// The value type a segment's or table's element type stands for: segments of function
/// indices have the non-nullable `(ref func)`, a subtype of `funcref` (the section validator
/// admitted no other kinds).
fn heap_kind(r: RefType) -> Option<Ty> {
    match r.heap_type() {
        HeapType::Abstract { shared: false, ty: AbstractHeapType::Func } => Some(FuncRef),
        HeapType::Abstract { shared: false, ty: AbstractHeapType::Extern } => Some(ExternRef),
        _ => None,
    }
}

/// `funcref` or `externref`, the reference types of Wasm 2.0.
fn ref_type(r: RefType) -> Option<Ty> {
    if r == RefType::FUNCREF {
        Some(FuncRef)
    } else if r == RefType::EXTERNREF {
        Some(ExternRef)
    } else {
        None
    }
}

#[cold]
#[inline(never)]
fn err(offset: usize, message: String) -> Error {
    Error::Invalid { offset, message }
}

#[cold]
#[inline(never)]
fn mismatch(offset: usize, want: Ty, got: Ty) -> Error {
    err(offset, format!("type mismatch: expected {}, found {}", want.name(), got.name()))
}

#[cold]
#[inline(never)]
fn empty(offset: usize, want: Option<Ty>) -> Error {
    let want = want.map_or("a type", Ty::name);
    err(offset, format!("type mismatch: expected {want} but nothing on stack"))
}

/// The checker's state, reused across the functions of a module.
#[derive(Default)]
pub(crate) struct Checker {
    vals: Vec<Ty>,
    frames: Vec<Frame>,
    locals: Vec<Ty>,
    /// Scratch space for `br_table`'s label checks.
    popped: Vec<Ty>,
    /// The innermost frame's `height` and `unreachable`, kept here so that a pop reads no
    /// frame.
    floor: usize,
    unreachable: bool,
}

impl Checker {
    /// Starts a function of type `ty` (index `type_index`).
    pub fn begin(&mut self, ty: &FuncType, type_index: u32) {
        self.vals.clear();
        self.frames.clear();
        self.locals.clear();
        self.locals.extend(ty.params().iter().map(|&t| Ty::of(t)));
        self.frames.push(Frame {
            kind: FrameKind::Block,
            block: BlockType::FuncType(type_index),
            height: 0,
            unreachable: false,
        });
        (self.floor, self.unreachable) = (0, false);
    }

    /// Declares `count` locals of type `t`.
    pub fn define_locals(&mut self, env: &Env<'_>, count: u32, t: W, offset: usize) -> Result<(), Error> {
        if self.locals.len() as u64 + count as u64 > MAX_LOCALS {
            return Err(err(offset, "too many locals: locals exceed maximum".into()));
        }
        let t = env.value_type(t, offset)?;
        self.locals.extend(std::iter::repeat_n(t, count as usize));
        Ok(())
    }

    /// The frame `depth` levels down (0 is the innermost), if any.
    #[inline(always)]
    pub fn frame(&self, depth: usize) -> Option<&Frame> {
        let n = self.frames.len();
        if depth < n {
            Some(&self.frames[n - 1 - depth])
        } else {
            None
        }
    }

    /// Frames on the control stack.
    #[inline(always)]
    pub fn depth(&self) -> usize {
        self.frames.len()
    }

    #[inline(always)]
    fn push(&mut self, t: Ty) {
        self.vals.push(t);
    }

    /// Pops an operand of type `want`.
    #[inline(always)]
    fn pop(&mut self, want: Ty, offset: usize) -> Result<Ty, Error> {
        let n = self.vals.len();
        if n > self.floor {
            let got = self.vals[n - 1];
            if got == want || got == Ty::Bottom {
                self.vals.truncate(n - 1);
                return Ok(got);
            }
            return Err(mismatch(offset, want, got));
        }
        if self.unreachable {
            return Ok(Ty::Bottom);
        }
        Err(empty(offset, Some(want)))
    }

    /// Pops an operand of any type.
    #[inline(always)]
    fn pop_any(&mut self, offset: usize) -> Result<Ty, Error> {
        if self.vals.len() > self.floor {
            return Ok(self.vals.pop().unwrap_or(Ty::Bottom));
        }
        if self.unreachable {
            return Ok(Ty::Bottom);
        }
        Err(empty(offset, None))
    }

    fn pop_types(&mut self, types: Types<'_>, offset: usize) -> Result<(), Error> {
        for i in (0..types.len()).rev() {
            self.pop(types.get(i), offset)?;
        }
        Ok(())
    }

    fn push_types(&mut self, types: Types<'_>) {
        for i in 0..types.len() {
            self.push(types.get(i));
        }
    }

    #[inline(always)]
    fn unary(&mut self, from: Ty, to: Ty, offset: usize) -> Result<(), Error> {
        self.pop(from, offset)?;
        self.push(to);
        Ok(())
    }

    #[inline(always)]
    fn binary(&mut self, from: Ty, to: Ty, offset: usize) -> Result<(), Error> {
        self.pop(from, offset)?;
        self.pop(from, offset)?;
        self.push(to);
        Ok(())
    }

    /// Three `i32` operands (the bulk memory and table operators' addresses and lengths), after
    /// `middle` for the second.
    fn three(&mut self, middle: Ty, offset: usize) -> Result<(), Error> {
        self.pop(I32, offset)?;
        self.pop(middle, offset)?;
        self.pop(I32, offset)?;
        Ok(())
    }

    fn unreachable(&mut self, offset: usize) -> Result<(), Error> {
        let frame = self.frames.last_mut().ok_or_else(|| err(offset, "no frame".into()))?;
        frame.unreachable = true;
        self.unreachable = true;
        self.vals.truncate(self.floor);
        Ok(())
    }

    fn params<'e>(env: &Env<'e>, block: BlockType, offset: usize) -> Result<Types<'e>, Error> {
        Ok(match block {
            BlockType::Empty | BlockType::Type(_) => Types::None,
            BlockType::FuncType(i) => Types::Many(env.func_type(i, offset)?.params()),
        })
    }

    fn results<'e>(env: &Env<'e>, block: BlockType, offset: usize) -> Result<Types<'e>, Error> {
        Ok(match block {
            BlockType::Empty => Types::None,
            BlockType::Type(t) => Types::One(env.value_type(t, offset)?),
            BlockType::FuncType(i) => Types::Many(env.func_type(i, offset)?.results()),
        })
    }

    /// The types a branch to the frame `depth` levels down carries.
    fn label<'e>(&self, env: &Env<'e>, depth: u32, offset: usize) -> Result<Types<'e>, Error> {
        let frame =
            *self.frame(depth as usize).ok_or_else(|| err(offset, "unknown label: branch depth too large".into()))?;
        if frame.kind == FrameKind::Loop {
            Self::params(env, frame.block, offset)
        } else {
            Self::results(env, frame.block, offset)
        }
    }

    fn check_block(env: &Env<'_>, block: BlockType, offset: usize) -> Result<(), Error> {
        match block {
            BlockType::Empty => Ok(()),
            BlockType::Type(t) => env.value_type(t, offset).map(drop),
            BlockType::FuncType(i) => env.func_type(i, offset).map(drop),
        }
    }

    fn push_frame(&mut self, env: &Env<'_>, kind: FrameKind, block: BlockType, offset: usize) -> Result<(), Error> {
        let height = self.vals.len();
        self.frames.push(Frame { kind, block, height: height as u32, unreachable: false });
        (self.floor, self.unreachable) = (height, false);
        self.push_types(Self::params(env, block, offset)?);
        Ok(())
    }

    fn pop_frame(&mut self, env: &Env<'_>, offset: usize) -> Result<Frame, Error> {
        let frame =
            *self.frames.last().ok_or_else(|| err(offset, "operators remaining after end of function".into()))?;
        self.pop_types(Self::results(env, frame.block, offset)?, offset)?;
        if self.vals.len() != self.floor {
            return Err(err(offset, "type mismatch: values remaining on stack at end of block".into()));
        }
        self.frames.pop();
        if let Some(outer) = self.frames.last() {
            (self.floor, self.unreachable) = (outer.height as usize, outer.unreachable);
        }
        Ok(frame)
    }

    fn enter(&mut self, env: &Env<'_>, kind: FrameKind, block: BlockType, offset: usize) -> Result<(), Error> {
        Self::check_block(env, block, offset)?;
        if kind == FrameKind::If {
            self.pop(I32, offset)?;
        }
        self.pop_types(Self::params(env, block, offset)?, offset)?;
        self.push_frame(env, kind, block, offset)
    }

    fn call(&mut self, ty: &FuncType, offset: usize) -> Result<(), Error> {
        self.pop_types(Types::Many(ty.params()), offset)?;
        self.push_types(Types::Many(ty.results()));
        Ok(())
    }

    #[inline(always)]
    fn local(&self, index: u32, offset: usize) -> Result<Ty, Error> {
        match self.locals.get(index as usize) {
            Some(&t) => Ok(t),
            None => Err(err(offset, format!("unknown local {index}: local index out of bounds"))),
        }
    }

    fn br_table(&mut self, env: &Env<'_>, targets: &[u32], default: u32, offset: usize) -> Result<(), Error> {
        self.pop(I32, offset)?;
        let default_types = self.label(env, default, offset)?;
        for &depth in targets {
            let types = self.label(env, depth, offset)?;
            if types.len() != default_types.len() {
                return Err(err(offset, "type mismatch: br_table target labels have different number of types".into()));
            }
            // Pop the label's types and push back what was popped (the bottom type stays the
            // bottom type), as the validator does.
            let mut popped = std::mem::take(&mut self.popped);
            for i in (0..types.len()).rev() {
                popped.push(self.pop(types.get(i), offset)?);
            }
            self.vals.extend(popped.drain(..).rev());
            self.popped = popped;
        }
        self.pop_types(default_types, offset)?;
        self.unreachable(offset)
    }

    /// Checks one operator. `targets` holds a `br_table`'s targets (without its default) when
    /// `op` is one. Inlined, so that for an operator of a known variant the `match` folds.
    #[inline(always)]
    pub fn op(&mut self, env: &Env<'_>, op: &O<'_>, targets: &[u32], offset: usize) -> Result<(), Error> {
        match *op {
            O::Nop => Ok(()),
            O::Unreachable => self.unreachable(offset),
            O::Block { blockty } => self.enter(env, FrameKind::Block, blockty, offset),
            O::Loop { blockty } => self.enter(env, FrameKind::Loop, blockty, offset),
            O::If { blockty } => self.enter(env, FrameKind::If, blockty, offset),
            O::Else => {
                let frame = self.pop_frame(env, offset)?;
                self.push_frame(env, FrameKind::Else, frame.block, offset)
            }
            O::End => {
                let mut frame = self.pop_frame(env, offset)?;
                // An `if` without `else` has an empty else arm: its parameters must be its results.
                if frame.kind == FrameKind::If {
                    self.push_frame(env, FrameKind::Else, frame.block, offset)?;
                    frame = self.pop_frame(env, offset)?;
                }
                self.push_types(Self::results(env, frame.block, offset)?);
                Ok(())
            }
            O::Br { relative_depth } => {
                let types = self.label(env, relative_depth, offset)?;
                self.pop_types(types, offset)?;
                self.unreachable(offset)
            }
            O::BrIf { relative_depth } => {
                self.pop(I32, offset)?;
                let types = self.label(env, relative_depth, offset)?;
                self.pop_types(types, offset)?;
                self.push_types(types);
                Ok(())
            }
            O::BrTable { targets: ref table } => self.br_table(env, targets, table.default(), offset),
            O::Return => {
                let block = self.frames.first().map(|f| f.block).ok_or_else(|| err(offset, "no frame".into()))?;
                self.pop_types(Self::results(env, block, offset)?, offset)?;
                self.unreachable(offset)
            }
            O::Call { function_index } => {
                let ty = match env.funcs.get(function_index as usize) {
                    Some(&t) => env.func_type(t, offset)?,
                    None => {
                        return Err(err(
                            offset,
                            format!("unknown function {function_index}: function index out of bounds"),
                        ))
                    }
                };
                self.call(ty, offset)
            }
            O::CallIndirect { type_index, table_index } => {
                if env.table(table_index, offset)? != FuncRef {
                    return Err(err(
                        offset,
                        "type mismatch: indirect calls must go through a table with type <= funcref".into(),
                    ));
                }
                self.pop(I32, offset)?;
                let ty = env.func_type(type_index, offset)?;
                self.call(ty, offset)
            }
            O::Drop => self.pop_any(offset).map(drop),
            O::Select => {
                self.pop(I32, offset)?;
                let a = self.pop_any(offset)?;
                let b = self.pop_any(offset)?;
                let t = match (a, b) {
                    (a, b) if !(a.is_num() || a == Ty::Bottom) || !(b.is_num() || b == Ty::Bottom) => {
                        return Err(err(offset, "type mismatch: select only takes integral types".into()))
                    }
                    (Ty::Bottom, t) | (t, Ty::Bottom) => t,
                    (a, b) if a != b => {
                        return Err(err(offset, "type mismatch: select operands have different types".into()))
                    }
                    (a, _) => a,
                };
                self.push(t);
                Ok(())
            }
            O::TypedSelect { ty } => {
                let t = env.value_type(ty, offset)?;
                self.pop(I32, offset)?;
                self.pop(t, offset)?;
                self.pop(t, offset)?;
                self.push(t);
                Ok(())
            }
            O::TypedSelectMulti { .. } => Err(err(offset, "invalid result arity".into())),
            O::LocalGet { local_index } => {
                let t = self.local(local_index, offset)?;
                self.push(t);
                Ok(())
            }
            O::LocalSet { local_index } => {
                let t = self.local(local_index, offset)?;
                self.pop(t, offset).map(drop)
            }
            O::LocalTee { local_index } => {
                let t = self.local(local_index, offset)?;
                self.unary(t, t, offset)
            }
            O::GlobalGet { global_index } => {
                let g = env
                    .resources
                    .global_at(global_index)
                    .ok_or_else(|| err(offset, "unknown global: global index out of bounds".into()))?;
                let t = env.value_type(g.content_type, offset)?;
                self.push(t);
                Ok(())
            }
            O::GlobalSet { global_index } => {
                let g = env
                    .resources
                    .global_at(global_index)
                    .ok_or_else(|| err(offset, "unknown global: global index out of bounds".into()))?;
                if !g.mutable {
                    return Err(err(offset, "global is immutable: cannot modify it with `global.set`".into()));
                }
                let t = env.value_type(g.content_type, offset)?;
                self.pop(t, offset).map(drop)
            }

            O::I32Load { ref memarg }
            | O::I32Load8S { ref memarg }
            | O::I32Load8U { ref memarg }
            | O::I32Load16S { ref memarg }
            | O::I32Load16U { ref memarg } => self.load(env, memarg, I32, offset),
            O::I64Load { ref memarg }
            | O::I64Load8S { ref memarg }
            | O::I64Load8U { ref memarg }
            | O::I64Load16S { ref memarg }
            | O::I64Load16U { ref memarg }
            | O::I64Load32S { ref memarg }
            | O::I64Load32U { ref memarg } => self.load(env, memarg, I64, offset),
            O::F32Load { ref memarg } => {
                env.floats(offset)?;
                self.load(env, memarg, F32, offset)
            }
            O::F64Load { ref memarg } => {
                env.floats(offset)?;
                self.load(env, memarg, F64, offset)
            }
            O::I32Store { ref memarg } | O::I32Store8 { ref memarg } | O::I32Store16 { ref memarg } => {
                self.store(env, memarg, I32, offset)
            }
            O::I64Store { ref memarg }
            | O::I64Store8 { ref memarg }
            | O::I64Store16 { ref memarg }
            | O::I64Store32 { ref memarg } => self.store(env, memarg, I64, offset),
            O::F32Store { ref memarg } => {
                env.floats(offset)?;
                self.store(env, memarg, F32, offset)
            }
            O::F64Store { ref memarg } => {
                env.floats(offset)?;
                self.store(env, memarg, F64, offset)
            }
            O::MemorySize { mem } => {
                env.memory(mem, offset)?;
                self.push(I32);
                Ok(())
            }
            O::MemoryGrow { mem } => {
                env.memory(mem, offset)?;
                self.unary(I32, I32, offset)
            }
            O::MemoryInit { data_index, mem } => {
                env.memory(mem, offset)?;
                env.data(data_index, offset)?;
                self.three(I32, offset)
            }
            O::DataDrop { data_index } => env.data(data_index, offset),
            O::MemoryCopy { dst_mem, src_mem } => {
                env.memory(dst_mem, offset)?;
                env.memory(src_mem, offset)?;
                self.three(I32, offset)
            }
            O::MemoryFill { mem } => {
                env.memory(mem, offset)?;
                self.three(I32, offset)
            }
            O::TableInit { elem_index, table } => {
                let t = env.table(table, offset)?;
                if env.elem(elem_index, offset)? != t {
                    return Err(err(offset, "type mismatch".into()));
                }
                self.three(I32, offset)
            }
            O::ElemDrop { elem_index } => env.elem(elem_index, offset).map(drop),
            O::TableCopy { dst_table, src_table } => {
                let src = env.table(src_table, offset)?;
                if env.table(dst_table, offset)? != src {
                    return Err(err(offset, "type mismatch".into()));
                }
                self.three(I32, offset)
            }
            O::TableGet { table } => {
                let t = env.table(table, offset)?;
                self.unary(I32, t, offset)
            }
            O::TableSet { table } => {
                let t = env.table(table, offset)?;
                self.pop(t, offset)?;
                self.pop(I32, offset).map(drop)
            }
            O::TableGrow { table } => {
                let t = env.table(table, offset)?;
                self.pop(I32, offset)?;
                self.pop(t, offset)?;
                self.push(I32);
                Ok(())
            }
            O::TableSize { table } => {
                env.table(table, offset)?;
                self.push(I32);
                Ok(())
            }
            O::TableFill { table } => {
                let t = env.table(table, offset)?;
                self.three(t, offset)
            }
            O::RefNull { hty } => {
                let t = match hty {
                    HeapType::Abstract { shared: false, ty: AbstractHeapType::Func } => FuncRef,
                    HeapType::Abstract { shared: false, ty: AbstractHeapType::Extern } => ExternRef,
                    _ => return Err(err(offset, format!("heap type `{hty:?}` is not supported"))),
                };
                self.push(t);
                Ok(())
            }
            O::RefIsNull => {
                let t = self.pop_any(offset)?;
                if t.is_num() {
                    return Err(err(offset, format!("type mismatch: expected ref but found {}", t.name())));
                }
                self.push(I32);
                Ok(())
            }
            O::RefFunc { function_index } => {
                if function_index as usize >= env.funcs.len() {
                    return Err(err(
                        offset,
                        format!("unknown function {function_index}: function index out of bounds"),
                    ));
                }
                if !env.resources.is_function_referenced(function_index) {
                    return Err(err(offset, "undeclared function reference".into()));
                }
                self.push(FuncRef);
                Ok(())
            }

            O::I32Const { .. } => {
                self.push(I32);
                Ok(())
            }
            O::I64Const { .. } => {
                self.push(I64);
                Ok(())
            }
            O::F32Const { .. } => {
                env.floats(offset)?;
                self.push(F32);
                Ok(())
            }
            O::F64Const { .. } => {
                env.floats(offset)?;
                self.push(F64);
                Ok(())
            }

            O::I32Eqz => self.unary(I32, I32, offset),
            O::I64Eqz => self.unary(I64, I32, offset),
            O::I32Eq
            | O::I32Ne
            | O::I32LtS
            | O::I32LtU
            | O::I32GtS
            | O::I32GtU
            | O::I32LeS
            | O::I32LeU
            | O::I32GeS
            | O::I32GeU => self.binary(I32, I32, offset),
            O::I64Eq
            | O::I64Ne
            | O::I64LtS
            | O::I64LtU
            | O::I64GtS
            | O::I64GtU
            | O::I64LeS
            | O::I64LeU
            | O::I64GeS
            | O::I64GeU => self.binary(I64, I32, offset),
            O::F32Eq | O::F32Ne | O::F32Lt | O::F32Gt | O::F32Le | O::F32Ge => {
                env.floats(offset)?;
                self.binary(F32, I32, offset)
            }
            O::F64Eq | O::F64Ne | O::F64Lt | O::F64Gt | O::F64Le | O::F64Ge => {
                env.floats(offset)?;
                self.binary(F64, I32, offset)
            }
            O::I32Clz | O::I32Ctz | O::I32Popcnt | O::I32Extend8S | O::I32Extend16S => self.unary(I32, I32, offset),
            O::I64Clz | O::I64Ctz | O::I64Popcnt | O::I64Extend8S | O::I64Extend16S | O::I64Extend32S => {
                self.unary(I64, I64, offset)
            }
            O::I32Add
            | O::I32Sub
            | O::I32Mul
            | O::I32DivS
            | O::I32DivU
            | O::I32RemS
            | O::I32RemU
            | O::I32And
            | O::I32Or
            | O::I32Xor
            | O::I32Shl
            | O::I32ShrS
            | O::I32ShrU
            | O::I32Rotl
            | O::I32Rotr => self.binary(I32, I32, offset),
            O::I64Add
            | O::I64Sub
            | O::I64Mul
            | O::I64DivS
            | O::I64DivU
            | O::I64RemS
            | O::I64RemU
            | O::I64And
            | O::I64Or
            | O::I64Xor
            | O::I64Shl
            | O::I64ShrS
            | O::I64ShrU
            | O::I64Rotl
            | O::I64Rotr => self.binary(I64, I64, offset),
            O::F32Abs | O::F32Neg | O::F32Ceil | O::F32Floor | O::F32Trunc | O::F32Nearest | O::F32Sqrt => {
                env.floats(offset)?;
                self.unary(F32, F32, offset)
            }
            O::F64Abs | O::F64Neg | O::F64Ceil | O::F64Floor | O::F64Trunc | O::F64Nearest | O::F64Sqrt => {
                env.floats(offset)?;
                self.unary(F64, F64, offset)
            }
            O::F32Add | O::F32Sub | O::F32Mul | O::F32Div | O::F32Min | O::F32Max | O::F32Copysign => {
                env.floats(offset)?;
                self.binary(F32, F32, offset)
            }
            O::F64Add | O::F64Sub | O::F64Mul | O::F64Div | O::F64Min | O::F64Max | O::F64Copysign => {
                env.floats(offset)?;
                self.binary(F64, F64, offset)
            }
            // Conversions: those that produce a float need floats; those from a float do not
            // (without floats no float value can exist but as the bottom type), as in the
            // validator.
            O::I32WrapI64 => self.unary(I64, I32, offset),
            O::I32TruncF32S | O::I32TruncF32U | O::I32TruncSatF32S | O::I32TruncSatF32U | O::I32ReinterpretF32 => {
                self.unary(F32, I32, offset)
            }
            O::I32TruncF64S | O::I32TruncF64U | O::I32TruncSatF64S | O::I32TruncSatF64U => self.unary(F64, I32, offset),
            O::I64ExtendI32S | O::I64ExtendI32U => self.unary(I32, I64, offset),
            O::I64TruncF32S | O::I64TruncF32U | O::I64TruncSatF32S | O::I64TruncSatF32U => self.unary(F32, I64, offset),
            O::I64TruncF64S | O::I64TruncF64U | O::I64TruncSatF64S | O::I64TruncSatF64U | O::I64ReinterpretF64 => {
                self.unary(F64, I64, offset)
            }
            O::F32ConvertI32S | O::F32ConvertI32U | O::F32ReinterpretI32 => {
                env.floats(offset)?;
                self.unary(I32, F32, offset)
            }
            O::F32ConvertI64S | O::F32ConvertI64U => {
                env.floats(offset)?;
                self.unary(I64, F32, offset)
            }
            O::F32DemoteF64 => {
                env.floats(offset)?;
                self.unary(F64, F32, offset)
            }
            O::F64ConvertI32S | O::F64ConvertI32U => {
                env.floats(offset)?;
                self.unary(I32, F64, offset)
            }
            O::F64ConvertI64S | O::F64ConvertI64U | O::F64ReinterpretI64 => {
                env.floats(offset)?;
                self.unary(I64, F64, offset)
            }
            O::F64PromoteF32 => {
                env.floats(offset)?;
                self.unary(F32, F64, offset)
            }
            // Every other operator belongs to a proposal outside Wasm 2.0.
            _ => Err(err(offset, format!("operator {op:?} is not supported"))),
        }
    }

    #[inline(always)]
    fn load(&mut self, env: &Env<'_>, memarg: &MemArg, t: Ty, offset: usize) -> Result<(), Error> {
        env.memarg(memarg, offset)?;
        self.unary(I32, t, offset)
    }

    #[inline(always)]
    fn store(&mut self, env: &Env<'_>, memarg: &MemArg, t: Ty, offset: usize) -> Result<(), Error> {
        env.memarg(memarg, offset)?;
        self.pop(t, offset)?;
        self.pop(I32, offset).map(drop)
    }
}
