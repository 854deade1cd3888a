//! Reproducer for profiling: generates one family at one size and prepares it repeatedly.
//!
//! `cargo run --release -p gasket-bombs --example prepare_family -- FAMILY [BYTES] [REPS]`, e.g.
//! `perf record -g target/release/examples/prepare_family local_scan 400000 20`. A fourth
//! argument, `compiler`, prepares with the compiler tier; `BOMB_OUT=FILE` also writes the
//! module to FILE.

use std::time::Instant;

use gasket_bombs::{generate, Family};

fn main() {
    let mut args = std::env::args().skip(1);
    let name = args.next().unwrap_or_else(|| "ordinary".into());
    let Some(family) = Family::from_name(&name) else {
        let names: Vec<&str> = Family::ALL.iter().map(|f| f.name()).collect();
        eprintln!("unknown family `{name}`; families: {}", names.join(", "));
        std::process::exit(64);
    };
    let bytes: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    let reps: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10);
    let wasm = generate(family, bytes);
    if let Some(out) = std::env::var_os("BOMB_OUT") {
        std::fs::write(&out, &wasm).unwrap_or_else(|e| panic!("cannot write {out:?}: {e}"));
    }
    let tier = match args.next().as_deref() {
        Some("compiler") => gasket::Tier::Compiler,
        _ => gasket::Tier::Interpreter,
    };
    let engine = gasket::Engine::new(&gasket::Config { tier, ..gasket::Config::default() });
    let first = gasket::Module::new(&engine, &wasm);
    let ir = first.as_ref().map(|m| m.stats().ir_instructions).unwrap_or(0);
    if let Some((bytes, _)) = first.as_ref().ok().and_then(|m| m.compiled_code()) {
        println!("{name}: {bytes} bytes of native code");
    }
    let start = Instant::now();
    for i in 0..reps {
        if let Err(e) = gasket::Module::new(&engine, &wasm) {
            if i == 0 {
                eprintln!("{name}: {e}");
            }
        }
    }
    let per = start.elapsed() / reps as u32;
    let ns = per.as_nanos() as f64 / wasm.len() as f64;
    println!(
        "{name}: {} bytes, {per:?} per preparation, {ns:.1} ns/byte, {:.2} IR instructions/byte",
        wasm.len(),
        ir as f64 / wasm.len() as f64
    );
}
