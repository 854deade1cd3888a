//! A small module builder over `wasm-encoder`: deduplicated function types, the sections in
//! their required order, and [`fill`], which adds function bodies until a byte target is met.

use std::collections::HashMap;

use wasm_encoder::{
    BlockType, CodeSection, ConstExpr, DataCountSection, DataSection, ElementSection, ExportKind, ExportSection,
    Function, FunctionSection, GlobalSection, GlobalType, ImportSection, MemorySection, MemoryType, Module, RefType,
    TableSection, TableType, TypeSection, ValType,
};

use crate::limits;

pub(crate) type Sig = (Vec<ValType>, Vec<ValType>);

/// The sections of a module under construction. Non-code sections are public so that
/// families can fill them directly; types and functions go through methods.
#[derive(Default)]
pub(crate) struct ModuleBuilder {
    types: Vec<Sig>,
    type_index: HashMap<Sig, u32>,
    pub imports: ImportSection,
    pub imported_funcs: u32,
    funcs: FunctionSection,
    defined_funcs: u32,
    pub tables: TableSection,
    pub memories: MemorySection,
    pub globals: GlobalSection,
    pub exports: ExportSection,
    pub elems: ElementSection,
    pub data_count: Option<u32>,
    code: CodeSection,
    pub data: DataSection,
}

impl ModuleBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// The index of the function type `params -> results`, added if new.
    pub fn ty(&mut self, params: &[ValType], results: &[ValType]) -> u32 {
        let key = (params.to_vec(), results.to_vec());
        if let Some(&i) = self.type_index.get(&key) {
            return i;
        }
        let i = self.types.len() as u32;
        self.type_index.insert(key.clone(), i);
        self.types.push(key);
        i
    }

    /// Adds a type even if an equal one exists (duplicates are valid Wasm).
    pub fn ty_dup(&mut self, params: &[ValType], results: &[ValType]) -> u32 {
        self.types.push((params.to_vec(), results.to_vec()));
        self.types.len() as u32 - 1
    }

    /// Imports a function `m.f<n>` of type `ty`; returns its function index.
    pub fn import_func(&mut self, ty: u32) -> u32 {
        assert_eq!(self.defined_funcs, 0, "imports must precede defined functions");
        let n = self.imported_funcs;
        self.imports.import("m", &format!("f{n}"), wasm_encoder::EntityType::Function(ty));
        self.imported_funcs += 1;
        n
    }

    /// Adds a defined function; returns its function index.
    pub fn func(&mut self, ty: u32, body: &Function) -> u32 {
        self.funcs.function(ty);
        self.code.function(body);
        self.defined_funcs += 1;
        self.imported_funcs + self.defined_funcs - 1
    }

    pub fn defined_funcs(&self) -> u32 {
        self.defined_funcs
    }

    /// Index the next defined function will get.
    pub fn next_func(&self) -> u32 {
        self.imported_funcs + self.defined_funcs
    }

    pub fn memory(&mut self, pages: u64) {
        self.memories.memory(MemoryType {
            minimum: pages,
            maximum: None,
            memory64: false,
            shared: false,
            page_size_log2: None,
        });
    }

    pub fn table(&mut self, elements: u64) {
        self.tables.table(TableType {
            element_type: RefType::FUNCREF,
            table64: false,
            minimum: elements,
            maximum: None,
            shared: false,
        });
    }

    pub fn global(&mut self, ty: ValType, mutable: bool, init: &ConstExpr) {
        self.globals.global(GlobalType { val_type: ty, mutable, shared: false }, init);
    }

    pub fn export_func(&mut self, name: &str, index: u32) {
        self.exports.export(name, ExportKind::Func, index);
    }

    /// Bytes of the code section's contents so far.
    pub fn code_len(&self) -> usize {
        self.code.byte_len()
    }

    /// Encodes the module.
    pub fn finish(&self) -> Vec<u8> {
        let mut types = TypeSection::new();
        for (p, r) in &self.types {
            types.ty().function(p.iter().copied(), r.iter().copied());
        }
        let mut m = Module::new();
        if !self.types.is_empty() {
            m.section(&types);
        }
        if !self.imports.is_empty() {
            m.section(&self.imports);
        }
        if !self.funcs.is_empty() {
            m.section(&self.funcs);
        }
        if !self.tables.is_empty() {
            m.section(&self.tables);
        }
        if !self.memories.is_empty() {
            m.section(&self.memories);
        }
        if !self.globals.is_empty() {
            m.section(&self.globals);
        }
        if !self.exports.is_empty() {
            m.section(&self.exports);
        }
        if !self.elems.is_empty() {
            m.section(&self.elems);
        }
        if let Some(count) = self.data_count {
            m.section(&DataCountSection { count });
        }
        if !self.code.is_empty() {
            m.section(&self.code);
        }
        if !self.data.is_empty() {
            m.section(&self.data);
        }
        m.finish()
    }

    /// Size of the module as it stands, by encoding it. Call once before a [`fill`], not per
    /// function.
    pub fn encoded_len(&self) -> usize {
        self.finish().len()
    }
}

/// Adds functions made by `make(builder, budget, index) -> (type, body)` until the module is
/// about `target` bytes. `budget` is the body size to aim for: at most `max_body` and at most
/// what remains of the target. At least one function is always added. Returns the number of
/// functions added.
pub(crate) fn fill(
    mb: &mut ModuleBuilder,
    target: usize,
    max_body: usize,
    mut make: impl FnMut(&mut ModuleBuilder, usize, usize) -> (u32, Function),
) -> usize {
    let base = mb.encoded_len() + 8;
    let code_start = mb.code_len();
    let funcs_start = mb.defined_funcs();
    let mut i = 0;
    loop {
        // Each function also costs its body-size LEB and a function-section entry.
        let added = (mb.code_len() - code_start) + 2 * (mb.defined_funcs() - funcs_start) as usize;
        let used = base + added;
        let room = target.saturating_sub(used);
        let full = mb.next_func() >= limits::MAX_FUNCTIONS;
        if i > 0 && (room < 24 || full) {
            return i;
        }
        let budget = room.clamp(8, max_body);
        let (ty, f) = make(mb, budget, i);
        mb.func(ty, &f);
        i += 1;
    }
}

/// Zero-traffic filler for [`Body::afford`]: the costliest per byte that moves no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pad {
    /// `local.get 0 if else end` (6 bytes): needs an i32 local 0; for reachable code.
    IfElse,
    /// `if end` (3 bytes): takes its condition from the polymorphic stack; dead code only.
    DeadIf,
}

/// A function body under construction that keeps its *value traffic* (the sum over its
/// operators of the values they move: branch label arities, `br_table` per entry,
/// block parameters and results, `else` parameters and results, `end` results, call parameters
/// and results; see gasket's
/// `Limits::max_value_traffic_per_byte`) within [`limits::MAX_VALUE_TRAFFIC_PER_BYTE`] times
/// its size, padding with zero-traffic code where needed.
pub(crate) struct Body {
    pub f: Function,
    traffic: usize,
}

impl Body {
    /// A body for a function of type `[] -> []` or with a few values (within the engine's
    /// per-function allowance).
    pub fn new(f: Function) -> Self {
        Self { f, traffic: 0 }
    }

    /// Bytes of the body so far (locals and code, as gasket measures it).
    pub fn len(&self) -> usize {
        self.f.byte_len()
    }

    /// Traffic the body may still add if `more` bytes follow.
    fn room(&self, more: usize) -> usize {
        (limits::MAX_VALUE_TRAFFIC_PER_BYTE as usize * (self.len() + more)).saturating_sub(self.traffic)
    }

    /// Bytes of `pad` needed before an operator of `bytes` bytes moving `traffic` values.
    pub fn pad_needed(&self, pad: Pad, bytes: usize, traffic: usize) -> usize {
        let per_byte = limits::MAX_VALUE_TRAFFIC_PER_BYTE as usize;
        let missing = traffic.saturating_sub(self.room(bytes));
        let unit = pad.unit();
        missing.div_ceil(per_byte).div_ceil(unit) * unit
    }

    /// Emits the padding needed so that an operator of `bytes` bytes moving `traffic` values
    /// fits the budget, and counts its traffic. The caller then emits the operator.
    pub fn afford(&mut self, pad: Pad, bytes: usize, traffic: usize) {
        let n = self.pad_needed(pad, bytes, traffic) / pad.unit();
        let mut s = self.f.instructions();
        for _ in 0..n {
            match pad {
                Pad::IfElse => s.local_get(0).if_(BlockType::Empty).else_().end(),
                Pad::DeadIf => s.if_(BlockType::Empty).end(),
            };
        }
        self.traffic += traffic;
    }

    /// Ends the body; checks that it is within the budget.
    pub fn finish(mut self) -> Function {
        self.f.instructions().end();
        assert!(
            self.traffic <= limits::MAX_VALUE_TRAFFIC_PER_BYTE as usize * self.len(),
            "generator bug: value traffic {} over the budget of a {}-byte body",
            self.traffic,
            self.len()
        );
        self.f
    }
}

impl Pad {
    fn unit(self) -> usize {
        match self {
            Pad::IfElse => 6,
            Pad::DeadIf => 3,
        }
    }
}
