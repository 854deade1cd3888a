//! The peer engine wasmtime (pinned in the root Cargo.toml) with one of its two compilers:
//! Cranelift, the optimizing one, or Winch, the single-pass baseline. Default configuration
//! otherwise (on-demand allocation, copy-on-write memory initialization), except that compiling
//! is single-threaded (the `parallel-compilation` feature is off), like every other engine here.
//! The `-fuel` variants turn on wasmtime's fuel metering with an unlimited budget: their time
//! against the plain ones is wasmtime's metering cost, next to gasket's gas and wasmi's fuel.

use super::host::run_stub;
use super::WasmEngine;
use super::{adapt, copy_in, copy_out, stub_for, Arg, EngineResult, HostAccess, HostState, Instance, Prepared, Stub};
use wasmtime::{Config, Engine, ExternType, Linker, Memory, Module, Store, Strategy, Val, ValType};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compiler {
    Cranelift,
    Winch,
}

pub struct Wasmtime {
    engine: Engine,
    name: &'static str,
    fuel: bool,
}

impl Wasmtime {
    /// `fuel`: meter with wasmtime's fuel (an unlimited budget).
    pub fn new(compiler: Compiler, fuel: bool) -> Self {
        let mut config = Config::new();
        let (strategy, name) = match (compiler, fuel) {
            (Compiler::Cranelift, false) => (Strategy::Cranelift, "wasmtime-cranelift"),
            (Compiler::Cranelift, true) => (Strategy::Cranelift, "wasmtime-cranelift-fuel"),
            (Compiler::Winch, false) => (Strategy::Winch, "wasmtime-winch"),
            (Compiler::Winch, true) => (Strategy::Winch, "wasmtime-winch-fuel"),
        };
        config.strategy(strategy);
        config.consume_fuel(fuel);
        let engine = Engine::new(&config).unwrap_or_else(|e| panic!("wasmtime {name}: {e}"));
        Self { engine, name, fuel }
    }
}

impl WasmEngine for Wasmtime {
    fn name(&self) -> &'static str {
        self.name
    }

    fn prepare(&self, wasm: &[u8]) -> EngineResult<Box<dyn Prepared>> {
        let module = Module::new(&self.engine, wasm).map_err(|e| e.to_string())?;
        Ok(Box::new(WasmtimeModule { engine: self.engine.clone(), module, fuel: self.fuel }))
    }
}

struct WasmtimeModule {
    engine: Engine,
    module: Module,
    fuel: bool,
}

fn zero(t: &ValType) -> Val {
    match t {
        ValType::I64 => Val::I64(0),
        ValType::F32 => Val::F32(0),
        ValType::F64 => Val::F64(0),
        _ => Val::I32(0),
    }
}

impl Prepared for WasmtimeModule {
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
                    // wasmtime hands the results in as placeholders: their type is the import's.
                    let wide = ft.results().next().is_some_and(|t| matches!(t, ValType::I64));
                    linker
                        .func_new(module, name, ft, move |mut caller, params: &[Val], results: &mut [Val]| {
                            let args: Vec<i64> = params.iter().map(to_i64).collect();
                            let v = run_stub(action, &label, &args, &mut Access(&mut caller))
                                .map_err(wasmtime::Error::msg)?;
                            if let Some(r) = results.first_mut() {
                                *r = if wide { Val::I64(v) } else { Val::I32(v as i32) };
                            }
                            Ok(())
                        })
                        .map_err(|e| e.to_string())?;
                }
                ExternType::Memory(mt) => {
                    let mem = Memory::new(&mut store, mt).map_err(|e| e.to_string())?;
                    linker.define(&store, module, name, mem).map_err(|e| e.to_string())?;
                    imported_memory = Some(mem);
                }
                other => return Err(format!("unsupported import {module}::{name}: {other:?}")),
            }
        }
        let instance = linker.instantiate(&mut store, &self.module).map_err(|e| e.to_string())?;
        let memory = instance.get_memory(&mut store, "memory").or(imported_memory);
        Ok(Box::new(WasmtimeInstance { store, instance, memory }))
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
struct Access<'a, 'b>(&'a mut wasmtime::Caller<'b, HostState>);

impl Access<'_, '_> {
    fn memory(&mut self) -> EngineResult<Memory> {
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

struct WasmtimeInstance {
    store: Store<HostState>,
    instance: wasmtime::Instance,
    memory: Option<Memory>,
}

impl WasmtimeInstance {
    fn memory(&self) -> EngineResult<Memory> {
        self.memory.ok_or_else(|| "no memory".to_string())
    }
}

impl Instance for WasmtimeInstance {
    fn call(&mut self, export: &str, args: &[Arg]) -> EngineResult<i64> {
        let func = self
            .instance
            .get_func(&mut self.store, export)
            .ok_or_else(|| format!("no exported function `{export}`"))?;
        let ty = func.ty(&self.store);
        let params: Vec<Val> = adapt(args, ty.params().len())
            .map(|a| match a {
                Some(Arg::I32(v)) => Val::I32(v),
                Some(Arg::I64(v)) => Val::I64(v),
                None => Val::I32(0),
            })
            .collect();
        let mut results: Vec<Val> = ty.results().map(|t| zero(&t)).collect();
        func.call(&mut self.store, &params, &mut results).map_err(|e| format!("{e:#}"))?;
        match results.first() {
            None => Ok(0),
            Some(Val::I32(v)) => Ok(*v as i64),
            Some(Val::I64(v)) => Ok(*v),
            Some(other) => Err(format!("unexpected result {other:?}")),
        }
    }

    fn write(&mut self, offset: u32, bytes: &[u8]) -> EngineResult<()> {
        copy_in(self.memory()?.data_mut(&mut self.store), offset, bytes)
    }

    fn read(&mut self, offset: u32, len: u32) -> EngineResult<Vec<u8>> {
        copy_out(self.memory()?.data(&self.store), offset, len)
    }

    fn global_i32(&mut self, name: &str) -> EngineResult<i32> {
        let global = self.instance.get_global(&mut self.store, name);
        match global.map(|g| g.get(&mut self.store)) {
            Some(Val::I32(v)) => Ok(v),
            other => Err(format!("global `{name}`: {other:?}")),
        }
    }

    fn host(&mut self) -> EngineResult<&mut HostState> {
        Ok(self.store.data_mut())
    }
}
