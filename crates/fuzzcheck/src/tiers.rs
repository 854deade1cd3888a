//! Target (g): the compiled tier against the interpreter, which is its reference.
//!
//! A wasm-smith module (Wasm 2.0 without SIMD, no imports, everything exported, small, and
//! *without* wasm-smith's NaN canonicalization: both tiers are gasket, which canonicalizes
//! every NaN itself, so their bits must agree) is prepared on both tiers of a metered engine
//! with the same schedule, instantiated in one store each, and called: every exported
//! function once with zero arguments, then up to [`EXTRA_CALLS`] calls chosen from the data,
//! each with arguments and a gas limit from the data (often small, so that calls run out of
//! gas at arbitrary points). After the instantiation and after every call the tiers must agree
//! **exactly**, in the same units, with nothing inconclusive:
//!
//! - the outcome: returned, or the same error (trap code and message, `OutOfGas` and stack
//!   exhaustion included: both tiers bound depth and cells by the same counters);
//! - the gas left, to the unit;
//! - the results, floats bitwise;
//! - every exported global, memory (size and bytes) and table (size, and each entry's
//!   nullness and, for functions, type).
//!
//! Unlike (c), a call that traps or runs out of gas does not end the module: the tiers must
//! have left the same state behind (the same side effects before the trap), so calls go on.

use arbitrary::Unstructured;
use gasket::{Error, Extern, Linker, Module, Store, Tier, Val};

use crate::differential::{arbitrary_val, gasket_engine, show_g, EXTRA_CALLS};
use crate::prepare::wasm2_features;
use crate::{guard, Finding};

/// The largest gas limit of one instantiation or call: the fuzz target's, and the bounded
/// test's (dev profile).
pub const FUZZ_GAS: u64 = 2_000_000;
pub const TEST_GAS: u64 = 300_000;

/// What (g) saw for one module.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TiersReport {
    /// wasm-smith built a module from the data.
    pub generated: bool,
    /// Both tiers refused the module with this `Error::Limit` (not run).
    pub limit: Option<&'static str>,
    /// Instantiations that completed on both tiers (returned or failed alike).
    pub instantiated: bool,
    /// Calls made (and compared) on both tiers.
    pub calls: usize,
    /// Of those, calls that trapped alike (out of gas and stack exhaustion not counted here).
    pub trapped: usize,
    /// Calls or instantiations that ran out of gas alike.
    pub out_of_gas: usize,
    /// Calls or instantiations that exhausted the call or value stack alike.
    pub stack: usize,
}

/// (g)'s wasm-smith configuration: (c)'s ([`crate::differential::smith_config`]) without NaN
/// canonicalization.
pub fn smith_config(u: &mut Unstructured<'_>) -> arbitrary::Result<wasm_smith::Config> {
    let mut c = crate::differential::smith_config(u)?;
    wasm2_features(&mut c);
    c.canonicalize_nans = false;
    Ok(c)
}

/// Whether this platform has the compiler tier (the target checks nothing elsewhere).
pub fn available() -> bool {
    cfg!(target_arch = "x86_64")
}

/// The module (g) generates from `data`, if any, for inspecting a finding.
pub fn module_bytes(data: &[u8]) -> Option<Vec<u8>> {
    let mut u = Unstructured::new(data);
    let config = smith_config(&mut u).ok()?;
    wasm_smith::Module::new(config, &mut u).ok().map(|m| m.to_bytes())
}

/// Target (g) with the fuzz target's gas.
pub fn tiers(data: &[u8]) -> Result<TiersReport, Finding> {
    tiers_with(data, FUZZ_GAS)
}

/// Target (g): calls get at most `max_gas` each.
pub fn tiers_with(data: &[u8], max_gas: u64) -> Result<TiersReport, Finding> {
    if !available() {
        return Ok(TiersReport::default());
    }
    let mut u = Unstructured::new(data);
    let Ok(config) = smith_config(&mut u) else { return Ok(TiersReport::default()) };
    let Ok(module) = wasm_smith::Module::new(config, &mut u) else { return Ok(TiersReport::default()) };
    let mut report = compare_tiers(&module.to_bytes(), &mut u, max_gas)?;
    report.generated = true;
    Ok(report)
}

/// An outcome as compared: `Ok`, or the error's text (which names the trap code and, for a
/// host error, its message) with its code.
fn outcome<T>(r: &Result<T, Error>) -> Result<(), (Option<gasket::TrapCode>, String)> {
    match r {
        Ok(_) => Ok(()),
        Err(e) => Err((e.as_trap().map(|t| t.code()), e.to_string())),
    }
}

/// Counts an agreed outcome in `report`.
fn count(o: &Result<(), (Option<gasket::TrapCode>, String)>, report: &mut TiersReport) {
    use gasket::TrapCode as T;
    match o {
        Ok(()) => {}
        Err((Some(T::OutOfGas), _)) => report.out_of_gas += 1,
        Err((Some(T::CallStackExhausted | T::ValueStackExhausted), _)) => report.stack += 1,
        Err(_) => report.trapped += 1,
    }
}

/// The gas limit of the next instantiation or call: from the data, the full `max_gas` half of
/// the time, else anything below it (mostly small), so that runs stop at arbitrary charges.
fn gas_limit(u: &mut Unstructured<'_>, max_gas: u64) -> u64 {
    match u.int_in_range(0u8..=3).unwrap_or(0) {
        0 | 1 => max_gas,
        2 => u.int_in_range(0..=2_000).unwrap_or(0),
        _ => u.int_in_range(0..=max_gas).unwrap_or(0),
    }
}

/// A handle used with the wrong store: a bug of this harness, not of either tier.
fn misuse(e: Error) -> Finding {
    Finding::new("harness bug", e.to_string())
}

/// One tier's side of the comparison.
struct Side {
    store: Store<()>,
    exports: Vec<(String, Extern)>,
}

/// Every export that holds state but memory bytes, as text, in export order: globals (bits),
/// memories (size), tables (size, nullness and type of each entry).
fn state(side: &Side) -> Result<Vec<(String, String)>, Finding> {
    let s = &side.store;
    let mut out = Vec::new();
    for (name, ext) in &side.exports {
        let text = match ext {
            Extern::Global(g) => show_g(&g.get(s).map_err(misuse)?),
            Extern::Memory(m) => format!("{} pages", m.size(s).map_err(misuse)?),
            Extern::Table(t) => {
                let mut text = format!("{} elements:", t.size(s).map_err(misuse)?);
                for i in 0..t.size(s).map_err(misuse)? {
                    let entry = match t.get(s, i).map_err(misuse)? {
                        Some(Val::FuncRef(Some(f))) => format!(" {:?}", f.ty(s).map_err(misuse)?),
                        Some(Val::FuncRef(None)) => " null".to_string(),
                        Some(Val::ExternRef(r)) => format!(" extern:{}", r.is_some()),
                        other => format!(" {other:?}"),
                    };
                    text.push_str(&entry);
                }
                text
            }
            Extern::Func(_) => continue,
        };
        out.push((name.clone(), text));
    }
    Ok(out)
}

/// Fails with the first export whose state differs between the tiers.
fn compare_state(at: &str, interpreted: &Side, compiled: &Side) -> Result<(), Finding> {
    let diverge = |what: String| Err(Finding::new("divergence", format!("{at}: {what}")));
    for ((name, x), (_, y)) in state(interpreted)?.iter().zip(&state(compiled)?) {
        if x != y {
            let i = x.bytes().zip(y.bytes()).position(|(p, q)| p != q).unwrap_or(0);
            let (from, to) = (i.saturating_sub(60), |s: &str| (i + 60).min(s.len()));
            return diverge(format!(
                "export `{name}` differs: interpreter …{}…, compiler …{}…",
                &x[from.min(x.len())..to(x)],
                &y[from.min(y.len())..to(y)]
            ));
        }
    }
    for ((name, a), (_, b)) in interpreted.exports.iter().zip(&compiled.exports) {
        let (Extern::Memory(a), Extern::Memory(b)) = (a, b) else { continue };
        let (a, b) = (a.data(&interpreted.store).map_err(misuse)?, b.data(&compiled.store).map_err(misuse)?);
        if a != b {
            let i = a.iter().zip(b).position(|(p, q)| p != q).unwrap_or(a.len().min(b.len()));
            return diverge(format!(
                "memory `{name}` ({} bytes vs {}): first difference at {i}: interpreter {:?}, compiler {:?}",
                a.len(),
                b.len(),
                a.get(i),
                b.get(i)
            ));
        }
    }
    Ok(())
}

/// Fails unless the two tiers' outcomes and gas left agree.
fn compare_outcomes(
    at: &str,
    i: &Result<(), (Option<gasket::TrapCode>, String)>,
    c: &Result<(), (Option<gasket::TrapCode>, String)>,
    sides: (&Side, &Side),
) -> Result<(), Finding> {
    if i != c {
        return Err(Finding::new("divergence", format!("{at}: interpreter {i:?}, compiler {c:?}")));
    }
    let (gi, gc) = (sides.0.store.gas_left(), sides.1.store.gas_left());
    if gi != gc {
        return Err(Finding::new("gas", format!("{at} ({i:?}): gas left: interpreter {gi:?}, compiler {gc:?}")));
    }
    Ok(())
}

/// Compares one binary module on both tiers, with calls, arguments and gas chosen from `u`.
pub fn compare_tiers(wasm: &[u8], u: &mut Unstructured<'_>, max_gas: u64) -> Result<TiersReport, Finding> {
    let mut report = TiersReport::default();
    let prepared = |tier| guard("Module::new", || Module::new(gasket_engine(tier), wasm));
    let (mi, mc) = (prepared(Tier::Interpreter)?, prepared(Tier::Compiler)?);
    let (mi, mc) = match (mi, mc) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(Error::Limit { what: a, .. }), Err(Error::Limit { what: b, .. })) if a == b => {
            report.limit = Some(a);
            return Ok(report);
        }
        (a, b) => {
            return Err(Finding::new(
                "prepare",
                format!("preparation differs: interpreter {:?}, compiler {:?}", a.err(), b.err()),
            ))
        }
    };

    // Instantiation (active segments, start function), with the same gas.
    let gas = gas_limit(u, max_gas);
    let instantiate = |module: &Module, tier| {
        let mut store = Store::new(gasket_engine(tier), ());
        store.set_gas(gas);
        let inst = guard("instantiate", || Linker::new(gasket_engine(tier)).instantiate(&mut store, module));
        inst.map(|r| (store, r))
    };
    let ((si, ii), (sc, ic)) = (instantiate(&mi, Tier::Interpreter)?, instantiate(&mc, Tier::Compiler)?);
    let (oi, oc) = (outcome(&ii), outcome(&ic));
    let mut sides = (Side { store: si, exports: Vec::new() }, Side { store: sc, exports: Vec::new() });
    compare_outcomes(&format!("instantiation with gas {gas}"), &oi, &oc, (&sides.0, &sides.1))?;
    count(&oi, &mut report);
    report.instantiated = true;
    let (Ok(ii), Ok(ic)) = (ii, ic) else { return Ok(report) };
    sides.0.exports = ii.exports(&sides.0.store).map_err(misuse)?;
    sides.1.exports = ic.exports(&sides.1.store).map_err(misuse)?;
    compare_state("after instantiation", &sides.0, &sides.1)?;

    let funcs: Vec<usize> =
        (0..sides.0.exports.len()).filter(|&k| matches!(sides.0.exports[k].1, Extern::Func(_))).collect();
    let mut plan: Vec<(usize, bool)> = funcs.iter().map(|&k| (k, false)).collect();
    if !funcs.is_empty() {
        for _ in 0..EXTRA_CALLS {
            match u.choose_index(funcs.len()) {
                Ok(k) if !u.is_empty() => plan.push((funcs[k], true)),
                _ => break,
            }
        }
    }
    for (step, (k, chosen)) in plan.into_iter().enumerate() {
        let name = sides.0.exports[k].0.clone();
        let (Extern::Func(fi), Extern::Func(fc)) = (sides.0.exports[k].1, sides.1.exports[k].1) else {
            return Err(Finding::new("divergence", format!("export `{name}` is a function on one tier only")));
        };
        let ty = fi.ty(&sides.0.store).map_err(misuse)?;
        let args: Vec<Val> =
            ty.params().iter().map(|t| if chosen { arbitrary_val(u, *t) } else { Val::default_for(*t) }).collect();
        let gas = if chosen { gas_limit(u, max_gas) } else { max_gas };
        let mut results = Vec::new();
        let mut outcomes = Vec::new();
        for (side, f) in [(&mut sides.0, fi), (&mut sides.1, fc)] {
            let mut res: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
            side.store.set_gas(gas);
            let r = guard(&format!("call `{name}`"), || f.call(&mut side.store, &args, &mut res))?;
            outcomes.push(outcome(&r));
            results.push(res);
        }
        report.calls += 1;
        let at =
            format!("call {step} `{name}`({}) with gas {gas}", args.iter().map(show_g).collect::<Vec<_>>().join(", "));
        compare_outcomes(&at, &outcomes[0], &outcomes[1], (&sides.0, &sides.1))?;
        count(&outcomes[0], &mut report);
        if outcomes[0].is_ok() {
            let text = |r: &[Val]| r.iter().map(show_g).collect::<Vec<_>>().join(", ");
            // References by what `show_g` prints (nullness): function handles of two stores
            // are different values.
            if text(&results[0]) != text(&results[1]) {
                return Err(Finding::new(
                    "divergence",
                    format!("{at}: results: interpreter [{}], compiler [{}]", text(&results[0]), text(&results[1])),
                ));
            }
        }
        compare_state(&format!("after {at}"), &sides.0, &sides.1)?;
    }
    Ok(report)
}
