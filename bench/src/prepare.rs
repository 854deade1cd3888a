//! The preparation suite: `Module::new` (validate + translate, or compile) throughput of every
//! engine on the synthetic module, the workloads' modules and the real-world modules, and each
//! real-world module's largest function on its own (`isolate.rs`), engines interleaved, median
//! per figure. Also the shared per-module measurement loop that the instantiation suite and
//! the bomb corpus use.

use std::time::Duration;

use crate::engines::{self, WasmEngine};
use crate::measure::{fmt_duration, guarded, interleave, timed, Samples};
use crate::report::{Figure, ModuleRow, Outcome};
use crate::workloads::{Group, Workload};
use crate::{synth, Options};

/// Small inputs are processed repeatedly per sample until about this many bytes are, so that
/// a sample is long enough to time reliably.
const MIN_BATCH_BYTES: usize = 512 * 1024;

/// An engine stops sampling an input once it has this many samples and this much time in
/// them (an optimizing compiler on a multi-MB module takes seconds per preparation).
const ENOUGH_SAMPLES: usize = 5;
const ENOUGH_TIME: Duration = Duration::from_secs(10);

/// A module to prepare: its name, the group of the workloads that run it, its bytes.
pub type Input = (String, Option<Group>, Vec<u8>);

/// The modules the workloads run, each once (the Rust kernels share one module).
pub fn workload_modules(workloads: &[Workload]) -> Vec<Input> {
    let mut out: Vec<Input> = Vec::new();
    for w in workloads {
        if !out.iter().any(|(_, _, b)| *b == w.wasm) {
            let name = match w.group {
                Group::Rust => "rust-workloads.wasm".to_string(),
                _ => w.name.clone(),
            };
            out.push((name, Some(w.group), w.wasm.clone()));
        }
    }
    out
}

/// Groups whose modules nobody tuned gasket on: their largest function is also measured alone.
fn isolate_group(g: Group) -> bool {
    !matches!(g, Group::Wat | Group::Rust)
}

/// Each real-world module's largest function alone (`isolate.rs`), named after it.
fn largest_functions(modules: &[Input]) -> Vec<Input> {
    let mut out = Vec::new();
    for (name, group, wasm) in modules {
        let Some(g) = group.filter(|g| isolate_group(*g)) else { continue };
        let Some((index, size)) = crate::isolate::largest(wasm) else { continue };
        if let Some(alone) = crate::isolate::keep_only(wasm, index) {
            out.push((format!("{name} [largest fn: body {index}, {size} B]"), Some(g), alone));
        }
    }
    out
}

pub fn run(opts: &Options, workloads: &[Workload]) -> Vec<ModuleRow> {
    let engines = engines::with_role(|r| r.prepare);
    let mut inputs: Vec<Input> = Vec::new();
    let target = if opts.quick { 256 * 1024 } else { opts.synth_bytes };
    eprintln!("[prepare] generating synthetic module (~{} KiB)...", target / 1024);
    let (synthetic, dt) = timed(|| synth::module(target));
    eprintln!("[prepare] synthetic module: {} bytes in {}", synthetic.len(), fmt_duration(dt));
    inputs.push(("synthetic".into(), None, synthetic));
    let modules = workload_modules(workloads);
    let alone = largest_functions(&modules);
    inputs.extend(modules);
    inputs.extend(alone);
    inputs
        .iter()
        .enumerate()
        .map(|(k, (name, group, bytes))| {
            eprintln!("[prepare] ({}/{}) {name}: {} bytes", k + 1, inputs.len(), bytes.len());
            let mut op = |e: &dyn WasmEngine, reps: usize| -> Result<Duration, String> {
                let mut held = Vec::with_capacity(reps);
                let (r, dt) = timed(|| {
                    for _ in 0..reps {
                        held.push(guarded(|| e.prepare(bytes))?);
                    }
                    Ok::<(), String>(())
                });
                // Modules are dropped outside the timed region.
                drop(held);
                r.map(|()| dt)
            };
            ModuleRow { group: *group, ..measure("prepare", name, bytes.len(), &engines, opts.prep_runs, &mut op) }
        })
        .collect()
}

/// Measures `op` (which runs a batch of `reps` operations and returns its time, or an error)
/// for every engine on one input: a first checking run, then `runs` interleaved rounds, each
/// engine stopping once it has enough samples. An error is the engine's outcome.
pub fn measure(
    what: &str,
    input: &str,
    bytes: usize,
    engines: &[Box<dyn WasmEngine>],
    runs: usize,
    op: &mut dyn FnMut(&dyn WasmEngine, usize) -> Result<Duration, String>,
) -> ModuleRow {
    let reps = (MIN_BATCH_BYTES / bytes.max(1)).max(1);
    let mut outcomes: Vec<Option<Outcome>> = vec![None; engines.len()];
    for (i, e) in engines.iter().enumerate() {
        match op(e.as_ref(), 1) {
            Ok(dt) if dt > ENOUGH_TIME => {
                eprintln!("[{what}]   {} took {} once: one sample", e.name(), fmt_duration(dt));
                let mut s = Samples::default();
                s.push(dt);
                outcomes[i] = Some(Outcome::Measured(s));
            }
            Ok(_) => {}
            Err(m) => {
                eprintln!("[{what}]   {} on {input}: {m}", e.name());
                outcomes[i] = Some(Outcome::from_error(m));
            }
        }
    }
    let mut samples = vec![Samples::default(); engines.len()];
    let mut total = vec![Duration::ZERO; engines.len()];
    interleave(runs, engines.len(), |round, i| {
        let enough = samples[i].len() >= ENOUGH_SAMPLES && total[i] >= ENOUGH_TIME;
        if outcomes[i].is_some() || enough {
            return;
        }
        match op(engines[i].as_ref(), reps) {
            Ok(dt) => {
                samples[i].push(dt / reps as u32);
                total[i] += dt;
            }
            Err(m) => outcomes[i] = Some(Outcome::from_error(m)),
        }
        if i == (round + engines.len() - 1) % engines.len() && (round + 1) % 5 == 0 {
            eprintln!("[{what}]   {input}: round {}/{runs}", round + 1);
        }
    });
    let figures = engines
        .iter()
        .zip(outcomes)
        .zip(samples)
        .map(|((e, o), s)| Figure { engine: e.name(), outcome: o.unwrap_or(Outcome::Measured(s)) })
        .collect();
    ModuleRow { input: input.to_string(), group: None, bytes, reps, figures }
}
