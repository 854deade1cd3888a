//! The instantiation suite: a fresh store and instance of an already prepared module (imports
//! stubbed, memories and data segments initialized, no call), per engine, interleaved, median.
//! Inputs: the counter contract, the workloads' modules and the real-world modules.

use std::time::Duration;

use crate::engines::{self, Prepared, Stub, StubAction, WasmEngine};
use crate::measure::{guarded, timed};
use crate::prepare::{measure, workload_modules};
use crate::report::ModuleRow;
use crate::workloads::Workload;
use crate::Options;

/// The contract host API imports of the counter contract; never called here.
const CONTRACT_STUBS: &[Stub] = &[
    Stub { module: "gasket_v1", name: "storage_read", action: StubAction::Return(-1) },
    Stub { module: "gasket_v1", name: "storage_write", action: StubAction::Trap },
    Stub { module: "gasket_v1", name: "emit_event", action: StubAction::Trap },
    Stub { module: "gasket_v1", name: "set_return", action: StubAction::Trap },
    Stub { module: "gasket_v1", name: "revert", action: StubAction::Trap },
];

pub fn run(opts: &Options, workloads: &[Workload]) -> Vec<ModuleRow> {
    let engines = engines::with_role(|r| r.instantiate);
    let mut inputs: Vec<(String, Vec<u8>, &'static [Stub])> =
        vec![("counter.wasm (contract)".into(), crate::latency::counter(), CONTRACT_STUBS)];
    for (name, _, bytes) in workload_modules(workloads) {
        let stubs = workloads.iter().find(|w| w.wasm == bytes).map_or(&[][..], |w| w.stubs);
        inputs.push((name, bytes, stubs));
    }
    let runs = if opts.quick { 5 } else { opts.prep_runs };
    let n = inputs.len();
    inputs
        .into_iter()
        .enumerate()
        .map(|(k, (name, bytes, stubs))| {
            eprintln!("[instantiate] ({}/{n}) {name}: {} bytes", k + 1, bytes.len());
            let prepared: Vec<Result<Box<dyn Prepared>, String>> =
                engines.iter().map(|e| guarded(|| e.prepare(&bytes))).collect();
            let op = |e: &dyn WasmEngine, reps: usize| -> Result<Duration, String> {
                let i = engines.iter().position(|x| x.name() == e.name()).expect("engine");
                let p = prepared[i].as_ref().map_err(|m| format!("prepare: {m}"))?;
                // Instances of modules with large memories are dropped as they go: a batch
                // holds at most this many.
                let reps = reps.min(64);
                let mut held = Vec::with_capacity(reps);
                let (r, dt) = timed(|| {
                    for _ in 0..reps {
                        held.push(guarded(|| p.instantiate(stubs))?);
                    }
                    Ok::<(), String>(())
                });
                drop(held);
                r.map(|()| dt / reps as u32)
            };
            // `op` batches and divides by itself: `measure` gets a size that makes its batch 1.
            let mut row =
                measure("instantiate", &name, usize::MAX, &engines, runs, &mut |e, _| op(e, reps_for(bytes.len())));
            (row.bytes, row.reps) = (bytes.len(), reps_for(bytes.len()));
            row
        })
        .collect()
}

/// Instantiations per sample: small modules instantiate in microseconds.
fn reps_for(bytes: usize) -> usize {
    if bytes < 100_000 {
        64
    } else {
        8
    }
}
