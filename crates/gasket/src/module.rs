//! A prepared module: validated, translated, immutable, and cheap to share between stores.

use std::sync::Arc;

use crate::engine::CodePool;
use crate::ir::Instr;
use crate::translate::CompiledFunc;
use crate::value::{FuncType, GlobalType, MemoryType, TableType};
use crate::{Engine, Error, Limits};

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

impl std::fmt::Display for ExternType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let limits = |l: &crate::Limits32| match l.max {
            Some(max) => format!("{} {max}", l.min),
            None => l.min.to_string(),
        };
        match self {
            Self::Func(t) => write!(f, "{t}"),
            Self::Table(t) => write!(f, "(table {} {})", limits(&t.limits), t.element),
            Self::Memory(m) => write!(f, "(memory {})", limits(&m.limits)),
            Self::Global(g) if g.mutable => write!(f, "(global (mut {}))", g.content),
            Self::Global(g) => write!(f, "(global {})", g.content),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum ExternKind {
    Func,
    Table,
    Memory,
    Global,
}

/// A name kept in [`ModuleInner::names`]: its byte range there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Name {
    at: u32,
    len: u32,
}

#[derive(Debug, Clone)]
pub(crate) struct Import {
    /// Consecutive imports from the same module share the module's name.
    pub module: Name,
    pub name: Name,
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

/// Facts about a module gathered in its single preparation pass, for inspection and for
/// comparing a module against [`Limits`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModuleStats {
    pub bytes: u64,
    pub types: u64,
    pub imports: u64,
    pub exports: u64,
    /// Imported and defined.
    pub functions: u64,
    pub globals: u64,
    pub tables: u64,
    pub memories: u64,
    pub data_segments: u64,
    pub element_segments: u64,
    /// Locals (parameters included) summed over defined functions.
    pub locals_total: u64,
    pub max_locals_per_function: u64,
    pub max_function_body_bytes: u64,
    pub max_block_depth: u64,
    pub max_br_table_targets: u64,
    pub max_params: u64,
    pub max_results: u64,
    pub max_table_elements: u64,
    pub max_memory_pages: u64,
    /// Instructions of gasket's internal code: informative only, never part of gas.
    pub ir_instructions: u64,
    /// The highest value traffic per body byte of any function, rounded up.
    pub max_value_traffic_per_byte: u64,
}

impl ModuleStats {
    /// Each limited quantity: (name, the module's value, the limit).
    pub fn limit_usage(&self, l: &Limits) -> Vec<(&'static str, u64, u64)> {
        vec![
            ("module bytes", self.bytes, l.max_module_bytes as u64),
            ("types", self.types, l.max_types as u64),
            ("functions", self.functions, l.max_functions as u64),
            ("imports", self.imports, l.max_imports as u64),
            ("exports", self.exports, l.max_exports as u64),
            ("globals", self.globals, l.max_globals as u64),
            ("locals per function", self.max_locals_per_function, l.max_locals_per_function as u64),
            ("locals in total", self.locals_total, l.max_locals_total as u64),
            ("function body bytes", self.max_function_body_bytes, l.max_function_body_bytes as u64),
            ("block nesting depth", self.max_block_depth, l.max_block_depth as u64),
            ("br_table targets", self.max_br_table_targets, l.max_br_table_targets as u64),
            ("tables", self.tables, l.max_tables as u64),
            ("table elements", self.max_table_elements, l.max_table_elements as u64),
            ("memory pages", self.max_memory_pages, l.max_memory_pages as u64),
            ("data segments", self.data_segments, l.max_data_segments as u64),
            ("element segments", self.element_segments, l.max_element_segments as u64),
            ("params", self.max_params, l.max_params as u64),
            ("results", self.max_results, l.max_results as u64),
            ("value traffic per byte", self.max_value_traffic_per_byte, l.max_value_traffic_per_byte as u64),
        ]
    }
}

/// Everything decoding and translation produce.
#[derive(Debug, Default)]
pub(crate) struct ModuleInner {
    pub types: Vec<FuncType>,
    /// Type index of every function, imported first.
    pub funcs: Vec<u32>,
    pub tables: Vec<TableType>,
    pub memories: Vec<MemoryType>,
    pub globals: Vec<GlobalType>,
    /// Initializers of the defined (not imported) globals.
    pub global_inits: Vec<ConstExpr>,
    pub imports: Vec<Import>,
    /// The import names, one after another: one buffer, where an allocation per name made
    /// modules of many imports slow to prepare ([`ModuleInner::name`]).
    pub names: String,
    pub exports: Vec<Export>,
    pub start: Option<u32>,
    pub elems: Vec<ElemSegment>,
    pub datas: Vec<DataSegment>,
    pub num_imported_funcs: u32,
    pub num_imported_tables: u32,
    pub num_imported_memories: u32,
    pub num_imported_globals: u32,
    /// The code of all defined functions.
    pub code: Code,
    /// The targets of every `br_table`, each table's `len` entries from its `c`: 4 bytes per
    /// entry rather than an instruction, so a table's IR is no bigger than its encoding needs.
    pub br_targets: Vec<u32>,
    /// Defined functions, in order.
    pub compiled: Vec<CompiledFunc>,
    /// The byte offset of each defined function's body in the binary, in order, for the causes
    /// static bounds name (`bounds/`); empty for a module loaded from an artifact.
    pub body_offsets: Vec<u32>,
    pub stats: ModuleStats,
    /// The compiler tier's native code, when the engine compiles (`compile/`).
    #[cfg(target_arch = "x86_64")]
    pub native: Option<crate::compile::Native>,
}

impl ModuleInner {
    /// The name `n` stands for.
    pub fn name(&self, n: Name) -> &str {
        &self.names[n.at as usize..][..n.len as usize]
    }

    /// Keeps `s` in [`ModuleInner::names`]. Names come from a module or an artifact, whose
    /// sizes `Limits::max_module_bytes` bounds, so their offsets fit 32 bits.
    pub fn add_name(&mut self, s: &str) -> Name {
        let at = self.names.len() as u32;
        self.names.push_str(s);
        Name { at, len: s.len() as u32 }
    }

    /// An import from `module` named `name`: `module`'s name shared with the previous import's
    /// if it is the same.
    pub fn add_import(&mut self, module: &str, name: &str, kind: ExternKind, index: u32) {
        let module = match self.imports.last() {
            Some(last) if self.name(last.module) == module => last.module,
            _ => self.add_name(module),
        };
        let name = self.add_name(name);
        self.imports.push(Import { module, name, kind, index });
    }

    /// Generates native code when the engine's tier compiles: the last step of preparing a
    /// module, and of loading an artifact (which holds only the IR).
    pub(crate) fn compile_for(&mut self, engine: &Engine) -> Result<(), Error> {
        if engine.config().tier.compiles()? {
            #[cfg(target_arch = "x86_64")]
            {
                self.native = Some(crate::compile::compile(self, engine.config().metering.is_some())?);
            }
        }
        Ok(())
    }
}

/// A module's IR: the instructions, and the engine pool they return to when the module is
/// dropped ([`CodePool`]), if any.
#[derive(Debug, Default)]
pub(crate) struct Code {
    pub instrs: Vec<Instr>,
    pub pool: Option<Arc<CodePool>>,
}

impl std::ops::Deref for Code {
    type Target = Vec<Instr>;
    fn deref(&self) -> &Vec<Instr> {
        &self.instrs
    }
}

impl std::ops::DerefMut for Code {
    fn deref_mut(&mut self) -> &mut Vec<Instr> {
        &mut self.instrs
    }
}

impl Drop for Code {
    fn drop(&mut self) {
        if let Some(pool) = &self.pool {
            pool.give(std::mem::take(&mut self.instrs));
        }
    }
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
        let mut inner = crate::decode::decode(engine, bytes)?;
        inner.compile_for(engine)?;
        Ok(Self { inner: Arc::new(inner), engine: engine.clone() })
    }

    /// The engine this module was prepared for.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The module's imports: module name, field name and type, in order.
    pub fn imports(&self) -> impl Iterator<Item = (&str, &str, ExternType)> + '_ {
        self.inner
            .imports
            .iter()
            .map(|i| (self.inner.name(i.module), self.inner.name(i.name), self.extern_type(i.kind, i.index)))
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

    /// Whether the module has a start function.
    pub fn has_start(&self) -> bool {
        self.inner.start.is_some()
    }

    /// A listing of the private IR of every defined function, or of function `func` (an
    /// index in the function index space), one instruction per line (`ir/print.rs`). For
    /// inspection, tests and profiling only: its format is not stable and nothing may depend
    /// on it. `None` if `func` is not a function defined by the module.
    #[doc(hidden)]
    pub fn ir_listing(&self, func: Option<u32>) -> Option<String> {
        use std::fmt::Write;
        let m = &*self.inner;
        let mut out = String::new();
        let defined = m.num_imported_funcs..m.num_imported_funcs + m.compiled.len() as u32;
        if func.is_some_and(|f| !defined.contains(&f)) {
            return None;
        }
        for (f, cf) in m.compiled.iter().enumerate() {
            let index = f as u32 + m.num_imported_funcs;
            if func.is_some_and(|want| want != index) {
                continue;
            }
            let _ = writeln!(
                out,
                "func {index} (params {}, locals {}, frame {}, entry gas {}):",
                cf.params,
                cf.locals - cf.params,
                cf.frame_size,
                cf.entry_cost
            );
            let end = m.compiled.get(f + 1).map_or(m.code.len(), |g| g.entry as usize);
            crate::ir::print_function(&mut out, &m.code, cf.entry as usize, end, &m.br_targets);
        }
        Some(out)
    }

    /// For a module prepared by the compiler tier: the size of its native code in bytes and
    /// how long compiling it took (after decoding and translation). `None` when interpreted.
    pub fn compiled_code(&self) -> Option<(usize, std::time::Duration)> {
        #[cfg(target_arch = "x86_64")]
        if let Some(n) = &self.inner.native {
            return Some((n.code_bytes(), std::time::Duration::from_nanos(n.compile_nanos)));
        }
        None
    }

    /// The native code of function `func` (an index in the function index space) when the
    /// module was compiled, for disassembly while profiling; not stable.
    #[doc(hidden)]
    pub fn native_code(&self, func: u32) -> Option<&[u8]> {
        #[cfg(target_arch = "x86_64")]
        if let Some(n) = &self.inner.native {
            return n.function_code(func.checked_sub(self.inner.num_imported_funcs)?);
        }
        let _ = func;
        None
    }

    /// Facts gathered while preparing the module.
    pub fn stats(&self) -> &ModuleStats {
        &self.inner.stats
    }
}
