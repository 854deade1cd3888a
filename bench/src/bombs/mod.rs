//! The bomb suite: gasket's preparation time (`Module::new`) on every adversarial family of
//! `gasket-bombs` at sizes from 10 KB to 4 MB, each interleaved round by round with the
//! `ordinary` baseline of the same size, so that per-byte ratios compare like with like.
//! Checks the two promises of docs/gas.md §7-8 (worst family ≤ 3x ordinary per byte; 10x the
//! size ≤ 12x the time) and derives the calibration of `prepare_gas = a + b * len`.

pub mod corpus;
mod report;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use gasket::{Engine, Error, Module};
use gasket_bombs::{generate_variant, Expect, Family};

use crate::measure::{fmt_duration, guarded, timed, Samples};
use crate::Options;

/// Nominal sizes, decimal (the 4 MB module stays under gasket's 4 MiB limit).
const SIZES: &[usize] = &[10_000, 40_000, 100_000, 400_000, 1_000_000, 4_000_000];
const QUICK_SIZES: &[usize] = &[10_000, 40_000, 100_000];

/// Small inputs are prepared repeatedly per sample until about this many bytes are processed.
const MIN_BATCH_BYTES: usize = 512 * 1024;
/// Fast preparations are repeated per sample until a sample takes about this long, so that
/// clock granularity and interrupts stay noise. Modules refused by a count limit take about
/// a microsecond at any size, and single-run samples of them once gave a linearity ratio of
/// 16 (`over_globals`, 100 KB to 1 MB) where repeated runs measure 1.
const MIN_SAMPLE: Duration = Duration::from_millis(1);
/// At most this many preparations per sample.
const MAX_REPS: usize = 100_000;
/// A sample of several preparations prepares up to this many variants of the module in turn
/// (`gasket_bombs::generate_variant`: the same family and size from other random draws), not
/// one module again and again: a processor learns one small module prepared thousands of
/// times in a row (a 10 KB `select_tee` took 21 ns per byte that way, 29 ns with eight
/// variants, as at 100 KB), which made small sizes look cheaper than any real preparation and
/// the size ratios worse than they are. Eight variants measured the same as sixteen.
const VARIANTS: usize = 8;

/// A single preparation slower than this gets the minimum number of runs at this size, and
/// the family is not measured at larger sizes (the figure already shows the problem).
const SLOW: Duration = Duration::from_secs(5);
const MIN_RUNS: usize = 3;

/// One family at one size.
pub struct Cell {
    pub bytes: usize,
    /// Median time of one preparation.
    pub time: Duration,
    /// Median time of one preparation of the ordinary module measured alongside.
    pub ordinary: Duration,
    pub ordinary_bytes: usize,
    pub runs: usize,
    pub spread: f64,
    /// `ok`, or the error's kind and message.
    pub outcome: String,
    /// The outcome is not what the family expects (valid rejected, over-limit accepted,
    /// rejected for another reason than a limit, panic).
    pub unexpected: bool,
}

pub struct Row {
    pub family: Family,
    /// Per size; `None` when skipped after a slow smaller size.
    pub cells: Vec<Option<Cell>>,
}

pub struct BombResults {
    pub header: String,
    pub sizes: Vec<usize>,
    /// Ordinary code per size: bytes and the median over every paired measurement.
    pub ordinary: Vec<(usize, Duration)>,
    /// Preparation of the smallest valid module (8 bytes): the floor of the fixed cost.
    pub empty: Duration,
    pub rows: Vec<Row>,
}

fn outcome(family: Family, r: &Result<Result<Module, Error>, String>) -> (String, bool) {
    match r {
        Err(panic) => (panic.clone(), true),
        Ok(Ok(_)) => ("ok".into(), family.expect() != Expect::Valid),
        Ok(Err(e @ Error::Limit { .. })) => (format!("Limit: {e}"), family.expect() != Expect::OverLimit),
        Ok(Err(e)) => (format!("{e}"), true),
    }
}

fn prepare(engine: &Engine, wasm: &[u8]) -> Result<Result<Module, Error>, String> {
    guarded(|| Ok(Module::new(engine, wasm)))
}

/// Times `reps` preparations of the `variants` in turn; modules are dropped outside the timed
/// region.
fn sample(engine: &Engine, variants: &[Vec<u8>], reps: usize) -> Duration {
    let mut held = Vec::with_capacity(reps);
    let (_, dt) = timed(|| {
        for k in 0..reps {
            held.push(Module::new(engine, &variants[k % variants.len()]));
        }
    });
    drop(held);
    dt / reps as u32
}

/// Preparations per sample of a module of `len` bytes whose first preparation took `first`.
fn reps_for(len: usize, first: Duration) -> usize {
    let by_bytes = MIN_BATCH_BYTES / len.max(1);
    let by_time = (MIN_SAMPLE.as_nanos() / first.as_nanos().max(1)) as usize;
    by_bytes.max(by_time).clamp(1, MAX_REPS)
}

/// The variants of `family` at `size` that samples of `reps` preparations go through (one when
/// a sample is one preparation).
fn variants(family: Family, size: usize, first: Vec<u8>, reps: usize) -> Vec<Vec<u8>> {
    let mut all = vec![first];
    all.extend((1..reps.min(VARIANTS) as u64).map(|v| generate_variant(family, size, v)));
    all
}

/// One size of a family under measurement.
struct Job {
    size: usize,
    /// The module (variant 0, whose size is reported) and the other variants samples use.
    wasm: Vec<Vec<u8>>,
    reps: usize,
    outcome: String,
    unexpected: bool,
    /// Time of the first, checking preparation.
    first: Duration,
    fam: Samples,
    ord: Samples,
}

/// Measures one family at every size. Each round visits every size (in an order rotated by
/// the round), and at each size runs the family and the ordinary module of that size (order
/// alternating by round). Drift of machine speed therefore spreads over all sizes and both
/// modules alike: the per-byte ratio and the linearity ratio compare samples taken side by side.
fn measure_family(
    engine: &Engine,
    family: Family,
    sizes: &[usize],
    ordinary: &[Vec<Vec<u8>>],
    runs: usize,
    pools: &mut [Samples],
) -> Row {
    let mut jobs: Vec<Job> = Vec::new();
    let mut slowest = Duration::ZERO;
    for &size in sizes {
        if slowest > SLOW {
            eprintln!("[bombs]   {} took {} once: not measured at larger sizes", family.name(), fmt_duration(slowest));
            break;
        }
        let wasm = generate_variant(family, size, 0);
        let (first, dt) = timed(|| prepare(engine, &wasm));
        let (mut outcome, mut unexpected) = outcome(family, &first);
        drop(first);
        slowest = slowest.max(dt);
        let reps = reps_for(wasm.len(), dt);
        let wasm = variants(family, size, wasm, reps);
        // Every variant must meet the family's expectation too.
        for v in &wasm[1..] {
            let (o, bad) = self::outcome(family, &prepare(engine, v));
            if bad && !unexpected {
                (outcome, unexpected) = (format!("a variant: {o}"), true);
            }
        }
        jobs.push(Job {
            size,
            wasm,
            reps,
            outcome,
            unexpected,
            first: dt,
            fam: Samples::default(),
            ord: Samples::default(),
        });
    }
    // One round costs about the slowest preparation plus the rest; keep a family under a few
    // minutes by falling back to the minimum number of runs.
    let round: Duration = jobs.iter().map(|j| 2 * j.first).sum();
    let n = if slowest > SLOW || round * runs as u32 > SLOW * 12 { MIN_RUNS } else { runs };
    for r in 0..n {
        for k in 0..jobs.len() {
            let k = (k + r) % jobs.len();
            let job = &mut jobs[k];
            let o = &ordinary[k];
            for side in 0..2 {
                if (side + r) % 2 == 0 {
                    job.fam.push(sample(engine, &job.wasm, job.reps));
                } else {
                    // Ordinary code is never fast enough for the time bound to matter.
                    let d = sample(engine, o, reps_for(o[0].len(), Duration::MAX));
                    job.ord.push(d);
                    pools[k].push(d);
                }
            }
        }
    }
    let mut cells: Vec<Option<Cell>> = jobs
        .into_iter()
        .enumerate()
        .map(|(k, j)| {
            let cell = Cell {
                bytes: j.wasm[0].len(),
                time: j.fam.median(),
                ordinary: j.ord.median(),
                ordinary_bytes: ordinary[k][0].len(),
                runs: n,
                spread: j.fam.spread(),
                outcome: j.outcome,
                unexpected: j.unexpected,
            };
            eprintln!(
                "[bombs]   {:<20} {:>8} {:>8} bytes {:>10} {:>7.1} ns/B  ({:.2}x ordinary/B, n={}, spread {:.0}%){}",
                family.name(),
                j.size,
                cell.bytes,
                fmt_duration(cell.time),
                ns_per_byte(cell.time, cell.bytes),
                report::ratio(&cell),
                cell.runs,
                100.0 * cell.spread,
                if cell.unexpected { format!("  !!! {}", cell.outcome) } else { String::new() }
            );
            Some(cell)
        })
        .collect();
    cells.resize_with(sizes.len(), || None);
    Row { family, cells }
}

pub fn run(opts: &Options) -> BombResults {
    let engine = Engine::new(&gasket::Config { tier: opts.tier, ..gasket::Config::default() });
    let sizes: Vec<usize> = if opts.quick { QUICK_SIZES.to_vec() } else { SIZES.to_vec() };
    let runs = if opts.quick { MIN_RUNS } else { opts.bomb_runs };
    let families: Vec<Family> = Family::ALL
        .iter()
        .copied()
        .filter(|f| *f != Family::Ordinary)
        .filter(|f| opts.families.is_empty() || opts.families.iter().any(|n| n == f.name()))
        .collect();
    let empty_module = [b"\0asm\x01\0\0\0".to_vec()];
    let mut empty = Samples::default();
    for _ in 0..5 {
        empty.push(sample(&engine, &empty_module, 10_000));
    }
    let ordinary: Vec<Vec<Vec<u8>>> = sizes
        .iter()
        .map(|&s| {
            let first = generate_variant(Family::Ordinary, s, 0);
            let reps = reps_for(first.len(), Duration::MAX);
            variants(Family::Ordinary, s, first, reps)
        })
        .collect();
    for o in &ordinary {
        eprintln!("[bombs] ordinary module: {} bytes ({} variants)", o[0].len(), o.len());
        for v in o {
            let _ = prepare(&engine, v);
        }
    }
    let mut pools = vec![Samples::default(); sizes.len()];
    let rows = families.iter().map(|&f| measure_family(&engine, f, &sizes, &ordinary, runs, &mut pools)).collect();
    let ordinary = ordinary
        .iter()
        .zip(&pools)
        .map(|(o, p)| (o[0].len(), if p.len() > 0 { p.median() } else { Duration::ZERO }))
        .collect();
    BombResults { header: header(runs, opts.tier), sizes, ordinary, empty: empty.median(), rows }
}

pub fn ns_per_byte(t: Duration, bytes: usize) -> f64 {
    t.as_nanos() as f64 / bytes as f64
}

fn header(runs: usize, tier: gasket::Tier) -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default()
    };
    let commit = git(&["rev-parse", "--short", "HEAD"]);
    let dirty = git(&["status", "--porcelain", "--", "crates/gasket"]);
    format!(
        "- machine: {cpu}, {} hardware threads (shared, noisy)\n\
         - commit: {commit}{}\n\
         - method: `gasket::Module::new` with `Engine::default()` and tier {tier:?}; per family, every round visits every \
         size (rotated order) and at each size prepares the family's module and the ordinary module of \
         that size (alternating order), so ratios and linearity compare samples taken side by side; \
         median of {runs} rounds (3 when a round would be long, or one preparation takes over {} s); \
         small or fast modules prepared repeatedly per sample (at least {} KiB and about {} ms per \
         sample, at most {} runs), going through up to {} variants of the module in turn (the same family \
         and size from other random draws), so that no sample prepares one small module over and over\n",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        if dirty.is_empty() { String::new() } else { " with uncommitted changes in crates/gasket".into() },
        SLOW.as_secs(),
        MIN_BATCH_BYTES / 1024,
        MIN_SAMPLE.as_millis(),
        MAX_REPS,
        VARIANTS,
    )
}

/// Runs the suite, prints the report, writes `bench/results/bombs.md` (`bombs-compiled.md` for
/// the compiled tier).
pub fn main(opts: &Options) -> ExitCode {
    if let Some(bad) = opts.families.iter().find(|n| Family::from_name(n).is_none()) {
        let names: Vec<&str> = Family::ALL.iter().map(|f| f.name()).collect();
        eprintln!("gasket-bench: unknown family `{bad}`; families: {}", names.join(", "));
        return ExitCode::from(64);
    }
    let results = run(opts);
    let md = report::markdown(&results);
    println!("{md}");
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("results");
    let path = dir.join(if opts.tier == gasket::Tier::Compiler { "bombs-compiled.md" } else { "bombs.md" });
    match std::fs::create_dir_all(&dir).and_then(|_| std::fs::write(&path, &md)) {
        Ok(()) => eprintln!("[bombs] report written to {}", path.display()),
        Err(e) => eprintln!("[bombs] could not write {}: {e}", path.display()),
    }
    let failed = report::failures(&results);
    if failed.is_empty() {
        return ExitCode::SUCCESS;
    }
    eprintln!("\n!!!!!!!!!!!!!!!! BOMB FAILURES !!!!!!!!!!!!!!!!");
    for f in &failed {
        eprintln!("  {f}");
    }
    ExitCode::FAILURE
}
