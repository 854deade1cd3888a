//! The execution suite: every workload on every executing engine, fresh instance per run,
//! only the call timed, engines interleaved, every result checked against the reference.

use std::time::Duration;

use crate::engines::{self, Arg, Prepared, WasmEngine};
use crate::measure::{fmt_duration, guarded, interleave, timed, Samples};
use crate::report::{ExecRow, Figure};
use crate::{workloads, Options};

/// Short workloads get extra runs until each engine has about this much timed work...
const MIN_TOTAL_PER_ENGINE: Duration = Duration::from_millis(1500);
/// ...but never more than this many runs.
const MAX_RUNS: usize = 31;

pub fn run(opts: &Options) -> Vec<ExecRow> {
    let engines = engines::with_role(|r| r.execute);
    let mut rows = Vec::new();
    for w in workloads::all() {
        let size = if opts.quick { w.quick_size } else { w.size };
        let wasm = w.wasm();
        let args = w.args(size);
        let expected = (w.reference)(size);
        eprintln!("[execute] {}({size}): expecting {expected}", w.name);

        let prepared: Vec<Result<Box<dyn Prepared>, String>> =
            engines.iter().map(|e| guarded(|| e.prepare(&wasm))).collect();
        let mut failures: Vec<Option<String>> =
            prepared.iter().map(|p| p.as_ref().err().map(|e| format!("prepare: {e}"))).collect();

        // Warm-up round, untimed: also the cross-engine agreement check.
        let mut warm = Vec::new();
        let mut slowest = Duration::ZERO;
        for (i, e) in engines.iter().enumerate() {
            if failures[i].is_some() {
                continue;
            }
            match call_once(prepared[i].as_deref().unwrap(), w.export, &args) {
                Ok((v, dt)) => {
                    eprintln!("[execute]   warm-up {:<12} -> {v} in {}", e.name(), fmt_duration(dt));
                    warm.push((e.name(), v));
                    slowest = slowest.max(dt);
                }
                Err(msg) => {
                    eprintln!("[execute]   !!! {} FAILED on {}: {msg}", e.name(), w.name);
                    failures[i] = Some(msg);
                }
            }
        }
        verify(w.name, expected, &warm);
        let wanted = (MIN_TOTAL_PER_ENGINE.as_secs_f64() / slowest.as_secs_f64().max(1e-9)).ceil() as usize;
        let runs = if opts.quick { opts.exec_runs } else { wanted.clamp(opts.exec_runs, MAX_RUNS) };

        let mut samples = vec![Samples::default(); engines.len()];
        interleave(runs, engines.len(), |round, i| {
            if failures[i].is_some() {
                return;
            }
            match call_once(prepared[i].as_deref().unwrap(), w.export, &args) {
                Ok((v, dt)) => {
                    verify(w.name, expected, &[(engines[i].name(), v)]);
                    samples[i].push(dt);
                    eprintln!(
                        "[execute]   {} round {}/{} {:<12} {}",
                        w.name,
                        round + 1,
                        runs,
                        engines[i].name(),
                        fmt_duration(dt)
                    );
                }
                Err(msg) => failures[i] = Some(msg),
            }
        });

        let figures = figures(&engines, samples, failures);
        rows.push(ExecRow { workload: w.name, size, result: expected, figures });
    }
    rows
}

/// Instantiates afresh and times one call of the export.
fn call_once(p: &dyn Prepared, export: &str, args: &[Arg]) -> Result<(i64, Duration), String> {
    let mut inst = guarded(|| p.instantiate()).map_err(|e| format!("instantiate: {e}"))?;
    let (r, dt) = timed(|| guarded(|| inst.call(export, args)));
    r.map(|v| (v, dt)).map_err(|e| format!("call: {e}"))
}

/// Aborts the whole process, loudly, if any engine disagrees with the reference result.
fn verify(workload: &str, expected: i64, got: &[(&str, i64)]) {
    if got.iter().all(|(_, v)| *v == expected) {
        return;
    }
    eprintln!("\n================ RESULT MISMATCH ================");
    eprintln!("workload {workload}: reference result {expected}");
    for (name, v) in got {
        let mark = if *v == expected { "ok" } else { "MISMATCH" };
        eprintln!("  {name:<12} {v:>24}  {mark}");
    }
    eprintln!("=================================================\n");
    std::process::exit(2);
}

pub(crate) fn figures(
    engines: &[Box<dyn WasmEngine>],
    samples: Vec<Samples>,
    failures: Vec<Option<String>>,
) -> Vec<Figure> {
    engines
        .iter()
        .zip(samples)
        .zip(failures)
        .map(|((e, s), f)| Figure {
            engine: e.name(),
            outcome: match f {
                Some(msg) => Err(msg),
                None => Ok(s),
            },
        })
        .collect()
}
