//! Everything that reads Wasm binaries (the only place this crate uses `wasmparser`):
//! validation of the input as Wasm 2.0 without SIMD, a scan of its index spaces, and the
//! rewrite itself. The output is the input with (1) five host functions of module
//! `gasket_ref` appended to the imports, every later function index shifted past them
//! (calls, `ref.func`, element segments, exports, start), (2) three function types appended
//! for them, (3) exports of memory 0 and of every table under reserved names, so the host
//! can read their size and maximum, (4) every body instrumented by [`body`]. Custom sections
//! are dropped (none affects execution).

mod body;
mod cost;

use std::convert::Infallible;

use wasm_encoder::reencode::{Error as ReencodeError, Reencode};
use wasm_encoder::{
    CodeSection, DataCountSection, EntityType, ExportKind, ExportSection, ImportSection, Module, StartSection,
    TypeSection, ValType,
};
use wasmparser::{BinaryReaderError, Parser, Payload, TypeRef, Validator, WasmFeatures};

use crate::{host_names as names, InstrumentError, Schedule};

pub(crate) use body::run_charges;

/// Function indices of the added host functions in the instrumented module.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hooks {
    pub gas: u32,
    pub memory_grow: u32,
    pub bulk_memory: u32,
    pub table_grow: u32,
    pub bulk_table: u32,
}

/// Number of host functions added.
const ADDED_FUNCS: u32 = 5;

/// The reencoder: a round trip except for function indices at or past the first defined
/// function, which move up by [`ADDED_FUNCS`].
pub(crate) struct Remap {
    imported_funcs: u32,
}

impl Reencode for Remap {
    type Error = Infallible;

    fn function_index(&mut self, func: u32) -> Result<u32, ReencodeError<Infallible>> {
        // Validation bounds function counts far below u32::MAX.
        Ok(if func < self.imported_funcs { func } else { func.saturating_add(ADDED_FUNCS) })
    }
}

pub(crate) fn parse_err(e: BinaryReaderError) -> InstrumentError {
    InstrumentError::Invalid { offset: e.offset(), message: e.message().to_string() }
}

pub(crate) fn reencode_err(e: ReencodeError<Infallible>) -> InstrumentError {
    match e {
        ReencodeError::ParseError(p) => parse_err(p),
        other => InstrumentError::Unsupported(other.to_string()),
    }
}

/// The Wasm 2.0 feature set without SIMD: what gasket accepts and what is metered.
fn features() -> WasmFeatures {
    WasmFeatures::WASM2.difference(WasmFeatures::SIMD)
}

/// What the rewrite needs to know before emitting anything.
#[derive(Debug, Default)]
struct Scan {
    /// Parameter count of every type.
    type_params: Vec<u32>,
    imported_funcs: u32,
    /// Type index of every defined function.
    func_types: Vec<u32>,
    memories: u32,
    tables: u32,
}

fn scan(bytes: &[u8]) -> Result<Scan, InstrumentError> {
    let mut s = Scan::default();
    for payload in Parser::new(0).parse_all(bytes) {
        match payload.map_err(parse_err)? {
            Payload::TypeSection(r) => {
                for ft in r.into_iter_err_on_gc_types() {
                    let ft = ft.map_err(parse_err)?;
                    s.type_params.push(ft.params().len() as u32);
                }
            }
            Payload::ImportSection(r) => {
                for imp in r.into_imports() {
                    let imp = imp.map_err(parse_err)?;
                    if imp.module == names::MODULE {
                        return Err(InstrumentError::Unsupported(format!(
                            "the module imports from the reserved module `{}`",
                            names::MODULE
                        )));
                    }
                    match imp.ty {
                        TypeRef::Func(_) => s.imported_funcs += 1,
                        TypeRef::Table(_) => s.tables += 1,
                        TypeRef::Memory(_) => s.memories += 1,
                        TypeRef::Global(_) => {}
                        other => {
                            return Err(InstrumentError::Unsupported(format!("import {other:?}")));
                        }
                    }
                }
            }
            Payload::FunctionSection(r) => {
                for t in r {
                    s.func_types.push(t.map_err(parse_err)?);
                }
            }
            Payload::TableSection(r) => s.tables += r.count(),
            Payload::MemorySection(r) => s.memories += r.count(),
            Payload::ExportSection(r) => {
                for e in r {
                    let e = e.map_err(parse_err)?;
                    if e.name.starts_with(names::EXPORT_PREFIX) {
                        return Err(InstrumentError::Unsupported(format!(
                            "export `{}` uses the reserved prefix",
                            e.name
                        )));
                    }
                }
            }
            _ => {}
        }
    }
    Ok(s)
}

/// Validates, scans and rewrites `bytes` (see the module documentation).
pub(crate) fn instrument(bytes: &[u8], schedule: &Schedule) -> Result<Vec<u8>, InstrumentError> {
    Validator::new_with_features(features()).validate_all(bytes).map_err(parse_err)?;
    let scan = scan(bytes)?;
    let mut e = Emitter::new(&scan, schedule)?;
    for payload in Parser::new(0).parse_all(bytes) {
        e.payload(payload.map_err(parse_err)?)?;
    }
    Ok(e.module.finish())
}

/// Section ranks in the order the binary format requires.
const TYPE: u8 = 1;
const IMPORT: u8 = 2;
const FUNCTION: u8 = 3;
const TABLE: u8 = 4;
const MEMORY: u8 = 5;
const GLOBAL: u8 = 6;
const EXPORT: u8 = 7;
const START: u8 = 8;
const ELEMENT: u8 = 9;
const DATA_COUNT: u8 = 10;
const CODE: u8 = 11;
const DATA: u8 = 12;
const END: u8 = 13;

struct Emitter<'s> {
    scan: &'s Scan,
    schedule: &'s Schedule,
    re: Remap,
    hooks: Hooks,
    /// Index of the first added type: `(i64)`, then `(i32)`, then `(i32 i32)`, no results.
    first_hook_type: u32,
    module: Module,
    types_done: bool,
    imports_done: bool,
    exports_done: bool,
    /// The code section being filled, and the index of the next defined function.
    code: Option<CodeSection>,
    next_func: usize,
}

impl<'s> Emitter<'s> {
    fn new(scan: &'s Scan, schedule: &'s Schedule) -> Result<Self, InstrumentError> {
        let f = scan.imported_funcs;
        let overflow = || InstrumentError::Overflow("function index");
        let hooks = Hooks {
            gas: f,
            memory_grow: f.checked_add(1).ok_or_else(overflow)?,
            bulk_memory: f.checked_add(2).ok_or_else(overflow)?,
            table_grow: f.checked_add(3).ok_or_else(overflow)?,
            bulk_table: f.checked_add(4).ok_or_else(overflow)?,
        };
        let first_hook_type =
            u32::try_from(scan.type_params.len()).map_err(|_| InstrumentError::Overflow("type index"))?;
        Ok(Self {
            scan,
            schedule,
            re: Remap { imported_funcs: f },
            hooks,
            first_hook_type,
            module: Module::new(),
            types_done: false,
            imports_done: false,
            exports_done: false,
            code: None,
            next_func: 0,
        })
    }

    fn add_hook_types(&self, types: &mut TypeSection) {
        types.ty().function([ValType::I64], []);
        types.ty().function([ValType::I32], []);
        types.ty().function([ValType::I32, ValType::I32], []);
    }

    fn add_hook_imports(&self, imports: &mut ImportSection) {
        let t = self.first_hook_type;
        let m = names::MODULE;
        imports.import(m, names::GAS, EntityType::Function(t));
        imports.import(m, names::MEMORY_GROW, EntityType::Function(t + 1));
        imports.import(m, names::BULK_MEMORY, EntityType::Function(t + 1));
        imports.import(m, names::TABLE_GROW, EntityType::Function(t + 2));
        imports.import(m, names::BULK_TABLE, EntityType::Function(t + 1));
    }

    fn add_reserved_exports(&self, exports: &mut ExportSection) {
        if self.scan.memories > 0 {
            exports.export(names::MEMORY_EXPORT, ExportKind::Memory, 0);
        }
        for t in 0..self.scan.tables {
            exports.export(&names::table_export(t), ExportKind::Table, t);
        }
    }

    /// Emits the added sections the input lacks, before a section of rank `rank`.
    fn fill_before(&mut self, rank: u8) {
        if rank > TYPE && !self.types_done {
            let mut types = TypeSection::new();
            self.add_hook_types(&mut types);
            self.module.section(&types);
            self.types_done = true;
        }
        if rank > IMPORT && !self.imports_done {
            let mut imports = ImportSection::new();
            self.add_hook_imports(&mut imports);
            self.module.section(&imports);
            self.imports_done = true;
        }
        if rank > EXPORT && !self.exports_done {
            let mut exports = ExportSection::new();
            self.add_reserved_exports(&mut exports);
            self.module.section(&exports);
            self.exports_done = true;
        }
    }

    fn flush_code(&mut self) {
        if let Some(code) = self.code.take() {
            self.module.section(&code);
        }
    }

    fn payload(&mut self, payload: Payload<'_>) -> Result<(), InstrumentError> {
        if !matches!(payload, Payload::CodeSectionEntry(_)) {
            self.flush_code();
        }
        let re_err = reencode_err;
        match payload {
            Payload::Version { .. } | Payload::CustomSection(_) => {}
            Payload::TypeSection(r) => {
                self.fill_before(TYPE);
                let mut types = TypeSection::new();
                self.re.parse_type_section(&mut types, r).map_err(re_err)?;
                self.add_hook_types(&mut types);
                self.module.section(&types);
                self.types_done = true;
            }
            Payload::ImportSection(r) => {
                self.fill_before(IMPORT);
                let mut imports = ImportSection::new();
                self.re.parse_import_section(&mut imports, r).map_err(re_err)?;
                self.add_hook_imports(&mut imports);
                self.module.section(&imports);
                self.imports_done = true;
            }
            Payload::FunctionSection(r) => {
                self.fill_before(FUNCTION);
                let mut s = wasm_encoder::FunctionSection::new();
                self.re.parse_function_section(&mut s, r).map_err(re_err)?;
                self.module.section(&s);
            }
            Payload::TableSection(r) => {
                self.fill_before(TABLE);
                let mut s = wasm_encoder::TableSection::new();
                self.re.parse_table_section(&mut s, r).map_err(re_err)?;
                self.module.section(&s);
            }
            Payload::MemorySection(r) => {
                self.fill_before(MEMORY);
                let mut s = wasm_encoder::MemorySection::new();
                self.re.parse_memory_section(&mut s, r).map_err(re_err)?;
                self.module.section(&s);
            }
            Payload::GlobalSection(r) => {
                self.fill_before(GLOBAL);
                let mut s = wasm_encoder::GlobalSection::new();
                self.re.parse_global_section(&mut s, r).map_err(re_err)?;
                self.module.section(&s);
            }
            Payload::ExportSection(r) => {
                self.fill_before(EXPORT);
                let mut exports = ExportSection::new();
                self.re.parse_export_section(&mut exports, r).map_err(re_err)?;
                self.add_reserved_exports(&mut exports);
                self.module.section(&exports);
                self.exports_done = true;
            }
            Payload::StartSection { func, .. } => {
                self.fill_before(START);
                let function_index = self.re.start_section(func).map_err(re_err)?;
                self.module.section(&StartSection { function_index });
            }
            Payload::ElementSection(r) => {
                self.fill_before(ELEMENT);
                let mut s = wasm_encoder::ElementSection::new();
                self.re.parse_element_section(&mut s, r).map_err(re_err)?;
                self.module.section(&s);
            }
            Payload::DataCountSection { count, .. } => {
                self.fill_before(DATA_COUNT);
                self.module.section(&DataCountSection { count });
            }
            Payload::CodeSectionStart { .. } => {
                self.fill_before(CODE);
                self.code = Some(CodeSection::new());
            }
            Payload::CodeSectionEntry(body) => {
                let missing = || InstrumentError::Unsupported("function body without a type".into());
                let ty = *self.scan.func_types.get(self.next_func).ok_or_else(missing)?;
                let params = *self.scan.type_params.get(ty as usize).ok_or_else(missing)?;
                self.next_func += 1;
                let f = body::instrument_body(&mut self.re, &body, params, self.schedule, &self.hooks)?;
                self.code.get_or_insert_with(CodeSection::new).function(&f);
            }
            Payload::DataSection(r) => {
                self.fill_before(DATA);
                let mut s = wasm_encoder::DataSection::new();
                self.re.parse_data_section(&mut s, r).map_err(re_err)?;
                self.module.section(&s);
            }
            Payload::End(_) => self.fill_before(END),
            other => {
                return Err(InstrumentError::Unsupported(format!("section {:?}", other.as_section())));
            }
        }
        Ok(())
    }
}

/// The non-zero run charges of every defined function (see [`crate::static_charges`]).
pub(crate) fn charges_per_function(
    bytes: &[u8],
    schedule: &Schedule,
) -> Result<Vec<Vec<(usize, u64)>>, InstrumentError> {
    Validator::new_with_features(features()).validate_all(bytes).map_err(parse_err)?;
    let mut all = Vec::new();
    for payload in Parser::new(0).parse_all(bytes) {
        if let Payload::CodeSectionEntry(body) = payload.map_err(parse_err)? {
            let mut declared = 0u64;
            for entry in body.get_locals_reader().map_err(parse_err)? {
                declared += u64::from(entry.map_err(parse_err)?.0);
            }
            let mut reader = body.get_operators_reader().map_err(parse_err)?;
            let mut ops = Vec::new();
            while !reader.eof() {
                ops.push(reader.read().map_err(parse_err)?);
            }
            let charges = run_charges(&ops, declared, schedule)?;
            all.push(charges.into_iter().enumerate().filter(|(_, c)| *c > 0).collect());
        }
    }
    Ok(all)
}
