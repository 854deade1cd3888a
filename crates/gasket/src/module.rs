//! A prepared module: validated, translated, immutable, and cheap to share between stores.

use std::sync::Arc;

use crate::ir::Instr;
use crate::translate::CompiledFunc;
use crate::value::{FuncType, GlobalType, MemoryType, TableType};
use crate::{Engine, Error};

/// A constant expression (Wasm 2.0: a single constant, `ref.null`, `ref.func` or `global.get`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ConstExpr {
    /// A number or null reference, as its cell.
    Value(u64),
    RefFunc(u32),
    GlobalGet(u32),
}

#[derive(Debug, Clone)]
pub(crate) enum ElemMode {
    Passive,
    Active { table: u32, offset: ConstExpr },
    Declared,
}

#[derive(Debug, Clone)]
pub(crate) struct ElemSegment {
    pub mode: ElemMode,
    pub items: Box<[ConstExpr]>,
}

#[derive(Debug, Clone)]
pub(crate) struct DataSegment {
    /// `Some(offset)` for an active segment (memory 0).
    pub offset: Option<ConstExpr>,
    pub bytes: Box<[u8]>,
}

/// What an import or export refers to, with its type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExternType {
    Func(FuncType),
    Table(TableType),
    Memory(MemoryType),
    Global(GlobalType),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExternKind {
    Func,
    Table,
    Memory,
    Global,
}

#[derive(Debug, Clone)]
pub(crate) struct Import {
    pub module: Box<str>,
    pub name: Box<str>,
    pub kind: ExternKind,
    /// Index in the module's space of that kind.
    pub index: u32,
}

#[derive(Debug, Clone)]
pub(crate) struct Export {
    pub name: Box<str>,
    pub kind: ExternKind,
    pub index: u32,
}

/// Everything decoding and translation produce.
#[derive(Debug, Default)]
pub(crate) struct ModuleInner {
    pub types: Vec<FuncType>,
    /// Engine-wide ids of `types`, for structural signature checks at `call_indirect`.
    pub type_ids: Vec<u32>,
    /// Type index of every function, imported first.
    pub funcs: Vec<u32>,
    pub tables: Vec<TableType>,
    pub memories: Vec<MemoryType>,
    pub globals: Vec<GlobalType>,
    /// Initializers of the defined (not imported) globals.
    pub global_inits: Vec<ConstExpr>,
    pub imports: Vec<Import>,
    pub exports: Vec<Export>,
    pub start: Option<u32>,
    pub elems: Vec<ElemSegment>,
    pub datas: Vec<DataSegment>,
    pub num_imported_funcs: u32,
    pub num_imported_tables: u32,
    pub num_imported_memories: u32,
    pub num_imported_globals: u32,
    /// The code of all defined functions.
    pub code: Vec<Instr>,
    /// Defined functions, in order.
    pub compiled: Vec<CompiledFunc>,
}

impl ModuleInner {
    pub fn func_type(&self, func: u32) -> &FuncType {
        &self.types[self.funcs[func as usize] as usize]
    }
}

/// A validated and translated module. Cloning is cheap; a module can be instantiated in any
/// number of stores of the same engine.
#[derive(Debug, Clone)]
pub struct Module {
    pub(crate) inner: Arc<ModuleInner>,
    pub(crate) engine: Engine,
}

impl Module {
    /// Decodes, validates and translates a module, in one pass. `bytes` may be the binary
    /// format or the text format (`.wat`).
    pub fn new(engine: &Engine, bytes: impl AsRef<[u8]>) -> Result<Self, Error> {
        let bytes = bytes.as_ref();
        let binary;
        let bytes = if bytes.starts_with(b"\0asm") {
            bytes
        } else {
            binary = wat::parse_bytes(bytes).map_err(|e| Error::Wat(e.to_string()))?;
            &binary[..]
        };
        Self::from_binary(engine, bytes)
    }

    /// Like [`Module::new`], but accepts only the binary format.
    pub fn from_binary(engine: &Engine, bytes: &[u8]) -> Result<Self, Error> {
        let inner = crate::decode::decode(engine, bytes)?;
        Ok(Self { inner: Arc::new(inner), engine: engine.clone() })
    }

    /// The engine this module was prepared for.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The module's imports: module name, field name and type, in order.
    pub fn imports(&self) -> impl Iterator<Item = (&str, &str, ExternType)> + '_ {
        self.inner.imports.iter().map(|i| (&*i.module, &*i.name, self.extern_type(i.kind, i.index)))
    }

    /// The module's exports: name and type, in order.
    pub fn exports(&self) -> impl Iterator<Item = (&str, ExternType)> + '_ {
        self.inner.exports.iter().map(|e| (&*e.name, self.extern_type(e.kind, e.index)))
    }

    pub(crate) fn extern_type(&self, kind: ExternKind, index: u32) -> ExternType {
        let m = &self.inner;
        match kind {
            ExternKind::Func => ExternType::Func(m.func_type(index).clone()),
            ExternKind::Table => ExternType::Table(m.tables[index as usize]),
            ExternKind::Memory => ExternType::Memory(m.memories[index as usize]),
            ExternKind::Global => ExternType::Global(m.globals[index as usize]),
        }
    }

    /// Number of IR instructions produced for the defined functions.
    pub fn code_len(&self) -> usize {
        self.inner.code.len()
    }
}
