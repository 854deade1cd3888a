//! Classification of Wasm 2.0 operators for docs/gas.md: the static cost of each operator
//! (§2), which operators begin or end a run (§3), and which carry a dynamic charge (§4).
//! Exhaustive over the operators a Wasm 2.0 (no SIMD) validator accepts; anything else is
//! reported as unsupported rather than guessed.

use wasmparser::Operator;

use crate::Schedule;

/// The dynamic charge an operator makes before it executes (docs/gas.md §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dynamic {
    /// `memory.grow`: per page, only if the growth succeeds. Operand on top: delta.
    MemoryGrow,
    /// `memory.fill/copy/init`: per started 8-byte word. Operand on top: length.
    BulkMemory,
    /// `table.grow` of the given table: per element, only if the growth succeeds.
    TableGrow(u32),
    /// `table.fill/copy/init`: per element. Operand on top: length.
    BulkTable,
}

/// The operator after which a new run begins: `loop`, `if`, `else`, `end`, `br_if`.
pub(crate) fn begins_next_run(op: &Operator<'_>) -> bool {
    matches!(op, Operator::Loop { .. } | Operator::If { .. } | Operator::Else | Operator::End | Operator::BrIf { .. })
}

/// Operators that end their run: nothing after them, up to the next beginning, executes.
pub(crate) fn ends_run(op: &Operator<'_>) -> bool {
    matches!(op, Operator::Br { .. } | Operator::BrTable { .. } | Operator::Return | Operator::Unreachable)
}

/// The dynamic charge of an operator, if it has one.
pub(crate) fn dynamic(op: &Operator<'_>) -> Option<Dynamic> {
    match op {
        Operator::MemoryGrow { .. } => Some(Dynamic::MemoryGrow),
        Operator::MemoryFill { .. } | Operator::MemoryCopy { .. } | Operator::MemoryInit { .. } => {
            Some(Dynamic::BulkMemory)
        }
        Operator::TableGrow { table } => Some(Dynamic::TableGrow(*table)),
        Operator::TableFill { .. } | Operator::TableCopy { .. } | Operator::TableInit { .. } => {
            Some(Dynamic::BulkTable)
        }
        _ => None,
    }
}

/// The static cost of one operator under `s`, or `None` for an operator outside Wasm 2.0
/// without SIMD (which validation has already rejected; kept as a typed refusal anyway).
pub(crate) fn static_cost(op: &Operator<'_>, s: &Schedule) -> Option<u64> {
    use Operator as O;
    let cost = match op {
        O::Nop | O::Block { .. } | O::Loop { .. } | O::Else | O::End => s.free,
        O::LocalGet { .. } | O::LocalSet { .. } | O::LocalTee { .. } => s.local,
        O::GlobalGet { .. } | O::GlobalSet { .. } => s.global,
        O::I32Load { .. }
        | O::I64Load { .. }
        | O::F32Load { .. }
        | O::F64Load { .. }
        | O::I32Load8S { .. }
        | O::I32Load8U { .. }
        | O::I32Load16S { .. }
        | O::I32Load16U { .. }
        | O::I64Load8S { .. }
        | O::I64Load8U { .. }
        | O::I64Load16S { .. }
        | O::I64Load16U { .. }
        | O::I64Load32S { .. }
        | O::I64Load32U { .. } => s.load,
        O::I32Store { .. }
        | O::I64Store { .. }
        | O::F32Store { .. }
        | O::F64Store { .. }
        | O::I32Store8 { .. }
        | O::I32Store16 { .. }
        | O::I64Store8 { .. }
        | O::I64Store16 { .. }
        | O::I64Store32 { .. } => s.store,
        O::Br { .. } | O::BrIf { .. } | O::BrTable { .. } | O::If { .. } | O::Return => s.branch,
        O::Call { .. } => s.call,
        O::CallIndirect { .. } => s.call_indirect,
        O::MemoryGrow { .. } => s.memory_grow,
        O::MemoryFill { .. } | O::MemoryCopy { .. } | O::MemoryInit { .. } => s.bulk_memory,
        O::TableGrow { .. } => s.table_grow,
        O::TableFill { .. } | O::TableCopy { .. } | O::TableInit { .. } => s.bulk_table,
        _ if is_base(op) => s.base,
        _ => return None,
    };
    Some(cost)
}

/// The `base` class: every other Wasm 2.0 operator (numeric, constants, parametric,
/// reference, `memory.size`, `table.size/get/set`, `data.drop`, `elem.drop`, `unreachable`).
fn is_base(op: &Operator<'_>) -> bool {
    use Operator as O;
    matches!(
        op,
        O::Unreachable
            | O::Drop
            | O::Select
            | O::TypedSelect { .. }
            | O::RefNull { .. }
            | O::RefIsNull
            | O::RefFunc { .. }
            | O::MemorySize { .. }
            | O::TableSize { .. }
            | O::TableGet { .. }
            | O::TableSet { .. }
            | O::DataDrop { .. }
            | O::ElemDrop { .. }
            | O::I32Const { .. }
            | O::I64Const { .. }
            | O::F32Const { .. }
            | O::F64Const { .. }
    ) || is_numeric(op)
}

/// Numeric operators of Wasm 2.0: arithmetic, comparisons, conversions, sign extensions,
/// reinterpretations and saturating truncations.
fn is_numeric(op: &Operator<'_>) -> bool {
    use Operator as O;
    matches!(
        op,
        O::I32Eqz
            | O::I32Eq
            | O::I32Ne
            | O::I32LtS
            | O::I32LtU
            | O::I32GtS
            | O::I32GtU
            | O::I32LeS
            | O::I32LeU
            | O::I32GeS
            | O::I32GeU
            | O::I64Eqz
            | O::I64Eq
            | O::I64Ne
            | O::I64LtS
            | O::I64LtU
            | O::I64GtS
            | O::I64GtU
            | O::I64LeS
            | O::I64LeU
            | O::I64GeS
            | O::I64GeU
            | O::F32Eq
            | O::F32Ne
            | O::F32Lt
            | O::F32Gt
            | O::F32Le
            | O::F32Ge
            | O::F64Eq
            | O::F64Ne
            | O::F64Lt
            | O::F64Gt
            | O::F64Le
            | O::F64Ge
            | O::I32Clz
            | O::I32Ctz
            | O::I32Popcnt
            | O::I32Add
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
            | O::I32Rotr
            | O::I64Clz
            | O::I64Ctz
            | O::I64Popcnt
            | O::I64Add
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
            | O::I64Rotr
            | O::F32Abs
            | O::F32Neg
            | O::F32Ceil
            | O::F32Floor
            | O::F32Trunc
            | O::F32Nearest
            | O::F32Sqrt
            | O::F32Add
            | O::F32Sub
            | O::F32Mul
            | O::F32Div
            | O::F32Min
            | O::F32Max
            | O::F32Copysign
            | O::F64Abs
            | O::F64Neg
            | O::F64Ceil
            | O::F64Floor
            | O::F64Trunc
            | O::F64Nearest
            | O::F64Sqrt
            | O::F64Add
            | O::F64Sub
            | O::F64Mul
            | O::F64Div
            | O::F64Min
            | O::F64Max
            | O::F64Copysign
            | O::I32WrapI64
            | O::I32TruncF32S
            | O::I32TruncF32U
            | O::I32TruncF64S
            | O::I32TruncF64U
            | O::I64ExtendI32S
            | O::I64ExtendI32U
            | O::I64TruncF32S
            | O::I64TruncF32U
            | O::I64TruncF64S
            | O::I64TruncF64U
            | O::F32ConvertI32S
            | O::F32ConvertI32U
            | O::F32ConvertI64S
            | O::F32ConvertI64U
            | O::F32DemoteF64
            | O::F64ConvertI32S
            | O::F64ConvertI32U
            | O::F64ConvertI64S
            | O::F64ConvertI64U
            | O::F64PromoteF32
            | O::I32ReinterpretF32
            | O::I64ReinterpretF64
            | O::F32ReinterpretI32
            | O::F64ReinterpretI64
            | O::I32Extend8S
            | O::I32Extend16S
            | O::I64Extend8S
            | O::I64Extend16S
            | O::I64Extend32S
            | O::I32TruncSatF32S
            | O::I32TruncSatF32U
            | O::I32TruncSatF64S
            | O::I32TruncSatF64U
            | O::I64TruncSatF32S
            | O::I64TruncSatF32U
            | O::I64TruncSatF64S
            | O::I64TruncSatF64U
    )
}
