//! Precompile instance pooling (docs/wasi.md, "Pooling"): a call of an installed WASI
//! precompile in a fresh instance (`Runtime::call_precompile_fresh`: instantiate, then run)
//! against the same call from the instance pool (`Runtime::call_precompile`: restore a
//! snapshot, then run), for a tiny program (one page of memory) and for a program with more
//! than 1 MB of initial memory (the Rust example `hint`, 17 pages). The two kinds of call
//! alternate in batches in one process; every receipt is checked to equal the first fresh one
//! (output, exit code, gas). Writes `bench/results/pool.md`.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use gasket_runtime::{MemStore, PrecompileContext, PrecompileReceipt, Runtime, RuntimeConfig};

/// Writes "ok\n" to stdout and returns: the tiny program.
const TINY: &str = include_str!("../../examples/wasi/tiny.wat");

const TX: &[u8] =
    br#"{"from":"0x01","to":"0xAbCd","value":"123456","gas":21000,"gas_price":"7","nonce":3,"data":"0xa9059cbb00ff"}"#;

struct Row {
    name: &'static str,
    memory_bytes: u64,
    fresh_us: f64,
    pooled_us: f64,
    calls: usize,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn measure(name: &'static str, code: &[u8], input: &[u8], batches: usize, batch: usize) -> Result<Row, String> {
    let rt = Runtime::new(Arc::new(MemStore::new()), RuntimeConfig::default()).map_err(|e| e.to_string())?;
    let hash = rt.install_precompile(code).map_err(|e| e.to_string())?;
    let ctx = PrecompileContext::default();
    let gas = 1 << 40;
    let call = |pooled: bool| -> PrecompileReceipt {
        let r = if pooled {
            rt.call_precompile(&hash, input, gas, &ctx)
        } else {
            rt.call_precompile_fresh(&hash, input, gas, &ctx)
        };
        r.expect("a precompile call")
    };
    let reference = call(false);
    if !reference.success() {
        return Err(format!("{name}: {:?}", reference.status));
    }
    let memory_bytes = gasket::Module::from_binary(&gasket::Engine::new(&gasket_wasi::engine_config(true)), code)
        .map_err(|e| e.to_string())?
        .stats()
        .max_memory_pages
        * 65536;
    // Warm-up: fills the pool and the caches.
    for pooled in [false, true, false, true] {
        assert_eq!(call(pooled), reference, "{name}: warm-up receipt differs");
    }
    let (mut fresh, mut pooled) = (Vec::new(), Vec::new());
    for round in 0..batches {
        for kind in [round % 2 == 0, round % 2 == 1] {
            let start = Instant::now();
            for _ in 0..batch {
                let r = call(kind);
                if r != reference {
                    return Err(format!("{name}: a {} receipt differs", if kind { "pooled" } else { "fresh" }));
                }
            }
            let us = start.elapsed().as_secs_f64() * 1e6 / batch as f64;
            if kind {
                pooled.push(us)
            } else {
                fresh.push(us)
            }
        }
    }
    Ok(Row { name, memory_bytes, fresh_us: median(fresh), pooled_us: median(pooled), calls: 2 * batches * batch })
}

pub fn main(quick: bool) -> ExitCode {
    let tiny = wat::parse_str(TINY).expect("the tiny program");
    let hint_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/wasi/wasm/hint.wasm");
    let Ok(hint) = std::fs::read(hint_path) else {
        eprintln!("[bench] {hint_path} missing (run scripts/build-wasi-examples.sh)");
        return ExitCode::FAILURE;
    };
    let (batches, batch) = if quick { (3, 10) } else { (15, 200) };
    let mut rows = Vec::new();
    for (name, code, input) in [("tiny (WAT, fd_write)", &tiny, &b""[..]), ("hint (Rust, serde_json)", &hint, TX)] {
        eprintln!("[bench] pool: {name}");
        match measure(name, code, input, batches, if name.starts_with("hint") { batch / 4 } else { batch }) {
            Ok(r) => rows.push(r),
            Err(e) => {
                eprintln!("[bench] pool: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let mut md = String::from("# Precompile pooling: fresh instantiate + run vs pooled\n\n");
    md += &format!("- date: {}\n", crate::command_output("date", &["-u", "+%Y-%m-%d %H:%M UTC"]));
    md += &format!("- commit: {}\n", crate::command_output("git", &["rev-parse", "--short", "HEAD"]));
    md += "- method: one process; fresh and pooled calls alternate in batches (order swapped each round); \
           median of the per-call batch means; every receipt (stdout, exit code, gas) checked equal to the \
           first fresh one\n\n";
    md += "| program | initial memory | fresh (µs/call) | pooled (µs/call) | speedup | calls checked |\n| --- | ---: | ---: | ---: | ---: | ---: |\n";
    for r in &rows {
        md += &format!(
            "| {} | {} KiB | {:.1} | {:.1} | {:.2}x | {} |\n",
            r.name,
            r.memory_bytes / 1024,
            r.fresh_us,
            r.pooled_us,
            r.fresh_us / r.pooled_us,
            r.calls
        );
    }
    let tiny_speedup = rows[0].fresh_us / rows[0].pooled_us;
    md += &format!(
        "\nCriterion: pooled at least 5x faster than fresh for the tiny program: {} ({tiny_speedup:.2}x).\n",
        if tiny_speedup >= 5.0 { "met" } else { "**not met**" }
    );
    println!("{md}");
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("results/pool.md");
    if let Err(e) = std::fs::write(&path, &md) {
        eprintln!("[bench] could not write {}: {e}", path.display());
    }
    ExitCode::SUCCESS
}
