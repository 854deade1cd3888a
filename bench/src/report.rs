//! Results of the suites and their rendering: per-figure console lines and the markdown
//! report (tables plus the summary of gasket-to-peer ratios). Renderers only read the data.

use std::fmt::Write;

use crate::engines::SUBJECT;
use crate::measure::{fmt_duration, geomean, Samples};

/// One engine's measurement of one input: samples, or why it failed.
pub struct Figure {
    pub engine: &'static str,
    pub outcome: Result<Samples, String>,
}

pub struct ExecRow {
    pub workload: &'static str,
    pub size: i32,
    pub result: i64,
    pub figures: Vec<Figure>,
}

pub struct PrepRow {
    pub input: String,
    pub bytes: usize,
    /// Preparations per sample; samples hold the time of one preparation.
    pub reps: usize,
    pub figures: Vec<Figure>,
}

/// Everything one invocation measured.
pub struct Results {
    pub header: String,
    pub exec: Vec<ExecRow>,
    pub prep: Vec<PrepRow>,
    pub latency: Option<crate::latency::Latency>,
}

/// Metered engines and the unmetered engine each is compared with: the metering overhead.
const METERED: [(&str, &str); 2] = [("gasket-metered", "gasket"), ("wasmi-fuel", "wasmi-eager")];

fn is_metered(engine: &str) -> bool {
    METERED.iter().any(|(m, _)| *m == engine)
}

/// Geometric mean over workloads of metered/unmetered execution time.
fn metering_overhead(r: &Results, metered: &str, plain: &str) -> (usize, Option<f64>) {
    let ratios: Vec<f64> = r
        .exec
        .iter()
        .filter_map(|row| Some(median_of(&row.figures, metered)? / median_of(&row.figures, plain)?))
        .collect();
    (ratios.len(), geomean(&ratios))
}

fn median_of(figures: &[Figure], engine: &str) -> Option<f64> {
    let f = figures.iter().find(|f| f.engine == engine)?;
    let s = f.outcome.as_ref().ok()?;
    (s.len() > 0).then(|| s.median().as_secs_f64())
}

fn peers(figures: &[Figure]) -> impl Iterator<Item = &Figure> {
    figures.iter().filter(|f| f.engine != SUBJECT)
}

fn mbps(bytes: usize, secs: f64) -> f64 {
    bytes as f64 / secs / 1e6
}

/// Execution-time ratio gasket/peer for a row (lower is better for gasket).
fn exec_ratio(row: &ExecRow, peer: &str) -> Option<f64> {
    Some(median_of(&row.figures, SUBJECT)? / median_of(&row.figures, peer)?)
}

/// Preparation-throughput ratio gasket/peer for a row (higher is better for gasket).
fn prep_ratio(row: &PrepRow, peer: &str) -> Option<f64> {
    Some(median_of(&row.figures, peer)? / median_of(&row.figures, SUBJECT)?)
}

fn opt(x: Option<f64>, digits: usize) -> String {
    x.map_or_else(|| "n/a".into(), |v| format!("{v:.digits$}"))
}

/// Console lines: every figure with its absolute time and the ratio against gasket.
pub fn console(r: &Results) -> String {
    let mut s = String::new();
    for row in &r.exec {
        let _ = writeln!(s, "execute {}({}) = {}", row.workload, row.size, row.result);
        for f in &row.figures {
            let _ = write!(s, "  {:<13}", f.engine);
            match &f.outcome {
                Err(msg) => {
                    let _ = writeln!(s, "FAILED: {msg}");
                }
                Ok(smp) => {
                    let _ = write!(
                        s,
                        "{:>10}  (min {}, max {}, n={})",
                        fmt_duration(smp.median()),
                        fmt_duration(smp.min()),
                        fmt_duration(smp.max()),
                        smp.len()
                    );
                    if f.engine != SUBJECT {
                        let _ = write!(s, "  time gasket/{} = {}", f.engine, opt(exec_ratio(row, f.engine), 3));
                    }
                    s.push('\n');
                }
            }
        }
    }
    for row in &r.prep {
        let _ = writeln!(s, "prepare {} ({} bytes, {} per sample)", row.input, row.bytes, row.reps);
        for f in &row.figures {
            let _ = write!(s, "  {:<13}", f.engine);
            match &f.outcome {
                Err(msg) => {
                    let _ = writeln!(s, "FAILED: {msg}");
                }
                Ok(smp) => {
                    let med = smp.median();
                    let _ = write!(
                        s,
                        "{:>10}  {:>8.1} MB/s  (spread {:.0}%, n={})",
                        fmt_duration(med),
                        mbps(row.bytes, med.as_secs_f64()),
                        100.0 * smp.spread(),
                        smp.len()
                    );
                    if f.engine != SUBJECT {
                        let _ = write!(s, "  throughput gasket/{} = {}", f.engine, opt(prep_ratio(row, f.engine), 3));
                    }
                    s.push('\n');
                }
            }
        }
    }
    s
}

fn cell(figures: &[Figure], engine: &str) -> String {
    match figures.iter().find(|f| f.engine == engine).map(|f| &f.outcome) {
        Some(Ok(s)) if s.len() > 0 => fmt_duration(s.median()),
        Some(Err(_)) => "**FAILED**".into(),
        _ => "n/a".into(),
    }
}

/// The markdown report.
pub fn markdown(r: &Results) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# gasket benchmark results\n\n{}", r.header);
    if let Some(first) = r.exec.first() {
        let names: Vec<&str> = first.figures.iter().map(|f| f.engine).collect();
        let _ = writeln!(s, "## Execution (median call time, fresh instance per run)\n");
        let mut head = String::from("| workload | result |");
        let mut rule = String::from("|---|---:|");
        for n in &names {
            let _ = write!(head, " {n} |");
            rule.push_str("---:|");
        }
        for p in peers(&first.figures) {
            let _ = write!(head, " gasket/{} time |", p.engine);
            rule.push_str("---:|");
        }
        let _ = writeln!(s, "{head}\n{rule}");
        for row in &r.exec {
            let _ = write!(s, "| {}({}) | {} |", row.workload, row.size, row.result);
            for n in &names {
                let _ = write!(s, " {} |", cell(&row.figures, n));
            }
            for p in peers(&row.figures) {
                let _ = write!(s, " {} |", opt(exec_ratio(row, p.engine), 3));
            }
            s.push('\n');
        }
        s.push('\n');
    }
    if let Some(first) = r.prep.first() {
        let names: Vec<&str> = first.figures.iter().map(|f| f.engine).collect();
        let _ = writeln!(s, "## Preparation (`Module::new`: validate + translate; median time, MB/s)\n");
        let mut head = String::from("| input | bytes |");
        let mut rule = String::from("|---|---:|");
        for n in &names {
            let _ = write!(head, " {n} |");
            rule.push_str("---:|");
        }
        for p in peers(&first.figures) {
            let _ = write!(head, " gasket/{} MB/s |", p.engine);
            rule.push_str("---:|");
        }
        let _ = writeln!(s, "{head}\n{rule}");
        for row in &r.prep {
            let _ = write!(s, "| {} | {} |", row.input, row.bytes);
            for n in &names {
                let c = cell(&row.figures, n);
                match median_of(&row.figures, n) {
                    Some(m) => {
                        let _ = write!(s, " {c} ({:.1} MB/s) |", mbps(row.bytes, m));
                    }
                    None => {
                        let _ = write!(s, " {c} |");
                    }
                }
            }
            for p in peers(&row.figures) {
                let _ = write!(s, " {} |", opt(prep_ratio(row, p.engine), 3));
            }
            s.push('\n');
        }
        s.push_str(
            "\nInputs of a few hundred bytes measure the fixed per-module cost more than \
             throughput; the synthetic module is the throughput figure.\n\n",
        );
    }
    s.push_str(&summary(r));
    s
}

fn summary(r: &Results) -> String {
    let mut s = String::from("## Summary\n\n| metric | gasket/peer | better for gasket |\n|---|---:|---|\n");
    let mut peers_seen: Vec<&str> = Vec::new();
    for row in &r.exec {
        for p in peers(&row.figures) {
            if !peers_seen.contains(&p.engine) {
                peers_seen.push(p.engine);
            }
        }
    }
    for peer in peers_seen.iter().filter(|p| !is_metered(p)) {
        let ratios: Vec<f64> = r.exec.iter().filter_map(|row| exec_ratio(row, peer)).collect();
        let _ = writeln!(
            s,
            "| execution time, geomean over {} of {} workloads, gasket/{peer} | {} | lower |",
            ratios.len(),
            r.exec.len(),
            opt(geomean(&ratios), 3)
        );
    }
    for (metered, plain) in METERED {
        let (n, overhead) = metering_overhead(r, metered, plain);
        if n > 0 {
            let _ = writeln!(
                s,
                "| metering overhead, geomean over {n} workloads, {metered}/{plain} | {} ({}) | lower |",
                opt(overhead, 3),
                overhead.map_or_else(|| "n/a".into(), |o| format!("{:+.1}%", (o - 1.0) * 100.0))
            );
        }
    }
    if let Some(l) = &r.latency {
        let ratio = l.gasket_instantiate_call.as_secs_f64() / l.wasmi_instantiate_call.as_secs_f64();
        let _ = writeln!(
            s,
            "| warm instantiate + tiny call (counter `get`): gasket {} vs wasmi-eager {}, gasket/wasmi-eager | {ratio:.3} | lower |",
            fmt_duration(l.gasket_instantiate_call),
            fmt_duration(l.wasmi_instantiate_call),
        );
        let ratio = l.gasket_runtime_call.as_secs_f64() / l.wasmi_instantiate_call.as_secs_f64();
        let _ = writeln!(
            s,
            "| end-to-end tiny contract call (`Runtime::call`, warm cache): gasket {}, against wasmi-eager's bare instantiate + call | {ratio:.3} | lower |",
            fmt_duration(l.gasket_runtime_call),
        );
    }
    let mut prep_peers: Vec<&str> = Vec::new();
    for row in &r.prep {
        for p in peers(&row.figures) {
            if !prep_peers.contains(&p.engine) {
                prep_peers.push(p.engine);
            }
        }
    }
    for peer in &prep_peers {
        if let Some(row) = r.prep.iter().find(|row| row.input == "synthetic") {
            let _ = writeln!(
                s,
                "| preparation throughput, synthetic module ({:.2} MB), gasket/{peer} | {} | higher |",
                row.bytes as f64 / 1e6,
                opt(prep_ratio(row, peer), 3)
            );
        }
        let ratios: Vec<f64> = r.prep.iter().filter_map(|row| prep_ratio(row, peer)).collect();
        let _ = writeln!(
            s,
            "| preparation throughput, geomean over {} of {} inputs, gasket/{peer} | {} | higher |",
            ratios.len(),
            r.prep.len(),
            opt(geomean(&ratios), 3)
        );
    }
    s
}

/// Names of engines that failed anywhere, with the input and message.
pub fn failures(r: &Results) -> Vec<String> {
    let exec = r.exec.iter().flat_map(|row| row.figures.iter().map(move |f| (row.workload.to_string(), f)));
    let prep = r.prep.iter().flat_map(|row| row.figures.iter().map(move |f| (row.input.clone(), f)));
    exec.chain(prep)
        .filter_map(|(input, f)| f.outcome.as_ref().err().map(|m| format!("{} on {input}: {m}", f.engine)))
        .collect()
}
