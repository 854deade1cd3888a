//! The directive interpreter: one [`Script`] per `.wast` file, holding the store, the linker
//! (with `spectest` and every `register`ed instance) and the named instances. Each directive
//! runs under `catch_unwind`, so an engine panic becomes a failure (`PANIC: ...`) and the
//! remaining directives still run. Every directive ends as exactly one of passed, failed
//! (with `line:col: directive: message`) or skipped (with `line:col: reason`).

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};

use gasket::{Config, Engine, Error, Instance, Linker, Module, Store, TrapCode, Val};
use wast::core::WastRetCore;
use wast::lexer::Lexer;
use wast::parser::{self, ParseBuffer};
use wast::token::Id;
use wast::{QuoteWat, Wast, WastDirective, WastExecute, WastInvoke, WastRet, Wat};

use crate::values::{self, Unsupported};
use crate::{spectest, FileReport};

/// How a directive did not pass.
enum NotPassed {
    Fail(String),
    Skip(String),
}

use NotPassed::{Fail, Skip};

impl From<Unsupported> for NotPassed {
    fn from(u: Unsupported) -> Self {
        Skip(u.0)
    }
}

type Outcome = Result<(), NotPassed>;

/// What running an `invoke`, `get` or module instantiation produced.
type Executed = Result<Vec<Val>, Error>;

/// Parses `text` and runs every directive in it.
pub(crate) fn run(config: &Config, roundtrip: bool, name: &str, text: &str) -> FileReport {
    let mut report = FileReport::new(name);
    let mut lexer = Lexer::new(text);
    lexer.allow_confusing_unicode(true);
    let parsed = ParseBuffer::new_with_lexer(lexer).and_then(|buf| {
        parser::parse::<Wast<'_>>(&buf).map(|wast| run_directives(config, roundtrip, text, wast, &mut report))
    });
    if let Err(e) = parsed {
        let (line, col) = e.span().linecol_in(text);
        report.failed += 1;
        report.failures.push(format!("{}:{}: parse: cannot parse script: {}", line + 1, col + 1, e.message()));
    }
    report
}

fn run_directives(config: &Config, roundtrip: bool, text: &str, wast: Wast<'_>, report: &mut FileReport) {
    let mut script = match Script::new(config, roundtrip) {
        Ok(s) => s,
        Err(e) => {
            report.failed += 1;
            report.failures.push(format!("0:0: setup: cannot create the spectest module: {e}"));
            return;
        }
    };
    for mut d in wast.directives {
        let (line, col) = d.span().linecol_in(text);
        let (line, col) = (line + 1, col + 1);
        let kind = directive_name(&d);
        let outcome = catch_unwind(AssertUnwindSafe(|| script.directive(&mut d)))
            .unwrap_or_else(|payload| Err(Fail(format!("PANIC: {}", panic_message(&*payload)))));
        match outcome {
            Ok(()) => report.passed += 1,
            Err(Fail(msg)) => {
                report.failed += 1;
                report.failures.push(format!("{line}:{col}: {kind}: {msg}"));
            }
            Err(Skip(why)) => {
                report.skipped += 1;
                report.skips.push(format!("{line}:{col}: {kind}: {why}"));
            }
        }
    }
    (report.bounded_invocations, report.bounded_exact) = script.bounded;
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "non-string panic payload".to_string()
    }
}

fn directive_name(d: &WastDirective<'_>) -> &'static str {
    match d {
        WastDirective::Module(_) => "module",
        WastDirective::ModuleDefinition(_) => "module definition",
        WastDirective::ModuleInstance { .. } => "module instance",
        WastDirective::AssertMalformed { .. } => "assert_malformed",
        WastDirective::AssertInvalid { .. } => "assert_invalid",
        WastDirective::AssertInvalidCustom { .. } => "assert_invalid_custom",
        WastDirective::Register { .. } => "register",
        WastDirective::Invoke(_) => "invoke",
        WastDirective::AssertTrap { .. } => "assert_trap",
        WastDirective::AssertReturn { .. } => "assert_return",
        WastDirective::AssertExhaustion { .. } => "assert_exhaustion",
        WastDirective::AssertUnlinkable { .. } => "assert_unlinkable",
        WastDirective::AssertException { .. } => "assert_exception",
        WastDirective::AssertSuspension { .. } => "assert_suspension",
        WastDirective::Thread(_) => "thread",
        WastDirective::Wait { .. } => "wait",
        WastDirective::AssertMalformedCustom { .. } => "assert_malformed_custom",
    }
}

/// Whether an expected trap message matches a trap code. Loose on purpose: the spec's
/// message may carry extra detail (`"uninitialized element 2"`) or be a prefix of ours.
pub(crate) fn trap_matches(expected: &str, code: TrapCode) -> bool {
    let ours = code.message();
    expected.contains(ours) || ours.contains(expected)
}

fn is_component(q: &QuoteWat<'_>) -> bool {
    matches!(q, QuoteWat::Wat(Wat::Component(_)) | QuoteWat::QuoteComponent(..))
}

fn skip_component() -> NotPassed {
    Skip("component-model module is not Wasm 2.0".into())
}

/// Encodes a module of the script to the binary format.
fn encode(q: &mut QuoteWat<'_>) -> Result<Vec<u8>, NotPassed> {
    if is_component(q) {
        return Err(skip_component());
    }
    q.encode().map_err(|e| Fail(format!("cannot encode module: {}", e.message())))
}

fn encode_wat(w: &mut Wat<'_>) -> Result<Vec<u8>, NotPassed> {
    if let Wat::Component(_) = w {
        return Err(skip_component());
    }
    w.encode().map_err(|e| Fail(format!("cannot encode module: {}", e.message())))
}

/// An export's static bounds: gas, call depth, value-stack cells (docs/bounds.md).
type StaticBounds = (u64, u32, u32);

/// Whether an error is the engine refusing to prepare a module.
fn is_rejection(e: &Error) -> bool {
    matches!(e, Error::Invalid { .. } | Error::Unsupported { .. } | Error::Limit { .. })
}

fn list(vals: &[Val]) -> String {
    let all: Vec<String> = vals.iter().map(values::describe_val).collect();
    format!("[{}]", all.join(", "))
}

struct Script {
    engine: Engine,
    store: Store<()>,
    linker: Linker<()>,
    /// The most recent successfully instantiated module: the target of unnamed directives.
    current: Option<Instance>,
    named: HashMap<String, Instance>,
    /// Modules from `(module definition ...)`, by name, and the latest one.
    definitions: HashMap<String, Module>,
    last_definition: Option<Module>,
    /// Pass every module through `Module::serialize` and `Module::deserialize` before use.
    roundtrip: bool,
    /// With metering: each instance's module, and each invoked export's static bounds
    /// (docs/bounds.md): gas, call depth, value-stack slots. A bounded invocation runs with
    /// exactly its gas bound as gas and its depth and stack bounds as the store's limits.
    modules: HashMap<Instance, Module>,
    gas_bounds: HashMap<(Instance, String), Option<StaticBounds>>,
    /// Invocations run at their bounds, and those that used all of it.
    bounded: (usize, usize),
}

impl Script {
    fn new(config: &Config, roundtrip: bool) -> Result<Self, Error> {
        let engine = Engine::new(config);
        let mut store = Store::new(&engine, ());
        // With metering on, scripts run with all the gas there is: they test semantics, not
        // gas. (Gas equality is tested against the reference meter in crates/refmeter.)
        store.set_gas(u64::MAX);
        let mut linker = Linker::new(&engine);
        linker.allow_shadowing(true);
        spectest::define(&mut store, &mut linker)?;
        Ok(Self {
            engine,
            store,
            linker,
            current: None,
            named: HashMap::new(),
            definitions: HashMap::new(),
            last_definition: None,
            roundtrip,
            modules: HashMap::new(),
            gas_bounds: HashMap::new(),
            bounded: (0, 0),
        })
    }

    fn directive(&mut self, d: &mut WastDirective<'_>) -> Outcome {
        match d {
            WastDirective::Module(q) => self.module(q),
            WastDirective::ModuleDefinition(q) => self.module_definition(q),
            WastDirective::ModuleInstance { instance, module, .. } => self.module_instance(*instance, *module),
            WastDirective::Register { name, module, .. } => {
                let inst = self.instance(*module)?;
                self.linker
                    .instance(&self.store, name, inst)
                    .map(|_| ())
                    .map_err(|e| Fail(format!("cannot register `{name}`: {e}")))
            }
            WastDirective::Invoke(inv) => match self.invoke(inv)? {
                Ok(_) => Ok(()),
                Err(e) => Err(Fail(format!("invocation of `{}` failed: {e}", inv.name))),
            },
            WastDirective::AssertReturn { exec, results, .. } => self.assert_return(exec, results),
            WastDirective::AssertTrap { exec, message, .. } => self.assert_trap(exec, message),
            WastDirective::AssertExhaustion { call, message, .. } => self.assert_exhaustion(call, message),
            WastDirective::AssertInvalid { module, message, .. } => self.assert_rejected(module, message, false),
            WastDirective::AssertMalformed { module, message, .. } => self.assert_rejected(module, message, true),
            WastDirective::AssertUnlinkable { module, message, .. } => self.assert_unlinkable(module, message),
            WastDirective::AssertInvalidCustom { .. } | WastDirective::AssertMalformedCustom { .. } => {
                Err(Skip("custom-section assertions belong to the annotations proposal".into()))
            }
            WastDirective::AssertException { .. } => Err(Skip("exception handling is not Wasm 2.0".into())),
            WastDirective::AssertSuspension { .. } => Err(Skip("stack switching is not Wasm 2.0".into())),
            WastDirective::Thread(_) | WastDirective::Wait { .. } => Err(Skip("threads are not Wasm 2.0".into())),
        }
    }

    /// The instance named `id`, or the current one.
    fn instance(&self, id: Option<Id<'_>>) -> Result<Instance, NotPassed> {
        match id {
            Some(id) => {
                self.named.get(id.name()).copied().ok_or_else(|| Fail(format!("unknown module ${}", id.name())))
            }
            None => self.current.ok_or_else(|| Fail("no current module (did the last module fail?)".into())),
        }
    }

    fn compile(&self, bytes: &[u8]) -> Result<Module, NotPassed> {
        let module = Module::from_binary(&self.engine, bytes).map_err(|e| Fail(format!("module rejected: {e}")))?;
        if !self.roundtrip {
            return Ok(module);
        }
        Module::deserialize(&self.engine, &module.serialize())
            .map_err(|e| Fail(format!("artifact round trip failed: {e}")))
    }

    fn module(&mut self, q: &mut QuoteWat<'_>) -> Outcome {
        if is_component(q) {
            return Err(skip_component());
        }
        let name = q.name().map(|id| id.name().to_string());
        // A module that fails leaves no current module, so later directives aimed at it fail
        // instead of silently running against an older module.
        self.current = None;
        if let Some(n) = &name {
            self.named.remove(n);
        }
        let bytes = encode(q)?;
        let module = self.compile(&bytes)?;
        self.instantiate(&module, name)
    }

    fn instantiate(&mut self, module: &Module, name: Option<String>) -> Outcome {
        let inst =
            self.linker.instantiate(&mut self.store, module).map_err(|e| Fail(format!("instantiation failed: {e}")))?;
        self.current = Some(inst);
        self.modules.insert(inst, module.clone());
        if let Some(n) = name {
            self.named.insert(n, inst);
        }
        Ok(())
    }

    fn module_definition(&mut self, q: &mut QuoteWat<'_>) -> Outcome {
        let name = q.name().map(|id| id.name().to_string());
        let bytes = encode(q)?;
        let module = self.compile(&bytes)?;
        if let Some(n) = name {
            self.definitions.insert(n, module.clone());
        }
        self.last_definition = Some(module);
        Ok(())
    }

    fn module_instance(&mut self, instance: Option<Id<'_>>, module: Option<Id<'_>>) -> Outcome {
        let def = match module {
            Some(id) => self.definitions.get(id.name()).cloned(),
            None => self.last_definition.clone(),
        };
        let def = def.ok_or_else(|| Fail("unknown module definition".into()))?;
        self.instantiate(&def, instance.map(|id| id.name().to_string()))
    }

    fn invoke(&mut self, inv: &WastInvoke<'_>) -> Result<Executed, NotPassed> {
        let args = inv.args.iter().map(values::arg).collect::<Result<Vec<_>, _>>()?;
        let inst = self.instance(inv.module)?;
        let func =
            inst.get_func(&self.store, inv.name).ok_or_else(|| Fail(format!("no exported function `{}`", inv.name)))?;
        let ty = func.ty(&self.store).map_err(|e| Fail(e.to_string()))?;
        let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
        let bound = self.gas_bound(inst, inv.name);
        if let Some((gas, depth, stack)) = bound {
            self.store.set_gas(gas);
            self.store.limit_stack(depth, stack);
        }
        let r = func.call(&mut self.store, &args, &mut results).map(|()| results);
        if let Some(b) = bound {
            let left = self.store.gas_left().unwrap_or(0);
            self.store.set_gas(u64::MAX);
            self.store.limit_stack(u32::MAX, u32::MAX);
            self.bounded.0 += 1;
            self.bounded.1 += (left == 0) as usize;
            let exceeded = |code| matches!(&r, Err(Error::Trap(t)) if t.code() == code);
            for (code, what) in [
                (TrapCode::OutOfGas, "gas"),
                (TrapCode::CallStackExhausted, "call depth"),
                (TrapCode::ValueStackExhausted, "value-stack"),
            ] {
                if exceeded(code) {
                    return Err(Fail(format!("exceeded its static {what} bound (gas, depth, stack) {b:?}")));
                }
            }
        }
        Ok(r)
    }

    /// The static bounds (gas, call depth, value-stack slots) of export `name` of `inst`, if
    /// the engine meters and the analysis bounds all three.
    fn gas_bound(&mut self, inst: Instance, name: &str) -> Option<StaticBounds> {
        self.engine.config().metering.as_ref()?;
        let key = (inst, name.to_string());
        if let Some(b) = self.gas_bounds.get(&key) {
            return *b;
        }
        let b = self.modules.get(&inst).and_then(|m| m.bounds(name).ok()).and_then(|b| {
            let narrow = |x: u64| u32::try_from(x).unwrap_or(u32::MAX);
            Some((b.gas.at_most()?, narrow(b.call_depth.at_most()?), narrow(b.stack_slots.at_most()?)))
        });
        self.gas_bounds.insert(key, b);
        b
    }

    /// Runs an `invoke`, a `get`, or instantiates a module (no results).
    fn execute(&mut self, exec: &mut WastExecute<'_>) -> Result<Executed, NotPassed> {
        match exec {
            WastExecute::Invoke(inv) => self.invoke(inv),
            WastExecute::Get { module, global, .. } => {
                let inst = self.instance(*module)?;
                let g = inst
                    .get_global(&self.store, global)
                    .ok_or_else(|| Fail(format!("no exported global `{global}`")))?;
                Ok(g.get(&self.store).map(|v| vec![v]))
            }
            WastExecute::Wat(w) => {
                let bytes = encode_wat(w)?;
                let module = self.compile(&bytes)?;
                Ok(self.linker.instantiate(&mut self.store, &module).map(|_| Vec::new()))
            }
        }
    }

    fn assert_return(&mut self, exec: &mut WastExecute<'_>, results: &[WastRet<'_>]) -> Outcome {
        let patterns: Vec<&WastRetCore<'_>> = results.iter().map(values::ret).collect::<Result<_, _>>()?;
        for p in &patterns {
            values::check_supported(p)?;
        }
        let actual = self.execute(exec)?.map_err(|e| Fail(format!("expected results, got error: {e}")))?;
        if actual.len() != patterns.len() {
            return Err(Fail(format!("expected {} results, got {}: {}", patterns.len(), actual.len(), list(&actual))));
        }
        let mismatches: Vec<String> = patterns
            .iter()
            .zip(&actual)
            .enumerate()
            .filter(|(_, (p, a))| !values::matches(p, a))
            .map(|(i, (p, a))| {
                format!("result {i}: expected {}, got {}", values::describe_pattern(p), values::describe_val(a))
            })
            .collect();
        if mismatches.is_empty() {
            Ok(())
        } else {
            Err(Fail(mismatches.join("; ")))
        }
    }

    fn assert_trap(&mut self, exec: &mut WastExecute<'_>, message: &str) -> Outcome {
        match self.execute(exec)? {
            Ok(vals) => Err(Fail(format!("expected trap `{message}`, got success {}", list(&vals)))),
            Err(Error::Trap(t)) if trap_matches(message, t.code()) => Ok(()),
            Err(Error::Trap(t)) => Err(Fail(format!("expected trap `{message}`, got trap `{t}`"))),
            Err(e) => Err(Fail(format!("expected trap `{message}`, got error: {e}"))),
        }
    }

    fn assert_exhaustion(&mut self, call: &WastInvoke<'_>, message: &str) -> Outcome {
        match self.invoke(call)? {
            Ok(vals) => Err(Fail(format!("expected exhaustion `{message}`, got success {}", list(&vals)))),
            Err(Error::Trap(t)) if matches!(t.code(), TrapCode::CallStackExhausted | TrapCode::ValueStackExhausted) => {
                Ok(())
            }
            Err(e) => Err(Fail(format!("expected exhaustion `{message}`, got: {e}"))),
        }
    }

    /// `assert_invalid` and `assert_malformed`: `Module::from_binary` must reject the module.
    /// As in other engines' spec runners the message is not compared, and any preparation
    /// error counts (`Invalid`, `Unsupported` or `Limit`). For quoted text, a
    /// text-format error from the script's parser is the expected rejection; so is a text
    /// module the encoder cannot resolve, which never reaches the engine.
    fn assert_rejected(&mut self, q: &mut QuoteWat<'_>, message: &str, malformed: bool) -> Outcome {
        if is_component(q) {
            return Err(skip_component());
        }
        let what = if malformed { "malformed" } else { "invalid" };
        let from_text = !matches!(
            q,
            QuoteWat::Wat(Wat::Module(wast::core::Module { kind: wast::core::ModuleKind::Binary(_), .. }))
        );
        let bytes = match q.encode() {
            Ok(bytes) => bytes,
            Err(_) if from_text => return Ok(()),
            Err(e) => return Err(Fail(format!("cannot encode binary module: {}", e.message()))),
        };
        match Module::from_binary(&self.engine, &bytes) {
            Ok(_) => Err(Fail(format!("expected {what} module (`{message}`), but it was accepted"))),
            Err(e) if is_rejection(&e) => Ok(()),
            Err(e) => Err(Fail(format!("expected {what} module (`{message}`), got: {e}"))),
        }
    }

    fn assert_unlinkable(&mut self, w: &mut Wat<'_>, message: &str) -> Outcome {
        let bytes = encode_wat(w)?;
        let module = self.compile(&bytes)?;
        match self.linker.instantiate(&mut self.store, &module) {
            Ok(_) => Err(Fail(format!("expected link error `{message}`, but instantiation succeeded"))),
            Err(Error::Link(_)) => Ok(()),
            Err(e) => Err(Fail(format!("expected link error `{message}`, got: {e}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trap_messages_match_loosely() {
        assert!(trap_matches("uninitialized element 2", TrapCode::UninitializedElement));
        assert!(trap_matches("out of bounds memory access", TrapCode::MemoryOutOfBounds));
        assert!(trap_matches("integer divide by zero", TrapCode::IntegerDivisionByZero));
        assert!(!trap_matches("out of bounds table access", TrapCode::MemoryOutOfBounds));
        assert!(!trap_matches("undefined element", TrapCode::UninitializedElement));
    }
}
