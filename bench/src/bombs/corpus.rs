//! The bomb corpus across engines: every adversarial family of `gasket-bombs` (and ordinary
//! code as the baseline) at one size, prepared by every preparing engine, interleaved; the
//! figure is ns per byte to accept or reject the module. Unlike the gasket-only `bombs`
//! suite (scaling and calibration, `super::run`), this compares engines on the same bytes.

use std::time::Duration;

use gasket_bombs::{generate, Family};

use crate::engines::{self, WasmEngine};
use crate::measure::{guarded, timed};
use crate::prepare::measure;
use crate::report::ModuleRow;
use crate::Options;

/// Size of every module (bytes, nominal).
const SIZE: usize = 100_000;
const QUICK_SIZE: usize = 10_000;

pub fn run(opts: &Options) -> Vec<ModuleRow> {
    let engines = engines::with_role(|r| r.prepare);
    let size = if opts.quick { QUICK_SIZE } else { SIZE };
    let runs = if opts.quick { 3 } else { opts.bomb_runs };
    let families: Vec<Family> = Family::ALL
        .iter()
        .copied()
        .filter(|f| opts.families.is_empty() || *f == Family::Ordinary || opts.families.iter().any(|n| n == f.name()))
        .collect();
    families
        .iter()
        .enumerate()
        .map(|(k, &family)| {
            let wasm = generate(family, size);
            eprintln!("[bomb-corpus] ({}/{}) {}: {} bytes", k + 1, families.len(), family.name(), wasm.len());
            let rejected: Vec<&str> = engines
                .iter()
                .filter(|e| !matches!(guarded(|| e.prepare(&wasm).map(|_| ())), Ok(())))
                .map(|e| e.name())
                .collect();
            // Rejection is a result here: time the attempt, whatever its outcome.
            let mut op = |e: &dyn WasmEngine, reps: usize| -> Result<Duration, String> {
                let mut held = Vec::with_capacity(reps);
                let (r, dt) = timed(|| {
                    guarded(|| {
                        for _ in 0..reps {
                            held.push(e.prepare(&wasm));
                        }
                        Ok(())
                    })
                });
                // Modules (and errors) are dropped outside the timed region.
                drop(held);
                r.map(|()| dt)
            };
            let mut row = measure("bomb-corpus", family.name(), wasm.len(), &engines, runs, &mut op);
            if !rejected.is_empty() {
                row.input = format!("{} (rejected by {})", family.name(), rejected.join(", "));
            }
            row
        })
        .collect()
}
