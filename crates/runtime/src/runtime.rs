//! Deploy and call: preparing code once, instantiating per call from a cache of prepared
//! modules, and committing each call's state changes atomically or not at all.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use gasket::{Config, Engine, Error, ExternType, FuncType, GasSchedule, Linker, Module, Store, TrapCode};

use crate::address::sha256;
use crate::fixed::Pricing;
use crate::frame::{CallState, CodeSource, Halt};
use crate::journal::{Committed, Journal};
use crate::store::{balance_entry, balance_of, nonce_of, Change, Entries, StateStore, Table};
use crate::{eei, host, Address, BlockContext, CallReceipt, DeployReceipt, RuntimeError, Status};

/// Gas every call pays to instantiate its contract, before any code runs.
pub const INSTANTIATE_GAS: u64 = 1_000;

/// Runtime settings.
#[derive(Debug, Clone)]
pub struct RuntimeConfig {
    /// The engine configuration; metering is always on (the schedule defaults if `None`).
    pub engine: Config,
    /// Prepared modules kept in memory.
    pub cache_capacity: usize,
    /// Bounds of the precompile instance pool (pool.rs).
    pub pool: crate::pool::PoolConfig,
    /// Fixed-price calls (fixed.rs, docs/bounds.md): a top-level call of a bounded entry point
    /// is charged its bound up front and runs unmetered. Off by default.
    pub fixed_price: bool,
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        Self {
            engine: Config { metering: Some(GasSchedule::default()), ..Config::default() },
            cache_capacity: 64,
            pool: crate::pool::PoolConfig::default(),
            fixed_price: false,
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
    pub engine: Engine,
    /// The schedule's `memory_grow_per_page`: what each initial memory page costs a call.
    memory_page_gas: u64,
    linker: Linker<CallState>,
    cache: Mutex<ModuleCache>,
    /// Installed WASI precompiles: their engine, modules and instance pool (precompile.rs).
    pub precompiles: crate::precompile::Precompiles,
    /// The unmetered engine and the plans of fixed-price calls, if opted in.
    fixed: Option<crate::fixed::Fixed<CallState>>,
}

impl Shared {
    pub fn linker(&self) -> &Linker<CallState> {
        &self.linker
    }

    /// Keeps a module prepared from code with hash `code_hash` in the cache.
    pub fn remember(&self, code_hash: &[u8; 32], module: Module) {
        let key = self.artifact_key(code_hash);
        self.cache.lock().unwrap_or_else(|p| p.into_inner()).insert(key, module);
    }

    /// The fixed-price plan of the contract at `address` (metered module `module`).
    fn plan(
        &self,
        fixed: &crate::fixed::Fixed<CallState>,
        st: &CallState,
        address: &Address,
        module: &Module,
    ) -> Option<Arc<crate::fixed::Plan>> {
        let code_hash = st.code_hash(address).ok()??;
        fixed.plan(&code_hash, module, || match self.store.get(Table::Code, &code_hash) {
            Ok(Some(code)) => Some(code),
            _ => st.get(Table::Code, &code_hash).ok()?,
        })
    }

    fn artifact_key(&self, code_hash: &[u8; 32]) -> [u8; 32] {
        sha256(&[&b"gasket/artifact/v1"[..], code_hash, &self.engine.fingerprint()].concat())
    }

    /// The prepared module of the contract at `address`, seen through `st`'s journal: from the
    /// cache, else from its stored artifact, else prepared from its code (and the artifact
    /// stored, if the code is committed). `None`: no contract.
    fn module_for(&self, st: &CallState, address: &Address) -> Result<Option<Module>, RuntimeError> {
        let Some(code_hash) = st.code_hash(address)? else { return Ok(None) };
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
        // No usable artifact (another engine configuration prepared it, or `create` made the
        // contract in this very call): prepare again.
        let committed = self.store.get(Table::Code, &code_hash)?;
        let stored = committed.is_some();
        let code = match committed {
            Some(code) => code,
            None => st.get(Table::Code, &code_hash)?.ok_or_else(|| RuntimeError::Corrupt("missing code".into()))?,
        };
        let m = Module::from_binary(&self.engine, &code).map_err(RuntimeError::Code)?;
        if stored {
            // Code created by an uncommitted `create` gets its artifact once it is committed.
            self.store.commit(&[Change { table: Table::Artifacts, key: key.to_vec(), value: Some(m.serialize()) }])?;
        }
        cache(&m);
        Ok(Some(m))
    }
}

/// Runs `function` of the code `state.code` as `state.this` with `gas`, in a fresh instance,
/// inside a new journal layer that is kept only on success; first moves `state.transfer` from
/// the caller. Returns the state, the status and the gas used.
pub(crate) fn run_contract(
    shared: &Arc<Shared>,
    state: CallState,
    function: &str,
    gas: u64,
) -> (CallState, Status, u64) {
    let (state, status, used, _) = run_priced(shared, state, function, gas, false);
    (state, status, used)
}

/// [`run_contract`], at a fixed price if `fixed` and the entry point is bounded (fixed.rs).
fn run_priced(
    shared: &Arc<Shared>,
    mut state: CallState,
    function: &str,
    gas: u64,
    fixed: bool,
) -> (CallState, Status, u64, Pricing) {
    let module = match &state.code {
        CodeSource::Contract(address) => shared.module_for(&state, address),
        CodeSource::Init(_, module) => Ok(Some(module.clone())),
    };
    let module = match module {
        Ok(Some(m)) => m,
        Ok(None) => return (state, Status::Failed("no contract at that address".into()), 0, Pricing::Metered),
        Err(RuntimeError::Store(e)) => {
            state.fatal = Some(e);
            return (state, Status::Failed("state store failure".into()), 0, Pricing::Metered);
        }
        Err(e) => return (state, Status::Failed(e.to_string()), 0, Pricing::Metered),
    };
    let plan = match (&shared.fixed, &state.code, fixed) {
        (Some(f), CodeSource::Contract(address), true) => shared.plan(f, &state, address, &module),
        _ => None,
    };
    let priced = plan.as_ref().and_then(|p| Some((p, shared.fixed.as_ref()?.price(p, function)?)));
    let ewasm = eei::is_ewasm(&module);
    let pages = module.stats().max_memory_pages;
    let setup = INSTANTIATE_GAS.saturating_add(pages.saturating_mul(shared.memory_page_gas));
    let pricing = Pricing::of(setup, priced.as_ref().map(|(_, bound)| *bound));
    if gas < pricing.upfront(setup) {
        // Not enough for the setup (or the fixed price): nothing runs, all gas is used.
        return (state, Status::OutOfGas, gas, pricing);
    }
    state.journal.push();
    let (from, to, amount) = (state.caller, state.this, state.transfer);
    match state.transfer(&from, &to, amount) {
        Ok(true) => {}
        Ok(false) => {
            state.journal.pop(false);
            return (state, Status::Failed("insufficient balance for the call's value".into()), 0, pricing);
        }
        Err(e) => {
            state.journal.pop(false);
            state.fatal = Some(e);
            return (state, Status::Failed("state store failure".into()), 0, pricing);
        }
    }
    let (engine, linker, module) = match (priced, &shared.fixed) {
        (Some((plan, _)), Some(f)) => (&f.engine, &f.linker, &plan.module),
        _ => (&shared.engine, &shared.linker, &module),
    };
    let mut store = Store::new(engine, state);
    // Unmetered: `set_gas` is ignored, host charges are free, `gas_left` is `None`.
    store.set_gas(gas - setup);
    let outcome = linker.instantiate(&mut store, module).and_then(|instance| {
        store.data_mut().memory = instance.get_memory(&store, "memory");
        let f = instance.get_typed_func::<(), ()>(&store, function)?;
        f.call(&mut store, ())
    });
    let used = gas - store.gas_left().unwrap_or(0);
    let mut state = store.into_data();
    let status = match (outcome, state.halt) {
        (Ok(()), _) | (Err(_), Halt::Finished) => Status::Success,
        (Err(_), Halt::Reverted) => Status::Reverted,
        (Err(Error::Trap(t)), Halt::Running) if t.code() == TrapCode::OutOfGas => Status::OutOfGas,
        (Err(Error::Trap(t)), Halt::Running) => Status::Trapped(t.to_string()),
        (Err(e), Halt::Running) => Status::Failed(e.to_string()),
    };
    state.journal.pop(status == Status::Success);
    // Running out of gas consumes all of it; so does a trap of an ewasm contract (its design
    // says so). docs/runtime.md.
    let all = status == Status::OutOfGas || (ewasm && matches!(status, Status::Trapped(_)));
    let used = match pricing {
        // Exactly the price, however the run ended.
        Pricing::FixedPrice { bound } => bound,
        Pricing::Metered if all => gas,
        Pricing::Metered => used,
    };
    (state, status, used, pricing)
}

/// The contract runtime over a [`StateStore`].
pub struct Runtime {
    pub(crate) shared: Arc<Shared>,
}

impl Runtime {
    pub fn new(store: Arc<dyn StateStore>, config: RuntimeConfig) -> Result<Self, RuntimeError> {
        let mut engine_config = config.engine;
        engine_config.metering.get_or_insert_with(GasSchedule::default);
        let engine = Engine::new(&engine_config);
        let mut linker = Linker::new(&engine);
        host::define(&mut linker).map_err(RuntimeError::Code)?;
        eei::define(&mut linker).map_err(RuntimeError::Code)?;
        let cache = ModuleCache { entries: HashMap::new(), tick: 0, capacity: config.cache_capacity };
        let memory_page_gas = engine_config.metering.as_ref().map_or(0, |s| s.memory_grow_per_page);
        let precompiles = crate::precompile::Precompiles::new(
            config.pool,
            engine_config.tier,
            config.fixed_price,
            config.cache_capacity,
        )
        .map_err(RuntimeError::Code)?;
        let cache = Mutex::new(cache);
        let fixed = match config.fixed_price {
            true => Some(crate::fixed::Fixed::new(&engine_config, config.cache_capacity).map_err(RuntimeError::Code)?),
            false => None,
        };
        Ok(Self { shared: Arc::new(Shared { store, engine, memory_page_gas, linker, cache, precompiles, fixed }) })
    }

    pub fn engine(&self) -> &Engine {
        &self.shared.engine
    }

    /// The host functions a contract may import from `namespace` (`gasket_v1` or `ethereum`),
    /// with their types, in name order: the one definition tools and tests generate from.
    pub fn host_api(&self, namespace: &str) -> Vec<(String, FuncType)> {
        self.shared.linker.host_funcs(namespace).map(|(name, ty)| (name.to_string(), ty)).collect()
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
        Ok(nonce_of(self.shared.store.get(Table::Nonces, &deployer.0)?))
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
        self.call_value(caller, address, function, input, 0, gas_limit, block)
    }

    /// [`Runtime::call`] that also moves `value` from `caller`'s balance to the contract's
    /// before it runs (as part of the call: undone if the call fails). A caller without that
    /// much gets `Status::Failed`.
    #[allow(clippy::too_many_arguments)]
    pub fn call_value(
        &self,
        caller: Address,
        address: Address,
        function: &str,
        input: &[u8],
        value: u128,
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
            origin: caller,
            caller,
            this: address,
            code: CodeSource::Contract(address),
            value,
            transfer: value,
            is_static: false,
            input: input.to_vec(),
            output: Vec::new(),
            halt: Halt::Running,
            last_call_data: Vec::new(),
            stack: vec![address],
            memory: None,
            fatal: None,
        };
        let (state, status, gas_used, pricing) = run_priced(&self.shared, state, function, gas_limit, true);
        if let Some(e) = state.fatal {
            return Err(RuntimeError::Store(e));
        }
        let committed = state.journal.into_committed();
        let success = status == Status::Success;
        let events = if success { self.commit(committed)? } else { Vec::new() };
        let return_data = if matches!(status, Status::Success | Status::Reverted) { state.output } else { Vec::new() };
        Ok(CallReceipt { status, return_data, gas_used, events, pricing })
    }

    /// Commits what a successful call changed, in one atomic batch; returns its events. A
    /// self-destructed contract loses its code entry, its balance and all its storage.
    pub(crate) fn commit(&self, c: Committed) -> Result<Vec<crate::Event>, RuntimeError> {
        let gone = |table: Table, key: &[u8]| {
            table == Table::Storage && key.len() >= 20 && c.destroyed.iter().any(|a| key.starts_with(&a.0))
        };
        let mut changes: Vec<Change> = c
            .writes
            .into_iter()
            .filter(|((table, key), _)| !gone(*table, key))
            .map(|((table, key), value)| Change { table, key, value })
            .collect();
        for a in &c.destroyed {
            for (key, _) in self.shared.store.scan(Table::Storage, &a.0)? {
                changes.push(Change { table: Table::Storage, key, value: None });
            }
            changes.retain(|ch| !(matches!(ch.table, Table::Contracts | Table::Balances) && ch.key == a.0));
            changes.push(Change { table: Table::Contracts, key: a.0.to_vec(), value: None });
            changes.push(Change { table: Table::Balances, key: a.0.to_vec(), value: None });
        }
        self.shared.store.commit(&changes)?;
        Ok(c.events)
    }

    /// The balance of `account`.
    pub fn balance(&self, account: &Address) -> Result<u128, RuntimeError> {
        Ok(balance_of(self.shared.store.get(Table::Balances, &account.0)?))
    }

    /// Adds `amount` to `account`'s balance (saturating): how an embedder funds accounts, at
    /// genesis or as a block reward. Returns the new balance.
    pub fn credit(&self, account: &Address, amount: u128) -> Result<u128, RuntimeError> {
        let balance = self.balance(account)?.saturating_add(amount);
        let value = balance_entry(balance);
        self.shared.store.commit(&[Change { table: Table::Balances, key: account.0.to_vec(), value }])?;
        Ok(balance)
    }

    /// The storage of the contract at `address`: (key, value) pairs in key order.
    pub fn storage(&self, address: &Address) -> Result<Entries, RuntimeError> {
        let entries = self.shared.store.scan(Table::Storage, &address.0)?;
        Ok(entries.into_iter().map(|(k, v)| (k[20..].to_vec(), v)).collect())
    }

    /// Whether a contract exists at `address`.
    pub fn exists(&self, address: &Address) -> Result<bool, RuntimeError> {
        Ok(self.shared.store.get(Table::Contracts, &address.0)?.is_some())
    }
}

/// Contract conventions (docs/runtime.md): exports `memory`, has no start function, imports
/// functions of one host namespace only, `gasket_v1` or `ethereum`, each with the type the
/// runtime defines; an `ethereum` contract also exports `main: [] -> []`.
pub(crate) fn check_contract(module: &Module, linker: &Linker<CallState>) -> Result<(), RuntimeError> {
    if !module.exports().any(|(name, ty)| name == "memory" && matches!(ty, ExternType::Memory(_))) {
        return Err(RuntimeError::NotAContract("it does not export `memory`".into()));
    }
    if module.has_start() {
        return Err(RuntimeError::NotAContract("it has a start function".into()));
    }
    let namespace = if eei::is_ewasm(module) { eei::NAMESPACE } else { host::NAMESPACE };
    for (m, name, ty) in module.imports() {
        let defined = linker.host_func_type(m, name).map(ExternType::Func);
        if m != namespace || defined.as_ref() != Some(&ty) {
            let why =
                if m == eei::NAMESPACE || m == host::NAMESPACE { " (one host namespace per contract)" } else { "" };
            return Err(RuntimeError::NotAContract(format!("unknown import `{m}::{name}` of type {ty}{why}")));
        }
    }
    if namespace == eei::NAMESPACE {
        let main = module.exports().find(|(name, _)| *name == "main").map(|(_, ty)| ty);
        if !matches!(main, Some(ExternType::Func(ref f)) if f.params().is_empty() && f.results().is_empty()) {
            return Err(RuntimeError::NotAContract(
                "an `ethereum` contract must export `main` with no parameters or results".into(),
            ));
        }
    }
    Ok(())
}
