//! The execution suite: every workload on every executing engine, fresh instance per run,
//! only the run timed (the call, or the whole call sequence of a real-world module), engines
//! interleaved, every result checked against the reference; and the score mode of cpumark
//! (a fixed time of the host clock, iterations per second).

use std::time::Duration;

use crate::engines::{self, Prepared, WasmEngine};
use crate::measure::{fmt_duration, guarded, interleave, timed, Samples};
use crate::report::{ExecRow, Figure, Outcome};
use crate::workloads::Workload;
use crate::Options;

/// Short workloads get extra runs until each engine has about this much timed work...
const MIN_TOTAL_PER_ENGINE: Duration = Duration::from_millis(1500);
/// ...but never more than this many runs.
const MAX_RUNS: usize = 31;

/// Per engine: its prepared module, or the outcome that replaces its figure.
type Slot = Result<Box<dyn Prepared>, Outcome>;

pub fn run(opts: &Options, workloads: &[Workload]) -> Vec<ExecRow> {
    let engines = engines::with_role(|r| r.execute);
    let mut rows = Vec::new();
    for (k, w) in workloads.iter().enumerate() {
        let size = if opts.quick { w.quick_size } else { w.size };
        let expected = match w.reference.expected(size) {
            Ok(v) => v,
            Err(m) => {
                eprintln!("[execute] ({}/{}) {}: !!! no reference: {m}", k + 1, workloads.len(), w.name);
                let figures = engines
                    .iter()
                    .map(|e| Figure { engine: e.name(), outcome: Outcome::Failed(format!("reference: {m}")) })
                    .collect();
                rows.push(ExecRow { workload: w.name.clone(), group: w.group, size, result: 0, figures });
                continue;
            }
        };
        eprintln!("[execute] ({}/{}) {}({size}): expecting {expected}", k + 1, workloads.len(), w.name);
        let mut slots: Vec<Slot> = engines.iter().map(|e| prepare(e.as_ref(), w)).collect();
        for (e, slot) in engines.iter().zip(slots.iter_mut()) {
            if let Err(Outcome::Unsupported(m) | Outcome::Failed(m)) = slot {
                eprintln!("[execute]   {} cannot run {}: {m}", e.name(), w.name);
            }
            if let (Ok(p), Some(check)) = (slot.as_ref(), w.check) {
                let r = guarded(|| check(p.instantiate(w.stubs)?.as_mut()));
                if let Err(m) = r {
                    eprintln!("[execute]   !!! {} FAILED the known-answer check of {}: {m}", e.name(), w.name);
                    *slot = Err(Outcome::Failed(format!("known-answer check: {m}")));
                }
            }
        }

        // Warm-up round, untimed: also the first agreement check.
        let mut slowest = Duration::ZERO;
        for (e, slot) in engines.iter().zip(slots.iter_mut()) {
            if let Ok(p) = slot {
                match run_once(p.as_ref(), w, size, expected) {
                    Ok(dt) => {
                        eprintln!("[execute]   warm-up {:<20} {}", e.name(), fmt_duration(dt));
                        slowest = slowest.max(dt);
                    }
                    Err(m) => {
                        eprintln!("[execute]   !!! {} FAILED on {}: {m}", e.name(), w.name);
                        *slot = Err(Outcome::Failed(m));
                    }
                }
            }
        }
        let wanted = (MIN_TOTAL_PER_ENGINE.as_secs_f64() / slowest.as_secs_f64().max(1e-9)).ceil() as usize;
        let runs = if opts.quick { opts.exec_runs } else { wanted.clamp(opts.exec_runs, MAX_RUNS) };

        let mut samples = vec![Samples::default(); engines.len()];
        interleave(runs, engines.len(), |round, i| {
            let Ok(p) = &slots[i] else { return };
            match run_once(p.as_ref(), w, size, expected) {
                Ok(dt) => samples[i].push(dt),
                Err(m) => {
                    eprintln!("[execute]   !!! {} FAILED on {}: {m}", engines[i].name(), w.name);
                    slots[i] = Err(Outcome::Failed(m));
                }
            }
            if i == (round + engines.len() - 1) % engines.len() && (round + 1) % 5 == 0 {
                eprintln!("[execute]   {}: round {}/{runs}", w.name, round + 1);
            }
        });
        let figures = engines
            .iter()
            .zip(slots)
            .zip(samples)
            .map(|((e, slot), s)| Figure {
                engine: e.name(),
                outcome: match slot {
                    Ok(_) => Outcome::Measured(s),
                    Err(o) => o,
                },
            })
            .collect();
        rows.push(ExecRow { workload: w.name.clone(), group: w.group, size, result: expected, figures });
    }
    rows
}

fn prepare(e: &dyn WasmEngine, w: &Workload) -> Slot {
    if e.is_native() && w.native_export().is_none() {
        return Err(Outcome::NotApplicable);
    }
    guarded(|| e.prepare(&w.wasm)).map_err(Outcome::from_error)
}

/// Instantiates afresh and times one run; a result other than `expected` is an error.
fn run_once(p: &dyn Prepared, w: &Workload, size: i32, expected: i64) -> Result<Duration, String> {
    let mut inst = guarded(|| p.instantiate(w.stubs)).map_err(|e| format!("instantiate: {e}"))?;
    let (r, dt) = timed(|| guarded(|| w.run(inst.as_mut(), size)));
    match r {
        Ok(v) if v == expected => Ok(dt),
        Ok(v) => Err(format!("RESULT MISMATCH: got {v}, reference {expected}")),
        Err(e) => Err(format!("run: {e}")),
    }
}

/// One engine's cpumark score: iterations per second of the host clock, or why none.
pub struct Score {
    pub engine: &'static str,
    pub per_sec: Result<f64, String>,
}

/// The score mode of the CoreMark-class workload: `cpumark_score` runs for a fixed time of the
/// host clock on every executing engine in turn (and natively), each on a fresh instance.
pub fn scores(opts: &Options, workloads: &[Workload]) -> Vec<Score> {
    let Some(w) = workloads.iter().find(|w| w.group == crate::workloads::Group::CpuMark) else { return Vec::new() };
    let ms = if opts.quick { 200 } else { 2000 };
    let mut out = Vec::new();
    for e in engines::with_role(|r| r.execute) {
        let per_sec = if e.is_native() {
            crate::corpus::cpumark_native_score(ms)
        } else {
            guarded(|| crate::corpus::cpumark_score(e.prepare(&w.wasm)?.instantiate(w.stubs)?.as_mut(), ms))
        };
        match &per_sec {
            Ok(s) => eprintln!("[score] {:<24} {s:.1} iterations/s", e.name()),
            Err(m) => eprintln!("[score] !!! {} FAILED: {m}", e.name()),
        }
        out.push(Score { engine: e.name(), per_sec });
    }
    out
}
