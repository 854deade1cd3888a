//! The subject engine, gasket, behind the bench's engine trait: either tier (the interpreter or
//! the compiler), unmetered or with gas metering on (an unlimited budget), to measure the cost
//! of metering.

use super::host::run_stub;
use super::WasmEngine;
use super::{adapt, copy_in, copy_out, stub_for, Arg, EngineResult, HostAccess, HostState, Instance, Prepared, Stub};
use gasket::{Caller, Engine, ExternType, Linker, Memory, Module, Store, Tier, Trap, Val};

pub struct Gasket {
    engine: Engine,
    name: &'static str,
}

impl Gasket {
    pub fn new(tier: Tier, metered: bool) -> Self {
        let metering = metered.then(gasket::GasSchedule::default);
        let name = match (tier, metered) {
            (Tier::Compiler, false) => super::COMPILED,
            (Tier::Compiler, true) => "gasket-compiled-metered",
            (_, false) => super::SUBJECT,
            (_, true) => "gasket-metered",
        };
        Self { engine: Engine::new(&gasket::Config { metering, tier, ..gasket::Config::default() }), name }
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
    fn instantiate(&self, stubs: &[Stub]) -> EngineResult<Box<dyn Instance>> {
        let mut store = Store::new(&self.engine, HostState::default());
        store.set_gas(u64::MAX);
        let mut linker = Linker::new(&self.engine);
        let mut imported_memory = None;
        for (module, name, ty) in self.module.imports() {
            match ty {
                ExternType::Func(ft) => {
                    let action = stub_for(stubs, module, name)?;
                    let label = format!("{module}::{name}");
                    linker
                        .func_new(module, name, ft, move |mut caller, params: &[Val], results: &mut [Val]| {
                            let args: Vec<i64> = params.iter().map(to_i64).collect();
                            let v = run_stub(action, &label, &args, &mut Access(&mut caller)).map_err(Trap::host)?;
                            if let Some(r) = results.first_mut() {
                                *r = if matches!(r, Val::I64(_)) { Val::I64(v) } else { Val::I32(v as i32) };
                            }
                            Ok(())
                        })
                        .map_err(|e| e.to_string())?;
                }
                ExternType::Memory(mt) => {
                    let mem = Memory::new(&mut store, mt).map_err(|e| e.to_string())?;
                    linker.define(module, name, mem).map_err(|e| e.to_string())?;
                    imported_memory = Some(mem);
                }
                other => return Err(format!("unsupported import {module}::{name}: {other}")),
            }
        }
        let instance = linker.instantiate(&mut store, &self.module).map_err(|e| e.to_string())?;
        let memory = instance.get_memory(&store, "memory").or(imported_memory);
        Ok(Box::new(GasketInstance { store, instance, memory }))
    }
}

fn to_i64(v: &Val) -> i64 {
    match *v {
        Val::I32(x) => x as i64,
        Val::I64(x) => x,
        _ => 0,
    }
}

/// A host function's view of its caller.
struct Access<'a, 'b>(&'a mut Caller<'b, HostState>);

impl Access<'_, '_> {
    fn memory(&self) -> EngineResult<Memory> {
        self.0.get_export("memory").and_then(|e| e.into_memory()).ok_or_else(|| "no exported memory".into())
    }
}

impl HostAccess for Access<'_, '_> {
    fn read(&mut self, ptr: u32, len: u32) -> EngineResult<Vec<u8>> {
        let mem = self.memory()?;
        copy_out(mem.data(&*self.0).map_err(|e| e.to_string())?, ptr, len)
    }

    fn write(&mut self, ptr: u32, bytes: &[u8]) -> EngineResult<()> {
        let mem = self.memory()?;
        copy_in(mem.data_mut(&mut *self.0).map_err(|e| e.to_string())?, ptr, bytes)
    }

    fn state(&mut self) -> &mut HostState {
        self.0.data_mut()
    }
}

struct GasketInstance {
    store: Store<HostState>,
    instance: gasket::Instance,
    memory: Option<Memory>,
}

impl GasketInstance {
    fn memory(&self) -> EngineResult<Memory> {
        self.memory.ok_or_else(|| "no memory".to_string())
    }
}

impl Instance for GasketInstance {
    fn call(&mut self, export: &str, args: &[Arg]) -> EngineResult<i64> {
        let func =
            self.instance.get_func(&self.store, export).ok_or_else(|| format!("no exported function `{export}`"))?;
        let ty = func.ty(&self.store).map_err(|e| e.to_string())?;
        let params: Vec<Val> = adapt(args, ty.params().len())
            .map(|a| match a {
                Some(Arg::I32(v)) => Val::I32(v),
                Some(Arg::I64(v)) => Val::I64(v),
                None => Val::I32(0),
            })
            .collect();
        let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
        func.call(&mut self.store, &params, &mut results).map_err(|e| e.to_string())?;
        match results.first() {
            None => Ok(0),
            Some(Val::I32(v)) => Ok(*v as i64),
            Some(Val::I64(v)) => Ok(*v),
            Some(other) => Err(format!("unexpected result {other:?}")),
        }
    }

    fn write(&mut self, offset: u32, bytes: &[u8]) -> EngineResult<()> {
        copy_in(self.memory()?.data_mut(&mut self.store).map_err(|e| e.to_string())?, offset, bytes)
    }

    fn read(&mut self, offset: u32, len: u32) -> EngineResult<Vec<u8>> {
        copy_out(self.memory()?.data(&self.store).map_err(|e| e.to_string())?, offset, len)
    }

    fn global_i32(&mut self, name: &str) -> EngineResult<i32> {
        match self.instance.get_global(&self.store, name).map(|g| g.get(&self.store)) {
            Some(Ok(Val::I32(v))) => Ok(v),
            other => Err(format!("global `{name}`: {other:?}")),
        }
    }

    fn host(&mut self) -> EngineResult<&mut HostState> {
        Ok(self.store.data_mut())
    }
}
