//! Decoding and validation: the only module that uses `wasmparser`.
//!
//! Guarantees:
//! - **One pass.** Sections are validated by wasmparser's validator as they are read; each
//!   function body's operators are decoded by wasmparser, validated by [`check`] (gasket's
//!   own type checker, which accepts exactly what wasmparser's validator accepts) and handed
//!   to the translator one by one, so nothing is validated lazily and nothing is translated
//!   unvalidated. `visit.rs` does this for each operator in a single dispatch on its opcode.
//! - **Limits before allocation.** Every count in [`Limits`] is checked against the section
//!   header (or the locals declaration) before anything sized by it is allocated.
//! - Only Wasm 2.0 without SIMD is accepted; a module refused for using another feature gets
//!   [`Error::Unsupported`] naming the feature, found from wasmparser's own feature flags and
//!   operator proposals (`features.rs`), never from its error messages.

mod check;
mod features;
mod operator;
mod visit;

use std::sync::Arc;

use wasmparser::{
    CompositeInnerType, ConstExpr as WConstExpr, DataKind, ElementItems, ElementKind, ExternalKind, Operator, Parser,
    Payload, RefType, TypeRef, ValType as WValType, Validator, WasmFeatures,
};

use crate::module::{Code, ConstExpr, DataSegment, ElemMode, ElemSegment, Export, ExternKind, ModuleInner};
use crate::translate::{BlockSig, FuncTranslator, ModuleEnv, TranslatorBuffers};
use crate::value::{FuncType, GlobalType, Limits32, MemoryType, TableType, ValType};
use crate::{Engine, Error, Floats, Limits};

/// Wasm 2.0 without SIMD: MVP (with floats), mutable globals, sign extension, non-trapping
/// float-to-int, multi-value, bulk memory and reference types. `GC_TYPES` is wasmparser's gate
/// for `externref`, not the GC proposal.
const FEATURES: WasmFeatures = WasmFeatures::WASM1
    .union(WasmFeatures::SIGN_EXTENSION)
    .union(WasmFeatures::SATURATING_FLOAT_TO_INT)
    .union(WasmFeatures::MULTI_VALUE)
    .union(WasmFeatures::BULK_MEMORY)
    .union(WasmFeatures::REFERENCE_TYPES);

/// Value traffic every function may have beyond its per-byte budget, so that small functions
/// with ordinary signatures (a few parameters and results, tiny bodies) are never refused. It
/// is bounded per module by `Limits::max_functions`.
const VALUE_TRAFFIC_PER_FUNCTION: u64 = 8;

/// The wasmparser features gasket decodes and validates with: [`FEATURES`], without floats
/// under [`Floats::Deny`]. Public (hidden) for the test oracles that run wasmparser's
/// validator beside gasket, so that they validate with exactly these.
pub fn features(floats: Floats) -> WasmFeatures {
    match floats {
        Floats::Canonicalize => FEATURES,
        Floats::Deny => FEATURES.difference(WasmFeatures::FLOATS),
    }
}

fn invalid(e: wasmparser::BinaryReaderError) -> Error {
    Error::Invalid { offset: e.offset() as usize, message: e.message().to_string() }
}

fn limit(what: &'static str, value: u64, limit: u32) -> Result<(), Error> {
    if value > limit as u64 {
        return Err(Error::Limit { what, value, limit: limit as u64 });
    }
    Ok(())
}

pub(crate) fn sig_of_type(ty: &FuncType) -> BlockSig {
    BlockSig { params: ty.params().len() as u32, results: ty.results().len() as u32 }
}

pub(super) fn unsupported_operator(op: &Operator<'_>, offset: usize) -> Error {
    Error::Unsupported { feature: "operator", offset, message: format!("operator {op:?} is not supported") }
}

/// Decodes, validates and translates a module. A module refused as invalid is scanned once
/// more for the unsupported feature it uses ([`features::blame`]).
pub(crate) fn decode(engine: &Engine, bytes: &[u8]) -> Result<ModuleInner, Error> {
    let limits = &engine.config().limits;
    limit("module size in bytes", bytes.len() as u64, limits.max_module_bytes)?;
    let decoder = Decoder::new(engine, limits);
    let features = decoder.features;
    decoder.run(bytes).map_err(|e| features::blame(e, bytes, features))
}

struct Decoder<'e> {
    engine: &'e Engine,
    limits: &'e Limits,
    module: ModuleInner,
    validator: Validator,
    func_sigs: Vec<BlockSig>,
    type_sigs: Vec<BlockSig>,
    check: check::Checker,
    buffers: TranslatorBuffers,
    targets: Vec<u32>,
    defined_index: u32,
    locals_total: u64,
    /// The features in force: [`FEATURES`], without floats under [`Floats::Deny`].
    features: WasmFeatures,
}

impl<'e> Decoder<'e> {
    fn new(engine: &'e Engine, limits: &'e Limits) -> Self {
        let features = features(engine.config().floats);
        Self {
            features,
            engine,
            limits,
            module: ModuleInner::default(),
            validator: Validator::new_with_features(features),
            func_sigs: Vec::new(),
            type_sigs: Vec::new(),
            check: check::Checker::default(),
            buffers: TranslatorBuffers::default(),
            targets: Vec::new(),
            defined_index: 0,
            locals_total: 0,
        }
    }

    fn run(mut self, bytes: &[u8]) -> Result<ModuleInner, Error> {
        // The parser decodes with our features too, so encodings that only a disabled feature
        // allows (a LEB memory index, 64-bit limits) are malformed rather than accepted.
        let mut parser = Parser::new(0);
        parser.set_features(self.features);
        for payload in parser.parse_all(bytes) {
            let payload = payload.map_err(invalid)?;
            // Code entries, the one payload a module has thousands of, go straight to the
            // validator's code entry method: `Validator::payload` would return the same
            // function through a 320-byte `ValidPayload`, moved twice per function.
            if let Payload::CodeSectionEntry(body) = payload {
                let func = self.validator.code_section_entry(&body).map_err(invalid)?;
                self.function(func, body)?;
                continue;
            }
            self.check_counts(&payload)?;
            self.validator.payload(&payload).map_err(invalid)?;
            match payload {
                Payload::TypeSection(reader) => {
                    for group in reader {
                        for (offset, sub) in group.map_err(invalid)?.into_types_and_offsets() {
                            let offset = offset as usize;
                            let CompositeInnerType::Func(f) = &sub.composite_type.inner else {
                                return Err(Error::Unsupported {
                                    feature: "gc",
                                    offset,
                                    message: "non-function type".into(),
                                });
                            };
                            limit("parameters of a type", f.params().len() as u64, self.limits.max_params)?;
                            limit("results of a type", f.results().len() as u64, self.limits.max_results)?;
                            for t in f.params().iter().chain(f.results()) {
                                check_type(self.features, *t, offset)?;
                            }
                            let ty = FuncType::new(
                                f.params().iter().map(|t| val_type(*t)),
                                f.results().iter().map(|t| val_type(*t)),
                            );
                            self.type_sigs.push(sig_of_type(&ty));
                            self.module.types.push(ty);
                        }
                    }
                }
                Payload::ImportSection(reader) => {
                    // The count is within `Limits::max_imports` (`check_counts`).
                    self.module.imports.reserve_exact(reader.count() as usize);
                    self.module.names.reserve((reader.range().end - reader.range().start) as usize);
                    for import in reader.into_imports_with_offsets() {
                        let (offset, import) = import.map_err(invalid)?;
                        limit("imports", self.module.imports.len() as u64 + 1, self.limits.max_imports)?;
                        self.import(import.module, import.name, import.ty, offset as usize)?;
                    }
                }
                Payload::FunctionSection(reader) => {
                    // The count is within `Limits::max_functions` (`check_counts`).
                    let n = reader.count() as usize;
                    self.func_sigs.reserve_exact(n);
                    self.module.funcs.reserve_exact(n);
                    self.module.compiled.reserve_exact(n);
                    for ty in reader {
                        let ty = ty.map_err(invalid)?;
                        self.func_sigs.push(self.type_sigs[ty as usize]);
                        self.module.funcs.push(ty);
                    }
                }
                Payload::TableSection(reader) => {
                    for table in reader {
                        let table = table.map_err(invalid)?;
                        let ty = self.table_type(&table.ty)?;
                        self.module.tables.push(ty);
                    }
                }
                Payload::MemorySection(reader) => {
                    for memory in reader {
                        let memory = memory.map_err(invalid)?;
                        let ty = self.memory_type(&memory)?;
                        self.module.memories.push(ty);
                    }
                }
                Payload::GlobalSection(reader) => {
                    for global in reader.into_iter_with_offsets() {
                        let (offset, global) = global.map_err(invalid)?;
                        check_type(self.features, global.ty.content_type, offset as usize)?;
                        self.module.globals.push(global_type(&global.ty));
                        let init = const_expr(&global.init_expr)?;
                        self.module.global_inits.push(init);
                    }
                }
                Payload::ExportSection(reader) => {
                    for export in reader.into_iter_with_offsets() {
                        let (offset, export) = export.map_err(invalid)?;
                        let kind = match export.kind {
                            ExternalKind::Func => ExternKind::Func,
                            ExternalKind::Table => ExternKind::Table,
                            ExternalKind::Memory => ExternKind::Memory,
                            ExternalKind::Global => ExternKind::Global,
                            _ => {
                                return Err(Error::Unsupported {
                                    feature: "exceptions",
                                    offset: offset as usize,
                                    message: "tag export".into(),
                                })
                            }
                        };
                        self.module.exports.push(Export { name: export.name.into(), kind, index: export.index });
                    }
                }
                Payload::StartSection { func, .. } => self.module.start = Some(func),
                Payload::ElementSection(reader) => {
                    for elem in reader {
                        let elem = elem.map_err(invalid)?;
                        self.module.elems.push(elem_segment(elem)?);
                    }
                }
                Payload::DataSection(reader) => {
                    for data in reader {
                        let data = data.map_err(invalid)?;
                        let offset = match data.kind {
                            DataKind::Passive => None,
                            DataKind::Active { offset_expr, .. } => Some(const_expr(&offset_expr)?),
                        };
                        self.module.datas.push(DataSegment { offset, bytes: data.data.into() });
                    }
                }
                Payload::CodeSectionStart { size, .. } => {
                    // The IR goes into a buffer a dropped module left in the engine's pool,
                    // if one suits this section (engine.rs, `CodePool`).
                    let pool = self.engine.code_pool();
                    self.module.code = Code { instrs: pool.take(size as usize), pool: Some(Arc::clone(pool)) };
                }
                Payload::End(_) => self.finish_stats(bytes.len()),
                _ => {}
            }
        }
        // A pooled buffer may be larger than this module's code needs: bound the slack.
        let code = &mut self.module.code;
        code.instrs = self.engine.code_pool().fit(std::mem::take(&mut code.instrs));
        // Translation must produce IR the verifier accepts: the executor relies on it
        // (exec/dispatch.rs). Checked in debug builds (every test) and fuzzing builds (every
        // fuzz input), where a failure is a translator bug; release builds skip the pass,
        // which would add about 20% to preparation.
        if cfg!(any(debug_assertions, fuzzing)) {
            assert_eq!(crate::verify::verify(&self.module), Ok(()), "translator produced invalid IR");
        }
        Ok(self.module)
    }

    fn finish_stats(&mut self, bytes: usize) {
        let m = &mut self.module;
        let st = &mut m.stats;
        st.bytes = bytes as u64;
        st.types = m.types.len() as u64;
        st.imports = m.imports.len() as u64;
        st.exports = m.exports.len() as u64;
        st.functions = m.funcs.len() as u64;
        st.globals = m.globals.len() as u64;
        st.tables = m.tables.len() as u64;
        st.memories = m.memories.len() as u64;
        st.data_segments = m.datas.len() as u64;
        st.element_segments = m.elems.len() as u64;
        st.locals_total = self.locals_total;
        st.max_block_depth = self.buffers.max_depth as u64;
        st.max_params = m.types.iter().map(|t| t.params().len() as u64).max().unwrap_or(0);
        st.max_results = m.types.iter().map(|t| t.results().len() as u64).max().unwrap_or(0);
        st.max_table_elements = m.tables.iter().map(|t| t.limits.min as u64).max().unwrap_or(0);
        st.max_memory_pages = m.memories.iter().map(|t| t.limits.min as u64).max().unwrap_or(0);
        st.ir_instructions = m.code.len() as u64;
    }

    /// Checks section counts against the limits before the validator or we allocate for them.
    fn check_counts(&self, payload: &Payload<'_>) -> Result<(), Error> {
        let l = self.limits;
        let m = &self.module;
        match payload {
            Payload::TypeSection(r) => limit("types", r.count() as u64, l.max_types),
            Payload::ImportSection(r) => limit("imports", r.count() as u64, l.max_imports),
            Payload::FunctionSection(r) => limit("functions", m.funcs.len() as u64 + r.count() as u64, l.max_functions),
            Payload::TableSection(r) => limit("tables", m.tables.len() as u64 + r.count() as u64, l.max_tables),
            Payload::GlobalSection(r) => limit("globals", m.globals.len() as u64 + r.count() as u64, l.max_globals),
            Payload::ExportSection(r) => limit("exports", r.count() as u64, l.max_exports),
            Payload::ElementSection(r) => limit("element segments", r.count() as u64, l.max_element_segments),
            Payload::DataSection(r) => limit("data segments", r.count() as u64, l.max_data_segments),
            Payload::DataCountSection { count, .. } => limit("data segments", *count as u64, l.max_data_segments),
            Payload::CodeSectionStart { size, .. } => limit("code section bytes", *size as u64, l.max_module_bytes),
            _ => Ok(()),
        }
    }

    fn import(&mut self, module: &str, name: &str, ty: TypeRef, offset: usize) -> Result<(), Error> {
        let m = &mut self.module;
        let (kind, index) = match ty {
            TypeRef::Func(ty) => {
                limit("functions", m.funcs.len() as u64 + 1, self.limits.max_functions)?;
                self.func_sigs.push(self.type_sigs[ty as usize]);
                m.funcs.push(ty);
                m.num_imported_funcs += 1;
                (ExternKind::Func, m.funcs.len() - 1)
            }
            TypeRef::Table(t) => {
                limit("tables", m.tables.len() as u64 + 1, self.limits.max_tables)?;
                let ty = self.table_type(&t)?;
                let m = &mut self.module;
                m.tables.push(ty);
                m.num_imported_tables += 1;
                (ExternKind::Table, m.tables.len() - 1)
            }
            TypeRef::Memory(mem) => {
                let ty = self.memory_type(&mem)?;
                let m = &mut self.module;
                m.memories.push(ty);
                m.num_imported_memories += 1;
                (ExternKind::Memory, m.memories.len() - 1)
            }
            TypeRef::Global(g) => {
                check_type(self.features, g.content_type, offset)?;
                let m = &mut self.module;
                limit("globals", m.globals.len() as u64 + 1, self.limits.max_globals)?;
                m.globals.push(global_type(&g));
                m.num_imported_globals += 1;
                (ExternKind::Global, m.globals.len() - 1)
            }
            TypeRef::Tag(_) => {
                return Err(Error::Unsupported { feature: "exceptions", offset, message: "tag import".into() })
            }
            TypeRef::FuncExact(_) => {
                let message = "exact function import".into();
                return Err(Error::Unsupported { feature: "custom-descriptors", offset, message });
            }
        };
        self.module.add_import(module, name, kind, index as u32);
        Ok(())
    }

    fn table_type(&self, t: &wasmparser::TableType) -> Result<TableType, Error> {
        limit("initial table elements", t.initial, self.limits.max_table_elements)?;
        Ok(TableType {
            element: ref_type(t.element_type),
            limits: Limits32 { min: t.initial as u32, max: t.maximum.map(|m| m as u32) },
        })
    }

    fn memory_type(&self, m: &wasmparser::MemoryType) -> Result<MemoryType, Error> {
        limit("initial memory pages", m.initial, self.limits.max_memory_pages)?;
        Ok(MemoryType { limits: Limits32 { min: m.initial as u32, max: m.maximum.map(|m| m as u32) } })
    }

    fn function(
        &mut self,
        func: wasmparser::FuncToValidate<wasmparser::ValidatorResources>,
        body: wasmparser::FunctionBody<'_>,
    ) -> Result<(), Error> {
        let body_len = body.range().end - body.range().start;
        let body_offset = body.range().start as u32;
        limit("function body bytes", body_len, self.limits.max_function_body_bytes)?;
        let func_index = self.module.num_imported_funcs + self.defined_index;
        self.defined_index += 1;
        let sig = self.func_sigs[func_index as usize];
        let type_index = self.module.funcs[func_index as usize];
        let env = check::Env {
            types: &self.module.types,
            funcs: &self.module.funcs,
            resources: &func.resources,
            floats: self.features.floats(),
        };
        self.check.begin(&self.module.types[type_index as usize], type_index);

        // Locals: count them before the validator or the translator sizes anything by them.
        let mut locals_reader = body.get_locals_reader().map_err(invalid)?;
        let mut num_locals = sig.params as u64;
        for _ in 0..locals_reader.get_count() {
            let offset = locals_reader.original_position();
            let (count, ty) = locals_reader.read().map_err(invalid)?;
            check_type(self.features, ty, offset as usize)?;
            num_locals += count as u64;
            limit("locals of a function", num_locals, self.limits.max_locals_per_function)?;
            self.check.define_locals(&env, count, ty, offset as usize)?;
        }
        self.locals_total += num_locals;
        limit("locals in total", self.locals_total, self.limits.max_locals_total)?;
        let st = &mut self.module.stats;
        st.max_locals_per_function = st.max_locals_per_function.max(num_locals);
        st.max_function_body_bytes = st.max_function_body_bytes.max(body_len);

        let module_env = ModuleEnv {
            func_sigs: &self.func_sigs,
            type_sigs: &self.type_sigs,
            schedule: self.engine.config().metering.as_ref(),
        };
        let mut translator = FuncTranslator::new(
            &module_env,
            self.limits,
            &mut self.module.code,
            &mut self.module.br_targets,
            &mut self.buffers,
            sig,
            num_locals as u32,
        );
        // Continue where the locals ended (`body.get_operators_reader` would read them again),
        // with the binary reader itself: the visitor is its frame stack (visit.rs).
        let mut reader = locals_reader.get_binary_reader();
        // Parameters are not counted: the spec suite itself has a 99-parameter function with a
        // 4-byte body, and defining them costs about as much as their type section entries.
        let traffic_budget = self.limits.max_value_traffic_per_byte as u64 * body_len + VALUE_TRAFFIC_PER_FUNCTION;
        let mut visitor = visit::FuncVisitor::new(
            &mut self.check,
            &mut translator,
            env,
            &self.type_sigs,
            &self.func_sigs,
            sig,
            self.limits,
            &mut self.module.stats,
            &mut self.targets,
            traffic_budget,
        );
        while !reader.eof() {
            visitor.offset = reader.original_position();
            reader.visit_operator(&mut visitor).map_err(invalid)?.map_err(|e| *e)?;
        }
        reader.finish_expression(&visitor).map_err(invalid)?;
        let traffic = visitor.traffic();
        let compiled = translator.finish();
        let st = &mut self.module.stats;
        st.max_value_traffic_per_byte = st.max_value_traffic_per_byte.max(traffic.div_ceil(body_len.max(1)));
        self.module.compiled.push(compiled);
        self.module.body_offsets.push(body_offset);
        Ok(())
    }
}

/// Under [`Floats::Deny`] (no `FLOATS` feature), refuses a float type.
fn check_type(features: WasmFeatures, t: WValType, offset: usize) -> Result<(), Error> {
    if features.floats() || !matches!(t, WValType::F32 | WValType::F64) {
        return Ok(());
    }
    Err(Error::Unsupported { feature: "floats", offset, message: format!("float type `{t}`") })
}

fn val_type(t: WValType) -> ValType {
    match t {
        WValType::I32 => ValType::I32,
        WValType::I64 => ValType::I64,
        WValType::F32 => ValType::F32,
        WValType::F64 => ValType::F64,
        WValType::Ref(r) => ref_type(r),
        WValType::V128 => unreachable!("SIMD is disabled, so the validator rejects v128"),
    }
}

fn ref_type(r: RefType) -> ValType {
    if r.is_func_ref() {
        ValType::FuncRef
    } else {
        ValType::ExternRef
    }
}

fn global_type(g: &wasmparser::GlobalType) -> GlobalType {
    GlobalType { content: val_type(g.content_type), mutable: g.mutable }
}

fn const_expr(expr: &WConstExpr<'_>) -> Result<ConstExpr, Error> {
    let mut reader = expr.get_operators_reader();
    let offset = reader.original_position();
    let op = reader.read().map_err(invalid)?;
    Ok(match op {
        Operator::I32Const { value } => ConstExpr::Value(value as u32 as u64),
        Operator::I64Const { value } => ConstExpr::Value(value as u64),
        Operator::F32Const { value } => ConstExpr::Value(value.bits() as u64),
        Operator::F64Const { value } => ConstExpr::Value(value.bits()),
        Operator::RefNull { .. } => ConstExpr::Value(0),
        Operator::RefFunc { function_index } => ConstExpr::RefFunc(function_index),
        Operator::GlobalGet { global_index } => ConstExpr::GlobalGet(global_index),
        other => return Err(unsupported_operator(&other, offset as usize)),
    })
}

fn elem_segment(elem: wasmparser::Element<'_>) -> Result<ElemSegment, Error> {
    let mode = match elem.kind {
        ElementKind::Passive => ElemMode::Passive,
        ElementKind::Declared => ElemMode::Declared,
        ElementKind::Active { table_index, offset_expr } => {
            ElemMode::Active { table: table_index.unwrap_or(0), offset: const_expr(&offset_expr)? }
        }
    };
    let items: Vec<ConstExpr> = match elem.items {
        ElementItems::Functions(reader) => {
            reader.into_iter().map(|f| f.map(ConstExpr::RefFunc).map_err(invalid)).collect::<Result<_, _>>()?
        }
        ElementItems::Expressions(_, reader) => {
            reader.into_iter().map(|e| e.map_err(invalid).and_then(|e| const_expr(&e))).collect::<Result<_, _>>()?
        }
    };
    Ok(ElemSegment { mode, items: items.into() })
}
