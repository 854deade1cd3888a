//! The static-bounds suite (docs/bounds.md): (1) a fixed-price call of a bounded contract and
//! of a bounded WASI precompile against the same call metered, on each tier, in one process,
//! with every receipt checked (same status and output; the fixed-price receipt charged exactly
//! its bound); (2) the
//! bound analysis (`Module::function_bounds`) against preparation (`Module::new`) on every
//! bomb family at 100 KB and 1 MB, per byte and as 10x-size scaling. Medians of interleaved
//! rounds. Writes `bench/results/bounds.md`.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use gasket::{BoundsConfig, Config, Engine, GasSchedule, Module, Tier};
use gasket_bombs::{generate, Family};
use gasket_runtime::{
    Address, BlockContext, CodeHash, MemStore, PrecompileContext, PrecompileStatus, Pricing, Runtime, RuntimeConfig,
    Status,
};

use crate::measure::{fmt_duration, Samples};

const CONTRACT: &str = include_str!("../workloads/compress-contract.wat");

/// Gas given to each call: far above the bounds.
const CALL_GAS: u64 = 100_000_000;

/// The same compression as a WASI precompile (derived from [`CONTRACT`], so the two run the
/// same code): `_start` reads the 32-byte state from stdin, runs 256 compressions and writes
/// the state to stdout.
fn precompile_wat() -> String {
    CONTRACT
        .replace(
            r#"(import "gasket_v1" "set_return" (func $set_return (param i32 i32)))"#,
            r#"(import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))"#,
        )
        .replace(
            r#"(func (export "hash") (local $i i32)"#,
            r#"(func (export "_start") (local $i i32)
    (i32.store (i32.const 64) (i32.const 0)) (i32.store (i32.const 68) (i32.const 32))
    (drop (call $fd_read (i32.const 0) (i32.const 64) (i32.const 1) (i32.const 72)))"#,
        )
        .replace(
            "(call $set_return (i32.const 0) (i32.const 32))",
            "(drop (call $fd_write (i32.const 1) (i32.const 64) (i32.const 1) (i32.const 72)))",
        )
}

/// A bounded call under test: the contract's `hash`, or the precompile's `_start`.
#[derive(Clone, Copy, Debug)]
enum Subject {
    Contract,
    Precompile,
}

/// A runtime with `subject` deployed or installed.
struct Deployed {
    rt: Runtime,
    contract: Address,
    precompile: CodeHash,
    subject: Subject,
}

/// What the suite compares: success, output, gas used, pricing.
type Outcome = (bool, Vec<u8>, u64, Pricing);

fn runtime(tier: Tier, subject: Subject, fixed_price: bool) -> Result<Deployed, String> {
    let config = RuntimeConfig {
        fixed_price,
        engine: Config { tier, ..RuntimeConfig::default().engine },
        ..RuntimeConfig::default()
    };
    let rt = Runtime::new(Arc::new(MemStore::new()), config).map_err(|e| e.to_string())?;
    let (mut contract, mut precompile) = (Address::default(), CodeHash::default());
    match subject {
        Subject::Contract => {
            let code = wat::parse_str(CONTRACT).map_err(|e| e.to_string())?;
            contract = rt.deploy(&code, Address([1; 20]), b"").map_err(|e| e.to_string())?.address;
        }
        Subject::Precompile => {
            let code = wat::parse_str(precompile_wat()).map_err(|e| e.to_string())?;
            precompile = rt.install_precompile(&code).map_err(|e| e.to_string())?;
        }
    }
    Ok(Deployed { rt, contract, precompile, subject })
}

fn call(d: &Deployed) -> Result<Outcome, String> {
    let caller = Address([2; 20]);
    match d.subject {
        Subject::Contract => {
            let r = d.rt.call(caller, d.contract, "hash", b"", CALL_GAS, BlockContext::default());
            let r = r.map_err(|e| e.to_string())?;
            Ok((r.status == Status::Success, r.return_data, r.gas_used, r.pricing))
        }
        Subject::Precompile => {
            let ctx = PrecompileContext { caller, ..PrecompileContext::default() };
            let r = d.rt.call_precompile(&d.precompile, &[7; 32], CALL_GAS, &ctx).map_err(|e| e.to_string())?;
            Ok((r.status == PrecompileStatus::Exited(0), r.stdout, r.gas_used, r.pricing))
        }
    }
}

struct FixedRow {
    tier: Tier,
    subject: Subject,
    metered: Duration,
    fixed: Duration,
    gas_used: u64,
    price: u64,
}

fn fixed_price(tier: Tier, subject: Subject, rounds: usize, calls: usize) -> Result<FixedRow, String> {
    let (metered, fixed) = (runtime(tier, subject, false)?, runtime(tier, subject, true)?);
    let (m, f) = (call(&metered)?, call(&fixed)?);
    if !(m.0 && f.0) || m.1 != f.1 {
        return Err(format!("{tier:?} {subject:?}: metered and fixed-price receipts differ"));
    }
    let Pricing::FixedPrice { bound } = f.3 else {
        return Err(format!("{tier:?} {subject:?}: the call was not fixed-price: {:?}", f.3));
    };
    if f.2 != bound {
        return Err(format!("{tier:?} {subject:?}: fixed-price call charged {} for a price of {bound}", f.2));
    }
    let time = |d: &Deployed, reference: &Outcome| -> Result<Duration, String> {
        let start = Instant::now();
        for _ in 0..calls {
            if call(d)? != *reference {
                return Err(format!("{tier:?} {subject:?}: a receipt differs from the first"));
            }
        }
        Ok(start.elapsed() / calls as u32)
    };
    let (mut tm, mut tf) = (Samples::default(), Samples::default());
    for round in 0..rounds {
        if round % 2 == 0 {
            tm.push(time(&metered, &m)?);
            tf.push(time(&fixed, &f)?);
        } else {
            tf.push(time(&fixed, &f)?);
            tm.push(time(&metered, &m)?);
        }
    }
    Ok(FixedRow { tier, subject, metered: tm.median(), fixed: tf.median(), gas_used: m.2, price: bound })
}

struct AnalysisRow {
    family: &'static str,
    /// (bytes, preparation, analysis) at 100 KB and 1 MB.
    sizes: Vec<(usize, Duration, Duration)>,
}

fn analysis(family: Family, runs: usize) -> Option<AnalysisRow> {
    // The analysis prices gas, so it needs a metering engine.
    let engine = Engine::new(&Config { metering: Some(GasSchedule::default()), ..Config::default() });
    let mut sizes = Vec::new();
    for size in [100_000usize, 1_000_000] {
        let bytes = generate(family, size.max(family.min_bytes()));
        let (mut prep, mut analyse) = (Samples::default(), Samples::default());
        for _ in 0..runs {
            let start = Instant::now();
            let m = Module::new(&engine, &bytes).ok()?;
            prep.push(start.elapsed());
            let start = Instant::now();
            let bounds = m.function_bounds(&BoundsConfig::default()).ok()?;
            analyse.push(start.elapsed());
            std::hint::black_box(bounds);
        }
        sizes.push((bytes.len(), prep.median(), analyse.median()));
    }
    Some(AnalysisRow { family: family.name(), sizes })
}

fn ns_per_byte(d: Duration, bytes: usize) -> f64 {
    d.as_secs_f64() * 1e9 / bytes as f64
}

pub fn main(quick: bool) -> ExitCode {
    let (rounds, calls, runs) = if quick { (3, 5, 3) } else { (11, 50, 7) };
    let mut md = String::from("# Static bounds: fixed-price calls and the analysis' cost\n\n");
    md += &format!("- date: {}\n", crate::command_output("date", &["-u", "+%Y-%m-%d %H:%M UTC"]));
    md += &format!("- commit: {}\n\n", crate::command_output("git", &["rev-parse", "--short", "HEAD"]));
    md += "## Fixed-price against metered calls\n\n";
    md += &format!(
        "The contract bench/workloads/compress-contract.wat (`hash`: 256 SHA-256-style compressions), \
         called through `Runtime::call`, and the same code as a WASI precompile (state from stdin, \
         to stdout) called through `Runtime::call_precompile` (metered: pooled instance; \
         fixed-price: fresh instance of the unmetered module); median over {rounds} interleaved \
         rounds of {calls} calls.\n\n"
    );
    md += "| subject | tier | metered (µs/call) | fixed-price (µs/call) | fixed/metered | metered gas used | fixed price |\n";
    md += "| --- | --- | ---: | ---: | ---: | ---: | ---: |\n";
    let tiers: &[Tier] =
        if cfg!(target_arch = "x86_64") { &[Tier::Interpreter, Tier::Compiler] } else { &[Tier::Interpreter] };
    for (subject, &tier) in
        [Subject::Contract, Subject::Precompile].into_iter().flat_map(|s| tiers.iter().map(move |t| (s, t)))
    {
        eprintln!("[bench] bounds: fixed-price, {subject:?}, {tier:?}");
        match fixed_price(tier, subject, rounds, calls) {
            Ok(r) => {
                md += &format!(
                    "| {:?} | {:?} | {:.1} | {:.1} | {:.3} | {} | {} |\n",
                    r.subject,
                    r.tier,
                    r.metered.as_secs_f64() * 1e6,
                    r.fixed.as_secs_f64() * 1e6,
                    r.fixed.as_secs_f64() / r.metered.as_secs_f64(),
                    r.gas_used,
                    r.price
                )
            }
            Err(e) => {
                eprintln!("[bench] bounds: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    md += &format!(
        "\n## Analysis against preparation on the bomb families\n\n`Module::function_bounds` (every \
         function, no host costs) against `Module::new` (interpreter tier), median of {runs} runs each.\n\n"
    );
    md += "| family | bytes | prepare | analyse | analyse ns/byte | analyse/prepare | analysis 10x-size scaling |\n";
    md += "| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n";
    let mut worst: (f64, &str) = (0.0, "");
    for &family in Family::ALL {
        eprintln!("[bench] bounds: analysis, {}", family.name());
        let Some(row) = analysis(family, runs) else {
            md += &format!("| {} | refused by a limit | | | | | |\n", family.name());
            continue;
        };
        let scaling = match row.sizes[..] {
            [(b0, _, a0), (b1, _, a1)] => {
                (a1.as_secs_f64() / b1 as f64) / (a0.as_secs_f64() / b0 as f64).max(1e-18) * 10.0
            }
            _ => f64::NAN,
        };
        for (i, (bytes, prep, analyse)) in row.sizes.iter().enumerate() {
            let ratio = analyse.as_secs_f64() / prep.as_secs_f64().max(1e-12);
            if ratio > worst.0 {
                worst = (ratio, row.family);
            }
            md += &format!(
                "| {} | {bytes} | {} | {} | {:.2} | {ratio:.2} | {} |\n",
                row.family,
                fmt_duration(*prep),
                fmt_duration(*analyse),
                ns_per_byte(*analyse, *bytes),
                if i == 1 { format!("{scaling:.2}x") } else { String::new() }
            );
        }
    }
    md += &format!("\nWorst analysis/preparation ratio: {:.2} ({}).\n", worst.0, worst.1);
    println!("{md}");
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("results/bounds.md");
    if let Err(e) = std::fs::write(&path, &md) {
        eprintln!("[bench] could not write {}: {e}", path.display());
    }
    ExitCode::SUCCESS
}
