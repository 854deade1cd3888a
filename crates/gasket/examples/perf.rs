//! A profiling driver, not a benchmark: runs one exported `(i32) -> i64|i32` function of a
//! module (.wasm or .wat) with the given argument, metered or not, imported functions stubbed, so that `perf` or
//! `valgrind --tool=callgrind` can look at the interpreter alone. Ratios against peers come
//! from `gasket-bench`.
//!
//! cargo run --release -p gasket --example perf -- FILE FUNC ARG [--metered] [--compiled]
//! (with `GASKET_IR=1` it first prints the module's IR listing to stderr)
//!
//! `FUNC` = `hash:BITS` drives an npm hash-wasm module instead: `Hash_Init(BITS)`, then
//! `Hash_Update` over `ARG` KiB of zeros in 8 KiB parts, then `Hash_Final(0)`.

use gasket::{Config, Engine, ExternType, GasSchedule, Linker, Module, Store, Tier, Val};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, file, func, arg, rest @ ..] = args.as_slice() else {
        return Err("usage: perf FILE FUNC ARG [--metered] [--compiled]".into());
    };
    let metered = rest.iter().any(|a| a == "--metered");
    let tier = if rest.iter().any(|a| a == "--compiled") { Tier::Compiler } else { Tier::Interpreter };
    let config = Config { metering: metered.then(GasSchedule::default), tier, ..Config::default() };
    let engine = Engine::new(&config);
    let module = Module::new(&engine, std::fs::read(file)?)?;
    if std::env::var_os("GASKET_IR").is_some() {
        eprint!("{}", module.ir_listing(None).unwrap_or_default());
    }
    // GASKET_NATIVE=N writes function N's native code to /tmp/gasket-native-N.bin, for
    // `objdump -D -b binary -mi386:x86-64`.
    if let Some(f) = std::env::var("GASKET_NATIVE").ok().and_then(|v| v.parse::<u32>().ok()) {
        if let Some(code) = module.native_code(f) {
            std::fs::write(format!("/tmp/gasket-native-{f}.bin"), code)?;
            eprintln!("function {f}'s native code is at {:p} ({} bytes)", code.as_ptr(), code.len());
        }
    }
    let mut store = Store::new(&engine, ());
    if metered {
        store.set_gas(u64::MAX);
    }
    // Imported functions are stubs returning zeros (a clock that stands still is enough for
    // the fixed-work kernels this driver profiles).
    let mut linker = Linker::new(&engine);
    for (m, name, ty) in module.imports() {
        if let ExternType::Func(ty) = ty {
            linker.func_new(m, name, ty, |_, _, results| {
                results.iter_mut().for_each(|r| *r = Val::default_for(r.ty()));
                Ok(())
            })?;
        }
    }
    let instance = linker.instantiate(&mut store, &module)?;
    let call = |store: &mut Store<()>, name: &str, args: &[Val]| -> Result<Vec<Val>, Box<dyn std::error::Error>> {
        let f = instance.get_func(&*store, name).ok_or_else(|| format!("no export {name}"))?;
        let ty = f.ty(&*store).expect("own store");
        let mut results = vec![Val::I64(0); ty.results().len()];
        // hash-wasm's Hash_Final takes keccak's padding byte in some builds and nothing in others.
        f.call(&mut *store, &args[..ty.params().len().min(args.len())], &mut results)?;
        Ok(results)
    };
    let started = std::time::Instant::now();
    let results = match func.strip_prefix("hash:") {
        Some(bits) => {
            call(&mut store, "Hash_Init", &[Val::I32(bits.parse()?)])?;
            for _ in 0..arg.parse::<u32>()? / 8 {
                call(&mut store, "Hash_Update", &[Val::I32(8192)])?;
            }
            call(&mut store, "Hash_Final", &[Val::I32(0)])?
        }
        None => call(&mut store, func, &[Val::I32(arg.parse()?)])?,
    };
    let took = started.elapsed();
    println!("{results:?} gas_used={} in {took:?}", if metered { u64::MAX - store.gas_left().unwrap_or(0) } else { 0 });
    Ok(())
}
