//! Target (c): differential execution against wasmi 2.0.
//!
//! A wasm-smith module (Wasm 2.0 without SIMD, no imports, NaNs canonicalized by wasm-smith
//! and, after `f32.demote_f64`/`f64.promote_f32`, by [`crate::canon`], everything exported) is instantiated in gasket (metered, gas limit) and in wasmi (eager
//! compilation, fuel limit, recursion depth and memory/table growth limits set to gasket's
//! defaults). Then every exported function is called once with zero arguments, in export
//! order, followed by up to [`EXTRA_CALLS`] calls chosen (with arguments) from the rest of the
//! data. After the instantiation and after every call the two engines must agree on:
//!
//! - the outcome: returned, or trapped with the same mapped [`TrapKind`];
//! - the results, floats compared bitwise;
//! - every exported global, memory (size and bytes) and table (size and each entry's nullness).
//!
//! Gas and fuel are different units, so a call that runs out in either engine is
//! **inconclusive**: its comparison is skipped, and the module stops there, since the two
//! engines stopped at different points and their states no longer correspond. A call that
//! exhausts a stack limit in either engine also ends the module (see [`Outcome::Stack`]).

use arbitrary::Unstructured;
use gasket::{Config, Engine, Error, Extern, GasSchedule, Linker, Module, Store, Tier, TrapCode, Val, ValType};
use wasmi::errors::{ErrorKind, InstantiationError};
use wasmi::{Nullable, StoreLimits, StoreLimitsBuilder};

use gasket_refmeter::runtime::{wasm2_config, wasmi_trap_kind};
use gasket_refmeter::TrapKind;

use crate::prepare::wasm2_features;
use crate::{guard, Finding};

/// Calls after the one-per-export pass, chosen from the data.
pub const EXTRA_CALLS: usize = 16;

/// The work bounds of one instantiation or call (gas for gasket, fuel for wasmi), and the
/// gasket tier that runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    pub gas: u64,
    pub fuel: u64,
    pub tier: Tier,
}

impl Bounds {
    /// The fuzz target's bounds. Both engines charge about one unit per simple instruction;
    /// 2 M of each is room for 500 pages of `memory.grow` in gasket (4,096 gas a page) and
    /// tens of thousands of calls, yet an infinite loop ends in milliseconds.
    pub const FUZZ: Bounds = Bounds { gas: 2_000_000, fuel: 2_000_000, tier: Tier::Interpreter };
    /// The bounded test's bounds (dev profile, 2,000 modules).
    pub const TEST: Bounds = Bounds { gas: 300_000, fuel: 300_000, tier: Tier::Interpreter };
    /// These bounds on the compiled tier.
    pub const fn compiled(self) -> Bounds {
        Bounds { tier: Tier::Compiler, ..self }
    }
}

/// The outcome of an instantiation or call in either engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Returned,
    Trap(TrapKind),
    /// gasket `OutOfGas`, wasmi `OutOfFuel`: inconclusive.
    OutOfBudget,
    /// gasket `CallStackExhausted` or `ValueStackExhausted`; wasmi `StackOverflow`. The
    /// engines lay out frames differently, so the value-stack bound is not at the same depth:
    /// both exhausted agree (and end the module, state not compared); one alone is
    /// inconclusive.
    Stack,
    /// Anything else, with the engine's message.
    Other(String),
}

/// The engine-neutral kind of a gasket trap code, as [`TrapKind`] documents it; `None` for
/// `OutOfGas`, which is the meter's outcome rather than a trap. The one copy of this mapping:
/// the reference meter's equality tests use it too. No wildcard, so a new code does not compile
/// until it is mapped.
pub fn gasket_trap_kind(code: TrapCode) -> Option<TrapKind> {
    use TrapCode as G;
    Some(match code {
        G::OutOfGas => return None,
        G::Unreachable => TrapKind::Unreachable,
        G::MemoryOutOfBounds => TrapKind::MemoryOutOfBounds,
        G::TableOutOfBounds | G::UndefinedElement => TrapKind::TableOutOfBounds,
        G::UninitializedElement => TrapKind::UninitializedElement,
        G::IndirectCallTypeMismatch => TrapKind::IndirectCallTypeMismatch,
        G::IntegerOverflow => TrapKind::IntegerOverflow,
        G::IntegerDivisionByZero => TrapKind::IntegerDivisionByZero,
        G::InvalidConversionToInteger => TrapKind::InvalidConversionToInteger,
        G::CallStackExhausted | G::ValueStackExhausted => TrapKind::StackExhausted,
        G::Host => TrapKind::Host,
    })
}

fn gasket_outcome<T>(r: &Result<T, Error>) -> Outcome {
    let e = match r {
        Ok(_) => return Outcome::Returned,
        Err(e) => e,
    };
    let Some(trap) = e.as_trap() else { return Outcome::Other(e.to_string()) };
    match gasket_trap_kind(trap.code()) {
        None => Outcome::OutOfBudget,
        Some(TrapKind::StackExhausted) => Outcome::Stack,
        Some(kind) => Outcome::Trap(kind),
    }
}

fn wasmi_outcome<T>(r: &Result<T, wasmi::Error>) -> Outcome {
    use wasmi::TrapCode as W;
    let e = match r {
        Ok(_) => return Outcome::Returned,
        Err(e) => e,
    };
    if let ErrorKind::Instantiation(InstantiationError::ElementSegmentDoesNotFit { .. }) = e.kind() {
        return Outcome::Trap(TrapKind::TableOutOfBounds);
    }
    let Some(code) = e.as_trap_code() else { return Outcome::Other(e.to_string()) };
    match code {
        W::OutOfFuel => Outcome::OutOfBudget,
        W::StackOverflow => Outcome::Stack,
        other => match wasmi_trap_kind(other) {
            TrapKind::Other => Outcome::Other(format!("wasmi trap {other:?}")),
            kind => Outcome::Trap(kind),
        },
    }
}

/// (c)'s wasm-smith configuration: drawn from the data like (b)'s, forced to Wasm 2.0
/// without SIMD, no imports, NaNs canonicalized, everything exported, and small enough that
/// a module runs in milliseconds (at most 20 functions of 300 instructions, 4 initial pages,
/// 100 table elements), and without wasm-smith's trap guards.
pub fn smith_config(u: &mut Unstructured<'_>) -> arbitrary::Result<wasm_smith::Config> {
    let mut c: wasm_smith::Config = u.arbitrary()?;
    wasm2_features(&mut c);
    c.max_imports = 0;
    c.min_imports = 0;
    c.canonicalize_nans = true;
    // wasm-smith guards divisions with `local.get x; local.get x; i32.eqz; select`, a pattern
    // that wasmi 2.0.0 mistranslates (fuzz/regressions/differential/
    // open-wasmi-select-eqz-same-local.wat): with the guards, trapping divisions are simply
    // compared instead.
    c.disallow_traps = false;
    c.export_everything = true;
    c.max_funcs = c.max_funcs.clamp(1, 20);
    c.max_instructions = c.max_instructions.clamp(1, 300);
    c.max_memory32_bytes = c.max_memory32_bytes.min(4 * 65536);
    c.max_table_elements = c.max_table_elements.min(100);
    c.max_tables = c.max_tables.min(4);
    c.max_data_segments = c.max_data_segments.min(16);
    c.max_element_segments = c.max_element_segments.min(16);
    c.max_elements = c.max_elements.min(32);
    c.max_globals = c.max_globals.min(32);
    c.max_types = c.max_types.min(32);
    Ok(c)
}

/// gasket metered with the default schedule, on `tier`; one engine per tier, reused (every
/// target that runs metered gasket on a tier uses it).
pub(crate) fn gasket_engine(tier: Tier) -> &'static Engine {
    static I: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
    static C: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
    let cell = if tier == Tier::Compiler { &C } else { &I };
    cell.get_or_init(|| Engine::new(&Config { metering: Some(GasSchedule::default()), tier, ..Config::default() }))
}

/// wasmi configured like gasket: eager compilation, fuel, Wasm 2.0 without SIMD, recursion
/// depth `DEFAULT_MAX_CALL_DEPTH` (16,384) and a value stack of gasket's nominal size (1 Mi
/// cells of 8 bytes).
fn wasmi_engine() -> &'static wasmi::Engine {
    static E: std::sync::OnceLock<wasmi::Engine> = std::sync::OnceLock::new();
    E.get_or_init(|| {
        let g = Config::default();
        let stack_bytes = g.max_value_stack as usize * 8;
        let mut config = wasm2_config();
        config
            .consume_fuel(true)
            .compilation_mode(wasmi::CompilationMode::Eager)
            .set_max_recursion_depth(g.max_call_depth as usize)
            .set_min_stack_height(stack_bytes.min(1_000))
            .set_max_stack_height(stack_bytes);
        wasmi::Engine::new(&config)
    })
}

/// A wasmi store whose memory and table growth stop where gasket's defaults do (1024 pages,
/// 10,000 elements).
fn wasmi_store(fuel: u64) -> wasmi::Store<StoreLimits> {
    let l = gasket::Limits::default();
    let limits = StoreLimitsBuilder::new()
        .memory_size(l.max_memory_pages as usize * 65536)
        .table_elements(l.max_table_elements as usize)
        .instances(usize::MAX)
        .tables(usize::MAX)
        .memories(usize::MAX)
        .build();
    let mut store = wasmi::Store::new(wasmi_engine(), limits);
    store.limiter(|s| s);
    store.set_fuel(fuel).expect("fuel is enabled");
    store
}

/// What (c) saw for one module.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DiffReport {
    /// wasm-smith built a module from the data.
    pub generated: bool,
    /// gasket refused the module with `Error::Limit` on this (not compared).
    pub limit: Option<&'static str>,
    /// Both instantiations completed (returned or trapped alike).
    pub instantiated: bool,
    /// Calls made in both engines.
    pub calls: usize,
    /// Calls whose outcomes (and results and state) were compared.
    pub compared: usize,
    /// Of those, calls that trapped (alike).
    pub trapped: usize,
    /// Instantiations or calls that ran out of gas or fuel (at most one per module).
    pub inconclusive: usize,
    /// Instantiations or calls that exhausted a stack limit (at most one per module).
    pub stack: usize,
    /// Modules skipped because wasmi panicked translating them.
    pub reference_panics: usize,
}

/// Lets panics raised inside wasmi unwind (to be counted by [`compare_module`]) instead of
/// reaching the panic hook libFuzzer installs, which aborts; every other panic still does.
/// The differential fuzz target calls this first.
pub fn tolerate_reference_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !info.location().is_some_and(|l| l.file().contains("/wasmi")) {
                previous(info)
            }
        }));
    });
}

fn to_wasmi(v: &Val) -> wasmi::Val {
    use wasmi::Val as W;
    match v {
        Val::I32(x) => W::I32(*x),
        Val::I64(x) => W::I64(*x),
        Val::F32(b) => W::F32(wasmi::F32::from_bits(*b)),
        Val::F64(b) => W::F64(wasmi::F64::from_bits(*b)),
        Val::FuncRef(_) => W::FuncRef(Nullable::Null),
        Val::ExternRef(_) => W::ExternRef(Nullable::Null),
    }
}

/// Bitwise equality of a gasket and a wasmi value; references by nullness.
fn same(g: &Val, w: &wasmi::Val) -> bool {
    use wasmi::Val as W;
    match (g, w) {
        (Val::I32(a), W::I32(b)) => a == b,
        (Val::I64(a), W::I64(b)) => a == b,
        (Val::F32(a), W::F32(b)) => *a == b.to_bits(),
        (Val::F64(a), W::F64(b)) => *a == b.to_bits(),
        (Val::FuncRef(a), W::FuncRef(b)) => a.is_none() == b.is_null(),
        (Val::ExternRef(a), W::ExternRef(b)) => a.is_none() == b.is_null(),
        _ => false,
    }
}

fn show_w(w: &wasmi::Val) -> String {
    use wasmi::Val as W;
    match w {
        W::I32(x) => format!("i32:{x}"),
        W::I64(x) => format!("i64:{x}"),
        W::F32(x) => format!("f32:{:#010x}", x.to_bits()),
        W::F64(x) => format!("f64:{:#018x}", x.to_bits()),
        W::FuncRef(r) => {
            if r.is_null() {
                "funcref:null".into()
            } else {
                "funcref:func".into()
            }
        }
        W::ExternRef(r) => {
            if r.is_null() {
                "externref:null".into()
            } else {
                "externref:ref".into()
            }
        }
        _ => "v128".into(),
    }
}

pub(crate) fn show_g(g: &Val) -> String {
    match g {
        Val::I32(x) => format!("i32:{x}"),
        Val::I64(x) => format!("i64:{x}"),
        Val::F32(x) => format!("f32:{x:#010x}"),
        Val::F64(x) => format!("f64:{x:#018x}"),
        Val::FuncRef(r) => {
            if r.is_none() {
                "funcref:null".into()
            } else {
                "funcref:func".into()
            }
        }
        Val::ExternRef(r) => {
            if r.is_none() {
                "externref:null".into()
            } else {
                "externref:ref".into()
            }
        }
    }
}

/// A handle used with the wrong store: a bug of this harness, not of either engine.
fn misuse(e: gasket::Error) -> Finding {
    Finding::new("harness bug", e.to_string())
}

/// Compares every export that holds state: globals, memories, tables.
fn compare_state(
    at: &str,
    exports: &[(String, Extern)],
    g_store: &Store<()>,
    w_inst: &wasmi::Instance,
    w_store: &wasmi::Store<StoreLimits>,
) -> Result<(), Finding> {
    let diverge = |what: String| Err(Finding::new("divergence", format!("{at}: {what}")));
    for (name, ext) in exports {
        let Some(w) = w_inst.get_export(w_store, name) else {
            return diverge(format!("export `{name}` missing in wasmi"));
        };
        match (ext, w) {
            (Extern::Global(g), wasmi::Extern::Global(w)) => {
                let (gv, wv) = (g.get(g_store).map_err(misuse)?, w.get(w_store));
                if !same(&gv, &wv) {
                    return diverge(format!("global `{name}`: gasket {} wasmi {}", show_g(&gv), show_w(&wv)));
                }
            }
            (Extern::Memory(g), wasmi::Extern::Memory(w)) => {
                let (gs, ws) = (g.size(g_store).map_err(misuse)? as u64, w.size(w_store));
                if gs != ws {
                    return diverge(format!("memory `{name}`: gasket {gs} pages, wasmi {ws} pages"));
                }
                let (gd, wd) = (g.data(g_store).map_err(misuse)?, w.data(w_store));
                if gd != wd {
                    let i = gd.iter().zip(wd).position(|(a, b)| a != b).unwrap_or(gd.len().min(wd.len()));
                    return diverge(format!(
                        "memory `{name}` ({} bytes vs {}): first difference at {i}: gasket {:?} wasmi {:?}",
                        gd.len(),
                        wd.len(),
                        gd.get(i),
                        wd.get(i)
                    ));
                }
            }
            (Extern::Table(g), wasmi::Extern::Table(w)) => {
                let (gs, ws) = (g.size(g_store).map_err(misuse)? as u64, w.size(w_store));
                if gs != ws {
                    return diverge(format!("table `{name}`: gasket {gs} elements, wasmi {ws}"));
                }
                for i in 0..gs {
                    let gn = match g.get(g_store, i as u32).map_err(misuse)? {
                        Some(Val::FuncRef(r)) => r.is_none(),
                        Some(Val::ExternRef(r)) => r.is_none(),
                        other => return diverge(format!("table `{name}`[{i}] in gasket: {other:?}")),
                    };
                    let wn = match w.get(w_store, i) {
                        Some(r) => r.is_null(),
                        None => return diverge(format!("table `{name}`[{i}] missing in wasmi")),
                    };
                    if gn != wn {
                        return diverge(format!("table `{name}`[{i}]: gasket null={gn}, wasmi null={wn}"));
                    }
                }
            }
            (Extern::Func(_), wasmi::Extern::Func(_)) => {}
            (g, w) => return diverge(format!("export `{name}` kinds differ: gasket {g:?}, wasmi {w:?}")),
        }
    }
    Ok(())
}

/// What to do after an outcome pair.
enum Next {
    /// Compare results (if returned) and state, then go on.
    Compare,
    /// Stop the module: nothing more is comparable.
    Stop,
}

fn judge(at: &str, g: &Outcome, w: &Outcome, report: &mut DiffReport) -> Result<Next, Finding> {
    use Outcome as O;
    Ok(match (g, w) {
        (O::OutOfBudget, _) | (_, O::OutOfBudget) => {
            report.inconclusive += 1;
            Next::Stop
        }
        (O::Stack, _) | (_, O::Stack) => {
            report.stack += 1;
            Next::Stop
        }
        (O::Returned, O::Returned) => Next::Compare,
        (O::Trap(a), O::Trap(b)) if a == b => {
            report.trapped += 1;
            Next::Compare
        }
        _ => return Err(Finding::new("divergence", format!("{at}: gasket {g:?}, wasmi {w:?}"))),
    })
}

/// The module (c) generates from `data`, if any: for inspecting a finding
/// (`wasm-tools print`, `gasket run`).
pub fn module_bytes(data: &[u8]) -> Option<Vec<u8>> {
    let mut u = Unstructured::new(data);
    let config = smith_config(&mut u).ok()?;
    let module = wasm_smith::Module::new(config, &mut u).ok()?;
    gasket_refmeter::canon::canonicalize_conversions(&module.to_bytes())
}

/// Target (c) with the fuzz target's bounds.
pub fn differential(data: &[u8]) -> Result<DiffReport, Finding> {
    differential_with(data, &Bounds::FUZZ)
}

/// Target (c).
pub fn differential_with(data: &[u8], bounds: &Bounds) -> Result<DiffReport, Finding> {
    let report = DiffReport::default();
    let mut u = Unstructured::new(data);
    let Ok(config) = smith_config(&mut u) else { return Ok(report) };
    let Ok(module) = wasm_smith::Module::new(config, &mut u) else { return Ok(report) };
    let wasm = gasket_refmeter::canon::canonicalize_conversions(&module.to_bytes())
        .ok_or_else(|| Finding::new("generator", "a wasm-smith module failed to parse"))?;
    let mut report = compare_module(&wasm, &mut u, bounds)?;
    report.generated = true;
    Ok(report)
}

/// Compares one binary module in both engines, with extra calls chosen from `u`.
pub fn compare_module(wasm: &[u8], u: &mut Unstructured<'_>, bounds: &Bounds) -> Result<DiffReport, Finding> {
    let mut report = DiffReport::default();

    let g_module = match guard("Module::new", || Module::new(gasket_engine(bounds.tier), wasm))? {
        Ok(m) => m,
        Err(Error::Limit { what, .. }) => {
            report.limit = Some(what);
            return Ok(report);
        }
        Err(e) => return Err(Finding::new("rejected-valid", format!("gasket refuses a valid module: {e}"))),
    };
    // wasmi 2.0.0's translator has debug assertions that fire on some valid modules
    // (fuzz/regressions/differential/wasmi-panic-*): a panic in the reference is counted and
    // the module skipped, not reported as gasket's.
    let w_module = match std::panic::catch_unwind(|| wasmi::Module::new(wasmi_engine(), wasm)) {
        Ok(Ok(m)) => m,
        Ok(Err(e)) => {
            return Err(Finding::new("wasmi-rejected", format!("wasmi refuses a module gasket accepts: {e}")))
        }
        Err(_) => {
            report.reference_panics += 1;
            return Ok(report);
        }
    };

    // Instantiation (active segments, start function).
    let mut g_store = Store::new(gasket_engine(bounds.tier), ());
    g_store.set_gas(bounds.gas);
    let mut w_store = wasmi_store(bounds.fuel);
    let g_inst = guard("instantiate", || Linker::new(gasket_engine(bounds.tier)).instantiate(&mut g_store, &g_module))?;
    let w_inst = wasmi::Linker::new(wasmi_engine()).instantiate_and_start(&mut w_store, &w_module);
    let (go, wo) = (gasket_outcome(&g_inst), wasmi_outcome(&w_inst));
    if let Next::Stop = judge("instantiation", &go, &wo, &mut report)? {
        return Ok(report);
    }
    report.instantiated = true;
    let (Ok(g_inst), Ok(w_inst)) = (g_inst, w_inst) else {
        // Both trapped alike: there is no instance to call.
        return Ok(report);
    };
    let exports = g_inst.exports(&g_store).map_err(misuse)?;
    compare_state("after instantiation", &exports, &g_store, &w_inst, &w_store)?;

    // The call plan: every exported function once with zero arguments, then extra calls
    // chosen from the rest of the data, with arguments from it.
    let funcs: Vec<(String, gasket::Func)> = exports
        .iter()
        .filter_map(|(n, e)| if let Extern::Func(f) = e { Some((n.clone(), *f)) } else { None })
        .collect();
    let mut plan: Vec<(usize, bool)> = (0..funcs.len()).map(|i| (i, false)).collect();
    if !funcs.is_empty() {
        for _ in 0..EXTRA_CALLS {
            match u.choose_index(funcs.len()) {
                Ok(i) if !u.is_empty() => plan.push((i, true)),
                _ => break,
            }
        }
    }

    for (step, (fi, random_args)) in plan.into_iter().enumerate() {
        let (name, gf) = &funcs[fi];
        let Some(wf) = w_inst.get_func(&w_store, name) else {
            return Err(Finding::new("divergence", format!("function export `{name}` missing in wasmi")));
        };
        let ty = gf.ty(&g_store).map_err(misuse)?;
        let args: Vec<Val> =
            ty.params().iter().map(|t| if random_args { arbitrary_val(u, *t) } else { Val::default_for(*t) }).collect();
        let w_args: Vec<wasmi::Val> = args.iter().map(to_wasmi).collect();
        let mut g_res: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
        let w_ty = wf.ty(&w_store);
        let mut w_res: Vec<wasmi::Val> = w_ty.results().iter().map(|t| wasmi::Val::default_for_ty(*t)).collect();
        g_store.set_gas(bounds.gas);
        w_store.set_fuel(bounds.fuel).expect("fuel is enabled");
        let g = guard(&format!("call `{name}`"), || gf.call(&mut g_store, &args, &mut g_res))?;
        let w = wf.call(&mut w_store, &w_args, &mut w_res);
        report.calls += 1;
        let at = format!("call {step} `{name}`({})", args.iter().map(show_g).collect::<Vec<_>>().join(", "));
        let (go, wo) = (gasket_outcome(&g), wasmi_outcome(&w));
        if let Next::Stop = judge(&at, &go, &wo, &mut report)? {
            return Ok(report);
        }
        report.compared += 1;
        if go == Outcome::Returned {
            let same_results = g_res.len() == w_res.len() && g_res.iter().zip(&w_res).all(|(g, w)| same(g, w));
            if !same_results {
                return Err(Finding::new(
                    "divergence",
                    format!(
                        "{at}: results: gasket [{}], wasmi [{}]",
                        g_res.iter().map(show_g).collect::<Vec<_>>().join(", "),
                        w_res.iter().map(show_w).collect::<Vec<_>>().join(", ")
                    ),
                ));
            }
        }
        compare_state(&format!("after {at} ({go:?})"), &exports, &g_store, &w_inst, &w_store)?;
    }
    Ok(report)
}

pub(crate) fn arbitrary_val(u: &mut Unstructured<'_>, t: ValType) -> Val {
    match t {
        ValType::I32 => Val::I32(u.arbitrary().unwrap_or(0)),
        ValType::I64 => Val::I64(u.arbitrary().unwrap_or(0)),
        ValType::F32 => Val::F32(u.arbitrary().unwrap_or(0)),
        ValType::F64 => Val::F64(u.arbitrary().unwrap_or(0)),
        other => Val::default_for(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasmi::TrapCode as W;
    use TrapCode as G;

    /// Every gasket trap code (`expected` has no wildcard: a new code does not compile there,
    /// where it is added to this list too).
    const ALL: [TrapCode; 13] = [
        G::Unreachable,
        G::MemoryOutOfBounds,
        G::TableOutOfBounds,
        G::UndefinedElement,
        G::UninitializedElement,
        G::IndirectCallTypeMismatch,
        G::IntegerOverflow,
        G::IntegerDivisionByZero,
        G::InvalidConversionToInteger,
        G::CallStackExhausted,
        G::ValueStackExhausted,
        G::OutOfGas,
        G::Host,
    ];

    /// Each gasket code's kind (as `TrapKind` documents it) and the wasmi code for the same
    /// event, if wasmi has one.
    fn expected(code: TrapCode) -> (Option<TrapKind>, Option<W>) {
        use TrapKind as K;
        match code {
            G::Unreachable => (Some(K::Unreachable), Some(W::UnreachableCodeReached)),
            G::MemoryOutOfBounds => (Some(K::MemoryOutOfBounds), Some(W::MemoryOutOfBounds)),
            G::TableOutOfBounds => (Some(K::TableOutOfBounds), Some(W::TableOutOfBounds)),
            G::UndefinedElement => (Some(K::TableOutOfBounds), Some(W::TableOutOfBounds)),
            G::UninitializedElement => (Some(K::UninitializedElement), Some(W::IndirectCallToNull)),
            G::IndirectCallTypeMismatch => (Some(K::IndirectCallTypeMismatch), Some(W::BadSignature)),
            G::IntegerOverflow => (Some(K::IntegerOverflow), Some(W::IntegerOverflow)),
            G::IntegerDivisionByZero => (Some(K::IntegerDivisionByZero), Some(W::IntegerDivisionByZero)),
            G::InvalidConversionToInteger => (Some(K::InvalidConversionToInteger), Some(W::BadConversionToInteger)),
            G::CallStackExhausted | G::ValueStackExhausted => (Some(K::StackExhausted), Some(W::StackOverflow)),
            G::OutOfGas => (None, None),
            G::Host => (Some(K::Host), None),
        }
    }

    #[test]
    fn every_trap_code_has_the_kind_of_its_wasmi_counterpart() {
        let wasmi_codes: Vec<W> = (0..=u8::MAX).filter_map(|b| W::try_from(b).ok()).collect();
        assert_eq!(wasmi_codes.len(), 12, "wasmi 2.0.0's trap codes");
        for code in ALL {
            let (kind, twin) = expected(code);
            assert_eq!(gasket_trap_kind(code), kind, "{code:?}");
            if let Some(twin) = twin {
                assert_eq!(Some(wasmi_trap_kind(twin)), kind, "{code:?} and wasmi {twin:?}");
            }
            // The two engines' own spec-suite messages agree with the pairing.
            for w in &wasmi_codes {
                if w.trap_message().contains(code.message()) {
                    assert_eq!(Some(*w), twin, "{code:?} ({}) reads like wasmi {w:?}", code.message());
                }
            }
        }
        // wasmi's other codes are not traps both engines share.
        for w in [W::OutOfFuel, W::GrowthOperationLimited, W::OutOfSystemMemory] {
            assert_eq!(wasmi_trap_kind(w), TrapKind::Other, "{w:?}");
        }
    }
}
