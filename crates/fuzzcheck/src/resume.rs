//! Target (j): resumable calls equal uninterrupted ones (docs/resume.md).
//!
//! A wasm-smith module ([`differential::smith_config`]: Wasm 2.0, no imports, everything
//! exported) is instantiated in two stores of the same engine, on each tier. Every exported
//! function is called once with zero arguments, then up to [`EXTRA_CALLS`] calls chosen with
//! arguments from the data, in both stores alike:
//!
//! - **straight**: `Func::call` with the whole budget;
//! - **paused**: `Func::call_resumable` starting with a gas amount drawn from the data, and
//!   topped up by random amounts (from 1 gas to 4,096, pause points thus anywhere) at each
//!   `OutOfGas`, never beyond the same budget in total.
//!
//! After each call the two must agree on the outcome (results bitwise, or the trap code:
//! out of gas when the budget ran out in both), the gas used, and every exported global,
//! memory (size and bytes) and table (size and each entry's nullness). The pause must also
//! be honest: gas left below `required_gas()`.

use arbitrary::Unstructured;
use gasket::{Error, Extern, Func, Instance, Linker, Module, ResumableCall, Store, Tier, TrapCode, Val, ValType};

use crate::differential::{gasket_engine, smith_config};
use crate::{guard, Finding, XorShift};

/// Calls after the one-per-export pass, chosen from the data.
pub const EXTRA_CALLS: usize = 8;

/// The gas budget of one instantiation or call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget(pub u64);

impl Budget {
    /// The fuzz target's budget.
    pub const FUZZ: Budget = Budget(1_000_000);
    /// The bounded test's budget (dev profile).
    pub const TEST: Budget = Budget(100_000);
}

/// The pauses of one paused call are at most this many; then the rest is given at once.
const MAX_PAUSES: usize = 64;

/// What one input checked.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ResumeReport {
    pub generated: bool,
    /// Instantiated (on at least one tier).
    pub instantiated: bool,
    /// Calls compared (both tiers counted).
    pub calls: usize,
    /// Out-of-gas pauses resumed.
    pub pauses: usize,
    /// Calls that returned.
    pub returned: usize,
    /// Calls that ran out of the whole budget in both runs.
    pub out_of_gas: usize,
    /// A module over a gasket limit, skipped.
    pub limit: Option<&'static str>,
}

/// The tiers gasket has on this machine.
pub fn tiers() -> &'static [Tier] {
    if cfg!(target_arch = "x86_64") {
        &[Tier::Interpreter, Tier::Compiler]
    } else {
        &[Tier::Interpreter]
    }
}

/// The module (j) generates from `data`, if any.
pub fn module_bytes(data: &[u8]) -> Option<Vec<u8>> {
    crate::differential::module_bytes(data)
}

/// Target (j).
pub fn resume_with(data: &[u8], budget: Budget) -> Result<ResumeReport, Finding> {
    let mut report = ResumeReport::default();
    let mut u = Unstructured::new(data);
    let Ok(config) = smith_config(&mut u) else { return Ok(report) };
    let Ok(module) = wasm_smith::Module::new(config, &mut u) else { return Ok(report) };
    let wasm = gasket_refmeter::canon::canonicalize_conversions(&module.to_bytes())
        .ok_or_else(|| Finding::new("generator", "a wasm-smith module failed to parse"))?;
    report.generated = true;
    // The plan, drawn once for every tier: (export index or none for the zero pass, args
    // seed), the initial gas of each paused call and the top-up generator's seed.
    let seed: u64 = u.arbitrary().unwrap_or(1);
    let extra: Vec<(u32, u64)> = (0..EXTRA_CALLS)
        .map_while(|_| if u.is_empty() { None } else { Some((u.arbitrary().ok()?, u.arbitrary().ok()?)) })
        .collect();
    for &tier in tiers() {
        check_module(&wasm, tier, budget, seed, &extra, &mut report)?;
    }
    Ok(report)
}

fn check_module(
    wasm: &[u8],
    tier: Tier,
    budget: Budget,
    seed: u64,
    extra: &[(u32, u64)],
    report: &mut ResumeReport,
) -> Result<(), Finding> {
    let engine = gasket_engine(tier);
    let module = match guard("Module::new", || Module::new(engine, wasm))? {
        Ok(m) => m,
        Err(Error::Limit { what, .. }) => {
            report.limit = Some(what);
            return Ok(());
        }
        Err(e) => return Err(Finding::new("rejected-valid", format!("gasket refuses a valid module: {e}"))),
    };
    let mut a = Store::new(engine, ());
    let mut b = Store::new(engine, ());
    a.set_gas(budget.0);
    b.set_gas(budget.0);
    let ia = guard("instantiate", || Linker::new(engine).instantiate(&mut a, &module))?;
    let ib = guard("instantiate", || Linker::new(engine).instantiate(&mut b, &module))?;
    let (ia, ib) = match (ia, ib) {
        (Ok(x), Ok(y)) => (x, y),
        (Err(_), Err(_)) => return Ok(()),
        (x, y) => return Err(diverge(tier, format!("instantiation: {:?} vs {:?}", x.err(), y.err()))),
    };
    report.instantiated = true;
    let funcs: Vec<(Func, Func)> = exported_funcs(&a, ia).into_iter().zip(exported_funcs(&b, ib)).collect();
    let mut rng = XorShift::for_case(seed, tier as u64);
    let mut plan: Vec<(usize, Option<u64>)> = (0..funcs.len()).map(|i| (i, None)).collect();
    if !funcs.is_empty() {
        plan.extend(extra.iter().map(|&(f, s)| (f as usize % funcs.len(), Some(s))));
    }
    for (k, (index, args_seed)) in plan.into_iter().enumerate() {
        let (fa, fb) = funcs[index];
        let ty = fa.ty(&a).map_err(misuse)?;
        let args: Vec<Val> = match args_seed {
            None => ty.params().iter().map(|t| Val::default_for(*t)).collect(),
            Some(s) => {
                let mut r = XorShift::for_case(s, k as u64);
                ty.params().iter().map(|t| arbitrary_val(*t, &mut r)).collect()
            }
        };
        let at = format!("{tier:?} call {k} (export {index}, args {args:?})");
        // Straight.
        a.set_gas(budget.0);
        let mut out = vec![Val::I32(0); ty.results().len()];
        let straight = guard("call", || fa.call(&mut a, &args, &mut out))?.map(|()| out);
        let straight_gas = budget.0 - a.gas_left().unwrap_or(0);
        // Paused.
        let first = rng.next_u64() % budget.0.min(1 << (rng.next_u64() % 18));
        let (paused, paused_gas, pauses) = paused_call(&mut b, fb, &args, budget.0, first, &mut rng, &at)?;
        report.calls += 1;
        report.pauses += pauses;
        let (sa, sb) = (outcome(&straight), outcome(&paused));
        if sa != sb || straight_gas != paused_gas {
            return Err(diverge(
                tier,
                format!(
                    "{at}: straight {sa} with {straight_gas} gas, paused {pauses} times: {sb} with {paused_gas} gas"
                ),
            ));
        }
        match sa.as_str() {
            "trap: out of gas" => report.out_of_gas += 1,
            s if s.starts_with("returned") => report.returned += 1,
            _ => {}
        }
        compare_state(&a, ia, &b, ib).map_err(|d| diverge(tier, format!("{at}: {d}")))?;
        if sa.contains("exhausted") {
            // The stacks are not the point here; a deep recursion is slow to repeat.
            break;
        }
    }
    Ok(())
}

/// A paused call's outcome, gas used and pauses.
type Paused = (Result<Vec<Val>, Error>, u64, usize);

/// Runs `f` resumably: `first` gas, then random top-ups up to `budget` in total. Returns the
/// outcome, the gas used and the pauses.
fn paused_call(
    store: &mut Store<()>,
    f: Func,
    args: &[Val],
    budget: u64,
    first: u64,
    rng: &mut XorShift,
    at: &str,
) -> Result<Paused, Finding> {
    let mut given = first.min(budget);
    store.set_gas(given);
    let mut pauses = 0;
    let mut call = guard("call_resumable", || f.call_resumable(&mut *store, args))?;
    let result = loop {
        let handle = match call {
            Ok(ResumableCall::Finished(r)) => break Ok(r),
            Ok(ResumableCall::HostTrap(h)) => return Err(Finding::new("resume", format!("{at}: host trap {h:?}"))),
            Ok(ResumableCall::OutOfGas(h)) => h,
            Err(e) => break Err(e),
        };
        let left = store.gas_left().unwrap_or(0);
        if left >= handle.required_gas() {
            return Err(Finding::new(
                "resume",
                format!("{at}: paused with {left} gas left for a charge of {}", handle.required_gas()),
            ));
        }
        if given == budget {
            // The budget ran out: as the straight call's `OutOfGas`. The handle is dropped.
            break Err(Error::Trap(TrapCode::OutOfGas.into()));
        }
        pauses += 1;
        let step = if pauses >= MAX_PAUSES { budget } else { 1 + rng.next_u64() % (1 << (rng.next_u64() % 13)) };
        let top = step.min(budget - given);
        given += top;
        store.set_gas(left + top);
        call = guard("resume", || handle.resume(&mut *store))?;
    };
    Ok((result, given - store.gas_left().unwrap_or(0), pauses))
}

fn exported_funcs(store: &Store<()>, instance: Instance) -> Vec<Func> {
    let exports = instance.exports(store).unwrap_or_default();
    exports.into_iter().filter_map(|(_, e)| if let Extern::Func(f) = e { Some(f) } else { None }).collect()
}

fn arbitrary_val(t: ValType, r: &mut XorShift) -> Val {
    let x = r.next_u64();
    // Small values half the time: loop counts and addresses.
    let x = if r.next_u64().is_multiple_of(2) { x % 64 } else { x };
    match t {
        ValType::I32 => Val::I32(x as i32),
        ValType::I64 => Val::I64(x as i64),
        ValType::F32 => Val::F32(x as u32),
        ValType::F64 => Val::F64(x),
        ValType::FuncRef => Val::FuncRef(None),
        ValType::ExternRef => Val::ExternRef(None),
    }
}

/// An outcome as text: results bitwise (references by nullness), or the trap.
fn outcome(r: &Result<Vec<Val>, Error>) -> String {
    match r {
        Ok(vals) => format!("returned {}", vals.iter().map(show).collect::<Vec<_>>().join(" ")),
        Err(Error::Trap(t)) => format!("trap: {}", t.code()),
        Err(e) => format!("error: {e}"),
    }
}

fn show(v: &Val) -> String {
    match v {
        Val::I32(x) => format!("i32:{x}"),
        Val::I64(x) => format!("i64:{x}"),
        Val::F32(x) => format!("f32:{x:#010x}"),
        Val::F64(x) => format!("f64:{x:#018x}"),
        Val::FuncRef(r) => format!("funcref:{}", if r.is_some() { "func" } else { "null" }),
        Val::ExternRef(r) => format!("externref:{}", if r.is_some() { "ref" } else { "null" }),
    }
}

/// Every exported global, memory and table of the two instances, compared.
fn compare_state(a: &Store<()>, ia: Instance, b: &Store<()>, ib: Instance) -> Result<(), String> {
    let ea = ia.exports(a).map_err(|e| e.to_string())?;
    let eb = ib.exports(b).map_err(|e| e.to_string())?;
    for ((name, x), (_, y)) in ea.iter().zip(&eb) {
        let same = match (x, y) {
            (Extern::Global(x), Extern::Global(y)) => {
                x.get(a).ok().as_ref().map(show) == y.get(b).ok().as_ref().map(show)
            }
            (Extern::Memory(x), Extern::Memory(y)) => x.data(a).ok() == y.data(b).ok(),
            (Extern::Table(x), Extern::Table(y)) => {
                let (n, m) = (x.size(a).unwrap_or(0), y.size(b).unwrap_or(0));
                n == m
                    && (0..n).all(|i| {
                        x.get(a, i).ok().flatten().map(|v| show(&v)) == y.get(b, i).ok().flatten().map(|v| show(&v))
                    })
            }
            _ => true,
        };
        if !same {
            return Err(format!("export `{name}` differs after the call"));
        }
    }
    Ok(())
}

fn diverge(tier: Tier, detail: String) -> Finding {
    Finding::new("resume-divergence", format!("{tier:?}: {detail}"))
}

fn misuse(e: Error) -> Finding {
    Finding::new("misuse", format!("the check misused the API: {e}"))
}
