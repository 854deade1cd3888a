//! Operator tables of the dense random generator: unary, binary, comparison, conversion,
//! load and store operators of each number type.

use wasm_encoder::{Instruction as I, MemArg, ValType};

use crate::rng::Rng;

use ValType::{F32, F64, I32, I64};

pub(crate) fn binary(rng: &mut Rng, t: ValType) -> I<'static> {
    match t {
        I32 => rng.pick(&[
            I::I32Add,
            I::I32Sub,
            I::I32Mul,
            I::I32DivS,
            I::I32DivU,
            I::I32RemS,
            I::I32RemU,
            I::I32And,
            I::I32Or,
            I::I32Xor,
            I::I32Shl,
            I::I32ShrS,
            I::I32ShrU,
            I::I32Rotl,
            I::I32Rotr,
        ]),
        I64 => rng.pick(&[
            I::I64Add,
            I::I64Sub,
            I::I64Mul,
            I::I64DivS,
            I::I64DivU,
            I::I64RemS,
            I::I64RemU,
            I::I64And,
            I::I64Or,
            I::I64Xor,
            I::I64Shl,
            I::I64ShrS,
            I::I64ShrU,
            I::I64Rotl,
            I::I64Rotr,
        ]),
        F32 => rng.pick(&[I::F32Add, I::F32Sub, I::F32Mul, I::F32Div, I::F32Min, I::F32Max, I::F32Copysign]),
        _ => rng.pick(&[I::F64Add, I::F64Sub, I::F64Mul, I::F64Div, I::F64Min, I::F64Max, I::F64Copysign]),
    }
}

/// A comparison of two `t` operands; the result is an i32.
pub(crate) fn compare(rng: &mut Rng, t: ValType) -> I<'static> {
    match t {
        I32 => rng.pick(&[
            I::I32Eq,
            I::I32Ne,
            I::I32LtS,
            I::I32LtU,
            I::I32GtS,
            I::I32GtU,
            I::I32LeS,
            I::I32LeU,
            I::I32GeS,
            I::I32GeU,
        ]),
        I64 => rng.pick(&[
            I::I64Eq,
            I::I64Ne,
            I::I64LtS,
            I::I64LtU,
            I::I64GtS,
            I::I64GtU,
            I::I64LeS,
            I::I64LeU,
            I::I64GeS,
            I::I64GeU,
        ]),
        F32 => rng.pick(&[I::F32Eq, I::F32Ne, I::F32Lt, I::F32Gt, I::F32Le, I::F32Ge]),
        _ => rng.pick(&[I::F64Eq, I::F64Ne, I::F64Lt, I::F64Gt, I::F64Le, I::F64Ge]),
    }
}

/// A unary operator on `t` and its result type.
pub(crate) fn unary(rng: &mut Rng, t: ValType) -> (I<'static>, ValType) {
    match t {
        I32 => rng.pick(&[
            (I::I32Clz, I32),
            (I::I32Ctz, I32),
            (I::I32Popcnt, I32),
            (I::I32Eqz, I32),
            (I::I32Extend8S, I32),
            (I::I32Extend16S, I32),
        ]),
        I64 => rng.pick(&[
            (I::I64Clz, I64),
            (I::I64Ctz, I64),
            (I::I64Popcnt, I64),
            (I::I64Eqz, I32),
            (I::I64Extend8S, I64),
            (I::I64Extend16S, I64),
            (I::I64Extend32S, I64),
        ]),
        F32 => rng.pick(&[
            (I::F32Abs, F32),
            (I::F32Neg, F32),
            (I::F32Ceil, F32),
            (I::F32Floor, F32),
            (I::F32Trunc, F32),
            (I::F32Nearest, F32),
            (I::F32Sqrt, F32),
        ]),
        _ => rng.pick(&[
            (I::F64Abs, F64),
            (I::F64Neg, F64),
            (I::F64Ceil, F64),
            (I::F64Floor, F64),
            (I::F64Trunc, F64),
            (I::F64Nearest, F64),
            (I::F64Sqrt, F64),
        ]),
    }
}

/// A conversion from `t` and its result type.
pub(crate) fn convert(rng: &mut Rng, t: ValType) -> (I<'static>, ValType) {
    match t {
        I32 => rng.pick(&[
            (I::I64ExtendI32S, I64),
            (I::I64ExtendI32U, I64),
            (I::F32ConvertI32S, F32),
            (I::F32ConvertI32U, F32),
            (I::F64ConvertI32S, F64),
            (I::F64ConvertI32U, F64),
            (I::F32ReinterpretI32, F32),
        ]),
        I64 => rng.pick(&[
            (I::I32WrapI64, I32),
            (I::F32ConvertI64S, F32),
            (I::F32ConvertI64U, F32),
            (I::F64ConvertI64S, F64),
            (I::F64ConvertI64U, F64),
            (I::F64ReinterpretI64, F64),
        ]),
        F32 => rng.pick(&[
            (I::I32TruncF32S, I32),
            (I::I32TruncF32U, I32),
            (I::I64TruncF32S, I64),
            (I::I64TruncF32U, I64),
            (I::I32TruncSatF32S, I32),
            (I::I64TruncSatF32U, I64),
            (I::F64PromoteF32, F64),
            (I::I32ReinterpretF32, I32),
        ]),
        _ => rng.pick(&[
            (I::I32TruncF64S, I32),
            (I::I32TruncF64U, I32),
            (I::I64TruncF64S, I64),
            (I::I64TruncF64U, I64),
            (I::I32TruncSatF64U, I32),
            (I::I64TruncSatF64S, I64),
            (I::F32DemoteF64, F32),
            (I::I64ReinterpretF64, I64),
        ]),
    }
}

/// A load through `m` and the type it pushes.
pub(crate) fn load(rng: &mut Rng, m: MemArg) -> (I<'static>, ValType) {
    match rng.below(14) {
        0 | 1 => (I::I32Load(m), I32),
        2 | 3 => (I::I64Load(m), I64),
        4 => (I::F32Load(m), F32),
        5 => (I::F64Load(m), F64),
        6 => (I::I32Load8S(m), I32),
        7 => (I::I32Load8U(m), I32),
        8 => (I::I32Load16S(m), I32),
        9 => (I::I32Load16U(m), I32),
        10 => (I::I64Load8U(m), I64),
        11 => (I::I64Load16S(m), I64),
        12 => (I::I64Load32S(m), I64),
        _ => (I::I64Load32U(m), I64),
    }
}

/// A store of a `t` value through `m`.
pub(crate) fn store(rng: &mut Rng, t: ValType, m: MemArg) -> I<'static> {
    match (t, rng.below(3)) {
        (I32, 0) => I::I32Store8(m),
        (I32, 1) => I::I32Store16(m),
        (I32, _) => I::I32Store(m),
        (I64, 0) => I::I64Store8(m),
        (I64, 1) => I::I64Store32(m),
        (I64, _) => I::I64Store(m),
        (F32, _) => I::F32Store(m),
        _ => I::F64Store(m),
    }
}
