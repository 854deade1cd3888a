//! Target (i): static bounds are sound (docs/bounds.md). For a wasm-smith module (the
//! differential target's configuration) and every exported function the analysis bounds, a
//! metered call, with zero arguments and with arguments from the data, given exactly the gas
//! bound, a call-depth limit of the depth bound and a value-stack limit of the stack bound,
//! never runs out of gas nor exhausts the call stack or the value stack.

use arbitrary::Unstructured;
use gasket::{
    Bound, BoundsConfig, Config, Engine, Error, Extern, FuncBounds, GasSchedule, Linker, Module, Store, TrapCode, Val,
};

use crate::differential::arbitrary_val;
use crate::{guard, Finding};

/// Bounds above this many gas are not run (a bounded loop can still run for minutes).
pub const MAX_RUN_GAS: u64 = 5_000_000;

/// What one module's check covered.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct BoundsReport {
    /// Exported functions analysed.
    pub functions: u64,
    /// Of those, with a gas bound / all three bounds.
    pub gas_bounded: u64,
    pub all_bounded: u64,
    /// Calls run at the bounds, and of those, how many used exactly the gas bound.
    pub calls: u64,
    pub exact: u64,
    /// Bounded functions not run: bound above [`MAX_RUN_GAS`], or instantiation trapped.
    pub skipped: u64,
    /// Gas used and gas bound, summed over the calls run (tightness).
    pub used: u128,
    pub bound: u128,
}

impl BoundsReport {
    pub fn add(&mut self, o: &BoundsReport) {
        self.functions += o.functions;
        self.gas_bounded += o.gas_bounded;
        self.all_bounded += o.all_bounded;
        self.calls += o.calls;
        self.exact += o.exact;
        self.skipped += o.skipped;
        self.used += o.used;
        self.bound += o.bound;
    }
}

fn metered(depth: u32, stack: u32) -> Config {
    Config {
        metering: Some(GasSchedule::default()),
        max_call_depth: depth,
        max_value_stack: stack,
        ..Config::default()
    }
}

/// Target (i) on fuzz data: a wasm-smith module from `data`, then arguments from the rest.
pub fn bounds_smith(data: &[u8]) -> Result<BoundsReport, Finding> {
    let mut u = Unstructured::new(data);
    let Ok(config) = crate::differential::smith_config(&mut u) else { return Ok(BoundsReport::default()) };
    let Ok(module) = wasm_smith::Module::new(config, &mut u) else { return Ok(BoundsReport::default()) };
    check_module(&module.to_bytes(), &mut u)
}

/// Checks every exported function of `wasm` (no imports) at its bounds.
pub fn check_module(wasm: &[u8], u: &mut Unstructured<'_>) -> Result<BoundsReport, Finding> {
    let mut report = BoundsReport::default();
    let engine = Engine::new(&metered(gasket::DEFAULT_MAX_CALL_DEPTH, gasket::DEFAULT_MAX_VALUE_STACK));
    let module = match guard("Module::new", || Module::new(&engine, wasm))? {
        Ok(m) => m,
        Err(Error::Limit { .. }) => return Ok(report),
        Err(e) => return Err(Finding::new("rejected-valid", format!("gasket refuses a valid module: {e}"))),
    };
    let all = guard("Module::export_bounds", || module.export_bounds(&BoundsConfig::default()))?
        .map_err(|e| Finding::new("bounds-error", e.to_string()))?;
    for (name, b) in all {
        report.functions += 1;
        // The same bounds for one export alone (which cause an unbounded quantity names
        // depends on the order of the walk, so only bounded or not is compared for those).
        let one = guard("Module::bounds", || module.bounds(&name))?
            .map_err(|e| Finding::new("bounds-error", e.to_string()))?;
        let shape = |b: &FuncBounds| {
            [b.gas, b.call_depth, b.stack_slots].map(|x| match x {
                Bound::AtMost(n) => Some(n),
                Bound::Unbounded { .. } => None,
            })
        };
        if shape(&one) != shape(&b) {
            return Err(Finding::new("bounds-inconsistent", format!("`{name}`: {one:?} alone, {b:?} with the others")));
        }
        let Bound::AtMost(gas) = b.gas else { continue };
        report.gas_bounded += 1;
        let (Bound::AtMost(depth), Bound::AtMost(stack)) = (b.call_depth, b.stack_slots) else {
            return Err(Finding::new("bounds-unsound", format!("`{name}`: gas bounded but not depth or stack: {b:?}")));
        };
        report.all_bounded += 1;
        if gas > MAX_RUN_GAS || depth > u32::MAX as u64 || stack > u32::MAX as u64 {
            report.skipped += 1;
            continue;
        }
        match run_at_bounds(wasm, &name, &b, (gas, depth as u32, stack as u32), u)? {
            None => report.skipped += 1,
            Some(runs) => {
                for used in runs {
                    report.calls += 1;
                    report.exact += (used == gas) as u64;
                    report.used += used as u128;
                    report.bound += gas as u128;
                }
            }
        }
    }
    Ok(report)
}

/// Runs `name` twice (zero arguments, then arguments from `u`) with the limits set to the
/// bounds; the gas used by each call, or `None` if the module could not be instantiated so.
fn run_at_bounds(
    wasm: &[u8],
    name: &str,
    b: &FuncBounds,
    (gas, depth, stack): (u64, u32, u32),
    u: &mut Unstructured<'_>,
) -> Result<Option<Vec<u64>>, Finding> {
    let engine = Engine::new(&metered(depth.max(1), stack.max(1)));
    let module = Module::new(&engine, wasm).map_err(|e| Finding::new("rejected-valid", e.to_string()))?;
    let mut store = Store::new(&engine, ());
    store.set_gas(MAX_RUN_GAS * 4);
    let Ok(instance) = guard("instantiate", || Linker::new(&engine).instantiate(&mut store, &module))? else {
        // The start function trapped (or ran out of gas) under these limits.
        return Ok(None);
    };
    let Some(Extern::Func(f)) = instance.get_export(&store, name) else {
        return Err(Finding::new("bounds-error", format!("export `{name}` is not a function")));
    };
    let ty = f.ty(&store).map_err(|e| Finding::new("misuse", e.to_string()))?;
    let mut out = Vec::new();
    for random in [false, true] {
        let args: Vec<Val> =
            ty.params().iter().map(|t| if random { arbitrary_val(u, *t) } else { Val::default_for(*t) }).collect();
        let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
        store.set_gas(gas);
        let r = guard(&format!("call `{name}`"), || f.call(&mut store, &args, &mut results))?;
        let used = gas - store.gas_left().unwrap_or(0);
        if let Err(e) = &r {
            let code = e.as_trap().map(|t| t.code());
            if matches!(code, Some(TrapCode::OutOfGas | TrapCode::CallStackExhausted | TrapCode::ValueStackExhausted)) {
                return Err(Finding::new(
                    "bounds-unsound",
                    format!("`{name}`({args:?}) at bounds {b:?}: {e} after {used} gas"),
                ));
            }
        }
        out.push(used);
    }
    Ok(Some(out))
}
