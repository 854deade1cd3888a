//! The peer engine wasmi 2.0 behind the bench's engine trait, in one of its compilation
//! modes. Fuel metering is off (wasmi's default), except in the `EagerFuel` mode that measures
//! what wasmi's own metering costs.

use super::host::run_stub;
use super::WasmEngine;
use super::{adapt, copy_in, copy_out, stub_for, Arg, EngineResult, HostAccess, HostState, Instance, Prepared, Stub};
use wasmi::{CompilationMode, Config, Engine, ExternType, Linker, Memory, Module, Store, Val};

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
    fn instantiate(&self, stubs: &[Stub]) -> EngineResult<Box<dyn Instance>> {
        let mut store = Store::new(&self.engine, HostState::default());
        if self.fuel {
            store.set_fuel(u64::MAX).map_err(|e| e.to_string())?;
        }
        let mut linker = Linker::<HostState>::new(&self.engine);
        let mut imported_memory = None;
        for import in self.module.imports() {
            let (module, name) = (import.module(), import.name());
            match import.ty() {
                ExternType::Func(ft) => {
                    let action = stub_for(stubs, module, name)?;
                    let label = format!("{module}::{name}");
                    linker
                        .func_new(module, name, ft.clone(), move |mut caller, params: &[Val], results: &mut [Val]| {
                            let args: Vec<i64> = params.iter().map(to_i64).collect();
                            let v =
                                run_stub(action, &label, &args, &mut Access(&mut caller)).map_err(wasmi::Error::new)?;
                            if let Some(r) = results.first_mut() {
                                *r = if matches!(r, Val::I64(_)) { Val::I64(v) } else { Val::I32(v as i32) };
                            }
                            Ok(())
                        })
                        .map_err(|e| e.to_string())?;
                }
                ExternType::Memory(mt) => {
                    let mem = Memory::new(&mut store, *mt).map_err(|e| e.to_string())?;
                    linker.define(module, name, mem).map_err(|e| e.to_string())?;
                    imported_memory = Some(mem);
                }
                other => return Err(format!("unsupported import {module}::{name}: {other:?}")),
            }
        }
        let instance = linker.instantiate_and_start(&mut store, &self.module).map_err(|e| e.to_string())?;
        let memory = instance.get_memory(&store, "memory").or(imported_memory);
        Ok(Box::new(WasmiInstance { store, instance, memory }))
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
struct Access<'a, 'b>(&'a mut wasmi::Caller<'b, HostState>);

impl Access<'_, '_> {
    fn memory(&self) -> EngineResult<Memory> {
        self.0.get_export("memory").and_then(|e| e.into_memory()).ok_or_else(|| "no exported memory".into())
    }
}

impl HostAccess for Access<'_, '_> {
    fn read(&mut self, ptr: u32, len: u32) -> EngineResult<Vec<u8>> {
        let mem = self.memory()?;
        copy_out(mem.data(&*self.0), ptr, len)
    }

    fn write(&mut self, ptr: u32, bytes: &[u8]) -> EngineResult<()> {
        let mem = self.memory()?;
        copy_in(mem.data_mut(&mut *self.0), ptr, bytes)
    }

    fn state(&mut self) -> &mut HostState {
        self.0.data_mut()
    }
}

struct WasmiInstance {
    store: Store<HostState>,
    instance: wasmi::Instance,
    memory: Option<Memory>,
}

impl WasmiInstance {
    fn memory(&self) -> EngineResult<Memory> {
        self.memory.ok_or_else(|| "no memory".to_string())
    }
}

impl Instance for WasmiInstance {
    fn call(&mut self, export: &str, args: &[Arg]) -> EngineResult<i64> {
        let func =
            self.instance.get_func(&self.store, export).ok_or_else(|| format!("no exported function `{export}`"))?;
        let ty = func.ty(&self.store);
        let params: Vec<Val> = adapt(args, ty.params().len())
            .map(|a| match a {
                Some(Arg::I32(v)) => Val::I32(v),
                Some(Arg::I64(v)) => Val::I64(v),
                None => Val::I32(0),
            })
            .collect();
        let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for_ty(*t)).collect();
        func.call(&mut self.store, &params, &mut results).map_err(|e| e.to_string())?;
        match results.first() {
            None => Ok(0),
            Some(Val::I32(v)) => Ok(*v as i64),
            Some(Val::I64(v)) => Ok(*v),
            other => Err(format!("unexpected result {other:?}")),
        }
    }

    fn write(&mut self, offset: u32, bytes: &[u8]) -> EngineResult<()> {
        copy_in(self.memory()?.data_mut(&mut self.store), offset, bytes)
    }

    fn read(&mut self, offset: u32, len: u32) -> EngineResult<Vec<u8>> {
        copy_out(self.memory()?.data(&self.store), offset, len)
    }

    fn global_i32(&mut self, name: &str) -> EngineResult<i32> {
        match self.instance.get_global(&self.store, name).map(|g| g.get(&self.store)) {
            Some(Val::I32(v)) => Ok(v),
            other => Err(format!("global `{name}`: {other:?}")),
        }
    }

    fn host(&mut self) -> EngineResult<&mut HostState> {
        Ok(self.store.data_mut())
    }
}
