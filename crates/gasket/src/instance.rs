//! Instantiation: resolving imports, allocating entities, running active segments and the
//! start function, in the order the Wasm 2.0 spec defines.

use std::sync::Arc;

use crate::exec;
use crate::externals::{Global, Memory, Table};
use crate::module::{ConstExpr, ElemMode, ExternKind, Module};
use crate::store::{AsContext, AsContextMut, FuncKind, InstanceEntity, Store, StoreInner};
use crate::value::Limits32;
use crate::{Error, Func, Trap, TrapCode, TypedFunc, WasmParams, WasmResults};

/// Something an instance can import or export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Extern {
    Func(Func),
    Table(Table),
    Memory(Memory),
    Global(Global),
}

impl Extern {
    pub fn into_func(self) -> Option<Func> {
        if let Self::Func(f) = self {
            Some(f)
        } else {
            None
        }
    }
    pub fn into_memory(self) -> Option<Memory> {
        if let Self::Memory(m) = self {
            Some(m)
        } else {
            None
        }
    }
    pub fn into_table(self) -> Option<Table> {
        if let Self::Table(t) = self {
            Some(t)
        } else {
            None
        }
    }
    pub fn into_global(self) -> Option<Global> {
        if let Self::Global(g) = self {
            Some(g)
        } else {
            None
        }
    }
    fn store(&self) -> u32 {
        match self {
            Self::Func(x) => x.store,
            Self::Table(x) => x.store,
            Self::Memory(x) => x.store,
            Self::Global(x) => x.store,
        }
    }
}

impl From<Func> for Extern {
    fn from(f: Func) -> Self {
        Self::Func(f)
    }
}
impl From<Memory> for Extern {
    fn from(m: Memory) -> Self {
        Self::Memory(m)
    }
}
impl From<Table> for Extern {
    fn from(t: Table) -> Self {
        Self::Table(t)
    }
}
impl From<Global> for Extern {
    fn from(g: Global) -> Self {
        Self::Global(g)
    }
}

/// An instantiated module.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Instance {
    pub(crate) store: u32,
    pub(crate) index: u32,
}

impl Instance {
    /// Instantiates `module` with `imports` given in the order of the module's imports, and
    /// runs its start function.
    pub fn new<T>(mut ctx: impl AsContextMut<Data = T>, module: &Module, imports: &[Extern]) -> Result<Self, Error> {
        instantiate(ctx.store_mut(), module, imports)
    }

    /// The export called `name`; `None` if there is none, or if this instance belongs to
    /// another store than `ctx`'s (the typed accessors say which).
    pub fn get_export(&self, ctx: impl AsContext, name: &str) -> Option<Extern> {
        let inner = ctx.store_inner();
        if inner.check(self.store).is_err() {
            return None;
        }
        let inst = &inner.instances[self.index as usize];
        let export = inst.module.exports.iter().find(|e| &*e.name == name)?;
        Some(extern_of(inner, inst, export.kind, export.index))
    }

    /// All exports, in the module's order.
    pub fn exports(&self, ctx: impl AsContext) -> Result<Vec<(String, Extern)>, Error> {
        let inner = ctx.store_inner();
        inner.check(self.store)?;
        let inst = &inner.instances[self.index as usize];
        Ok(inst.module.exports.iter().map(|e| (e.name.to_string(), extern_of(inner, inst, e.kind, e.index))).collect())
    }

    pub fn get_func(&self, ctx: impl AsContext, name: &str) -> Option<Func> {
        self.get_export(ctx, name)?.into_func()
    }

    pub fn get_typed_func<P: WasmParams, R: WasmResults>(
        &self,
        ctx: impl AsContext,
        name: &str,
    ) -> Result<TypedFunc<P, R>, Error> {
        ctx.store_inner().check(self.store)?;
        let func = self
            .get_export(&ctx, name)
            .and_then(Extern::into_func)
            .ok_or_else(|| Error::Usage(format!("no exported function `{name}`")))?;
        func.typed(&ctx)
    }

    pub fn get_memory(&self, ctx: impl AsContext, name: &str) -> Option<Memory> {
        self.get_export(ctx, name)?.into_memory()
    }

    pub fn get_table(&self, ctx: impl AsContext, name: &str) -> Option<Table> {
        self.get_export(ctx, name)?.into_table()
    }

    pub fn get_global(&self, ctx: impl AsContext, name: &str) -> Option<Global> {
        self.get_export(ctx, name)?.into_global()
    }
}

fn extern_of(inner: &StoreInner, inst: &InstanceEntity, kind: ExternKind, index: u32) -> Extern {
    let store = inner.id;
    let i = index as usize;
    match kind {
        ExternKind::Func => Extern::Func(Func { store, index: inst.funcs[i] }),
        ExternKind::Table => Extern::Table(Table { store, index: inst.tables[i] }),
        ExternKind::Memory => Extern::Memory(Memory { store, index: inst.memories[i] }),
        ExternKind::Global => Extern::Global(Global { store, index: inst.globals[i] }),
    }
}

/// Import limits match when the actual object is at least as large as required and its
/// maximum is at most the required maximum.
fn limits_match(actual: Limits32, required: Limits32) -> bool {
    actual.min >= required.min
        && match required.max {
            None => true,
            Some(req) => actual.max.is_some_and(|m| m <= req),
        }
}

fn incompatible(module: &str, name: &str, why: &str) -> Error {
    Error::Link(format!("incompatible import type for `{module}::{name}`: {why}"))
}

pub(crate) fn instantiate<T>(store: &mut Store<T>, module: &Module, imports: &[Extern]) -> Result<Instance, Error> {
    let m = Arc::clone(&module.inner);
    if !store.inner.engine.same(module.engine()) {
        return Err(Error::Usage("module was prepared by another engine".into()));
    }
    if imports.len() != m.imports.len() {
        return Err(Error::Link(format!("expected {} imports, got {}", m.imports.len(), imports.len())));
    }
    let inner = &mut store.inner;
    let mut funcs = Vec::with_capacity(m.funcs.len());
    let mut tables = Vec::with_capacity(m.tables.len());
    let mut memories = Vec::with_capacity(m.memories.len());
    let mut globals = Vec::with_capacity(m.globals.len());

    // 1. Imports, checked against the module's import types.
    for (import, ext) in m.imports.iter().zip(imports) {
        inner.check(ext.store())?;
        let (mn, nm) = (m.name(import.module), m.name(import.name));
        match (import.kind, ext) {
            (ExternKind::Func, Extern::Func(f)) => {
                let expected = m.func_type(import.index);
                let actual = &inner.funcs[f.index as usize].ty;
                if actual != expected {
                    return Err(incompatible(mn, nm, &format!("expected {expected}, found {actual}")));
                }
                funcs.push(f.index);
            }
            (ExternKind::Table, Extern::Table(t)) => {
                let expected = m.tables[import.index as usize];
                let actual = &inner.tables[t.index as usize];
                let actual_limits = Limits32 { min: actual.elements.len() as u32, max: actual.ty.limits.max };
                if actual.ty.element != expected.element || !limits_match(actual_limits, expected.limits) {
                    return Err(incompatible(mn, nm, "table type mismatch"));
                }
                tables.push(t.index);
            }
            (ExternKind::Memory, Extern::Memory(mem)) => {
                let expected = m.memories[import.index as usize];
                let actual = &inner.memories[mem.index as usize];
                let actual_limits = Limits32 { min: actual.pages(), max: actual.declared_max };
                if !limits_match(actual_limits, expected.limits) {
                    return Err(incompatible(mn, nm, "memory limits mismatch"));
                }
                memories.push(mem.index);
            }
            (ExternKind::Global, Extern::Global(g)) => {
                let expected = m.globals[import.index as usize];
                if inner.globals[g.index as usize].ty != expected {
                    return Err(incompatible(mn, nm, "global type mismatch"));
                }
                globals.push(g.index);
            }
            _ => return Err(incompatible(mn, nm, "kind mismatch")),
        }
    }

    // 2. Defined entities.
    let instance_index = inner.instances.len() as u32;
    let type_ids: Arc<[u32]> = m.types.iter().map(|t| inner.types.id(t)).collect();
    for (i, &ty) in m.funcs.iter().enumerate().skip(m.num_imported_funcs as usize) {
        let ft = m.types[ty as usize].clone();
        let kind = FuncKind::Wasm { instance: instance_index, index: i as u32 };
        funcs.push(inner.alloc_func(ft, Some(type_ids[ty as usize]), kind));
    }
    for ty in &m.tables[m.num_imported_tables as usize..] {
        tables.push(inner.alloc_table(*ty, 0)?);
    }
    for ty in &m.memories[m.num_imported_memories as usize..] {
        memories.push(inner.alloc_memory(ty.limits.min, ty.limits.max)?);
    }
    let eval = |inner: &StoreInner, globals: &[u32], funcs: &[u32], e: ConstExpr| -> u64 {
        match e {
            ConstExpr::Value(v) => v,
            ConstExpr::RefFunc(f) => funcs[f as usize] as u64 + 1,
            ConstExpr::GlobalGet(g) => inner.globals[globals[g as usize] as usize].value,
        }
    };
    for (ty, init) in m.globals[m.num_imported_globals as usize..].iter().zip(&m.global_inits) {
        let value = eval(inner, &globals, &funcs, *init);
        globals.push(inner.alloc_global(*ty, value));
    }
    let elems: Vec<Vec<u64>> =
        m.elems.iter().map(|seg| seg.items.iter().map(|e| eval(inner, &globals, &funcs, *e)).collect()).collect();

    inner.instances.push(InstanceEntity {
        module: Arc::clone(&m),
        type_ids,
        funcs: funcs.into(),
        tables: tables.into(),
        memories: memories.into(),
        globals: globals.into(),
        data_dropped: vec![false; m.datas.len()],
        elems,
    });
    let instance = Instance { store: inner.id, index: instance_index };

    // 3. Active and declared element segments, then active data segments, in order. A trap
    //    stops initialization; what was written before it stays written.
    for (i, seg) in m.elems.iter().enumerate() {
        let inst = &inner.instances[instance_index as usize];
        match seg.mode {
            ElemMode::Passive => continue,
            ElemMode::Declared => {}
            ElemMode::Active { table, offset } => {
                let offset = eval(inner, &inst.globals, &inst.funcs, offset) as u32 as usize;
                let items = &inst.elems[i];
                let t = &mut inner.tables[inst.tables[table as usize] as usize];
                let dst = offset
                    .checked_add(items.len())
                    .and_then(|end| t.elements.get_mut(offset..end))
                    .ok_or(Trap::new(TrapCode::TableOutOfBounds))?;
                dst.copy_from_slice(items);
            }
        }
        inner.instances[instance_index as usize].elems[i] = Vec::new();
    }
    for (i, seg) in m.datas.iter().enumerate() {
        let Some(offset) = seg.offset else { continue };
        let inst = &inner.instances[instance_index as usize];
        let offset = eval(inner, &inst.globals, &inst.funcs, offset) as u32 as usize;
        let mem = &mut inner.memories[inst.memories[0] as usize].bytes;
        let dst = offset
            .checked_add(seg.bytes.len())
            .and_then(|end| mem.get_mut(offset..end))
            .ok_or(Trap::new(TrapCode::MemoryOutOfBounds))?;
        dst.copy_from_slice(&seg.bytes);
        inner.instances[instance_index as usize].data_dropped[i] = true;
    }

    // 4. The start function.
    if let Some(start) = m.start {
        let func = inner.instances[instance_index as usize].funcs[start as usize];
        exec::invoke(store, func, &[], &mut [])?;
    }
    Ok(instance)
}
