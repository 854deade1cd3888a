//! The Wasm operators the translator consumes: gasket's own, decoupled from the decoder.
//!
//! The decoder maps each validated `wasmparser` operator to one of these. Numeric operators
//! carry the IR opcode they become, so the operator tables live in one place (the decoder).

use crate::ir::Op;

/// A block's signature as counts of parameters and results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BlockSig {
    pub params: u32,
    pub results: u32,
}

/// One validated Wasm operator.
#[derive(Debug, Clone, Copy)]
pub(crate) enum WasmOp<'a> {
    Unreachable,
    Nop,
    Block(BlockSig),
    Loop(BlockSig),
    If(BlockSig),
    Else,
    End,
    Br(u32),
    BrIf(u32),
    BrTable {
        targets: &'a [u32],
        default: u32,
    },
    Return,
    Call(u32),
    CallIndirect {
        type_index: u32,
        table: u32,
    },
    Drop,
    Select,
    LocalGet(u32),
    LocalSet(u32),
    LocalTee(u32),
    GlobalGet(u32),
    GlobalSet(u32),
    Load(Op, u32),
    Store(Op, u32),
    MemorySize,
    MemoryGrow,
    MemoryFill,
    MemoryCopy,
    MemoryInit(u32),
    DataDrop(u32),
    TableGet(u32),
    TableSet(u32),
    TableSize(u32),
    TableGrow(u32),
    TableFill(u32),
    TableCopy {
        dst: u32,
        src: u32,
    },
    TableInit {
        table: u32,
        elem: u32,
    },
    ElemDrop(u32),
    /// Any constant, as its 64-bit cell (`ref.null` is the constant 0).
    Const(u64),
    RefFunc(u32),
    /// A unary operator `a = op(b)`.
    Unary(Op),
    /// A binary operator `a = op(b, c)`.
    Binary(Op),
    /// A reinterpretation: the cell is unchanged, so no code is emitted.
    Reinterpret,
}
