//! Wasm value types and values as the embedder sees them, and their untyped 64-bit cell form.
//!
//! Inside the engine every value is a `u64` cell: `i32` and `f32` are zero-extended bit patterns,
//! references are `0` for null and `index + 1` otherwise. Floats are carried as bit patterns so
//! that NaN payloads survive exactly.

use std::fmt;
use std::sync::Arc;

use crate::Func;

/// A Wasm value type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValType {
    I32,
    I64,
    F32,
    F64,
    FuncRef,
    ExternRef,
}

impl ValType {
    /// Whether this is a reference type.
    pub fn is_ref(self) -> bool {
        matches!(self, Self::FuncRef | Self::ExternRef)
    }
}

impl fmt::Display for ValType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::I32 => "i32",
            Self::I64 => "i64",
            Self::F32 => "f32",
            Self::F64 => "f64",
            Self::FuncRef => "funcref",
            Self::ExternRef => "externref",
        })
    }
}

/// An opaque host reference: a 32-bit value chosen by the embedder. It is never dereferenced
/// by gasket, so it cannot leak host state between contracts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExternRef(pub u32);

/// A Wasm value. Floats are bit patterns: `F32(bits)`, `F64(bits)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Val {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    FuncRef(Option<Func>),
    ExternRef(Option<ExternRef>),
}

impl Val {
    /// The value's type.
    pub fn ty(&self) -> ValType {
        match self {
            Self::I32(_) => ValType::I32,
            Self::I64(_) => ValType::I64,
            Self::F32(_) => ValType::F32,
            Self::F64(_) => ValType::F64,
            Self::FuncRef(_) => ValType::FuncRef,
            Self::ExternRef(_) => ValType::ExternRef,
        }
    }

    /// An `f32` value from a Rust float.
    pub fn from_f32(v: f32) -> Self {
        Self::F32(v.to_bits())
    }

    /// An `f64` value from a Rust float.
    pub fn from_f64(v: f64) -> Self {
        Self::F64(v.to_bits())
    }

    /// The default (zero or null) value of a type.
    pub fn default_for(ty: ValType) -> Self {
        match ty {
            ValType::I32 => Self::I32(0),
            ValType::I64 => Self::I64(0),
            ValType::F32 => Self::F32(0),
            ValType::F64 => Self::F64(0),
            ValType::FuncRef => Self::FuncRef(None),
            ValType::ExternRef => Self::ExternRef(None),
        }
    }

    pub fn i32(&self) -> Option<i32> {
        if let Self::I32(v) = self {
            Some(*v)
        } else {
            None
        }
    }
    pub fn i64(&self) -> Option<i64> {
        if let Self::I64(v) = self {
            Some(*v)
        } else {
            None
        }
    }
    pub fn f32_bits(&self) -> Option<u32> {
        if let Self::F32(v) = self {
            Some(*v)
        } else {
            None
        }
    }
    pub fn f64_bits(&self) -> Option<u64> {
        if let Self::F64(v) = self {
            Some(*v)
        } else {
            None
        }
    }
}

impl fmt::Display for Val {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::I32(v) => write!(f, "i32:{v}"),
            Self::I64(v) => write!(f, "i64:{v}"),
            Self::F32(v) => write!(f, "f32:{}", f32::from_bits(*v)),
            Self::F64(v) => write!(f, "f64:{}", f64::from_bits(*v)),
            Self::FuncRef(None) => write!(f, "funcref:null"),
            Self::FuncRef(Some(func)) => write!(f, "funcref:{}", func.index),
            Self::ExternRef(None) => write!(f, "externref:null"),
            Self::ExternRef(Some(r)) => write!(f, "externref:{}", r.0),
        }
    }
}

/// The type of a function: parameters and results.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FuncType {
    params_results: Arc<[ValType]>,
    len_params: usize,
}

impl FuncType {
    pub fn new(params: impl IntoIterator<Item = ValType>, results: impl IntoIterator<Item = ValType>) -> Self {
        let mut all: Vec<ValType> = params.into_iter().collect();
        let len_params = all.len();
        all.extend(results);
        Self { params_results: all.into(), len_params }
    }

    pub fn params(&self) -> &[ValType] {
        &self.params_results[..self.len_params]
    }

    pub fn results(&self) -> &[ValType] {
        &self.params_results[self.len_params..]
    }
}

impl fmt::Display for FuncType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let group = |name: &str, v: &[ValType]| {
            if v.is_empty() {
                return String::new();
            }
            let list: Vec<String> = v.iter().map(|t| t.to_string()).collect();
            format!(" ({name} {})", list.join(" "))
        };
        write!(f, "(func{}{})", group("param", self.params()), group("result", self.results()))
    }
}

/// A limits pair of a memory (in 64 KiB pages) or table (in elements).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits32 {
    pub min: u32,
    pub max: Option<u32>,
}

/// The type of a linear memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryType {
    pub limits: Limits32,
}

/// The type of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableType {
    pub element: ValType,
    pub limits: Limits32,
}

/// The type of a global.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GlobalType {
    pub content: ValType,
    pub mutable: bool,
}

/// Conversion between typed values and untyped cells.
pub(crate) fn to_cell(v: &Val) -> u64 {
    match *v {
        Val::I32(x) => x as u32 as u64,
        Val::I64(x) => x as u64,
        Val::F32(x) => x as u64,
        Val::F64(x) => x,
        Val::FuncRef(None) | Val::ExternRef(None) => 0,
        Val::FuncRef(Some(f)) => f.index as u64 + 1,
        Val::ExternRef(Some(r)) => r.0 as u64 + 1,
    }
}

pub(crate) fn from_cell(ty: ValType, cell: u64, store_id: u32) -> Val {
    match ty {
        ValType::I32 => Val::I32(cell as u32 as i32),
        ValType::I64 => Val::I64(cell as i64),
        ValType::F32 => Val::F32(cell as u32),
        ValType::F64 => Val::F64(cell),
        ValType::FuncRef => Val::FuncRef((cell != 0).then(|| Func { store: store_id, index: (cell - 1) as u32 })),
        ValType::ExternRef => Val::ExternRef((cell != 0).then(|| ExternRef((cell - 1) as u32))),
    }
}
