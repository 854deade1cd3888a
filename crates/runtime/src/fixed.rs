//! Fixed-price calls (docs/bounds.md, "Fixed-price calls"): a contract or precompile entry
//! point whose static bounds (gas including the declared costs of the host functions it can
//! reach, call depth, value stack) are all finite and within the engine's limits is charged
//! its gas bound up front and run on an unmetered engine, with no metering at all.
//!
//! Guarantees: the gas charged is exactly the setup gas plus the bound, whatever the run does
//! (host charges in an unmetered run are free; their declared maximum is in the bound); a call
//! whose entry point is not bounded, or that can reach a host function without a declared
//! cost (for contracts `gas_left`, `call`, `precompile_call`, the hashes, every `ethereum`
//! function; for precompiles the WASI functions of `gasket_wasi::max_charge` without a
//! maximum), runs metered. Bounds and the unmetered module are computed once per code, never
//! per call.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use gasket::{Bound, Config, Engine, FuncBounds, Linker, Module};

use crate::frame::CallState;
use crate::host::NAMESPACE;
use crate::precompile::PrecompileState;

/// How a call was priced (in its receipt).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pricing {
    /// Metered: the gas used is what the run charged.
    #[default]
    Metered,
    /// Fixed price: `bound` (the instantiation setup plus the entry point's static gas bound)
    /// was charged up front and the call ran unmetered.
    FixedPrice { bound: u64 },
}

impl Pricing {
    /// A call whose setup costs `setup`: at a fixed price if its entry point's gas bound is
    /// `bound`, else metered.
    pub(crate) fn of(setup: u64, bound: Option<u64>) -> Self {
        bound.map_or(Self::Metered, |b| Self::FixedPrice { bound: setup.saturating_add(b) })
    }

    /// The gas a call must be given before anything runs: its price, or its setup.
    pub(crate) fn upfront(self, setup: u64) -> u64 {
        match self {
            Self::FixedPrice { bound } => bound,
            Self::Metered => setup,
        }
    }
}

/// The host functions of a fixed-price linker and the most each charges per call.
pub(crate) trait FixedHost: Sized + 'static {
    /// Defines the host functions on `linker` and declares (`Linker::declare_cost`) the cost
    /// of those with a maximum; the rest stay undeclared, so calls reaching them run metered.
    fn define(linker: &mut Linker<Self>) -> Result<(), gasket::Error>;
}

impl FixedHost for CallState {
    /// `gasket_v1` and `ethereum`; the costs are `host::declared_costs`.
    fn define(linker: &mut Linker<Self>) -> Result<(), gasket::Error> {
        crate::host::define(linker)?;
        crate::eei::define(linker)?;
        for (name, gas) in crate::host::declared_costs() {
            linker.declare_cost(NAMESPACE, name, gas)?;
        }
        Ok(())
    }
}

impl FixedHost for PrecompileState {
    /// `wasi_snapshot_preview1` and `gasket_precompile`; the costs are
    /// `precompile::declare_costs`.
    fn define(linker: &mut Linker<Self>) -> Result<(), gasket::Error> {
        crate::precompile::define_linker(linker)?;
        crate::precompile::declare_costs(linker)
    }
}

/// What one code's fixed-price calls need: its exports' bounds and its unmetered module.
pub(crate) struct Plan {
    bounds: HashMap<String, FuncBounds>,
    pub module: Module,
}

/// The unmetered engine, its host functions, the declared costs and the plans by code hash.
pub(crate) struct Fixed<S: 'static> {
    pub engine: Engine,
    pub linker: Linker<S>,
    limits: (u64, u64),
    plans: Mutex<HashMap<[u8; 32], Arc<Plan>>>,
    capacity: usize,
}

impl<S: FixedHost> Fixed<S> {
    pub fn new(metered: &Config, capacity: usize) -> Result<Self, gasket::Error> {
        let config = Config { metering: None, ..metered.clone() };
        let engine = Engine::new(&config);
        let mut linker = Linker::new(&engine);
        S::define(&mut linker)?;
        let limits = (u64::from(metered.max_call_depth), u64::from(metered.max_value_stack));
        Ok(Self { engine, linker, limits, plans: Mutex::default(), capacity })
    }

    /// The plan of the code with hash `code_hash` (metered module `metered`, bytes from
    /// `code`, read only the first time): bounds of every export and the unmetered module.
    pub fn plan(
        &self,
        code_hash: &[u8; 32],
        metered: &Module,
        code: impl FnOnce() -> Option<Vec<u8>>,
    ) -> Option<Arc<Plan>> {
        if let Some(p) = self.plans.lock().unwrap_or_else(|p| p.into_inner()).get(code_hash) {
            return Some(p.clone());
        }
        let bounds = metered.export_bounds(self.linker.bounds_config()).ok()?.into_iter().collect();
        let module = Module::from_binary(&self.engine, &code()?).ok()?;
        let plan = Arc::new(Plan { bounds, module });
        let mut plans = self.plans.lock().unwrap_or_else(|p| p.into_inner());
        if plans.len() >= self.capacity.max(1) {
            // Which plan goes does not affect results: a plan is a function of the code.
            if let Some(k) = plans.keys().min().copied() {
                plans.remove(&k);
            }
        }
        plans.insert(*code_hash, plan.clone());
        Some(plan)
    }

    /// The gas bound of `function` if a call of it can run at a fixed price.
    pub fn price(&self, plan: &Plan, function: &str) -> Option<u64> {
        let b = plan.bounds.get(function)?;
        let (Bound::AtMost(gas), Bound::AtMost(depth), Bound::AtMost(stack)) = (b.gas, b.call_depth, b.stack_slots)
        else {
            return None;
        };
        (depth <= self.limits.0 && stack <= self.limits.1).then_some(gas)
    }
}
