//! The preparation suite: `Module::new` (validate + translate) throughput of every engine on
//! the synthetic module and on the workloads, engines interleaved, median per figure.

use crate::engines::{self, Prepared};
use crate::execute::figures;
use crate::measure::{fmt_duration, guarded, interleave, timed, Samples};
use crate::report::PrepRow;
use crate::{synth, workloads, Options};

/// Small inputs are prepared repeatedly per sample until about this many bytes are processed,
/// so that a sample is long enough to time reliably.
const MIN_BATCH_BYTES: usize = 512 * 1024;

pub fn run(opts: &Options) -> Vec<PrepRow> {
    let engines = engines::with_role(|r| r.prepare);
    let mut inputs: Vec<(String, Vec<u8>)> = Vec::new();
    let target = if opts.quick { 256 * 1024 } else { opts.synth_bytes };
    eprintln!("[prepare] generating synthetic module (~{} KiB)...", target / 1024);
    let (synthetic, dt) = timed(|| synth::module(target));
    eprintln!("[prepare] synthetic module: {} bytes in {}", synthetic.len(), fmt_duration(dt));
    inputs.push(("synthetic".into(), synthetic));
    for w in workloads::all() {
        inputs.push((format!("{}.wat", w.name), w.wasm()));
    }

    let mut rows = Vec::new();
    for (name, bytes) in &inputs {
        let reps = (MIN_BATCH_BYTES / bytes.len()).max(1);
        eprintln!("[prepare] {name}: {} bytes, {reps} preparation(s) per sample", bytes.len());
        let mut failures: Vec<Option<String>> = vec![None; engines.len()];
        for (i, e) in engines.iter().enumerate() {
            if let Err(msg) = guarded(|| e.prepare(bytes)) {
                eprintln!("[prepare]   !!! {} FAILED on {name}: {msg}", e.name());
                failures[i] = Some(msg);
            }
        }
        let mut samples = vec![Samples::default(); engines.len()];
        let mut held: Vec<Box<dyn Prepared>> = Vec::with_capacity(reps);
        interleave(opts.prep_runs, engines.len(), |round, i| {
            if failures[i].is_some() {
                return;
            }
            let (r, dt) = timed(|| {
                for _ in 0..reps {
                    held.push(guarded(|| engines[i].prepare(bytes))?);
                }
                Ok::<(), String>(())
            });
            // Modules are dropped outside the timed region.
            held.clear();
            match r {
                Ok(()) => samples[i].push(dt / reps as u32),
                Err(msg) => failures[i] = Some(msg),
            }
            if i == (round + engines.len() - 1) % engines.len() && (round + 1) % 5 == 0 {
                eprintln!("[prepare]   {name}: round {}/{}", round + 1, opts.prep_runs);
            }
        });
        rows.push(PrepRow { input: name.clone(), bytes: bytes.len(), reps, figures: figures(&engines, samples, failures) });
    }
    rows
}
