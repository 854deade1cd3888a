//! A profiling driver for preparation, not a benchmark: prepares one module (.wasm or .wat)
//! `N` times on each tier and prints the median time and throughput, so that `perf` or
//! callgrind can look at decoding, translation and compilation. Ratios against peers come
//! from `gasket-bench`.
//!
//! cargo run --release -p gasket --example prepare -- FILE [N] [interpreter|compiler]
//!
//! `PREPARE_METERED=1` prepares with the default gas schedule (the bench prepares unmetered).

use std::time::{Duration, Instant};

use gasket::{Config, Engine, GasSchedule, Limits, Module, Tier};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let file = args.get(1).ok_or("usage: prepare FILE [N]")?;
    let n: usize = args.get(2).map_or(Ok(20), |s| s.parse())?;
    let bytes = wat::parse_bytes(&std::fs::read(file)?)?.into_owned();
    let limits =
        Limits { max_module_bytes: 64 << 20, max_functions: 200_000, max_data_segments: 100_000, ..Limits::default() };
    let tiers: &[Tier] = match args.get(3).map(String::as_str) {
        Some("interpreter") => &[Tier::Interpreter],
        Some("compiler") => &[Tier::Compiler],
        Some(other) => return Err(format!("unknown tier {other}: interpreter or compiler").into()),
        None if cfg!(target_arch = "x86_64") => &[Tier::Interpreter, Tier::Compiler],
        None => &[Tier::Interpreter],
    };
    for &tier in tiers {
        let metering = std::env::var_os("PREPARE_METERED").map(|_| GasSchedule::default());
        let engine = Engine::new(&Config { tier, limits: limits.clone(), metering, ..Config::default() });
        let mut compiling = Vec::with_capacity(n);
        let mut times: Vec<Duration> = (0..n)
            .map(|_| {
                let started = Instant::now();
                let module = Module::from_binary(&engine, &bytes).expect("a valid module");
                let took = started.elapsed();
                compiling.extend(module.compiled_code().map(|(_, c)| c));
                drop(module);
                took
            })
            .collect();
        times.sort();
        compiling.sort();
        let median = times[n / 2];
        let min = times[0];
        let module = Module::from_binary(&engine, &bytes)?;
        // PREPARE_ARTIFACT=PATH writes the prepared module (`Module::serialize`) to PATH.TIER,
        // to check that a change to preparation leaves the IR as it was (compare the files).
        if let Ok(path) = std::env::var("PREPARE_ARTIFACT") {
            std::fs::write(format!("{path}.{tier:?}"), module.serialize())?;
        }
        let compiled = module.compiled_code().map_or(String::new(), |(size, _)| {
            let took = compiling[compiling.len() / 2];
            let ns = |d: Duration| d.as_nanos() as f64 / bytes.len() as f64;
            let (median, min) = (ns(took), ns(compiling[0]));
            format!(", native code {size} bytes, compiling {took:?} of it (median {median:.1} ns/byte, min {min:.1})")
        });
        let mbs = bytes.len() as f64 / median.as_secs_f64() / 1e6;
        let min_mbs = bytes.len() as f64 / min.as_secs_f64() / 1e6;
        println!(
            "{tier:?}: {} bytes in {median:?} (median of {n}), {mbs:.1} MB/s; fastest {min:?}, {min_mbs:.1} MB/s{compiled}",
            bytes.len()
        );
    }
    Ok(())
}
