//! Precompiles: ordinary WASI programs (wasm32-wasip1 commands) installed by the hash of their
//! code and run as deterministic, metered calls (docs/wasi.md, "Precompiles"). The input is
//! the program's stdin, the result its stdout; the `gasket_precompile` host module gives it a
//! key-value store scoped to the precompile and its caller, the caller and block context, and
//! events, over the runtime's state and journal.
//!
//! Guarantees: the same code installed twice is one entry (content addressing); a run changes
//! state only if it exits with code 0, otherwise its journal layer is dropped; a run is a
//! function of the code, the input, the gas, the context and the state, and a pooled instance
//! gives exactly what a fresh one gives (pool.rs).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use gasket::{Caller, Engine, Error, Extern, Linker, Module, Store, Trap, TrapCode};
use gasket_wasi::{add_to_linker, check_command, engine_config, ClockConfig, Outcome, WasiConfig, WasiCtx};

use crate::address::sha256;
use crate::fixed::{Fixed, Pricing};
use crate::frame::{limit, non_negative, read_array, C};
use crate::host::{
    event_gas, key_gas, storage_write_gas, value_out_gas, GAS_BASE, MAX_DATA, MAX_EVENT_DATA, MAX_KEY, MAX_TOPICS,
    MAX_VALUE,
};
use crate::journal::Journal;
use crate::pool::{Pool, PoolConfig};
use crate::runtime::{Runtime, INSTANTIATE_GAS};
use crate::store::{Change, StateStore, StoreError, Table};
use crate::{Address, BlockContext, Event, RuntimeError};

/// The host module's import namespace.
pub const PRECOMPILE_NAMESPACE: &str = "gasket_precompile";
/// Cap on a precompile's stdout (its result); stderr is capped at [`MAX_PRECOMPILE_STDERR`].
pub const MAX_PRECOMPILE_OUTPUT: usize = MAX_DATA;
pub const MAX_PRECOMPILE_STDERR: usize = 64 * 1024;

/// A precompile's identity: the SHA-256 of its code.
pub type CodeHash = [u8; 32];

/// The whole `gasket_precompile` API as (name, parameter types, result type), in the order
/// docs/wasi.md lists it; a test checks it against what the runtime registers.
pub const PRECOMPILE_API: &[(&str, &str, &str)] = &[
    ("kv_get", "i32 i32 i32 i32", "i32"),
    ("kv_put", "i32 i32 i32 i32", ""),
    ("kv_delete", "i32 i32", "i32"),
    ("caller", "i32", ""),
    ("self_address", "i32", ""),
    ("code_hash", "i32", ""),
    ("block_height", "", "i64"),
    ("block_time", "", "i64"),
    ("emit_event", "i32 i32 i32 i32", ""),
];

/// Who calls a precompile, in which block, and with what arguments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrecompileContext {
    pub caller: Address,
    pub block: BlockContext,
    /// `argv` after the program name (`precompile`).
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    /// The generator's seed; `None`: derived from the code, caller, block and input
    /// ([`default_seed`]).
    pub seed: Option<[u8; 32]>,
}

/// How a precompile call ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrecompileStatus {
    /// The program returned from `_start` (0) or called `proc_exit`; only 0 commits.
    Exited(u32),
    Trapped(String),
    OutOfGas,
    /// stdout or stderr passed its cap.
    OutputLimit(String),
    /// The call could not run: no such precompile.
    Failed(String),
}

/// What a precompile call did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrecompileReceipt {
    pub status: PrecompileStatus,
    /// The program's exit code (what `gasket wasi` exits with): its own, or 1 for a trap,
    /// running out of gas, an output cap or a failure.
    pub exit_code: u32,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub gas_used: u64,
    /// Events, only when the call committed.
    pub events: Vec<Event>,
    /// Metered, or at the fixed price of a bounded `_start` (`RuntimeConfig::fixed_price`).
    pub pricing: Pricing,
}

impl PrecompileReceipt {
    pub fn success(&self) -> bool {
        self.status == PrecompileStatus::Exited(0)
    }

    fn failed(why: &str) -> Self {
        Self {
            status: PrecompileStatus::Failed(why.into()),
            exit_code: 1,
            stdout: Vec::new(),
            stderr: Vec::new(),
            gas_used: 0,
            events: Vec::new(),
            pricing: Pricing::Metered,
        }
    }
}

/// The account a precompile's storage and events belong to: the first 20 bytes of
/// `SHA-256("gasket/precompile/v1" ‖ code hash)`.
pub fn precompile_account(hash: &CodeHash) -> Address {
    let h = sha256(&[&b"gasket/precompile/v1"[..], hash].concat());
    Address(h[..20].try_into().expect("20 of 32 bytes"))
}

/// The default seed of a call: `SHA-256("gasket/wasi/seed/v1" ‖ code hash ‖ caller ‖ height
/// (u64 LE) ‖ time (u64 LE) ‖ input)`.
pub fn default_seed(hash: &CodeHash, caller: &Address, block: &BlockContext, input: &[u8]) -> [u8; 32] {
    let parts: [&[u8]; 6] =
        [b"gasket/wasi/seed/v1", hash, &caller.0, &block.height.to_le_bytes(), &block.time.to_le_bytes(), input];
    sha256(&parts.concat())
}

/// The host state of one precompile run.
pub(crate) struct PrecompileState {
    pub wasi: WasiCtx,
    pub store: Option<Arc<dyn StateStore>>,
    pub journal: Journal,
    pub account: Address,
    pub code_hash: CodeHash,
    pub caller: Address,
    pub block: BlockContext,
    pub fatal: Option<StoreError>,
}

impl PrecompileState {
    pub fn idle() -> Self {
        Self {
            wasi: WasiCtx::default(),
            store: None,
            journal: Journal::default(),
            account: Address::default(),
            code_hash: [0; 32],
            caller: Address::default(),
            block: BlockContext::default(),
            fatal: None,
        }
    }

    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        match self.journal.get(Table::Storage, key) {
            Some(v) => Ok(v.map(<[u8]>::to_vec)),
            None => self.store.as_ref().map_or(Ok(None), |s| s.get(Table::Storage, key)),
        }
    }

    /// The storage key of `key` for this precompile and caller.
    fn key(&self, key: &[u8]) -> Vec<u8> {
        [&self.account.0[..], &self.caller.0, key].concat()
    }
}

type P<'a> = Caller<'a, PrecompileState>;

fn oob() -> Trap {
    Trap::new(TrapCode::MemoryOutOfBounds)
}

fn guest_range(ptr: i32, len: i32) -> Result<std::ops::Range<usize>, Trap> {
    let start = ptr as u32 as usize;
    Ok(start..start.checked_add(len as u32 as usize).ok_or_else(oob)?)
}

/// The memory handle came from this run's own store, so a misuse error is a runtime bug: it
/// ends the run as a host trap, naming it.
fn misuse(e: gasket::Error) -> Trap {
    Trap::host(format!("runtime bug: {e}"))
}

fn memory(c: &P<'_>) -> Result<gasket::Memory, Trap> {
    c.get_export("memory").and_then(Extern::into_memory).ok_or_else(|| Trap::host("the program exports no memory"))
}

fn read(c: &P<'_>, ptr: i32, len: i32) -> Result<Vec<u8>, Trap> {
    let m = memory(c)?;
    m.data(c).map_err(misuse)?.get(guest_range(ptr, len)?).map(<[u8]>::to_vec).ok_or_else(oob)
}

fn write(c: &mut P<'_>, ptr: i32, bytes: &[u8]) -> Result<(), Trap> {
    let m = memory(c)?;
    let r = guest_range(ptr, bytes.len() as i32)?;
    m.data_mut(c).map_err(misuse)?.get_mut(r).ok_or_else(oob)?.copy_from_slice(bytes);
    Ok(())
}

fn stored(c: &mut P<'_>, key: &[u8]) -> Result<Option<Vec<u8>>, Trap> {
    let st = c.data_mut();
    st.get(key).map_err(|e| {
        st.fatal = Some(e);
        Trap::host("state store failure")
    })
}

/// Defines the `gasket_precompile` host module (docs/wasi.md gives each function and its gas).
fn define_host(linker: &mut Linker<PrecompileState>) -> Result<(), Error> {
    let ns = PRECOMPILE_NAMESPACE;
    linker.func_wrap(
        ns,
        "kv_get",
        |mut c: P<'_>, key: i32, key_len: i32, dst: i32, cap: i32| -> Result<i32, Trap> {
            c.consume_gas(key_gas(key_len as u32 as u64))?;
            limit(key_len as u32 as usize, MAX_KEY, "key")?;
            let k = c.data().key(&read(&c, key, key_len)?);
            let Some(value) = stored(&mut c, &k)? else { return Ok(-1) };
            let n = value.len().min(cap as u32 as usize);
            c.consume_gas(value_out_gas(n as u64))?;
            write(&mut c, dst, &value[..n])?;
            Ok(value.len() as i32)
        },
    )?;
    linker.func_wrap(
        ns,
        "kv_put",
        |mut c: P<'_>, key: i32, key_len: i32, val: i32, val_len: i32| -> Result<(), Trap> {
            c.consume_gas(storage_write_gas(key_len as u32 as u64, val_len as u32 as u64))?;
            limit(key_len as u32 as usize, MAX_KEY, "key")?;
            limit(val_len as u32 as usize, MAX_VALUE, "value")?;
            let (k, v) = (read(&c, key, key_len)?, read(&c, val, val_len)?);
            let st = c.data_mut();
            let k = st.key(&k);
            st.journal.write(Table::Storage, k, Some(v));
            Ok(())
        },
    )?;
    linker.func_wrap(ns, "kv_delete", |mut c: P<'_>, key: i32, key_len: i32| -> Result<i32, Trap> {
        c.consume_gas(key_gas(key_len as u32 as u64))?;
        limit(key_len as u32 as usize, MAX_KEY, "key")?;
        let k = c.data().key(&read(&c, key, key_len)?);
        let existed = stored(&mut c, &k)?.is_some();
        c.data_mut().journal.write(Table::Storage, k, None);
        Ok(existed as i32)
    })?;
    for (name, field) in [
        ("caller", (|s: &PrecompileState| s.caller.0.to_vec()) as fn(&PrecompileState) -> Vec<u8>),
        ("self_address", |s| s.account.0.to_vec()),
        ("code_hash", |s| s.code_hash.to_vec()),
    ] {
        linker.func_wrap(ns, name, move |mut c: P<'_>, dst: i32| -> Result<(), Trap> {
            c.consume_gas(GAS_BASE)?;
            let bytes = field(c.data());
            write(&mut c, dst, &bytes)
        })?;
    }
    linker.func_wrap(ns, "block_height", |mut c: P<'_>| -> Result<i64, Trap> {
        c.consume_gas(GAS_BASE)?;
        Ok(non_negative(c.data().block.height))
    })?;
    linker.func_wrap(ns, "block_time", |mut c: P<'_>| -> Result<i64, Trap> {
        c.consume_gas(GAS_BASE)?;
        Ok(non_negative(c.data().block.time))
    })?;
    linker.func_wrap(
        ns,
        "emit_event",
        |mut c: P<'_>, topics: i32, count: i32, data: i32, data_len: i32| -> Result<(), Trap> {
            let count = count as u32 as usize;
            c.consume_gas(event_gas(count as u64, data_len as u32 as u64))?;
            if count > MAX_TOPICS {
                return Err(Trap::host(format!("{count} topics exceed {MAX_TOPICS}")));
            }
            limit(data_len as u32 as usize, MAX_EVENT_DATA, "event data")?;
            let raw = read(&c, topics, (32 * count) as i32)?;
            let topics = raw.chunks_exact(32).map(|t| t.try_into().expect("32-byte chunks")).collect();
            let data = read(&c, data, data_len)?;
            let st = c.data_mut();
            let event = Event { contract: st.account, topics, data };
            st.journal.emit(event);
            Ok(())
        },
    )?;
    Ok(())
}

/// Defines everything a precompile may import: WASI and the `gasket_precompile` host module.
pub(crate) fn define_linker(linker: &mut Linker<PrecompileState>) -> Result<(), Error> {
    add_to_linker(linker, |s: &mut PrecompileState| &mut s.wasi)?;
    define_host(linker)
}

/// Declares (`Linker::declare_cost`) the most each function a precompile may import charges
/// per call, for fixed-price runs: the WASI functions by `gasket_wasi::max_charge` (stdin at
/// most `MAX_DATA`, output caps [`MAX_PRECOMPILE_OUTPUT`] and [`MAX_PRECOMPILE_STDERR`], no
/// preopened directory), the `gasket_precompile` functions by their charge formulas at
/// their limits (`kv_get` as `storage_read`, `kv_put` as `storage_write`, ...). Functions
/// without a maximum stay undeclared, so programs reaching them run metered.
pub(crate) fn declare_costs(linker: &mut Linker<PrecompileState>) -> Result<(), Error> {
    let write = MAX_PRECOMPILE_OUTPUT.max(MAX_PRECOMPILE_STDERR) as u64;
    for spec in &gasket_wasi::FUNCTIONS {
        if let Some(gas) = gasket_wasi::max_charge(spec.func, MAX_DATA as u64, write) {
            linker.declare_cost(gasket_wasi::MODULE, spec.name, gas)?;
        }
    }
    let (key, value) = (MAX_KEY as u64, MAX_VALUE as u64);
    for (name, gas) in [
        ("kv_get", key_gas(key) + value_out_gas(value)),
        ("kv_put", storage_write_gas(key, value)),
        ("kv_delete", key_gas(key)),
        ("caller", GAS_BASE),
        ("self_address", GAS_BASE),
        ("code_hash", GAS_BASE),
        ("block_height", GAS_BASE),
        ("block_time", GAS_BASE),
        ("emit_event", event_gas(MAX_TOPICS as u64, MAX_EVENT_DATA as u64)),
    ] {
        linker.declare_cost(PRECOMPILE_NAMESPACE, name, gas)?;
    }
    Ok(())
}

/// How one precompile run gets its instance and its price.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RunMode {
    /// From the instance pool, else a fresh instance (fixed-price runs are always fresh).
    pub pooled: bool,
    /// At the fixed price if `_start` is bounded and the runtime opted in.
    pub fixed_price: bool,
}

/// What one run produced, before its journal layer is committed or merged.
pub(crate) struct RunOutput {
    pub receipt: PrecompileReceipt,
    pub journal: Journal,
    pub fatal: Option<StoreError>,
}

/// The precompile machinery a runtime shares: the WASI engine, the linker, prepared modules
/// and the instance pool.
pub(crate) struct Precompiles {
    pub engine: Engine,
    pub linker: Linker<PrecompileState>,
    modules: Mutex<HashMap<CodeHash, Module>>,
    pub pool: Pool,
    page_gas: u64,
    /// The unmetered engine and plans of fixed-price runs (`RuntimeConfig::fixed_price`).
    fixed: Option<Fixed<PrecompileState>>,
}

impl Precompiles {
    /// `fixed_price`: with plans for fixed-price runs, at most `plans` of them kept.
    pub fn new(pool: PoolConfig, tier: gasket::Tier, fixed_price: bool, plans: usize) -> Result<Self, Error> {
        let config = gasket::Config { tier, ..engine_config(true) };
        let page_gas = config.metering.as_ref().map_or(0, |s| s.memory_grow_per_page);
        let engine = Engine::new(&config);
        let mut linker = Linker::new(&engine);
        define_linker(&mut linker)?;
        let fixed = if fixed_price { Some(Fixed::new(&config, plans)?) } else { None };
        let modules = Mutex::new(HashMap::new());
        Ok(Self { engine, linker, modules, pool: Pool::with_config(pool), page_gas, fixed })
    }

    fn artifact_key(&self, hash: &CodeHash) -> [u8; 32] {
        sha256(&[&b"gasket/precompile-artifact/v1"[..], hash, &self.engine.fingerprint()].concat())
    }

    /// Validates `code` as a precompile and prepares it.
    pub fn prepare(&self, code: &[u8]) -> Result<Module, RuntimeError> {
        let module = Module::from_binary(&self.engine, code).map_err(RuntimeError::Code)?;
        check_command(&module, &self.linker, &[PRECOMPILE_NAMESPACE])
            .map_err(|e| RuntimeError::NotAContract(e.to_string()))?;
        Ok(module)
    }

    /// The prepared module of installed precompile `hash`: cached, else from its artifact,
    /// else prepared again from its code. `None`: not installed.
    pub fn module(&self, store: &Arc<dyn StateStore>, hash: &CodeHash) -> Result<Option<Module>, RuntimeError> {
        if let Some(m) = self.modules.lock().unwrap_or_else(|p| p.into_inner()).get(hash) {
            return Ok(Some(m.clone()));
        }
        if store.get(Table::Precompiles, hash)?.is_none() {
            return Ok(None);
        }
        let key = self.artifact_key(hash);
        let module = match store.get(Table::Artifacts, &key)?.map(|b| Module::deserialize(&self.engine, &b)) {
            Some(Ok(m)) => m,
            _ => {
                let code = store.get(Table::Code, hash)?.ok_or_else(|| RuntimeError::Corrupt("missing code".into()))?;
                let m = self.prepare(&code)?;
                store.commit(&[Change { table: Table::Artifacts, key: key.to_vec(), value: Some(m.serialize()) }])?;
                m
            }
        };
        self.remember(*hash, module.clone());
        Ok(Some(module))
    }

    fn remember(&self, hash: CodeHash, module: Module) {
        let mut modules = self.modules.lock().unwrap_or_else(|p| p.into_inner());
        if modules.len() >= 64 && !modules.contains_key(&hash) {
            // A bounded cache; which entry goes does not affect results.
            if let Some(k) = modules.keys().min().copied() {
                modules.remove(&k);
            }
        }
        modules.insert(hash, module);
    }

    /// The gas every run of `module` pays before its code runs (as a contract call does).
    pub fn setup_gas(&self, module: &Module) -> u64 {
        INSTANTIATE_GAS.saturating_add(module.stats().max_memory_pages.saturating_mul(self.page_gas))
    }

    /// Runs `module` (precompile `hash`) with `input` and `gas` in a new layer of `journal`,
    /// kept only if the program exits with 0, as `mode` says.
    #[allow(clippy::too_many_arguments)]
    pub fn run(
        &self,
        store: Arc<dyn StateStore>,
        journal: Journal,
        module: &Module,
        hash: &CodeHash,
        input: &[u8],
        gas: u64,
        ctx: &PrecompileContext,
        mode: RunMode,
    ) -> RunOutput {
        // The fixed-price plan (computed once per code) and the price of `_start`, if bounded.
        let fixed = self.fixed.as_ref().filter(|_| mode.fixed_price);
        let priced = fixed.and_then(|f| {
            let plan = f.plan(hash, module, || store.get(Table::Code, hash).ok()?)?;
            Some((f, f.price(&plan, "_start")?, plan))
        });
        let mut args = vec!["precompile".to_string()];
        args.extend(ctx.args.iter().cloned());
        let config = WasiConfig {
            args,
            env: ctx.env.clone(),
            stdin: input.to_vec(),
            stdout_limit: MAX_PRECOMPILE_OUTPUT,
            stderr_limit: MAX_PRECOMPILE_STDERR,
            clock: ClockConfig { realtime_ns: ctx.block.time.saturating_mul(1_000_000_000), ..ClockConfig::default() },
            seed: ctx.seed.unwrap_or_else(|| default_seed(hash, &ctx.caller, &ctx.block, input)),
            preopen: None,
        };
        let mut journal = journal;
        journal.push();
        let state = PrecompileState {
            wasi: WasiCtx::new(config),
            store: Some(store),
            journal,
            account: precompile_account(hash),
            code_hash: *hash,
            caller: ctx.caller,
            block: ctx.block,
            fatal: None,
        };
        let setup = self.setup_gas(module);
        let pricing = Pricing::of(setup, priced.as_ref().map(|(_, bound, _)| *bound));
        let (mut state, result, left) = if gas < pricing.upfront(setup) {
            // Not enough for the setup (or the fixed price): nothing runs, all gas is used.
            (state, Err(Error::Trap(Trap::new(TrapCode::OutOfGas))), 0)
        } else if let Some((f, _, plan)) = &priced {
            // Unmetered: host and WASI charges are free, their declared maximum is in the price.
            let mut store = Store::new(&f.engine, state);
            let result = start(&f.linker, &mut store, &plan.module);
            (store.into_data(), result, 0)
        } else if mode.pooled {
            self.pool.run(self, module, hash, state, gas - setup)
        } else {
            let mut store = Store::new(&self.engine, state);
            store.set_gas(gas - setup);
            let result = start(&self.linker, &mut store, module);
            let left = store.gas_left().unwrap_or(0);
            (store.into_data(), result, left)
        };
        let outcome = gasket_wasi::outcome(result, state.wasi.stop());
        let status = match outcome {
            Ok(Outcome::Exit(c)) => PrecompileStatus::Exited(c),
            Ok(Outcome::Trap(t)) => PrecompileStatus::Trapped(t.to_string()),
            Ok(Outcome::OutOfGas) => PrecompileStatus::OutOfGas,
            Ok(o @ Outcome::OutputLimit { .. }) => PrecompileStatus::OutputLimit(o.to_string()),
            Err(e) => PrecompileStatus::Failed(e.to_string()),
        };
        let exit_code = match status {
            PrecompileStatus::Exited(c) => c,
            _ => 1,
        };
        let success = status == PrecompileStatus::Exited(0) && state.fatal.is_none();
        state.journal.pop(success);
        let gas_used = match pricing {
            // Exactly the price, however the run ended.
            Pricing::FixedPrice { bound } if gas >= bound => bound,
            _ if status == PrecompileStatus::OutOfGas => gas,
            _ => gas - left,
        };
        let (stdout, stderr) = state.wasi.take_output();
        let receipt = PrecompileReceipt { status, exit_code, stdout, stderr, gas_used, events: Vec::new(), pricing };
        RunOutput { receipt, journal: state.journal, fatal: state.fatal }
    }
}

/// Instantiates `module` in `store` and calls `_start`.
pub(crate) fn start(
    linker: &Linker<PrecompileState>,
    store: &mut Store<PrecompileState>,
    module: &Module,
) -> Result<(), Error> {
    let instance = linker.instantiate(&mut *store, module)?;
    instance.get_typed_func::<(), ()>(&*store, "_start")?.call(store, ())
}

impl Runtime {
    /// Validates `code` as a precompile (a WASI command importing only
    /// `wasi_snapshot_preview1` and `gasket_precompile`), prepares it and stores its code,
    /// artifact and registry entry under its SHA-256. Installing the same bytes again
    /// returns the same hash and stores nothing.
    pub fn install_precompile(&self, code: &[u8]) -> Result<CodeHash, RuntimeError> {
        let s = &self.shared;
        let hash = sha256(code);
        if s.store.get(Table::Precompiles, &hash)?.is_some() {
            return Ok(hash);
        }
        let p = &s.precompiles;
        let module = p.prepare(code)?;
        let mut changes = vec![
            Change { table: Table::Artifacts, key: p.artifact_key(&hash).to_vec(), value: Some(module.serialize()) },
            Change {
                table: Table::Precompiles,
                key: hash.to_vec(),
                value: Some((code.len() as u64).to_le_bytes().to_vec()),
            },
        ];
        if s.store.get(Table::Code, &hash)?.is_none() {
            changes.push(Change { table: Table::Code, key: hash.to_vec(), value: Some(code.to_vec()) });
        }
        s.store.commit(&changes)?;
        p.remember(hash, module);
        Ok(hash)
    }

    /// Idle pooled precompile instances, and the memory they hold (bytes).
    pub fn precompile_pool_usage(&self) -> (usize, usize) {
        self.shared.precompiles.pool.usage()
    }

    /// The installed precompiles: (code hash, code size), in hash order.
    pub fn precompiles(&self) -> Result<Vec<(CodeHash, u64)>, RuntimeError> {
        let entries = self.shared.store.scan(Table::Precompiles, &[])?;
        Ok(entries
            .into_iter()
            .filter_map(|(k, v)| Some((k.try_into().ok()?, u64::from_le_bytes(v.try_into().ok()?))))
            .collect())
    }

    /// Calls precompile `hash` with `input` as stdin and at most `gas`: an instance from the
    /// pool (pool.rs). Its state changes and events are committed atomically if it exits
    /// with 0 and discarded otherwise. `Err` only for failures of the runtime itself.
    pub fn call_precompile(
        &self,
        hash: &CodeHash,
        input: &[u8],
        gas: u64,
        ctx: &PrecompileContext,
    ) -> Result<PrecompileReceipt, RuntimeError> {
        self.precompile_call(hash, input, gas, ctx, true)
    }

    /// [`Runtime::call_precompile`] in a fresh instance, bypassing the pool: the reference
    /// the pool is tested against.
    pub fn call_precompile_fresh(
        &self,
        hash: &CodeHash,
        input: &[u8],
        gas: u64,
        ctx: &PrecompileContext,
    ) -> Result<PrecompileReceipt, RuntimeError> {
        self.precompile_call(hash, input, gas, ctx, false)
    }

    fn precompile_call(
        &self,
        hash: &CodeHash,
        input: &[u8],
        gas: u64,
        ctx: &PrecompileContext,
        pooled: bool,
    ) -> Result<PrecompileReceipt, RuntimeError> {
        if input.len() > MAX_DATA {
            return Err(RuntimeError::InputTooLarge(input.len()));
        }
        let s = &self.shared;
        let Some(module) = s.precompiles.module(&s.store, hash)? else {
            return Ok(PrecompileReceipt::failed("no precompile with that hash"));
        };
        let mode = RunMode { pooled, fixed_price: true };
        let out = s.precompiles.run(s.store.clone(), Journal::default(), &module, hash, input, gas, ctx, mode);
        if let Some(e) = out.fatal {
            return Err(RuntimeError::Store(e));
        }
        let mut receipt = out.receipt;
        if receipt.success() {
            receipt.events = self.commit(out.journal.into_committed())?;
        }
        Ok(receipt)
    }
}

/// `gasket_v1::precompile_call(hash, input, input_len, gas: i64) -> i32`: runs precompile
/// `hash` (32 bytes) with `input` as its stdin, as the calling contract, in a layer of the
/// contract's journal; its stdout becomes the return data. 0: exit 0; 1: another exit code;
/// 2: no such precompile, a trap, out of gas, an output cap, or a static call.
pub(crate) fn host_precompile_call(mut c: C<'_>, hash: i32, input: i32, input_len: i32, gas: i64) -> Result<i32, Trap> {
    c.consume_gas(100 + input_len as u32 as u64)?;
    limit(input_len as u32 as usize, MAX_DATA, "precompile input")?;
    let hash: CodeHash = read_array(&c, hash)?;
    let input = crate::frame::read(&c, input, input_len)?;
    let forward = (gas as u64).min(c.gas_left().unwrap_or(0));
    let st = c.data_mut();
    st.last_call_data.clear();
    if st.is_static {
        return Ok(2);
    }
    let shared = st.shared.clone();
    let p = &shared.precompiles;
    let module = match p.module(&shared.store, &hash) {
        Ok(Some(m)) => m,
        Ok(None) | Err(RuntimeError::Code(_) | RuntimeError::NotAContract(_)) => return Ok(2),
        Err(RuntimeError::Store(e)) => {
            st.fatal = Some(e);
            return Err(Trap::host("state store failure"));
        }
        Err(e) => {
            st.fatal = Some(StoreError::Malformed(format!("precompile call: {e}")));
            return Err(Trap::host("state store failure"));
        }
    };
    let ctx = PrecompileContext { caller: st.this, block: st.block, ..PrecompileContext::default() };
    let journal = std::mem::take(&mut st.journal);
    // Called from a contract: always metered (its gas is forwarded and charged as used).
    let mode = RunMode { pooled: true, fixed_price: false };
    let out = p.run(shared.store.clone(), journal, &module, &hash, &input, forward, &ctx, mode);
    let st = c.data_mut();
    st.journal = out.journal;
    if let Some(e) = out.fatal {
        st.fatal = Some(e);
        return Err(Trap::host("state store failure"));
    }
    let r = out.receipt;
    c.consume_gas(r.gas_used)?;
    let code = match r.status {
        PrecompileStatus::Exited(0) => 0,
        PrecompileStatus::Exited(_) => 1,
        _ => 2,
    };
    if code < 2 {
        c.data_mut().last_call_data = r.stdout;
    }
    Ok(code)
}
