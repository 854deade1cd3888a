//! Naming the unsupported feature a rejected module uses, from wasmparser's own structure.
//!
//! When decoding fails with [`Error::Invalid`], [`blame`] parses the module again with (nearly)
//! every wasmparser feature enabled (parsing only, no validation) and looks, in byte order, for the
//! first construct that needs a feature outside the decoder's set: an operator by the proposal
//! wasmparser files it under in its `for_each_operator!` list (and a float operator when floats
//! are denied), the immediates of an operator (a memory index, a memory ordering, a value or
//! heap type), value and reference types, memory and table types, shared globals, rec groups,
//! subtypes and non-function types, tags, compact imports and the operators that later
//! proposals allow in constant expressions. If that construct is at or before the offset where
//! validation failed, the error becomes [`Error::Unsupported`] naming the feature, at the
//! construct's own offset; otherwise (a module plainly invalid before any such construct), or
//! if the second parse itself fails, the original error stands. What is accepted never
//! changes: validation already ran, with the decoder's features.
//!
//! Cost: only rejected modules are scanned, once: at most one more parse of the bytes, and it
//! stops at the error offset. It is linear: the parser reads each byte once, and each construct
//! costs a bounded amount of work (for an operator two `match`es, and for an operator outside
//! the MVP a look-up among wasmparser's few dozen feature names). At worst (the error in the
//! last function) that is somewhat less than decoding cost: 24 ms more for a 0.9 MB module of
//! 300,000 operators that takes 32 ms to prepare, in a release build.

use wasmparser::{
    BlockType, BrTable, CompositeInnerType, ConstExpr, ElementItems, ElementKind, Encoding, ExternalKind, FunctionBody,
    HeapType, Ieee32, Ieee64, Imports, MemArg, MemArgTarget, MemoryType, Operator, OperatorsReader, Ordering, Parser,
    Payload, RecGroup, RefType, ResumeTable, StorageType, TableInit, TableType, TryTable, TypeRef, ValType,
    WasmFeatures, V128,
};

use crate::Error;

type F = WasmFeatures;

/// What the scan parses with: every feature but multibyte-array-access, which wasmparser reads
/// as a memarg's bit 5 without implementing the proposal, where Wasm 2.0 sees an alignment
/// (too large, so plainly invalid).
const SCAN_FEATURES: WasmFeatures = WasmFeatures::all().difference(WasmFeatures::MULTIBYTE_ARRAY_ACCESS);

/// gasket's name for each wasmparser feature flag a core module can need: the flag's own name
/// in kebab case. A test checks the names, and that every such flag is listed.
const NAMES: &[(WasmFeatures, &str)] = &[
    (F::MUTABLE_GLOBAL, "mutable-global"),
    (F::SATURATING_FLOAT_TO_INT, "saturating-float-to-int"),
    (F::SIGN_EXTENSION, "sign-extension"),
    (F::REFERENCE_TYPES, "reference-types"),
    (F::MULTI_VALUE, "multi-value"),
    (F::BULK_MEMORY, "bulk-memory"),
    (F::SIMD, "simd"),
    (F::RELAXED_SIMD, "relaxed-simd"),
    (F::THREADS, "threads"),
    (F::SHARED_EVERYTHING_THREADS, "shared-everything-threads"),
    (F::TAIL_CALL, "tail-call"),
    (F::FLOATS, "floats"),
    (F::MULTI_MEMORY, "multi-memory"),
    (F::EXCEPTIONS, "exceptions"),
    (F::MEMORY64, "memory64"),
    (F::EXTENDED_CONST, "extended-const"),
    (F::COMPONENT_MODEL, "component-model"),
    (F::FUNCTION_REFERENCES, "function-references"),
    (F::MEMORY_CONTROL, "memory-control"),
    (F::GC, "gc"),
    (F::CUSTOM_PAGE_SIZES, "custom-page-sizes"),
    (F::LEGACY_EXCEPTIONS, "legacy-exceptions"),
    (F::GC_TYPES, "gc-types"),
    (F::STACK_SWITCHING, "stack-switching"),
    (F::WIDE_ARITHMETIC, "wide-arithmetic"),
    (F::CALL_INDIRECT_OVERLONG, "call-indirect-overlong"),
    (F::BULK_MEMORY_OPT, "bulk-memory-opt"),
    (F::CUSTOM_DESCRIPTORS, "custom-descriptors"),
    (F::COMPACT_IMPORTS, "compact-imports"),
    (F::ACQUIRE_RELEASE_ATOMICS, "acquire-release-atomics"),
    (F::MULTIBYTE_ARRAY_ACCESS, "multibyte-array-access"),
];

/// The name of the first listed flag among `missing`.
fn name(missing: WasmFeatures) -> &'static str {
    NAMES.iter().find(|(flag, _)| flag.intersects(missing)).map_or("unknown", |(_, name)| name)
}

/// Turns an [`Error::Invalid`] from decoding `bytes` with `features` into
/// [`Error::Unsupported`] if a construct at or before its offset needs a feature outside
/// `features`; any other error, or an invalid module without such a construct, is returned
/// as it is.
pub(super) fn blame(err: Error, bytes: &[u8], features: WasmFeatures) -> Error {
    let Error::Invalid { offset, message } = &err else { return err };
    let mut scan = Scan { features, limit: *offset as u64, memories: 0, imported_globals: 0, globals: 0 };
    match scan.module(bytes) {
        Err(Stop::Found { feature, offset: at, what }) => Error::Unsupported {
            feature,
            offset: at as usize,
            message: format!("{what} (validation stopped at offset {offset:#x}: {message})"),
        },
        _ => err,
    }
}

/// Why the scan ended before the end of the module.
enum Stop {
    /// A construct at `offset` needs `feature`.
    Found { feature: &'static str, offset: u64, what: String },
    /// The scan passed the error offset, or the module does not parse.
    Nothing,
}

impl From<wasmparser::BinaryReaderError> for Stop {
    fn from(_: wasmparser::BinaryReaderError) -> Self {
        Stop::Nothing
    }
}

struct Scan {
    /// The features the decoder validated with.
    features: WasmFeatures,
    /// The offset where validation failed: constructs after it are not blamed.
    limit: u64,
    /// Memories so far, imported and defined.
    memories: u64,
    /// Imported globals, the only ones a Wasm 2.0 constant expression may read.
    imported_globals: u32,
    /// Globals so far, imported and defined.
    globals: u32,
}

impl Scan {
    /// Stops with the first of `needs` outside the features, or when `offset` is past the error.
    fn need(&self, offset: u64, needs: WasmFeatures, what: impl FnOnce() -> String) -> Result<(), Stop> {
        if offset > self.limit {
            return Err(Stop::Nothing);
        }
        let missing = needs.difference(self.features);
        if missing.is_empty() {
            return Ok(());
        }
        Err(Stop::Found { feature: name(missing), offset, what: what() })
    }

    fn module(&mut self, bytes: &[u8]) -> Result<(), Stop> {
        let mut parser = Parser::new(0);
        parser.set_features(SCAN_FEATURES);
        for payload in parser.parse_all(bytes) {
            match payload? {
                Payload::Version { encoding: Encoding::Component, range, .. } => {
                    self.need(range.start, F::COMPONENT_MODEL, || "a component".into())?;
                }
                Payload::TypeSection(reader) => {
                    for group in reader.into_iter_with_offsets() {
                        let (offset, group) = group?;
                        self.rec_group(offset, &group)?;
                    }
                }
                Payload::ImportSection(reader) => {
                    for imports in reader.into_iter_with_offsets() {
                        let (offset, imports) = imports?;
                        if !matches!(imports, Imports::Single(..)) {
                            self.need(offset, F::COMPACT_IMPORTS, || "a compact import group".into())?;
                        }
                        for import in imports {
                            let (offset, import) = import?;
                            let needs = self.import(import.ty);
                            self.need(offset, needs, || {
                                format!("import {:?} {:?}: {:?}", import.module, import.name, import.ty)
                            })?;
                        }
                    }
                }
                Payload::TableSection(reader) => {
                    for table in reader.into_iter_with_offsets() {
                        let (offset, table) = table?;
                        self.need(offset, table_type(&table.ty), || format!("table type {:?}", table.ty))?;
                        if let TableInit::Expr(init) = &table.init {
                            self.need(offset, F::FUNCTION_REFERENCES, || "a table initializer".into())?;
                            self.const_expr(init)?;
                        }
                    }
                }
                Payload::MemorySection(reader) => {
                    // As the validator, which counts memories before it reads them.
                    self.memories += reader.count() as u64;
                    let needs = if self.memories > 1 { F::MULTI_MEMORY } else { F::empty() };
                    self.need(reader.range().start, needs, || format!("{} memories", self.memories))?;
                    for memory in reader.into_iter_with_offsets() {
                        let (offset, memory) = memory?;
                        self.need(offset, memory_type(&memory), || format!("memory type {memory:?}"))?;
                    }
                }
                Payload::TagSection(reader) => {
                    self.need(reader.range().start, F::EXCEPTIONS, || "a tag section".into())?;
                }
                Payload::GlobalSection(reader) => {
                    for global in reader.into_iter_with_offsets() {
                        let (offset, global) = global?;
                        let needs = val_type(global.ty.content_type).union(shared(global.ty.shared));
                        self.need(offset, needs, || format!("global type {:?}", global.ty))?;
                        self.const_expr(&global.init_expr)?;
                        self.globals += 1;
                    }
                }
                Payload::ExportSection(reader) => {
                    for export in reader.into_iter_with_offsets() {
                        let (offset, export) = export?;
                        let needs = if export.kind == ExternalKind::Tag { F::EXCEPTIONS } else { F::empty() };
                        self.need(offset, needs, || format!("tag export {:?}", export.name))?;
                    }
                }
                Payload::ElementSection(reader) => {
                    for elem in reader.into_iter_with_offsets() {
                        let (offset, elem) = elem?;
                        if let ElementItems::Expressions(ty, _) = &elem.items {
                            self.need(offset, ref_type(*ty), || format!("element type `{ty}`"))?;
                        }
                        if let ElementKind::Active { offset_expr, .. } = &elem.kind {
                            self.const_expr(offset_expr)?;
                        }
                        if let ElementItems::Expressions(_, items) = elem.items {
                            for item in items {
                                self.const_expr(&item?)?;
                            }
                        }
                    }
                }
                Payload::DataSection(reader) => {
                    for data in reader.into_iter_with_offsets() {
                        let (_, data) = data?;
                        // Wasm 2.0 encodes a data segment's memory index: one other than 0 is
                        // plainly unknown there, not a feature.
                        if let wasmparser::DataKind::Active { offset_expr, .. } = &data.kind {
                            self.const_expr(offset_expr)?;
                        }
                    }
                }
                Payload::CodeSectionEntry(body) => self.body(&body)?,
                _ => {}
            }
        }
        Ok(())
    }

    /// In the validator's order: the group, then each type's subtyping, sharing, kind, value
    /// types and descriptors. All of a group is checked at its offset, as the validator does.
    fn rec_group(&self, offset: u64, group: &RecGroup) -> Result<(), Stop> {
        if group.is_explicit_rec_group() {
            self.need(offset, F::GC, || "a rec group".into())?;
        }
        for ty in group.types() {
            let what = || format!("type `{ty}`");
            let subtyping = !ty.is_final || !ty.supertype_idxs.is_empty();
            self.need(offset, if subtyping { F::GC } else { F::empty() }, what)?;
            let composite = &ty.composite_type;
            self.need(offset, shared(composite.shared), what)?;
            match &composite.inner {
                CompositeInnerType::Func(f) => {
                    for t in f.params().iter().chain(f.results()) {
                        self.need(offset, val_type(*t), what)?;
                    }
                    let multi = if f.results().len() > 1 { F::MULTI_VALUE } else { F::empty() };
                    self.need(offset, multi, what)?;
                }
                CompositeInnerType::Array(a) => {
                    self.need(offset, F::GC, what)?;
                    self.need(offset, storage_type(a.0.element_type), what)?;
                }
                CompositeInnerType::Struct(s) => {
                    self.need(offset, F::GC, what)?;
                    for field in s.fields.iter() {
                        self.need(offset, storage_type(field.element_type), what)?;
                    }
                }
                CompositeInnerType::Cont(_) => self.need(offset, F::STACK_SWITCHING, what)?,
            }
            let descriptors = composite.descriptor_idx.is_some() || composite.describes_idx.is_some();
            self.need(offset, if descriptors { F::CUSTOM_DESCRIPTORS } else { F::empty() }, what)?;
        }
        Ok(())
    }

    /// What an import of `ty` needs, counting imported memories and globals.
    fn import(&mut self, ty: TypeRef) -> WasmFeatures {
        match ty {
            TypeRef::Func(_) => F::empty(),
            TypeRef::FuncExact(_) => F::CUSTOM_DESCRIPTORS,
            TypeRef::Table(t) => table_type(&t),
            TypeRef::Memory(m) => {
                self.memories += 1;
                let second = if self.memories > 1 { F::MULTI_MEMORY } else { F::empty() };
                memory_type(&m).union(second)
            }
            TypeRef::Global(g) => {
                self.imported_globals += 1;
                self.globals += 1;
                let mutable = if g.mutable { F::MUTABLE_GLOBAL } else { F::empty() };
                val_type(g.content_type).union(shared(g.shared)).union(mutable)
            }
            TypeRef::Tag(_) => F::EXCEPTIONS,
        }
    }

    fn body(&self, body: &FunctionBody<'_>) -> Result<(), Stop> {
        let mut locals = body.get_locals_reader()?;
        for _ in 0..locals.get_count() {
            let offset = locals.original_position();
            let (_, ty) = locals.read()?;
            self.need(offset, val_type(ty), || format!("a local of type `{ty}`"))?;
        }
        let mut reader = OperatorsReader::new(locals.get_binary_reader());
        while !reader.eof() {
            let (op, offset) = reader.read_with_offset()?;
            self.operator(&op, offset)?;
        }
        Ok(())
    }

    /// An operator: its proposal's flag, floats for a float operator, and its immediates' needs.
    fn operator(&self, op: &Operator<'_>, offset: u64) -> Result<(), Stop> {
        let (proposal, visit) = proposal(op);
        let name = visit.strip_prefix("visit_").unwrap_or(visit);
        // wasmparser's validator gates exactly the MVP's `f32.*` and `f64.*` operators on floats.
        let float = proposal == "mvp" && (name.starts_with("f32_") || name.starts_with("f64_"));
        let float = if float { F::FLOATS } else { F::empty() };
        let needs = proposal_flag(proposal).union(float).union(immediates(op));
        self.need(offset, needs, || format!("operator `{name}` (wasmparser proposal `{proposal}`): {op:?}"))
    }

    /// A constant expression's operators, with what later proposals allow only there:
    /// extended-const arithmetic, and (GC) `global.get` of a global the module defined before
    /// (an index beyond every global is plainly unknown).
    fn const_expr(&self, expr: &ConstExpr<'_>) -> Result<(), Stop> {
        let mut reader = expr.get_operators_reader();
        while !reader.eof() {
            let (op, offset) = reader.read_with_offset()?;
            self.operator(&op, offset)?;
            let needs = match op {
                Operator::I32Add
                | Operator::I32Sub
                | Operator::I32Mul
                | Operator::I64Add
                | Operator::I64Sub
                | Operator::I64Mul => F::EXTENDED_CONST,
                Operator::GlobalGet { global_index }
                    if (self.imported_globals..self.globals).contains(&global_index) =>
                {
                    F::GC
                }
                _ => F::empty(),
            };
            self.need(offset, needs, || format!("{op:?} in a constant expression"))?;
        }
        Ok(())
    }
}

/// The flag of a wasmparser proposal: wasmparser names each proposal of its operator list as
/// the feature flag that enables it (`tail_call`, `TAIL_CALL`), and the MVP needs none.
fn proposal_flag(proposal: &str) -> WasmFeatures {
    if proposal == "mvp" {
        return F::empty();
    }
    F::all().iter_names().find(|(flag, _)| flag.eq_ignore_ascii_case(proposal)).map_or(F::empty(), |(_, f)| f)
}

fn shared(shared: bool) -> WasmFeatures {
    if shared {
        F::SHARED_EVERYTHING_THREADS
    } else {
        F::empty()
    }
}

fn memory_index_needs(index: u32) -> WasmFeatures {
    if index != 0 {
        F::MULTI_MEMORY
    } else {
        F::empty()
    }
}

fn val_type(t: ValType) -> WasmFeatures {
    match t {
        ValType::I32 | ValType::I64 => F::empty(),
        ValType::F32 | ValType::F64 => F::FLOATS,
        ValType::V128 => F::SIMD,
        ValType::Ref(r) => ref_type(r),
    }
}

fn storage_type(t: StorageType) -> WasmFeatures {
    match t {
        StorageType::I8 | StorageType::I16 => F::empty(),
        StorageType::Val(t) => val_type(t),
    }
}

fn ref_type(r: RefType) -> WasmFeatures {
    heap_type(r.heap_type(), r.is_nullable())
}

/// As wasmparser's validator decides which proposal a reference type belongs to.
fn heap_type(h: HeapType, nullable: bool) -> WasmFeatures {
    use wasmparser::AbstractHeapType as A;
    let needs = match h {
        HeapType::Concrete(_) => F::FUNCTION_REFERENCES,
        HeapType::Exact(_) => F::CUSTOM_DESCRIPTORS,
        HeapType::Abstract { shared: s, ty } => {
            let kind = match (ty, nullable) {
                (A::Func | A::Extern, true) => F::empty(),
                (A::Func | A::Extern, false) => F::FUNCTION_REFERENCES,
                (A::Any | A::None | A::Eq | A::Struct | A::Array | A::I31 | A::NoExtern | A::NoFunc, _) => F::GC,
                (A::Exn | A::NoExn, _) => F::EXCEPTIONS,
                (A::Cont | A::NoCont, _) => F::STACK_SWITCHING,
            };
            let gc_types = if matches!(ty, A::Func | A::Exn) { F::empty() } else { F::GC_TYPES };
            shared(s).union(gc_types).union(kind)
        }
    };
    F::REFERENCE_TYPES.union(needs)
}

fn memory_type(m: &MemoryType) -> WasmFeatures {
    let mut needs = F::empty();
    needs.set(F::MEMORY64, m.memory64);
    needs.set(F::THREADS, m.shared);
    needs.set(F::CUSTOM_PAGE_SIZES, m.page_size_log2.is_some());
    needs
}

fn table_type(t: &TableType) -> WasmFeatures {
    let mut needs = ref_type(t.element_type).union(shared(t.shared));
    needs.set(F::MEMORY64, t.table64);
    needs
}

/// What an operator's immediate needs beyond the operator's proposal, by its type (and, for a
/// `u32`, its name in wasmparser's list: `mem`, `dst_mem` and `src_mem` are memory indices).
trait Immediate {
    fn needs(&self, _name: &str) -> WasmFeatures {
        F::empty()
    }
}

impl Immediate for u32 {
    fn needs(&self, name: &str) -> WasmFeatures {
        if name.ends_with("mem") {
            memory_index_needs(*self)
        } else {
            F::empty()
        }
    }
}

impl Immediate for MemArg {
    fn needs(&self, _: &str) -> WasmFeatures {
        let mut needs = match self.target {
            MemArgTarget::Memory(index) => memory_index_needs(index),
            MemArgTarget::Array(_) => F::MULTIBYTE_ARRAY_ACCESS,
        };
        // An offset beyond 32 bits is not blamed on memory64: Wasm 2.0 reads the same bytes as a
        // malformed LEB, and only a 64-bit memory, blamed where it is declared, would take it.
        needs.set(F::ACQUIRE_RELEASE_ATOMICS, self.ordering.is_some());
        needs
    }
}

impl Immediate for BlockType {
    fn needs(&self, _: &str) -> WasmFeatures {
        match *self {
            BlockType::Empty => F::empty(),
            BlockType::Type(t) => val_type(t),
            BlockType::FuncType(_) => F::MULTI_VALUE,
        }
    }
}

impl Immediate for ValType {
    fn needs(&self, _: &str) -> WasmFeatures {
        val_type(*self)
    }
}

impl Immediate for Vec<ValType> {
    fn needs(&self, _: &str) -> WasmFeatures {
        self.iter().fold(F::empty(), |needs, t| needs.union(val_type(*t)))
    }
}

impl Immediate for RefType {
    fn needs(&self, _: &str) -> WasmFeatures {
        ref_type(*self)
    }
}

/// A bare heap type is `ref.null`'s (nullable); the other operators that carry one are GC's.
impl Immediate for HeapType {
    fn needs(&self, _: &str) -> WasmFeatures {
        heap_type(*self, true)
    }
}

impl Immediate for u8 {}
impl Immediate for [u8; 16] {}
impl Immediate for i32 {}
impl Immediate for i64 {}
impl Immediate for Ieee32 {}
impl Immediate for Ieee64 {}
impl Immediate for V128 {}
impl Immediate for Ordering {}
impl Immediate for BrTable<'_> {}
impl Immediate for TryTable {}
impl Immediate for ResumeTable {}

/// Generates, from wasmparser's operator list, [`proposal`] (the proposal wasmparser files an
/// operator under, and its visitor method's name) and [`immediates`] (what its immediates
/// need). Every operator has an arm; an immediate of a type without an [`Immediate`] impl does
/// not compile. The wildcards are there only because `Operator` is `#[non_exhaustive]`.
macro_rules! classify_operators {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*) )*) => {
        fn proposal(op: &Operator<'_>) -> (&'static str, &'static str) {
            match op {
                $( Operator::$op { .. } => (stringify!($proposal), stringify!($visit)), )*
                _ => ("unknown", "unknown"),
            }
        }

        fn immediates(op: &Operator<'_>) -> WasmFeatures {
            match op {
                $( Operator::$op $({ $($arg),* })? => {
                    F::empty() $($( .union(Immediate::needs($arg, stringify!($arg))) )*)?
                } )*
                _ => F::empty(),
            }
        }
    };
}
wasmparser::for_each_operator!(classify_operators);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_feature_flag_has_its_name() {
        for (flag, name) in NAMES {
            let wasmparser_name = name.to_ascii_uppercase().replace('-', "_");
            assert_eq!(F::from_name(&wasmparser_name), Some(*flag), "{name}");
        }
        for (wasmparser_name, flag) in F::all().iter_names() {
            if !wasmparser_name.starts_with("CM") {
                assert!(NAMES.iter().any(|(f, _)| *f == flag), "{wasmparser_name} has no name");
            }
        }
    }

    #[test]
    fn every_operator_proposal_is_a_feature_flag() {
        macro_rules! proposals {
            ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*) )*) => {
                [$(stringify!($proposal)),*]
            };
        }
        for proposal in wasmparser::for_each_operator!(proposals) {
            assert!(proposal == "mvp" || !proposal_flag(proposal).is_empty(), "{proposal}");
        }
    }
}
