//! A profiling driver for pooled precompile calls, not a benchmark: calls a tiny WASI program
//! `N` times through the pool (or fresh with `fresh`) so that `perf` can see the per-call
//! work. Ratios come from `gasket-bench pool`.
//!
//! cargo run --release -p gasket-runtime --example pool_profile -- [pooled|fresh] [N]

use std::sync::Arc;
use std::time::Instant;

use gasket_runtime::{MemStore, PrecompileContext, Runtime, RuntimeConfig};

/// The pool bench's tiny program.
const TINY: &str = include_str!("../../../examples/wasi/tiny.wat");

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let pooled = args.get(1).is_none_or(|a| a != "fresh");
    let n: usize = args.get(2).map_or(Ok(1_000_000), |s| s.parse())?;
    let rt = Runtime::new(Arc::new(MemStore::new()), RuntimeConfig::default())?;
    let hash = rt.install_precompile(&wat::parse_str(TINY)?)?;
    let ctx = PrecompileContext::default();
    let started = Instant::now();
    for _ in 0..n {
        let r = if pooled {
            rt.call_precompile(&hash, b"", 1 << 40, &ctx)?
        } else {
            rt.call_precompile_fresh(&hash, b"", 1 << 40, &ctx)?
        };
        assert!(r.success());
    }
    println!("{:.3} µs/call", started.elapsed().as_secs_f64() * 1e6 / n as f64);
    Ok(())
}
