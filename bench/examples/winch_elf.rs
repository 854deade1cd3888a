//! A profiling aid, not a benchmark: compiles one module with wasmtime's Winch (or Cranelift
//! with `--cranelift`) and writes the precompiled ELF, so that `objdump -d` shows the code a
//! peer generates for a function gasket's compiled tier is slower on.
//!
//! cargo run --release -p gasket-bench --example winch_elf -- FILE OUT.elf [--cranelift]

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, file, out, rest @ ..] = args.as_slice() else {
        return Err("usage: winch_elf FILE OUT.elf [--cranelift]".into());
    };
    let mut config = wasmtime::Config::new();
    let cranelift = rest.iter().any(|a| a == "--cranelift");
    config.strategy(if cranelift { wasmtime::Strategy::Cranelift } else { wasmtime::Strategy::Winch });
    let engine = wasmtime::Engine::new(&config)?;
    std::fs::write(out, engine.precompile_module(&std::fs::read(file)?)?)?;
    Ok(())
}
