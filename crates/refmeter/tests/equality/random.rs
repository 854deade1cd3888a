//! (b) Seeded random modules: wasm-smith modules restricted to Wasm 2.0 without SIMD (no
//! imports, canonicalized NaNs, small memories and tables) are instantiated (running any start
//! function) and every exported function is called with zero arguments, in both engines
//! under the same seeded gas limits; gas used, outcome kind and results must agree.
//!
//! Even seeds run under the default schedule, odd seeds under a schedule with a distinct
//! cost per class (see `common::distinct_schedule`), so that charging an operator under the
//! wrong class cannot hide behind two classes of equal default cost.
//!
//! `REFMETER_MODULES` sets the module count (default 10,000), `REFMETER_SEED` the first seed
//! (default 0), and `REFMETER_DUMP=dir` writes every module with a mismatch to `dir` as
//! `seed-N.wasm`, for reproduction.

use std::collections::BTreeMap;

use arbitrary::Unstructured;
use gasket_refmeter::runtime::{self, RefMeter};
use gasket_refmeter::{instrument, Outcome};

use crate::common::{
    distinct_schedule, gas_left, gasket_engine_on, gasket_outcome, ref_meter, ref_meter_with, same_value, tiers,
    to_wasmi, SplitMix,
};
use crate::spec::guard;

/// Largest gas limit of one call or instantiation.
const MAX_GAS: u64 = 100_000;

/// The wasm-smith configuration: Wasm 2.0 without SIMD, no imports, small entities.
fn config() -> wasm_smith::Config {
    wasm_smith::Config {
        min_imports: 0,
        max_imports: 0,
        simd_enabled: false,
        relaxed_simd_enabled: false,
        threads_enabled: false,
        shared_everything_threads_enabled: false,
        tail_call_enabled: false,
        exceptions_enabled: false,
        gc_enabled: false,
        memory64_enabled: false,
        extended_const_enabled: false,
        wide_arithmetic_enabled: false,
        custom_page_sizes_enabled: false,
        custom_descriptors_enabled: false,
        compact_imports_enabled: false,
        bulk_memory_enabled: true,
        reference_types_enabled: true,
        multi_value_enabled: true,
        sign_extension_ops_enabled: true,
        saturating_float_to_int_enabled: true,
        canonicalize_nans: true,
        generate_custom_sections: false,
        export_everything: true,
        max_memories: 1,
        max_memory32_bytes: 4 * 65536,
        max_tables: 3,
        max_table_elements: 64,
        min_types: 2,
        min_funcs: 3,
        max_funcs: 12,
        max_instructions: 120,
        max_data_segments: 8,
        max_element_segments: 8,
        max_elements: 16,
        max_globals: 12,
        ..Default::default()
    }
}

#[derive(Default)]
struct Stats {
    generated: usize,
    not_generated: usize,
    instantiations: usize,
    calls: usize,
    results_compared: usize,
    outcomes: BTreeMap<String, usize>,
    excluded: BTreeMap<String, usize>,
    mismatches: Vec<String>,
}

impl Stats {
    fn exclude(&mut self, why: impl Into<String>) {
        *self.excluded.entry(why.into()).or_default() += 1;
    }
}

/// Generates, instantiates and calls one module; returns whether it had a mismatch.
fn one_module(seed: u64, meter: &RefMeter, engine: &gasket::Engine, stats: &mut Stats) -> bool {
    let mut rng = SplitMix(seed);
    let size = 1024 + (rng.next() % 16384) as usize;
    let data = rng.bytes(size);
    let Ok(module) = wasm_smith::Module::new(config(), &mut Unstructured::new(&data)) else {
        stats.not_generated += 1;
        return false;
    };
    stats.generated += 1;
    // Both engines run the module with `f32.demote_f64` and `f64.promote_f32` results
    // canonicalized, as gasket does them anyway: a NaN's sign from wasmi's conversion could
    // otherwise decide a trap (`canon`).
    let bytes =
        gasket_refmeter::canon::canonicalize_conversions(&module.to_bytes()).expect("wasm-smith's output parses");
    let at = format!("seed {seed}");
    let before = stats.mismatches.len();

    let g_module = match guard(|| gasket::Module::from_binary(engine, &bytes)) {
        Ok(Ok(m)) => m,
        Ok(Err(gasket::Error::Limit { what, .. })) => {
            stats.exclude(format!("gasket rejects the module: limit on {what}"));
            return false;
        }
        Ok(Err(e)) => {
            stats.mismatches.push(format!("{at}: gasket rejects a valid Wasm 2.0 module: {e}"));
            return true;
        }
        Err(p) => {
            stats.mismatches.push(format!("{at}: gasket panicked preparing the module: {p}"));
            return true;
        }
    };
    let r_module = match instrument(&bytes, meter.schedule()).map(|b| meter.module(&b)) {
        Ok(Ok(m)) => m,
        Ok(Err(e)) => {
            stats.mismatches.push(format!("{at}: wasmi rejects the instrumented module: {e}"));
            return true;
        }
        Err(e) => {
            stats.mismatches.push(format!("{at}: the rewriter fails: {e}"));
            return true;
        }
    };

    let mut g_store = gasket::Store::new(engine, ());
    let mut r_store = meter.store(0);
    let gas = rng.next() % (MAX_GAS + 1);
    g_store.set_gas(gas);
    r_store.data_mut().set_gas(gas);
    let g_inst = match guard(|| gasket::Linker::new(engine).instantiate(&mut g_store, &g_module)) {
        Ok(r) => r,
        Err(p) => {
            stats.mismatches.push(format!("{at}: gasket panicked instantiating: {p}"));
            return true;
        }
    };
    let r_inst = meter.linker().instantiate_and_start(&mut r_store, &r_module);
    let (go, ro) = (gasket_outcome(&g_inst), runtime::outcome(&r_inst));
    let (gu, ru) = (gas - gas_left(&g_store), gas - r_store.data().gas_left());
    stats.instantiations += 1;
    *stats.outcomes.entry(format!("instantiation {go}")).or_default() += 1;
    if (&go, gu) != (&ro, ru) {
        stats
            .mismatches
            .push(format!("{at}: instantiation with {gas} gas: gasket {go} used {gu}, reference {ro} used {ru}"));
    }
    let (Ok(g_inst), Ok(r_inst)) = (g_inst, r_inst) else {
        return stats.mismatches.len() > before;
    };

    let names: Vec<String> = g_module
        .exports()
        .filter(|(_, t)| matches!(t, gasket::ExternType::Func(_)))
        .map(|(n, _)| n.to_string())
        .collect();
    for name in names {
        let (Some(gf), Some(rf)) = (g_inst.get_func(&g_store, &name), r_inst.get_func(&r_store, &name)) else {
            stats.mismatches.push(format!("{at}: export `{name}` missing in one engine"));
            continue;
        };
        let ty = gf.ty(&g_store).expect("a handle of this store");
        let g_args: Vec<gasket::Val> = ty.params().iter().map(|t| gasket::Val::default_for(*t)).collect();
        let r_args: Vec<wasmi::Val> = g_args.iter().map(|a| to_wasmi(&mut r_store, a)).collect();
        let mut g_res: Vec<gasket::Val> = ty.results().iter().map(|t| gasket::Val::default_for(*t)).collect();
        let r_ty = rf.ty(&r_store);
        let mut r_res: Vec<wasmi::Val> = r_ty.results().iter().map(|t| wasmi::Val::default_for_ty(*t)).collect();
        let gas = rng.next() % (MAX_GAS + 1);
        g_store.set_gas(gas);
        r_store.data_mut().set_gas(gas);
        let g = match guard(|| gf.call(&mut g_store, &g_args, &mut g_res)) {
            Ok(r) => r,
            Err(p) => {
                stats.mismatches.push(format!("{at}: call `{name}`: gasket panicked: {p}"));
                return true;
            }
        };
        let r = rf.call(&mut r_store, &r_args, &mut r_res);
        let (go, ro) = (gasket_outcome(&g), runtime::outcome(&r));
        let (gu, ru) = (gas - gas_left(&g_store), gas - r_store.data().gas_left());
        stats.calls += 1;
        *stats.outcomes.entry(format!("call {go}")).or_default() += 1;
        if (&go, gu) != (&ro, ru) {
            stats
                .mismatches
                .push(format!("{at}: call `{name}` with {gas} gas: gasket {go} used {gu}, reference {ro} used {ru}"));
        } else if go == Outcome::Ok {
            stats.results_compared += 1;
            let same = g_res.len() == r_res.len() && g_res.iter().zip(&r_res).all(|(g, r)| same_value(&r_store, g, r));
            if !same {
                stats.mismatches.push(format!("{at}: call `{name}`: results differ: {g_res:?} vs {r_res:?}"));
            }
        }
    }
    stats.mismatches.len() > before
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[test]
fn random_modules_gas_matches_reference() {
    let count = env_u64("REFMETER_MODULES", 10_000);
    let first = env_u64("REFMETER_SEED", 0);
    let dump = std::env::var_os("REFMETER_DUMP").map(std::path::PathBuf::from);
    // Seeds rotate over (schedule, tier): the default and the distinct schedule, on each tier
    // of `tiers()`.
    let mut engines = Vec::new();
    for tier in tiers() {
        engines.push((ref_meter(), gasket_engine_on(&gasket::GasSchedule::default(), tier), tier));
        engines.push((ref_meter_with(&distinct_schedule()), gasket_engine_on(&distinct_schedule(), tier), tier));
    }
    let mut per_tier = std::collections::BTreeMap::<String, u64>::new();
    let mut stats = Stats::default();
    let verbose = std::env::var_os("REFMETER_VERBOSE").is_some();
    for seed in first..first + count {
        if verbose {
            eprintln!("random: seed {seed}");
        }
        let (meter, engine, tier) = &engines[(seed % engines.len() as u64) as usize];
        *per_tier.entry(format!("{tier:?}")).or_default() += 1;
        if one_module(seed, meter, engine, &mut stats) {
            if let Some(dir) = &dump {
                let mut rng = SplitMix(seed);
                let size = 1024 + (rng.next() % 16384) as usize;
                let data = rng.bytes(size);
                if let Ok(m) = wasm_smith::Module::new(config(), &mut Unstructured::new(&data)) {
                    let _ = std::fs::create_dir_all(dir);
                    let _ = std::fs::write(dir.join(format!("seed-{seed}.wasm")), m.to_bytes());
                }
            }
        }
    }
    println!(
        "random: seeds {first}..{}: {} modules generated ({} seeds gave none), {} instantiations \
         and {} calls compared ({} results compared), {} mismatches",
        first + count,
        stats.generated,
        stats.not_generated,
        stats.instantiations,
        stats.calls,
        stats.results_compared,
        stats.mismatches.len()
    );
    println!("random: seeds per tier {per_tier:?}");
    for (what, n) in &stats.outcomes {
        println!("random: {n} × {what}");
    }
    for (why, n) in &stats.excluded {
        println!("random: not compared: {n} × {why}");
    }
    for m in stats.mismatches.iter().take(100) {
        println!("MISMATCH {m}");
    }
    assert!(stats.mismatches.is_empty(), "{} mismatches (see output)", stats.mismatches.len());
    assert!(stats.generated as u64 >= count * 9 / 10, "too few modules generated: {}", stats.generated);
}
