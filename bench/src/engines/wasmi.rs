//! The peer engine wasmi 2.0 behind the bench's engine trait, in one of its compilation
//! modes. Fuel metering is off (wasmi's default), except in the `EagerFuel` mode that measures
//! what wasmi's own metering costs.

use super::{Arg, EngineResult, Instance, Prepared, WasmEngine};
use wasmi::{CompilationMode, Config, Engine, Linker, Module, Store, Val};

/// Which wasmi compilation mode to configure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Validate and translate everything in `Module::new`, like gasket.
    Eager,
    /// Validate in `Module::new`, translate each function on first call (wasmi's default).
    LazyTranslation,
    /// Validate and translate each function on first call.
    Lazy,
    /// Eager, with fuel metering on (an unlimited budget).
    EagerFuel,
}

pub struct Wasmi {
    engine: Engine,
    name: &'static str,
    fuel: bool,
}

impl Wasmi {
    pub fn new(mode: Mode) -> Self {
        let (cm, name) = match mode {
            Mode::Eager => (CompilationMode::Eager, "wasmi-eager"),
            Mode::LazyTranslation => (CompilationMode::LazyTranslation, "wasmi-lazytr"),
            Mode::Lazy => (CompilationMode::Lazy, "wasmi-lazy"),
            Mode::EagerFuel => (CompilationMode::Eager, "wasmi-fuel"),
        };
        let fuel = mode == Mode::EagerFuel;
        let mut config = Config::default();
        config.compilation_mode(cm);
        config.consume_fuel(fuel);
        Self { engine: Engine::new(&config), name, fuel }
    }
}

impl WasmEngine for Wasmi {
    fn name(&self) -> &'static str {
        self.name
    }

    fn prepare(&self, wasm: &[u8]) -> EngineResult<Box<dyn Prepared>> {
        let module = Module::new(&self.engine, wasm).map_err(|e| e.to_string())?;
        Ok(Box::new(WasmiModule { engine: self.engine.clone(), module, fuel: self.fuel }))
    }
}

struct WasmiModule {
    engine: Engine,
    module: Module,
    fuel: bool,
}

impl Prepared for WasmiModule {
    fn instantiate(&self) -> EngineResult<Box<dyn Instance>> {
        let mut store = Store::new(&self.engine, ());
        if self.fuel {
            store.set_fuel(u64::MAX).map_err(|e| e.to_string())?;
        }
        let instance = Linker::<()>::new(&self.engine)
            .instantiate_and_start(&mut store, &self.module)
            .map_err(|e| e.to_string())?;
        Ok(Box::new(WasmiInstance { store, instance }))
    }
}

struct WasmiInstance {
    store: Store<()>,
    instance: wasmi::Instance,
}

impl Instance for WasmiInstance {
    fn call(&mut self, export: &str, args: &[Arg]) -> EngineResult<i64> {
        let func = self
            .instance
            .get_func(&self.store, export)
            .ok_or_else(|| format!("no exported function `{export}`"))?;
        let params: Vec<Val> = args
            .iter()
            .map(|a| match *a {
                Arg::I32(v) => Val::I32(v),
                Arg::I64(v) => Val::I64(v),
            })
            .collect();
        let mut results: Vec<Val> =
            func.ty(&self.store).results().iter().map(|t| Val::default_for_ty(*t)).collect();
        func.call(&mut self.store, &params, &mut results).map_err(|e| e.to_string())?;
        match results.first() {
            Some(Val::I32(v)) => Ok(*v as i64),
            Some(Val::I64(v)) => Ok(*v),
            other => Err(format!("unexpected result {other:?}")),
        }
    }
}
