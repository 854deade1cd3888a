//! The subject engine, gasket, behind the bench's engine trait: its default config, or with
//! gas metering on (an unlimited budget), to measure the cost of metering.

use super::{Arg, EngineResult, Instance, Prepared, WasmEngine};
use gasket::{Engine, Linker, Module, Store, Val};

pub struct Gasket {
    engine: Engine,
    name: &'static str,
}

impl Gasket {
    pub fn new() -> Self {
        Self { engine: Engine::default(), name: "gasket" }
    }

    pub fn metered() -> Self {
        let config = gasket::Config { metering: Some(gasket::GasSchedule::default()), ..gasket::Config::default() };
        Self { engine: Engine::new(&config), name: "gasket-metered" }
    }
}

impl WasmEngine for Gasket {
    fn name(&self) -> &'static str {
        self.name
    }

    fn prepare(&self, wasm: &[u8]) -> EngineResult<Box<dyn Prepared>> {
        let module = Module::new(&self.engine, wasm).map_err(|e| e.to_string())?;
        Ok(Box::new(GasketModule { engine: self.engine.clone(), module }))
    }
}

struct GasketModule {
    engine: Engine,
    module: Module,
}

impl Prepared for GasketModule {
    fn instantiate(&self) -> EngineResult<Box<dyn Instance>> {
        let mut store = Store::new(&self.engine, ());
        store.set_gas(u64::MAX);
        let instance = Linker::new(&self.engine)
            .instantiate(&mut store, &self.module)
            .map_err(|e| e.to_string())?;
        Ok(Box::new(GasketInstance { store, instance }))
    }
}

struct GasketInstance {
    store: Store<()>,
    instance: gasket::Instance,
}

impl Instance for GasketInstance {
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
        let mut results = [Val::I64(0)];
        func.call(&mut self.store, &params, &mut results).map_err(|e| e.to_string())?;
        match results[0] {
            Val::I32(v) => Ok(v as i64),
            Val::I64(v) => Ok(v),
            ref other => Err(format!("unexpected result {other:?}")),
        }
    }
}
