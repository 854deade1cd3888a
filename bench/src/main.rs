//! gasket-bench: runs gasket side by side with peer engines (wasmi 2.0 for now) and reports
//! execution time and preparation throughput as absolute figures and gasket/peer ratios.
//!
//! Usage: `cargo run -p gasket-bench --release -- [prepare|execute|metering|latency|all|bombs] [--quick]
//! [--exec-runs N] [--prep-runs N] [--synth-mb X] [--bomb-runs N] [--family NAME]...`.
//! Progress goes to stderr; the figures and the markdown report go to stdout, and the report
//! also to `bench/results/latest.md`. `bombs` runs the adversarial-module suite instead
//! (`bench/src/bombs/`), its report also in `bench/results/bombs.md`.

mod bombs;
mod engines;
mod execute;
mod latency;
mod measure;
mod prepare;
mod report;
mod synth;
mod workloads;

use std::path::PathBuf;
use std::process::ExitCode;

/// Command-line options.
pub struct Options {
    pub prepare: bool,
    pub execute: bool,
    /// Contract-call latency (bench/src/latency.rs).
    pub latency: bool,
    /// Small sizes and inputs, for checking the harness itself.
    pub quick: bool,
    pub exec_runs: usize,
    pub prep_runs: usize,
    /// Target size of the synthetic module. Gasket's default limit is 4 MiB.
    pub synth_bytes: usize,
    /// Run the bomb suite instead of the others.
    pub bombs: bool,
    pub bomb_runs: usize,
    /// Bomb families to run (by name); all when empty.
    pub families: Vec<String>,
}

fn parse_args() -> Result<Options, String> {
    let mut o = Options {
        prepare: true,
        execute: true,
        latency: true,
        quick: false,
        exec_runs: 7,
        prep_runs: 21,
        synth_bytes: 3_600_000,
        bombs: false,
        bomb_runs: 7,
        families: Vec::new(),
    };
    let mut args = std::env::args().skip(1);
    let num = |v: Option<String>, what: &str| -> Result<f64, String> {
        v.and_then(|v| v.parse().ok()).ok_or_else(|| format!("{what} needs a number"))
    };
    while let Some(a) = args.next() {
        match a.as_str() {
            "all" => (o.prepare, o.execute, o.latency) = (true, true, true),
            "prepare" => (o.prepare, o.execute, o.latency) = (true, false, false),
            // Execution includes the metered engines, so it yields the metering overhead too.
            "execute" | "metering" => (o.prepare, o.execute, o.latency) = (false, true, false),
            "latency" => (o.prepare, o.execute, o.latency) = (false, false, true),
            "bombs" => o.bombs = true,
            "--bomb-runs" => o.bomb_runs = num(args.next(), "--bomb-runs")? as usize,
            "--family" => o.families.push(args.next().ok_or("--family needs a name")?),
            "--quick" => o.quick = true,
            "--exec-runs" => o.exec_runs = num(args.next(), "--exec-runs")? as usize,
            "--prep-runs" => o.prep_runs = num(args.next(), "--prep-runs")? as usize,
            "--synth-mb" => o.synth_bytes = (num(args.next(), "--synth-mb")? * 1e6) as usize,
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if o.exec_runs < 5 && !o.quick {
        return Err("--exec-runs must be at least 5".into());
    }
    Ok(o)
}

fn header(o: &Options) -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| c.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string()))
        .unwrap_or_else(|| "unknown CPU".into());
    let threads = std::thread::available_parallelism().map_or(0, |n| n.get());
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    format!(
        "- machine: {cpu}, {threads} hardware threads (shared, noisy)\n\
         - commit: {commit} (working tree may differ){}\n\
         - method: engines interleaved round by round in one process, rotated order, median of at least \
         {} execution runs (after one untimed warm-up) and {} preparation runs\n\
         - engines: gasket (default config), wasmi 2.0.0 (fuel off) in eager, lazy-translation \
         (`lazytr`, validates eagerly) and lazy (validates lazily) modes; lazy modes only prepare\n",
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
    if opts.bombs {
        return bombs::main(&opts);
    }
    let mut results = report::Results { header: header(&opts), exec: Vec::new(), prep: Vec::new(), latency: None };
    if opts.latency {
        results.latency = Some(latency::run(if opts.quick { 5 } else { 31 }));
    }
    if opts.execute {
        results.exec = execute::run(&opts);
    }
    if opts.prepare {
        results.prep = prepare::run(&opts);
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
