//! The static-bounds suite (docs/bounds.md): (1) a fixed-price call of a bounded contract
//! against the same call metered, on each tier, in one process, with every receipt checked
//! (same status and return data; the fixed-price receipt charged exactly its bound); (2) the
//! bound analysis (`Module::function_bounds`) against preparation (`Module::new`) on every
//! bomb family at 100 KB and 1 MB, per byte and as 10x-size scaling. Medians of interleaved
//! rounds. Writes `bench/results/bounds.md`.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use gasket::{BoundsConfig, Config, Engine, GasSchedule, Module, Tier};
use gasket_bombs::{generate, Family};
use gasket_runtime::{Address, BlockContext, CallReceipt, MemStore, Pricing, Runtime, RuntimeConfig, Status};

use crate::measure::{fmt_duration, Samples};

const CONTRACT: &str = include_str!("../workloads/compress-contract.wat");

/// Gas given to each call: far above the contract's bound.
const CALL_GAS: u64 = 100_000_000;

fn runtime(tier: Tier, fixed_price: bool) -> Result<(Runtime, Address), String> {
    let config = RuntimeConfig {
        fixed_price,
        engine: Config { tier, ..RuntimeConfig::default().engine },
        ..RuntimeConfig::default()
    };
    let rt = Runtime::new(Arc::new(MemStore::new()), config).map_err(|e| e.to_string())?;
    let code = wat::parse_str(CONTRACT).map_err(|e| e.to_string())?;
    let addr = rt.deploy(&code, Address([1; 20]), b"").map_err(|e| e.to_string())?.address;
    Ok((rt, addr))
}

fn call((rt, addr): &(Runtime, Address)) -> Result<CallReceipt, String> {
    rt.call(Address([2; 20]), *addr, "hash", b"", CALL_GAS, BlockContext::default()).map_err(|e| e.to_string())
}

struct FixedRow {
    tier: Tier,
    metered: Duration,
    fixed: Duration,
    gas_used: u64,
    price: u64,
}

fn fixed_price(tier: Tier, rounds: usize, calls: usize) -> Result<FixedRow, String> {
    let (metered, fixed) = (runtime(tier, false)?, runtime(tier, true)?);
    let (m, f) = (call(&metered)?, call(&fixed)?);
    if (m.status.clone(), f.status.clone()) != (Status::Success, Status::Success) || m.return_data != f.return_data {
        return Err(format!("{tier:?}: metered {:?} and fixed-price {:?} receipts differ", m.status, f.status));
    }
    let Pricing::FixedPrice { bound } = f.pricing else {
        return Err(format!("{tier:?}: the call was not fixed-price: {:?}", f.pricing));
    };
    if f.gas_used != bound {
        return Err(format!("{tier:?}: fixed-price call charged {} for a price of {bound}", f.gas_used));
    }
    let time = |rt: &(Runtime, Address), reference: &CallReceipt| -> Result<Duration, String> {
        let start = Instant::now();
        for _ in 0..calls {
            let r = call(rt)?;
            if r.return_data != reference.return_data || r.gas_used != reference.gas_used {
                return Err(format!("{tier:?}: a receipt differs from the first"));
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
    Ok(FixedRow { tier, metered: tm.median(), fixed: tf.median(), gas_used: m.gas_used, price: bound })
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
         called through `Runtime::call`; median over {rounds} interleaved rounds of {calls} calls.\n\n"
    );
    md += "| tier | metered (µs/call) | fixed-price (µs/call) | fixed/metered | metered gas used | fixed price |\n";
    md += "| --- | ---: | ---: | ---: | ---: | ---: |\n";
    let tiers: &[Tier] =
        if cfg!(target_arch = "x86_64") { &[Tier::Interpreter, Tier::Compiler] } else { &[Tier::Interpreter] };
    for &tier in tiers {
        eprintln!("[bench] bounds: fixed-price, {tier:?}");
        match fixed_price(tier, rounds, calls) {
            Ok(r) => {
                md += &format!(
                    "| {:?} | {:.1} | {:.1} | {:.3} | {} | {} |\n",
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
