//! Results of the suites and their rendering: console lines, the markdown report (tables per
//! suite, then the summary of gasket-to-peer ratios, `summary.rs`) and the SVG charts
//! (`crate::charts`). Renderers only read the data.

mod markdown;
mod summary;

use std::fmt::Write;

pub use markdown::markdown;

use crate::engines::{SUBJECT, SUBJECTS};
use crate::measure::{fmt_duration, Samples};
use crate::workloads::Group;

/// One engine's result on one input.
#[derive(Debug, Clone)]
pub enum Outcome {
    Measured(Samples),
    /// The engine does not run this input (native code on a module not written in Rust here).
    NotApplicable,
    /// The engine rejects the module for a feature or limit it does not support: a property of
    /// the engine, reported, not a harness failure.
    Unsupported(String),
    /// Anything else: a bug somewhere, reported and failing the run.
    Failed(String),
}

impl Outcome {
    /// Classifies an error: feature and limit rejections are `Unsupported`.
    pub fn from_error(msg: String) -> Self {
        let m = msg.to_ascii_lowercase();
        let unsupported = ["unsupported feature", "limit exceeded", "not enabled", "not supported", "unsupported"];
        if unsupported.iter().any(|p| m.contains(p)) {
            Outcome::Unsupported(msg)
        } else {
            Outcome::Failed(msg)
        }
    }
}

pub struct Figure {
    pub engine: &'static str,
    pub outcome: Outcome,
}

impl Figure {
    /// Median in seconds, if measured.
    pub fn median(&self) -> Option<f64> {
        match &self.outcome {
            Outcome::Measured(s) if s.len() > 0 => Some(s.median().as_secs_f64()),
            _ => None,
        }
    }
}

pub struct ExecRow {
    pub workload: String,
    pub group: Group,
    pub size: i32,
    pub result: i64,
    pub figures: Vec<Figure>,
}

/// A per-module figure: preparation, instantiation or a bomb's preparation.
pub struct ModuleRow {
    pub input: String,
    /// The group of the workloads that run the module (none: synthetic, bombs).
    pub group: Option<Group>,
    pub bytes: usize,
    /// Operations per sample; samples hold the time of one.
    pub reps: usize,
    pub figures: Vec<Figure>,
}

/// Everything one invocation measured.
pub struct Results {
    pub header: String,
    pub exec: Vec<ExecRow>,
    pub prep: Vec<ModuleRow>,
    pub inst: Vec<ModuleRow>,
    pub corpus: Vec<ModuleRow>,
    pub latency: Option<crate::latency::Latency>,
    /// cpumark's score mode per engine.
    pub scores: Vec<crate::execute::Score>,
    /// Real-world workloads not run, and why.
    pub skipped: Vec<String>,
}

/// Metered engines and the unmetered engine each is compared with: the metering overhead.
pub const METERED: [(&str, &str); 5] = [
    ("gasket-metered", "gasket"),
    ("gasket-compiled-metered", "gasket-compiled"),
    ("wasmi-fuel", "wasmi-eager"),
    ("wasmtime-cranelift-fuel", "wasmtime-cranelift"),
    ("wasmtime-winch-fuel", "wasmtime-winch"),
];

pub fn is_metered(engine: &str) -> bool {
    METERED.iter().any(|(m, _)| *m == engine)
}

pub fn median_of(figures: &[Figure], engine: &str) -> Option<f64> {
    figures.iter().find(|f| f.engine == engine)?.median()
}

/// A ratio column: one of gasket's tiers (a [`SUBJECTS`] entry) against a peer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pair {
    pub subject: &'static str,
    pub peer: &'static str,
}

impl Pair {
    pub fn label(&self) -> String {
        format!("{}/{}", self.subject, self.peer)
    }
}

/// The ratio columns of the engines in `figures`, in registry order: each subject present
/// against every unmetered engine but itself and the subjects listed after it (so the tiers
/// are compared once, compiled/interpreter).
pub fn pairs<'a>(figures: impl IntoIterator<Item = &'a Figure>) -> Vec<Pair> {
    let mut engines: Vec<&'static str> = Vec::new();
    for f in figures {
        if !is_metered(f.engine) && !engines.contains(&f.engine) {
            engines.push(f.engine);
        }
    }
    let mut out = Vec::new();
    for (i, subject) in SUBJECTS.iter().enumerate().filter(|(_, s)| engines.contains(s)) {
        for &peer in &engines {
            if peer != *subject && !SUBJECTS[i..].contains(&peer) {
                out.push(Pair { subject, peer });
            }
        }
    }
    out
}

/// Time ratio subject/peer (lower is better for gasket).
pub fn time_ratio(figures: &[Figure], p: Pair) -> Option<f64> {
    Some(median_of(figures, p.subject)? / median_of(figures, p.peer)?)
}

/// Throughput ratio subject/peer (higher is better for gasket).
pub fn throughput_ratio(figures: &[Figure], p: Pair) -> Option<f64> {
    Some(median_of(figures, p.peer)? / median_of(figures, p.subject)?)
}

pub fn mbps(bytes: usize, secs: f64) -> f64 {
    bytes as f64 / secs / 1e6
}

pub fn opt(x: Option<f64>, digits: usize) -> String {
    x.map_or_else(|| "n/a".into(), |v| format!("{v:.digits$}"))
}

/// Console lines: every figure with its absolute time and the ratio against gasket.
pub fn console(r: &Results) -> String {
    let mut s = String::new();
    let mut section = |title: String, figures: &[Figure]| {
        let _ = writeln!(s, "{title}");
        for f in figures {
            let _ = write!(s, "  {:<20}", f.engine);
            let _ = match &f.outcome {
                Outcome::Measured(smp) if smp.len() > 0 => writeln!(
                    s,
                    "{:>10}  (min {}, max {}, n={})  gasket/this = {}",
                    fmt_duration(smp.median()),
                    fmt_duration(smp.min()),
                    fmt_duration(smp.max()),
                    smp.len(),
                    opt(time_ratio(figures, Pair { subject: SUBJECT, peer: f.engine }), 3)
                ),
                Outcome::Measured(_) | Outcome::NotApplicable => writeln!(s, "n/a"),
                Outcome::Unsupported(m) => writeln!(s, "unsupported: {m}"),
                Outcome::Failed(m) => writeln!(s, "FAILED: {m}"),
            };
        }
    };
    for row in &r.exec {
        section(format!("execute {}({}) = {}", row.workload, row.size, row.result), &row.figures);
    }
    for (what, rows) in [("prepare", &r.prep), ("instantiate", &r.inst), ("bomb", &r.corpus)] {
        for row in rows {
            section(format!("{what} {} ({} bytes)", row.input, row.bytes), &row.figures);
        }
    }
    s
}

/// Every failure (not unsupported features: those are results), with engine and input.
pub fn failures(r: &Results) -> Vec<String> {
    let exec = r.exec.iter().flat_map(|row| row.figures.iter().map(move |f| (row.workload.clone(), f)));
    let modules = r.prep.iter().chain(&r.inst).chain(&r.corpus);
    let other = modules.flat_map(|row| row.figures.iter().map(move |f| (row.input.clone(), f)));
    exec.chain(other)
        .filter_map(|(input, f)| match &f.outcome {
            Outcome::Failed(m) => Some(format!("{} on {input}: {m}", f.engine)),
            _ => None,
        })
        .collect()
}
