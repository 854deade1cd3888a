//! Bound soundness on real code (docs/bounds.md §3): every export of the bench workloads that
//! the analysis bounds, run with gas, `max_call_depth` and `max_value_stack` set to its bounds,
//! never runs out of gas or exhausts a stack, and uses at most its gas bound.

use gasket::{Bound, Config, Engine, GasSchedule, Linker, Module, Store, TrapCode, Val, ValType};

fn workloads() -> Vec<(String, Vec<u8>)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../bench/workloads");
    let mut out = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    names.sort();
    for path in names {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.ends_with(".wat") {
            out.push((name, wat::parse_file(&path).unwrap()));
        } else if name.ends_with(".wasm") {
            out.push((name, std::fs::read(&path).unwrap()));
        }
    }
    if !out.iter().any(|(n, _)| n == "rust-workloads.wasm") {
        println!("bench/workloads/rust-workloads.wasm absent: skipped");
    }
    out
}

/// Gas the stub of `gasket_v1::set_return` charges, declared to the analysis (the runtime's
/// own function charges by length; a stub with a constant charge is enough to check that a
/// declared host cost is counted).
const SET_RETURN_GAS: u64 = 10;

/// A linker with the host functions the workloads import: `gasket_v1::set_return`, charging
/// and declaring [`SET_RETURN_GAS`].
fn linker(engine: &Engine) -> Linker<()> {
    let mut linker = Linker::new(engine);
    linker
        .func_wrap("gasket_v1", "set_return", |mut c: gasket::Caller<'_, ()>, _: i32, _: i32| {
            c.consume_gas(SET_RETURN_GAS)
        })
        .unwrap();
    linker.declare_cost("gasket_v1", "set_return", SET_RETURN_GAS).unwrap();
    linker
}

fn args(ty: &[ValType], small: bool) -> Vec<Val> {
    ty.iter()
        .map(|t| match (t, small) {
            (ValType::I32, true) => Val::I32(7),
            (ValType::I64, true) => Val::I64(7),
            _ => Val::default_for(*t),
        })
        .collect()
}

#[test]
fn bench_workload_exports_stay_within_their_bounds() {
    let metered = Config { metering: Some(GasSchedule::default()), ..Config::default() };
    let (mut exports, mut bounded, mut runs, mut exact) = (0, 0, 0, 0);
    for (name, bytes) in workloads() {
        let m = Module::from_binary(&Engine::new(&metered), &bytes).unwrap();
        let costs = linker(m.engine()).bounds_config().clone();
        let inner = m.function_bounds(&costs).unwrap();
        let inner_bounded = inner.iter().filter(|b| b.gas.at_most().is_some()).count();
        println!("{name}: {inner_bounded} of {} functions have a gas bound", inner.len());
        for (export, b) in m.export_bounds(&costs).unwrap() {
            exports += 1;
            let (Bound::AtMost(gas), Bound::AtMost(depth), Bound::AtMost(stack)) = (b.gas, b.call_depth, b.stack_slots)
            else {
                continue;
            };
            bounded += 1;
            let config = Config { max_call_depth: depth as u32, max_value_stack: stack as u32, ..metered.clone() };
            let engine = Engine::new(&config);
            let m = Module::from_binary(&engine, &bytes).unwrap();
            for small in [false, true] {
                let mut store = Store::new(&engine, ());
                store.set_gas(u64::MAX);
                let inst = linker(&engine).instantiate(&mut store, &m).unwrap();
                let f = inst.get_func(&store, &export).unwrap();
                let ty = f.ty(&store).unwrap();
                let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
                store.set_gas(gas);
                let r = f.call(&mut store, &args(ty.params(), small), &mut results);
                let code = r.err().and_then(|e| e.as_trap().map(|t| t.code()));
                assert!(
                    !matches!(
                        code,
                        Some(TrapCode::OutOfGas | TrapCode::CallStackExhausted | TrapCode::ValueStackExhausted)
                    ),
                    "{name} {export}: {code:?} at its bounds {b:?}"
                );
                let used = gas - store.gas_left().unwrap();
                assert!(used <= gas);
                runs += 1;
                exact += (used == gas) as u32;
            }
        }
    }
    println!("bench workloads: {exports} exports, {bounded} bounded, {runs} runs at their bounds, {exact} exact");
    // The kernels' loops run over a parameter's length, so of the exports only the fixed-price
    // bench's contract (compress-contract.wat) is bounded (docs/bounds.md §6).
    assert!(exports > 0 && bounded > 0 && runs > 0);
}
