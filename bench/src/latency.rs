//! Contract-call latency (issue 4's figures): warm instantiate-and-call of the counter contract
//! in gasket and in wasmi 2.0 with equivalent minimal hosts, measured in alternation, and
//! gasket's whole `Runtime::call` (module cache, fresh instance, journal) end to end.

use std::sync::Arc;
use std::time::{Duration, Instant};

use gasket_runtime::{Address, MemStore, Runtime, RuntimeConfig, Status};

use crate::measure::Samples;

/// Calls per sample: enough that one sample lasts well over a timer tick.
const BATCH: u32 = 200;

pub fn counter() -> Vec<u8> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../contracts/wasm/counter.wasm");
    std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e} (run scripts/build-contracts.sh)"))
}

/// A gasket instance of the counter with a host that answers `storage_read` with "absent",
/// as the wasmi side does; `get` then returns 0.
fn gasket_engine_call(engine: &gasket::Engine, linker: &gasket::Linker<()>, module: &gasket::Module) {
    let mut store = gasket::Store::new(engine, ());
    store.set_gas(u64::MAX);
    let instance = linker.instantiate(&mut store, module).unwrap();
    instance.get_typed_func::<(), ()>(&store, "get").unwrap().call(&mut store, ()).unwrap();
}

fn wasmi_call(engine: &wasmi::Engine, linker: &wasmi::Linker<()>, module: &wasmi::Module) {
    let mut store = wasmi::Store::new(engine, ());
    let instance = linker.instantiate_and_start(&mut store, module).unwrap();
    instance.get_typed_func::<(), ()>(&store, "get").unwrap().call(&mut store, ()).unwrap();
}

fn gasket_host(engine: &gasket::Engine) -> gasket::Linker<()> {
    use gasket::{Caller, Trap};
    let mut l = gasket::Linker::new(engine);
    l.func_wrap("gasket_v1", "storage_read", |_: Caller<'_, ()>, _: i32, _: i32, _: i32, _: i32| -> i32 { -1 })
        .unwrap();
    l.func_wrap("gasket_v1", "storage_write", |_: Caller<'_, ()>, _: i32, _: i32, _: i32, _: i32| {}).unwrap();
    l.func_wrap("gasket_v1", "emit_event", |_: Caller<'_, ()>, _: i32, _: i32, _: i32, _: i32| {}).unwrap();
    l.func_wrap("gasket_v1", "set_return", |_: Caller<'_, ()>, _: i32, _: i32| {}).unwrap();
    l.func_wrap("gasket_v1", "revert", |_: Caller<'_, ()>, _: i32, _: i32| -> Result<(), Trap> {
        Err(Trap::host("revert"))
    })
    .unwrap();
    l
}

fn wasmi_host(engine: &wasmi::Engine) -> wasmi::Linker<()> {
    let mut l = wasmi::Linker::new(engine);
    l.func_wrap("gasket_v1", "storage_read", |_: i32, _: i32, _: i32, _: i32| -> i32 { -1 }).unwrap();
    l.func_wrap("gasket_v1", "storage_write", |_: i32, _: i32, _: i32, _: i32| {}).unwrap();
    l.func_wrap("gasket_v1", "emit_event", |_: i32, _: i32, _: i32, _: i32| {}).unwrap();
    l.func_wrap("gasket_v1", "set_return", |_: i32, _: i32| {}).unwrap();
    l.func_wrap("gasket_v1", "revert", |_: i32, _: i32| -> Result<(), wasmi::Error> {
        Err(wasmi::Error::new("revert"))
    })
    .unwrap();
    l
}

/// Per-call latency of each figure, median over `rounds` samples taken in alternation.
pub struct Latency {
    pub gasket_instantiate_call: Duration,
    pub wasmi_instantiate_call: Duration,
    pub gasket_runtime_call: Duration,
}

pub fn run(rounds: usize) -> Latency {
    let code = counter();
    let g_engine = gasket::Engine::new(&gasket::Config {
        metering: Some(gasket::GasSchedule::default()),
        ..gasket::Config::default()
    });
    let g_module = gasket::Module::new(&g_engine, &code).unwrap();
    let g_linker = gasket_host(&g_engine);
    let mut w_config = wasmi::Config::default();
    w_config.compilation_mode(wasmi::CompilationMode::Eager);
    let w_engine = wasmi::Engine::new(&w_config);
    let w_module = wasmi::Module::new(&w_engine, &code[..]).unwrap();
    let w_linker = wasmi_host(&w_engine);
    let rt = Runtime::new(Arc::new(MemStore::new()), RuntimeConfig::default()).unwrap();
    let addr = rt.deploy(&code, Address([1; 20]), b"").unwrap().address;
    let runtime_call = || {
        let r = rt.call(Address([2; 20]), addr, "get", b"", 1_000_000, Default::default()).unwrap();
        assert_eq!(r.status, Status::Success);
    };
    let (mut g, mut w, mut r) = (Samples::default(), Samples::default(), Samples::default());
    let per_call = |f: &mut dyn FnMut()| {
        let start = Instant::now();
        for _ in 0..BATCH {
            f();
        }
        start.elapsed() / BATCH
    };
    // Warm every path (caches, allocator) before measuring.
    for _ in 0..50 {
        gasket_engine_call(&g_engine, &g_linker, &g_module);
        wasmi_call(&w_engine, &w_linker, &w_module);
        runtime_call();
    }
    for round in 0..rounds {
        eprint!("\rlatency: round {}/{rounds}", round + 1);
        for k in 0..3 {
            match (round + k) % 3 {
                0 => g.push(per_call(&mut || gasket_engine_call(&g_engine, &g_linker, &g_module))),
                1 => w.push(per_call(&mut || wasmi_call(&w_engine, &w_linker, &w_module))),
                _ => r.push(per_call(&mut || runtime_call())),
            }
        }
    }
    eprintln!();
    Latency { gasket_instantiate_call: g.median(), wasmi_instantiate_call: w.median(), gasket_runtime_call: r.median() }
}
