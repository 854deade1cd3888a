//! gasket-bench: runs gasket side by side with peer engines (wasmi 2.0 in three modes,
//! wasmtime with Cranelift and with Winch, native Rust) and reports preparation throughput,
//! instantiation latency, execution time, metering overhead and the bomb corpus as absolute
//! figures and gasket/peer ratios from the same run, in markdown and SVG charts.
//!
//! Usage: `cargo run -p gasket-bench --release -- [all|prepare|instantiate|execute|metering|
//! latency|bomb-corpus|bombs|pool|bounds|synth FILE]... [--quick] [--exec-runs N] [--prep-runs N] [--synth-mb X]
//! [--bomb-runs N] [--family NAME]... [--workload NAME]... [--engine NAME]...`. `--workload`
//! keeps only the workloads whose name contains NAME (and their modules, in preparation and
//! instantiation); `--engine NAME` (repeatable) runs only the engines named, e.g. to profile
//! one. Without a suite name, or with `all`: every suite but
//! `bombs`. Progress goes to stderr; the report goes to stdout and `bench/results/latest.md`,
//! the charts to `bench/results/*.svg`. `bombs` runs gasket's adversarial-module scaling suite
//! instead (`bench/src/bombs/`), its report in `bench/results/bombs.md` (with `--tier compiler`,
//! on the compiled tier, in `bench/results/bombs-compiled.md`); `pool` measures
//! precompile instance pooling (`bench/src/pool.rs`, `bench/results/pool.md`); `bounds`
//! measures fixed-price against metered calls and the bound analysis against preparation
//! (`bench/src/bounds.rs`, `bench/results/bounds.md`); `synth FILE` writes the preparation
//! suite's synthetic module (`--synth-mb` sets its size) for profiling.
#![forbid(unsafe_code)]

mod bombs;
mod bounds;
mod charts;
mod contracts;
mod corpus;
mod engines;
mod execute;
mod external;
mod instantiate;
mod isolate;
mod latency;
mod measure;
mod pool;
mod prepare;
mod report;
mod synth;
mod workloads;

use std::path::PathBuf;
use std::process::ExitCode;

/// Command-line options.
pub struct Options {
    pub prepare: bool,
    pub instantiate: bool,
    pub execute: bool,
    /// Contract-call latency (bench/src/latency.rs).
    pub latency: bool,
    /// Preparation of the bomb families by every engine (bench/src/bombs/corpus.rs).
    pub corpus: bool,
    /// Small sizes and inputs, for checking the harness itself.
    pub quick: bool,
    pub exec_runs: usize,
    pub prep_runs: usize,
    /// Target size of the synthetic module. Gasket's default limit is 4 MiB.
    pub synth_bytes: usize,
    /// Run gasket's bomb scaling suite instead of the others.
    pub bombs: bool,
    pub bomb_runs: usize,
    /// Bomb families to run (by name); all when empty.
    pub families: Vec<String>,
    /// Run the precompile pooling suite instead of the others (bench/src/pool.rs).
    pub pool: bool,
    /// Run the static-bounds suite instead of the others (bench/src/bounds.rs).
    pub bounds: bool,
    /// The tier the `bombs` suite prepares with (`--tier interpreter|compiler`).
    pub tier: gasket::Tier,
    /// Substrings of the workload names to run; all when empty.
    pub only: Vec<String>,
    /// Engines to run, by name; all when empty.
    pub engines: Vec<String>,
    /// Write the synthetic module of the preparation suite to this file and stop (`synth FILE`),
    /// for profiling preparation with the `prepare` example of the gasket crate.
    pub synth_out: Option<PathBuf>,
}

fn parse_args() -> Result<Options, String> {
    let mut o = Options {
        prepare: false,
        instantiate: false,
        execute: false,
        latency: false,
        corpus: false,
        quick: false,
        exec_runs: 7,
        prep_runs: 21,
        synth_bytes: 3_600_000,
        bombs: false,
        bomb_runs: 7,
        families: Vec::new(),
        pool: false,
        bounds: false,
        tier: gasket::Tier::Interpreter,
        only: Vec::new(),
        engines: Vec::new(),
        synth_out: None,
    };
    let mut named = false;
    let mut args = std::env::args().skip(1);
    let num = |v: Option<String>, what: &str| -> Result<f64, String> {
        v.and_then(|v| v.parse().ok()).ok_or_else(|| format!("{what} needs a number"))
    };
    while let Some(a) = args.next() {
        named |= !a.starts_with("--");
        match a.as_str() {
            "all" => (o.prepare, o.instantiate, o.execute, o.latency, o.corpus) = (true, true, true, true, true),
            "prepare" => o.prepare = true,
            "instantiate" => o.instantiate = true,
            // Execution includes the metered engines, so it yields the metering overhead too.
            "execute" | "metering" => o.execute = true,
            "latency" => o.latency = true,
            "bomb-corpus" => o.corpus = true,
            "bombs" => o.bombs = true,
            "pool" => o.pool = true,
            "bounds" => o.bounds = true,
            "synth" => o.synth_out = Some(args.next().ok_or("synth needs a file to write")?.into()),
            "--bomb-runs" => o.bomb_runs = num(args.next(), "--bomb-runs")? as usize,
            "--family" => o.families.push(args.next().ok_or("--family needs a name")?),
            "--workload" => o.only.push(args.next().ok_or("--workload needs a name")?),
            "--tier" => {
                o.tier = args.next().ok_or("--tier needs a name")?.parse().map_err(|e| format!("--tier: {e}"))?
            }
            "--engine" => o.engines.push(args.next().ok_or("--engine needs a name")?),
            "--quick" => o.quick = true,
            "--exec-runs" => o.exec_runs = num(args.next(), "--exec-runs")? as usize,
            "--prep-runs" => o.prep_runs = num(args.next(), "--prep-runs")? as usize,
            "--synth-mb" => o.synth_bytes = (num(args.next(), "--synth-mb")? * 1e6) as usize,
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if !named {
        (o.prepare, o.instantiate, o.execute, o.latency, o.corpus) = (true, true, true, true, true);
    }
    if o.exec_runs < 5 && !o.quick {
        return Err("--exec-runs must be at least 5".into());
    }
    Ok(o)
}

fn command_output(cmd: &str, args: &[&str]) -> String {
    std::process::Command::new(cmd)
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

fn header(o: &Options) -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let commit = command_output("git", &["rev-parse", "--short", "HEAD"]);
    let dirty = !command_output("git", &["status", "--porcelain", "--untracked-files=no"]).is_empty();
    let date = command_output("date", &["-u", "+%Y-%m-%d %H:%M UTC"]);
    format!(
        "- date: {date}\n\
         - machine: {cpu}, {cores} cores/hardware threads (shared, noisy)\n\
         - commit: {commit}{}{}\n\
         - method: engines interleaved round by round in one process, rotated order, median of at least \
         {} execution runs (after one untimed warm-up; fresh instance per run, only the run timed) and up \
         to {} preparation and instantiation runs (an engine stops after 5 samples totalling 10 s)\n\
         - engines: gasket (default config; `gasket-metered`: gas on), wasmi 2.0.0 (fuel off) in eager, \
         lazy-translation (`lazytr`, validates eagerly) and lazy (validates lazily) modes (lazy modes only \
         prepare; `wasmi-fuel`: eager with fuel), wasmtime 48.0.8 with Cranelift and with Winch (`-fuel`: \
         with fuel; default \
         config, compilation on one thread), `native`: the Rust kernels compiled into the bench binary \
         (release profile: opt-level 3, thin LTO)\n",
        if dirty { " (working tree has uncommitted changes)" } else { "" },
        if o.quick { "\n- **QUICK MODE: reduced sizes, figures not meaningful**" } else { "" },
        o.exec_runs,
        o.prep_runs
    )
}

fn main() -> ExitCode {
    let opts = match parse_args() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("gasket-bench: {e}");
            return ExitCode::from(64);
        }
    };
    engines::only(opts.engines.clone());
    if let Some(out) = &opts.synth_out {
        let wasm = synth::module(opts.synth_bytes);
        return match std::fs::write(out, &wasm) {
            Ok(()) => {
                eprintln!("[bench] synthetic module ({} bytes) written to {}", wasm.len(), out.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("gasket-bench: cannot write {}: {e}", out.display());
                ExitCode::FAILURE
            }
        };
    }
    if opts.bombs {
        return bombs::main(&opts);
    }
    if opts.pool {
        return pool::main(opts.quick);
    }
    if opts.bounds {
        return bounds::main(opts.quick);
    }
    if opts.execute || opts.prepare || opts.instantiate {
        external::ensure_installed();
        corpus::ensure_built();
    }
    let (mut workloads, skipped) = workloads::all();
    if !opts.only.is_empty() {
        workloads.retain(|w| opts.only.iter().any(|o| w.name.contains(o.as_str())));
    }
    if !skipped.is_empty() && (opts.execute || opts.prepare || opts.instantiate) {
        eprintln!("[bench] real-world modules missing; these workloads are SKIPPED (not measured):");
        for s in &skipped {
            eprintln!("[bench]   {s}");
        }
        eprintln!("[bench] to measure them, run: {} (needs npm) and {}, then rerun", external::INSTALL, corpus::BUILD);
    }
    let mut results = report::Results {
        header: header(&opts),
        exec: Vec::new(),
        prep: Vec::new(),
        inst: Vec::new(),
        corpus: Vec::new(),
        latency: None,
        scores: Vec::new(),
        skipped: if opts.execute { skipped } else { Vec::new() },
    };
    if opts.latency {
        results.latency = Some(latency::run(if opts.quick { 5 } else { 31 }));
    }
    if opts.execute {
        results.exec = execute::run(&opts, &workloads);
        results.scores = execute::scores(&opts, &workloads);
    }
    if opts.prepare {
        results.prep = prepare::run(&opts, &workloads);
    }
    if opts.instantiate {
        results.inst = instantiate::run(&opts, &workloads);
    }
    if opts.corpus {
        results.corpus = bombs::corpus::run(&opts);
    }
    println!("{}", report::console(&results));
    let md = report::markdown(&results);
    println!("{md}");
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("results");
    let path = dir.join("latest.md");
    match std::fs::create_dir_all(&dir).and_then(|_| std::fs::write(&path, &md)) {
        Ok(()) => eprintln!("[bench] report written to {}", path.display()),
        Err(e) => eprintln!("[bench] could not write {}: {e}", path.display()),
    }
    for chart in charts::write_all(&results, &dir) {
        match chart {
            Ok(p) => eprintln!("[bench] chart written to {}", p.display()),
            Err(e) => eprintln!("[bench] chart failed: {e}"),
        }
    }
    let failed = report::failures(&results);
    if failed.is_empty() {
        return ExitCode::SUCCESS;
    }
    eprintln!("\n!!!!!!!!!!!!!!!! ENGINE FAILURES !!!!!!!!!!!!!!!!");
    for f in &failed {
        eprintln!("  {f}");
    }
    ExitCode::FAILURE
}
