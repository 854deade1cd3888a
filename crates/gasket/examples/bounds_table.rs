//! Prints static bounds (docs/bounds.md) for the bench's Rust workloads module
//! (bench/workloads/rust-workloads.wasm): every export, then every defined function whose name
//! (from the name section) is a hash compression function, with the metered gas the hash
//! exports actually use per block for comparison. `cargo run -p gasket --example bounds_table`.

use gasket::{Bound, BoundsConfig, Config, Engine, GasSchedule, Linker, Module, Store};

/// Reads a LEB128 u32 at `*at`.
fn leb(b: &[u8], at: &mut usize) -> Option<u32> {
    let (mut v, mut shift) = (0u32, 0);
    loop {
        let byte = *b.get(*at)?;
        *at += 1;
        v |= ((byte & 0x7f) as u32).checked_shl(shift)?;
        if byte & 0x80 == 0 {
            return Some(v);
        }
        shift += 7;
    }
}

/// Function names from the `name` custom section, by function index.
fn names(wasm: &[u8]) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    let mut at = 8;
    while at < wasm.len() {
        let id = wasm[at];
        at += 1;
        let Some(size) = leb(wasm, &mut at) else { break };
        let end = at + size as usize;
        if id == 0 {
            let mut p = at;
            let n = leb(wasm, &mut p).unwrap_or(0) as usize;
            if &wasm[p..p + n] == b"name" {
                p += n;
                while p < end {
                    let sub = wasm[p];
                    p += 1;
                    let len = leb(wasm, &mut p).unwrap_or(0) as usize;
                    if sub == 1 {
                        let mut q = p;
                        let count = leb(wasm, &mut q).unwrap_or(0);
                        for _ in 0..count {
                            let idx = leb(wasm, &mut q).unwrap_or(0);
                            let l = leb(wasm, &mut q).unwrap_or(0) as usize;
                            out.push((idx, String::from_utf8_lossy(&wasm[q..q + l]).into_owned()));
                            q += l;
                        }
                    }
                    p += len;
                }
            }
        }
        at = end;
    }
    out
}

fn show(b: Bound) -> String {
    match b {
        Bound::AtMost(n) => n.to_string(),
        Bound::Unbounded { reason, offset } => format!("unbounded ({reason} at {offset:#x})"),
    }
}

fn main() {
    let path = format!("{}/../../bench/workloads/rust-workloads.wasm", env!("CARGO_MANIFEST_DIR"));
    let path = std::env::args().nth(1).unwrap_or(path);
    let wasm = std::fs::read(&path).expect("the workloads module");
    let engine = Engine::new(&Config { metering: Some(GasSchedule::default()), ..Config::default() });
    let module = Module::new(&engine, &wasm).expect("prepares");
    let config = BoundsConfig::default();
    println!("exports of {path}:");
    for (name, b) in module.export_bounds(&config).unwrap() {
        println!("  {name}: gas {}, depth {}, stack {}", show(b.gas), show(b.call_depth), show(b.stack_slots));
    }
    let all = module.function_bounds(&config).unwrap();
    let named = names(&wasm);
    let bounded = all.iter().filter(|b| b.gas.at_most().is_some()).count();
    println!("functions: {} of {} gas-bounded", bounded, all.len());
    for (idx, b) in all.iter().enumerate() {
        let name = named.iter().find(|(i, _)| *i as usize == idx).map_or("", |(_, n)| n.as_str());
        let ir = module.ir_listing(Some(idx as u32)).map_or(0, |l| l.lines().count());
        println!("  func {idx} {name} ({ir} IR lines): gas {}", show(b.gas));
    }
    // Actual gas: the marginal cost of one more 64 KiB of input, per block.
    let mut store = Store::new(&engine, ());
    store.set_gas(u64::MAX);
    let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
    for (export, block) in [("sha256", 64u64), ("keccak256", 136), ("blake2b", 128)] {
        let f = instance.get_typed_func::<i32, i64>(&store, export).unwrap();
        let mut used = [0u64; 2];
        for (k, kib) in [64, 128].into_iter().enumerate() {
            store.set_gas(u64::MAX);
            f.call(&mut store, kib).unwrap();
            used[k] = u64::MAX - store.gas_left().unwrap();
        }
        let per_64k = used[1] - used[0];
        println!(
            "  {export}: {per_64k} gas per 64 KiB, {:.1} per {block}-byte block",
            per_64k as f64 / (65536.0 / block as f64)
        );
    }
}
