//! Deploy and call: preparing code once, instantiating per call from a cache of prepared
//! modules, and committing each call's state changes atomically or not at all.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use gasket::{Config, Engine, Error, ExternType, GasSchedule, Linker, Module, Store, TrapCode};

use crate::address::sha256;
use crate::host::{self, CallState};
use crate::journal::Journal;
use crate::store::{Change, StateStore, Table};
use crate::{Address, BlockContext, CallReceipt, DeployReceipt, RuntimeError, Status};

/// Gas every call pays to instantiate its contract, before any code runs.
pub const INSTANTIATE_GAS: u64 = 1_000;

/// Runtime settings.
#[derive(Debug, Clone)]
pub struct RuntimeConfig {
    /// The engine configuration; metering is always on (the schedule defaults if `None`).
    pub engine: Config,
    /// Prepared modules kept in memory.
    pub cache_capacity: usize,
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        Self {
            engine: Config { metering: Some(GasSchedule::default()), ..Config::default() },
            cache_capacity: 64,
        }
    }
}

/// A least-recently-used cache of prepared modules, keyed by artifact key.
struct ModuleCache {
    entries: HashMap<[u8; 32], (Module, u64)>,
    tick: u64,
    capacity: usize,
}

impl ModuleCache {
    fn get(&mut self, key: &[u8; 32]) -> Option<Module> {
        self.tick += 1;
        let tick = self.tick;
        self.entries.get_mut(key).map(|(m, t)| {
            *t = tick;
            m.clone()
        })
    }

    fn insert(&mut self, key: [u8; 32], module: Module) {
        if self.entries.len() >= self.capacity.max(1) {
            // Ticks are unique, so the eviction choice does not depend on map order.
            if let Some(oldest) = self.entries.iter().min_by_key(|(_, (_, t))| *t).map(|(k, _)| *k) {
                self.entries.remove(&oldest);
            }
        }
        self.tick += 1;
        self.entries.insert(key, (module, self.tick));
    }
}

/// What calls share: the store, the engine, the host functions and the module cache.
pub(crate) struct Shared {
    pub store: Arc<dyn StateStore>,
    engine: Engine,
    linker: Linker<CallState>,
    cache: Mutex<ModuleCache>,
}

impl Shared {
    fn artifact_key(&self, code_hash: &[u8; 32]) -> [u8; 32] {
        sha256(&[&b"gasket/artifact/v1"[..], code_hash, &self.engine.fingerprint()].concat())
    }

    /// The prepared module of the contract at `address`: from the cache, else from its stored
    /// artifact, else prepared from its code (and the artifact stored). `None`: no contract.
    fn module_for(&self, address: &Address) -> Result<Option<Module>, RuntimeError> {
        let Some(code_hash) = self.store.get(Table::Contracts, &address.0)? else { return Ok(None) };
        let code_hash: [u8; 32] =
            code_hash.try_into().map_err(|_| RuntimeError::Corrupt("code hash".into()))?;
        let key = self.artifact_key(&code_hash);
        let cache = |m: &Module| self.cache.lock().unwrap_or_else(|p| p.into_inner()).insert(key, m.clone());
        if let Some(m) = self.cache.lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
            return Ok(Some(m));
        }
        if let Some(bytes) = self.store.get(Table::Artifacts, &key)? {
            if let Ok(m) = Module::deserialize(&self.engine, &bytes) {
                cache(&m);
                return Ok(Some(m));
            }
        }
        // No usable artifact (another engine configuration prepared it): prepare again.
        let code = self.store.get(Table::Code, &code_hash)?.ok_or_else(|| RuntimeError::Corrupt("missing code".into()))?;
        let m = Module::from_binary(&self.engine, &code).map_err(RuntimeError::Code)?;
        self.store.commit(&[Change { table: Table::Artifacts, key: key.to_vec(), value: Some(m.serialize()) }])?;
        cache(&m);
        Ok(Some(m))
    }
}

/// Runs `function` of the contract `state.this` with `gas`, in a fresh instance, inside a new
/// journal layer that is kept only on success. Returns the state, the status and the gas used.
pub(crate) fn run_contract(shared: &Arc<Shared>, mut state: CallState, function: &str, gas: u64) -> (CallState, Status, u64) {
    let module = match shared.module_for(&state.this) {
        Ok(Some(m)) => m,
        Ok(None) => return (state, Status::Failed("no contract at that address".into()), 0),
        Err(RuntimeError::Store(e)) => {
            state.fatal = Some(e);
            return (state, Status::Failed("state store failure".into()), 0);
        }
        Err(e) => return (state, Status::Failed(e.to_string()), 0),
    };
    let pages = module.stats().max_memory_pages;
    let schedule = shared.engine.config().metering.clone().unwrap_or_default();
    let setup = INSTANTIATE_GAS.saturating_add(pages.saturating_mul(schedule.memory_grow_per_page));
    if gas < setup {
        return (state, Status::OutOfGas, gas);
    }
    state.journal.push();
    let mut store = Store::new(&shared.engine, state);
    store.set_gas(gas - setup);
    let outcome = shared.linker.instantiate(&mut store, &module).and_then(|instance| {
        store.data_mut().memory = instance.get_memory(&store, "memory");
        let f = instance.get_typed_func::<(), ()>(&store, function)?;
        f.call(&mut store, ())
    });
    let used = gas - store.gas_left().unwrap_or(0);
    let mut state = store.into_data();
    let status = match outcome {
        Ok(()) => Status::Success,
        Err(_) if state.reverted => Status::Reverted,
        Err(Error::Trap(t)) if t.code() == TrapCode::OutOfGas => Status::OutOfGas,
        Err(Error::Trap(t)) => Status::Trapped(t.to_string()),
        Err(e) => Status::Failed(e.to_string()),
    };
    state.journal.pop(status == Status::Success);
    // Running out of gas consumes all of it (docs/runtime.md).
    let used = if status == Status::OutOfGas { gas } else { used };
    (state, status, used)
}

/// The contract runtime over a [`StateStore`].
pub struct Runtime {
    shared: Arc<Shared>,
}

impl Runtime {
    pub fn new(store: Arc<dyn StateStore>, config: RuntimeConfig) -> Result<Self, RuntimeError> {
        let mut engine_config = config.engine;
        engine_config.metering.get_or_insert_with(GasSchedule::default);
        let engine = Engine::new(&engine_config);
        let mut linker = Linker::new(&engine);
        host::define(&mut linker).map_err(RuntimeError::Code)?;
        let cache = ModuleCache { entries: HashMap::new(), tick: 0, capacity: config.cache_capacity };
        Ok(Self { shared: Arc::new(Shared { store, engine, linker, cache: Mutex::new(cache) }) })
    }

    pub fn engine(&self) -> &Engine {
        &self.shared.engine
    }

    /// Validates and prepares `code` (charging `prepare_gas`), stores the code under its hash
    /// and the prepared artifact under its key, and records the contract at its address.
    pub fn deploy(&self, code: &[u8], deployer: Address, salt: &[u8]) -> Result<DeployReceipt, RuntimeError> {
        let s = &self.shared;
        let module = Module::from_binary(&s.engine, code).map_err(RuntimeError::Code)?;
        check_contract(&module, &s.linker)?;
        let code_hash = sha256(code);
        let address = Address::derive(&deployer, salt, &code_hash);
        if s.store.get(Table::Contracts, &address.0)?.is_some() {
            return Err(RuntimeError::AddressTaken(address));
        }
        let nonce = self.nonce(&deployer)?;
        let key = s.artifact_key(&code_hash);
        s.store.commit(&[
            Change { table: Table::Code, key: code_hash.to_vec(), value: Some(code.to_vec()) },
            Change { table: Table::Artifacts, key: key.to_vec(), value: Some(module.serialize()) },
            Change { table: Table::Contracts, key: address.0.to_vec(), value: Some(code_hash.to_vec()) },
            Change { table: Table::Nonces, key: deployer.0.to_vec(), value: Some((nonce + 1).to_le_bytes().to_vec()) },
        ])?;
        s.cache.lock().unwrap_or_else(|p| p.into_inner()).insert(key, module);
        Ok(DeployReceipt { address, code_hash, gas_used: gasket::prepare_gas(code.len()) })
    }

    /// How many contracts `deployer` has deployed: the salt the CLI uses by default.
    pub fn nonce(&self, deployer: &Address) -> Result<u64, RuntimeError> {
        let raw = self.shared.store.get(Table::Nonces, &deployer.0)?;
        Ok(raw.and_then(|b| b.try_into().ok()).map(u64::from_le_bytes).unwrap_or(0))
    }

    /// Calls entry point `function` of the contract at `address`. The call's state changes and
    /// events are committed atomically if it succeeds and discarded otherwise; either way the
    /// receipt says what happened. `Err` is kept for failures of the runtime itself.
    pub fn call(
        &self,
        caller: Address,
        address: Address,
        function: &str,
        input: &[u8],
        gas_limit: u64,
        block: BlockContext,
    ) -> Result<CallReceipt, RuntimeError> {
        if input.len() > host::MAX_DATA {
            return Err(RuntimeError::InputTooLarge(input.len()));
        }
        let state = CallState {
            shared: Arc::clone(&self.shared),
            journal: Journal::default(),
            block,
            caller,
            this: address,
            input: input.to_vec(),
            output: Vec::new(),
            reverted: false,
            last_call_data: Vec::new(),
            stack: vec![address],
            memory: None,
            fatal: None,
        };
        let (state, status, gas_used) = run_contract(&self.shared, state, function, gas_limit);
        if let Some(e) = state.fatal {
            return Err(RuntimeError::Store(e));
        }
        let (writes, events) = state.journal.into_parts();
        let committed = status == Status::Success;
        if committed {
            let changes: Vec<Change> = writes
                .into_iter()
                .map(|((contract, key), value)| Change {
                    table: Table::Storage,
                    key: [&contract.0[..], &key].concat(),
                    value,
                })
                .collect();
            self.shared.store.commit(&changes)?;
        }
        let return_data = if matches!(status, Status::Success | Status::Reverted) { state.output } else { Vec::new() };
        Ok(CallReceipt { status, return_data, gas_used, events: if committed { events } else { Vec::new() } })
    }

    /// The storage of the contract at `address`: (key, value) pairs in key order.
    pub fn storage(&self, address: &Address) -> Result<Vec<(Vec<u8>, Vec<u8>)>, RuntimeError> {
        let entries = self.shared.store.scan(Table::Storage, &address.0)?;
        Ok(entries.into_iter().map(|(k, v)| (k[20..].to_vec(), v)).collect())
    }

    /// Whether a contract exists at `address`.
    pub fn exists(&self, address: &Address) -> Result<bool, RuntimeError> {
        Ok(self.shared.store.get(Table::Contracts, &address.0)?.is_some())
    }
}

/// Contract conventions (docs/runtime.md): exports `memory`, has no start function, imports
/// only `gasket_v1` functions, each with the type the runtime defines.
fn check_contract(module: &Module, linker: &Linker<CallState>) -> Result<(), RuntimeError> {
    if !module.exports().any(|(name, ty)| name == "memory" && matches!(ty, ExternType::Memory(_))) {
        return Err(RuntimeError::NotAContract("it does not export `memory`".into()));
    }
    if module.has_start() {
        return Err(RuntimeError::NotAContract("it has a start function".into()));
    }
    for (m, name, ty) in module.imports() {
        let defined = linker.host_func_type(m, name).map(ExternType::Func);
        if m != host::NAMESPACE || defined.as_ref() != Some(&ty) {
            return Err(RuntimeError::NotAContract(format!("unknown import `{m}::{name}` of type {ty}")));
        }
    }
    Ok(())
}
