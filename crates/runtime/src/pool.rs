//! The instance pool: ready instances of installed precompiles, one list per code hash, so a
//! call skips instantiation. Each instance is snapshotted right after it is instantiated
//! (`Store::snapshot`) and restored after every run (`Store::restore`: memories, tables,
//! globals back to their initial state), so a pooled run starts exactly as a fresh one.
//!
//! Bounds and eviction (docs/wasi.md, "Pooling"): at most [`PoolConfig::per_code`] idle
//! instances per code hash and [`PoolConfig::max_instances`] in all, holding at most
//! [`PoolConfig::max_bytes`] of memory; an instance returned when a bound would be passed
//! first evicts every idle instance of the least recently used other code hash, then, if it
//! still does not fit, is dropped. A module with a start function is never pooled (its start
//! function would have run with another call's context).
//!
//! Guarantee: a pooled run gives the same output, exit code, state changes and gas as a
//! fresh instance (tests/precompile.rs checks it over many runs and random inputs).

use std::collections::HashMap;
use std::sync::Mutex;

use gasket::{Error, Instance, Memory, Module, Store, StoreSnapshot, TypedFunc};

use crate::precompile::{start, CodeHash, PrecompileState, Precompiles};

/// The pool's bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolConfig {
    pub per_code: usize,
    pub max_instances: usize,
    pub max_bytes: usize,
}

impl Default for PoolConfig {
    fn default() -> Self {
        Self { per_code: 4, max_instances: 64, max_bytes: 512 << 20 }
    }
}

struct Pooled {
    store: Store<PrecompileState>,
    start: TypedFunc<(), ()>,
    memory: Option<Memory>,
    snapshot: StoreSnapshot,
}

/// Memory an instance may have grown beyond its initial size and still be pooled (restoring
/// truncates the memory, but its allocation stays).
const MAX_GROWTH: usize = 16 << 20;

#[derive(Default)]
struct Idle {
    lists: HashMap<CodeHash, (u64, Vec<Pooled>)>,
    tick: u64,
    count: usize,
    bytes: usize,
}

/// Idle instances by code hash.
#[derive(Default)]
pub(crate) struct Pool {
    idle: Mutex<Idle>,
    config: PoolConfig,
}

impl Pool {
    pub fn with_config(config: PoolConfig) -> Self {
        Self { idle: Mutex::default(), config }
    }

    /// Idle instances held now, and their memory bytes.
    pub fn usage(&self) -> (usize, usize) {
        let idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        (idle.count, idle.bytes)
    }

    fn take(&self, hash: &CodeHash) -> Option<Pooled> {
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        let pooled = idle.lists.get_mut(hash)?.1.pop()?;
        idle.count -= 1;
        idle.bytes -= pooled.snapshot.memory_bytes();
        Some(pooled)
    }

    fn give_back(&self, hash: CodeHash, pooled: Pooled) {
        let c = self.config;
        let bytes = pooled.snapshot.memory_bytes();
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        idle.tick += 1;
        let tick = idle.tick;
        if idle.lists.get(&hash).is_some_and(|(_, l)| l.len() >= c.per_code) {
            return;
        }
        while idle.count + 1 > c.max_instances || idle.bytes + bytes > c.max_bytes {
            let victim =
                idle.lists.iter().filter(|(h, (_, l))| **h != hash && !l.is_empty()).min_by_key(|(_, (t, _))| *t);
            let Some(victim) = victim.map(|(h, _)| *h) else { return };
            if let Some((_, list)) = idle.lists.remove(&victim) {
                idle.count -= list.len();
                idle.bytes -= list.iter().map(|p| p.snapshot.memory_bytes()).sum::<usize>();
            }
        }
        let entry = idle.lists.entry(hash).or_default();
        entry.0 = tick;
        entry.1.push(pooled);
        idle.count += 1;
        idle.bytes += bytes;
    }

    fn instantiate(p: &Precompiles, module: &Module) -> Result<Pooled, Error> {
        let mut store = Store::new(&p.engine, PrecompileState::idle());
        let instance: Instance = p.linker.instantiate(&mut store, module)?;
        let start = instance.get_typed_func::<(), ()>(&store, "_start")?;
        let memory = instance.get_memory(&store, "memory");
        let snapshot = store.snapshot();
        Ok(Pooled { store, start, memory, snapshot })
    }

    /// Runs `_start` of `module` with `state` and `gas` in a pooled instance (a new one if none
    /// is idle; a fresh store if the module cannot be pooled). Returns the state, the result
    /// and the gas left.
    pub fn run(
        &self,
        p: &Precompiles,
        module: &Module,
        hash: &CodeHash,
        state: PrecompileState,
        gas: u64,
    ) -> (PrecompileState, Result<(), Error>, u64) {
        if module.has_start() {
            let mut store = Store::new(&p.engine, state);
            store.set_gas(gas);
            let result = start(&p.linker, &mut store, module);
            let left = store.gas_left().unwrap_or(0);
            return (store.into_data(), result, left);
        }
        let mut pooled = match self.take(hash).map_or_else(|| Self::instantiate(p, module), Ok) {
            Ok(pooled) => pooled,
            Err(e) => return (state, Err(e), gas),
        };
        *pooled.store.data_mut() = state;
        pooled.store.set_gas(gas);
        let result = pooled.start.call(&mut pooled.store, ());
        let left = pooled.store.gas_left().unwrap_or(0);
        let state = std::mem::replace(pooled.store.data_mut(), PrecompileState::idle());
        let grown = pooled.memory.map_or(0, |m| m.data(&pooled.store).map_or(usize::MAX, <[u8]>::len));
        if grown <= pooled.snapshot.memory_bytes() + MAX_GROWTH && pooled.store.restore(&pooled.snapshot).is_ok() {
            self.give_back(*hash, pooled);
        }
        (state, result, left)
    }
}
