//! The store: owner of all runtime entities (functions, memories, tables, globals, instances)
//! and of the host state `T`. Handles are indices into a store, tagged with its id, so an
//! object from one store can never be used with another.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use crate::exec::Stack;
use crate::func::HostFunc;
use crate::module::ModuleInner;
use crate::value::{FuncType, GlobalType, TableType, Val};
use crate::{Engine, Error};

/// Wasm page size.
pub(crate) const PAGE_SIZE: usize = 65536;
/// The spec's maximum page count for a 32-bit memory.
pub(crate) const MAX_PAGES: u32 = 65536;

#[derive(Debug)]
pub(crate) enum FuncKind {
    /// A function defined in a module: `index` in that module's function space.
    Wasm { instance: u32, index: u32 },
    /// A host function: index into [`Store::hosts`].
    Host { host: u32 },
}

#[derive(Debug)]
pub(crate) struct FuncEntity {
    pub ty: FuncType,
    /// Store type id of `ty` ([`TypeRegistry`]).
    pub type_id: u32,
    pub kind: FuncKind,
}

#[derive(Debug)]
pub(crate) struct MemoryEntity {
    pub bytes: Vec<u8>,
    /// Page limit: the smaller of the declared maximum and the engine's limit.
    pub max_pages: u32,
    pub declared_max: Option<u32>,
}

impl MemoryEntity {
    pub fn pages(&self) -> u32 {
        (self.bytes.len() / PAGE_SIZE) as u32
    }

    pub fn can_grow(&self, delta: u32) -> bool {
        self.pages().checked_add(delta).is_some_and(|n| n <= self.max_pages)
    }

    /// `memory.grow`: the old size in pages, or `None` when growth is refused.
    pub fn grow(&mut self, delta: u32) -> Option<u32> {
        let old = self.pages();
        let new = old.checked_add(delta).filter(|n| *n <= self.max_pages)?;
        self.bytes.resize(new as usize * PAGE_SIZE, 0);
        Some(old)
    }
}

#[derive(Debug)]
pub(crate) struct TableEntity {
    pub ty: TableType,
    pub elements: Vec<u64>,
    /// Element limit: the smaller of the declared maximum and the engine's limit.
    pub max: u32,
}

impl TableEntity {
    pub fn can_grow(&self, delta: u32) -> bool {
        (self.elements.len() as u32).checked_add(delta).is_some_and(|n| n <= self.max)
    }

    pub fn grow(&mut self, delta: u32, init: u64) -> Option<u32> {
        let old = self.elements.len() as u32;
        let new = old.checked_add(delta).filter(|n| *n <= self.max)?;
        self.elements.resize(new as usize, init);
        Some(old)
    }
}

#[derive(Debug)]
pub(crate) struct GlobalEntity {
    pub ty: GlobalType,
    pub value: u64,
}

#[derive(Debug)]
pub(crate) struct InstanceEntity {
    pub module: Arc<ModuleInner>,
    /// Store type ids of the module's types, for the signature check of `call_indirect`.
    pub type_ids: Arc<[u32]>,
    /// Store indices of the instance's functions, tables, memories and globals.
    pub funcs: Arc<[u32]>,
    pub tables: Arc<[u32]>,
    pub memories: Arc<[u32]>,
    pub globals: Arc<[u32]>,
    /// Whether each data segment has been dropped.
    pub data_dropped: Vec<bool>,
    /// Each element segment's resolved cells; empty once dropped.
    pub elems: Vec<Vec<u64>>,
}

/// The store's entities, separate from the host state and host functions so that the
/// executor can borrow them independently.
#[doc(hidden)]
#[derive(Debug)]
pub struct StoreInner {
    pub(crate) id: u32,
    pub(crate) engine: Engine,
    pub(crate) funcs: Vec<FuncEntity>,
    pub(crate) memories: Vec<MemoryEntity>,
    pub(crate) tables: Vec<TableEntity>,
    pub(crate) globals: Vec<GlobalEntity>,
    pub(crate) instances: Vec<InstanceEntity>,
    /// The value and frame stacks, kept to reuse their allocations across calls.
    pub(crate) stack: Stack,
    /// Wasm frames active in outer activations (a host function that calls back into Wasm).
    pub(crate) depth: u32,
    /// Argument and result buffers for host calls, reused so a host call allocates nothing.
    pub(crate) host_params: Vec<Val>,
    pub(crate) host_results: Vec<Val>,
    /// Ids of the function types of this store's functions.
    pub(crate) types: TypeRegistry,
    /// Whether the engine meters, and the gas left (docs/gas.md §1).
    pub(crate) metered: bool,
    pub(crate) gas: u64,
    /// This store's call-depth and value-stack limits ([`Store::limit_stack`]), at most the
    /// engine's.
    pub(crate) max_call_depth: u32,
    pub(crate) max_value_stack: u32,
}

static NEXT_STORE_ID: AtomicU32 = AtomicU32::new(0);

/// All runtime state of a set of instances, plus host state `T`.
pub struct Store<T> {
    pub(crate) inner: StoreInner,
    pub(crate) hosts: Vec<HostFunc<T>>,
    data: T,
}

impl<T> Store<T> {
    pub fn new(engine: &Engine, data: T) -> Self {
        Self {
            inner: StoreInner {
                id: NEXT_STORE_ID.fetch_add(1, Ordering::Relaxed),
                engine: engine.clone(),
                funcs: Vec::new(),
                memories: Vec::new(),
                tables: Vec::new(),
                globals: Vec::new(),
                instances: Vec::new(),
                stack: Stack::default(),
                depth: 0,
                host_params: Vec::new(),
                host_results: Vec::new(),
                types: TypeRegistry::default(),
                metered: engine.config().metering.is_some(),
                gas: 0,
                max_call_depth: engine.config().max_call_depth,
                max_value_stack: engine.config().max_value_stack,
            },
            hosts: Vec::new(),
            data,
        }
    }

    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    pub fn data(&self) -> &T {
        &self.data
    }

    pub fn data_mut(&mut self) -> &mut T {
        &mut self.data
    }

    pub fn into_data(self) -> T {
        self.data
    }

    /// Sets the gas left. Without metering (`Config::metering` is `None`) this has no effect.
    pub fn set_gas(&mut self, gas: u64) {
        self.inner.gas = gas;
    }

    /// The gas left, or `None` when the engine does not meter.
    pub fn gas_left(&self) -> Option<u64> {
        self.inner.metered.then_some(self.inner.gas)
    }

    /// Sets the call-depth and value-stack limits of calls made from this store, as
    /// `Config::max_call_depth` and `Config::max_value_stack` define them, clamped to the
    /// engine's: a store can lower them (for example to a function's static bounds,
    /// docs/bounds.md) but never raise them. `u32::MAX` for both restores the engine's.
    pub fn limit_stack(&mut self, max_call_depth: u32, max_value_stack: u32) {
        let config = self.inner.engine.config();
        self.inner.max_call_depth = max_call_depth.min(config.max_call_depth);
        self.inner.max_value_stack = max_value_stack.min(config.max_value_stack);
        // The value stack is checked when it grows (`Stack::enter`), which relies on the cells
        // kept for reuse never exceeding the limit.
        self.inner.stack.cells.truncate(self.inner.max_value_stack as usize);
    }

    /// This store's call-depth and value-stack limits ([`Store::limit_stack`]).
    pub fn stack_limits(&self) -> (u32, u32) {
        (self.inner.max_call_depth, self.inner.max_value_stack)
    }
}

impl StoreInner {
    /// A charge (docs/gas.md §1): fails with `OutOfGas`, leaving the gas unchanged, if too
    /// little is left. Free without metering.
    pub(crate) fn consume_gas(&mut self, amount: u64) -> Result<(), crate::Trap> {
        if self.metered {
            if self.gas < amount {
                return Err(crate::Trap::new(crate::TrapCode::OutOfGas));
            }
            self.gas -= amount;
        }
        Ok(())
    }
}

impl StoreInner {
    pub(crate) fn check(&self, store: u32) -> Result<(), Error> {
        if store != self.id {
            return Err(Error::Usage("object used with a store it does not belong to".into()));
        }
        Ok(())
    }

    pub(crate) fn alloc_memory(&mut self, min: u32, max: Option<u32>) -> Result<u32, Error> {
        let limit = self.engine.config().limits.max_memory_pages.min(MAX_PAGES);
        if min > limit {
            return Err(Error::Limit { what: "initial memory pages", value: min as u64, limit: limit as u64 });
        }
        self.memories.push(MemoryEntity {
            bytes: vec![0; min as usize * PAGE_SIZE],
            max_pages: max.unwrap_or(MAX_PAGES).min(limit),
            declared_max: max,
        });
        Ok(self.memories.len() as u32 - 1)
    }

    pub(crate) fn alloc_table(&mut self, ty: TableType, init: u64) -> Result<u32, Error> {
        let limit = self.engine.config().limits.max_table_elements;
        if ty.limits.min > limit {
            return Err(Error::Limit {
                what: "initial table elements",
                value: ty.limits.min as u64,
                limit: limit as u64,
            });
        }
        self.tables.push(TableEntity {
            ty,
            elements: vec![init; ty.limits.min as usize],
            max: ty.limits.max.unwrap_or(u32::MAX).min(limit),
        });
        Ok(self.tables.len() as u32 - 1)
    }

    pub(crate) fn alloc_global(&mut self, ty: GlobalType, value: u64) -> u32 {
        self.globals.push(GlobalEntity { ty, value });
        self.globals.len() as u32 - 1
    }

    /// Allocates a function of type `ty`, whose store type id is `type_id` if known.
    pub(crate) fn alloc_func(&mut self, ty: FuncType, type_id: Option<u32>, kind: FuncKind) -> u32 {
        let type_id = type_id.unwrap_or_else(|| self.types.id(&ty));
        self.funcs.push(FuncEntity { ty, type_id, kind });
        self.funcs.len() as u32 - 1
    }
}

/// Gives structurally equal function types one id, so that `call_indirect` checks a
/// signature with one integer comparison. Per store, not per engine: it holds only the types
/// of the store's own functions and instances, so it is freed with the store and no stream of
/// modules can make a long-lived engine grow. Ids are assigned in first-seen order and only
/// ever compared, so they never influence results.
#[derive(Debug, Default)]
pub(crate) struct TypeRegistry {
    ids: HashMap<FuncType, u32>,
}

impl TypeRegistry {
    pub fn id(&mut self, ty: &FuncType) -> u32 {
        let next = self.ids.len() as u32;
        *self.ids.entry(ty.clone()).or_insert(next)
    }
}

/// Something that gives read access to a store: a [`Store`] or a [`Caller`](crate::Caller).
pub trait AsContext {
    type Data;
    #[doc(hidden)]
    fn store_inner(&self) -> &StoreInner;
}

/// Something that gives write access to a store.
pub trait AsContextMut: AsContext {
    #[doc(hidden)]
    fn store_mut(&mut self) -> &mut Store<Self::Data>;
}

impl<T> AsContext for Store<T> {
    type Data = T;
    fn store_inner(&self) -> &StoreInner {
        &self.inner
    }
}

impl<T> AsContextMut for Store<T> {
    fn store_mut(&mut self) -> &mut Store<T> {
        self
    }
}

impl<S: AsContext + ?Sized> AsContext for &S {
    type Data = S::Data;
    fn store_inner(&self) -> &StoreInner {
        (**self).store_inner()
    }
}

impl<S: AsContext + ?Sized> AsContext for &mut S {
    type Data = S::Data;
    fn store_inner(&self) -> &StoreInner {
        (**self).store_inner()
    }
}

impl<S: AsContextMut + ?Sized> AsContextMut for &mut S {
    fn store_mut(&mut self) -> &mut Store<S::Data> {
        (**self).store_mut()
    }
}
