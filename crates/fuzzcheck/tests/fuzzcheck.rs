//! The fuzz targets, bounded and seeded, inside `cargo test` (docs/fuzzing.md): a fixed
//! number of deterministic xorshift inputs per target, and the replay of every file in
//! `fuzz/regressions/<target>/`. Each test prints what it checked.
//!
//! `FUZZCHECK_CASES=N` replaces every target's case count (for a longer local run) and
//! `FUZZCHECK_SEED=S` changes the seed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use gasket_fuzzcheck::differential::{differential_with, Bounds};
use gasket_fuzzcheck::host::runtime_host_api;
use gasket_fuzzcheck::prepare::{bytes_to_module, smith_prepare, SmithReport, TimeCheck};
use gasket_fuzzcheck::{run_target, Finding, XorShift, TARGETS};

/// The scale on the preparation-time budget here: the dev profile keeps gasket at opt-level 2
/// but runs the IR verifier after every translation, and the tests share two cores with each
/// other. 20 × (1 ms + 20 ns × prepare_gas) still catches anything quadratic at these sizes.
const TEST_TIME_SCALE: u32 = 20;

fn cases(default: u64) -> u64 {
    std::env::var("FUZZCHECK_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn seed(target: u64) -> u64 {
    let s = std::env::var("FUZZCHECK_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(0x6761_736b_6574);
    s ^ target.wrapping_mul(0x1000_0000_01b3)
}

/// Fails the test with every finding, printed with its case number.
fn assert_no_findings(target: &str, findings: &[(u64, Finding)]) {
    for (case, f) in findings.iter().take(20) {
        println!("{target}: FINDING at case {case}: {f}");
    }
    assert!(findings.is_empty(), "{target}: {} findings (see output)", findings.len());
}

/// A small valid module from wasm-smith's default configuration, for (a)'s mutation cases.
fn smith_module(rng: &mut XorShift) -> Vec<u8> {
    let data = rng.bytes_between(64, 2048);
    let mut u = arbitrary::Unstructured::new(&data);
    let mut config = wasm_smith::Config::default();
    gasket_fuzzcheck::prepare::wasm2_features(&mut config);
    wasm_smith::Module::new(config, &mut u).map(|m| m.to_bytes()).unwrap_or_default()
}

/// The input of bounded case `case` of `target`.
///
/// (a): a third raw bytes (mostly text-format errors), a third the binary header followed by
/// random bytes, a third wasm-smith modules with a few bytes overwritten and sometimes cut.
/// (b), (c), (d): random bytes for `Unstructured`.
fn case_input(target: &str, case: u64) -> Vec<u8> {
    let index = TARGETS.iter().position(|t| *t == target).expect("a target name") as u64;
    let mut rng = XorShift::for_case(seed(index + 1), case);
    match target {
        "bytes_to_module" => match case % 3 {
            0 => rng.bytes_between(0, 512),
            1 => [&b"\0asm\x01\0\0\0"[..], &rng.bytes_between(0, 2048)].concat(),
            _ => {
                let mut m = smith_module(&mut rng);
                if !m.is_empty() {
                    for _ in 0..1 + rng.next_u64() % 4 {
                        let i = (rng.next_u64() % m.len() as u64) as usize;
                        m[i] = rng.next_u64() as u8;
                    }
                    if rng.next_u64().is_multiple_of(4) {
                        let cut = (rng.next_u64() % m.len() as u64) as usize;
                        m.truncate(cut);
                    }
                }
                m
            }
        },
        "smith_prepare" | "validate" => rng.bytes_between(256, 8192),
        "differential" | "differential_compiled" | "tiers" | "bounds" | "resume" => rng.bytes_between(512, 8192),
        // A few edits: each takes 5 to 9 bytes.
        "damaged_store" => rng.bytes_between(1, 40),
        _ => rng.bytes_between(16, 4096),
    }
}

/// (i): static bounds are sound on random modules; prints the share of bounded functions and
/// the tightness (gas used over gas bound) of the calls run at their bounds.
#[test]
fn bounded_bounds_soundness() {
    let n = cases(10_000);
    let start = Instant::now();
    let mut total = gasket_fuzzcheck::bounds::BoundsReport::default();
    let mut findings = Vec::new();
    for case in 0..n {
        let data = case_input("bounds", case);
        match gasket_fuzzcheck::bounds::bounds_smith(&data) {
            Ok(r) => total.add(&r),
            Err(f) => findings.push((case, f)),
        }
    }
    let share = |k: u64| 100.0 * k as f64 / total.functions.max(1) as f64;
    println!(
        "bounds: {n} modules in {:.1?}: {} exported functions, {} ({:.1}%) gas-bounded, {} ({:.1}%) all bounded; \
         {} calls at their bounds ({} exact), {} skipped; used/bound {:.3}; {} findings",
        start.elapsed(),
        total.functions,
        total.gas_bounded,
        share(total.gas_bounded),
        total.all_bounded,
        share(total.all_bounded),
        total.calls,
        total.exact,
        total.skipped,
        total.used as f64 / total.bound.max(1) as f64,
        findings.len()
    );
    assert_no_findings("bounds", &findings);
    assert!(total.calls > 0 && total.exact > 0, "the property ran: {total:?}");
}

/// (a): arbitrary bytes into `Module::new`, timed.
#[test]
fn bounded_bytes_to_module() {
    let n = cases(10_000);
    let start = Instant::now();
    let mut outcomes = BTreeMap::<&str, u64>::new();
    let mut findings = Vec::new();
    let (mut max_ratio, mut max_at) = (0.0f64, 0);
    for case in 0..n {
        let data = case_input("bytes_to_module", case);
        match bytes_to_module(&data, TimeCheck::Budget { scale: TEST_TIME_SCALE }) {
            Ok(r) => {
                *outcomes.entry(r.outcome).or_default() += 1;
                if r.ratio() > max_ratio {
                    (max_ratio, max_at) = (r.ratio(), case);
                }
            }
            Err(f) => findings.push((case, f)),
        }
    }
    println!(
        "bytes_to_module: {n} cases in {:.1?}: {outcomes:?}; slowest {:.3} of the 1 ms + 20 ns × prepare_gas budget \
         (case {max_at}; allowed {TEST_TIME_SCALE}); {} findings",
        start.elapsed(),
        max_ratio,
        findings.len()
    );
    assert_no_findings("bytes_to_module", &findings);
    assert!(outcomes.get("ok").copied().unwrap_or(0) > 0, "no input was accepted: the mutation cases are broken");
}

/// (b): wasm-smith swarm configurations.
#[test]
fn bounded_smith_prepare() {
    let n = cases(10000);
    let start = Instant::now();
    let (mut accepted, mut not_generated) = (0u64, 0u64);
    let mut limits = BTreeMap::<&str, u64>::new();
    let mut findings = Vec::new();
    for case in 0..n {
        let data = case_input("smith_prepare", case);
        match smith_prepare(&data) {
            Ok(SmithReport::Accepted { .. }) => accepted += 1,
            Ok(SmithReport::Limit { what }) => *limits.entry(what).or_default() += 1,
            Ok(SmithReport::NotGenerated) => not_generated += 1,
            Err(f) => findings.push((case, f)),
        }
    }
    println!(
        "smith_prepare: {n} cases in {:.1?}: {accepted} accepted and round-tripped (metered and not), \
         limits {limits:?}, {not_generated} not generated; {} findings",
        start.elapsed(),
        findings.len()
    );
    assert_no_findings("smith_prepare", &findings);
    assert!(accepted >= n / 2, "too few modules accepted: {accepted} of {n}");
}

/// (k): gasket's body validation against wasmparser's validator, on edited wasm-smith modules.
/// Both verdicts must be common, or the comparison would check little.
#[test]
fn bounded_validate() {
    let n = cases(3000);
    let start = Instant::now();
    let mut total = gasket_fuzzcheck::validate::ValidateReport::default();
    let mut findings = Vec::new();
    for case in 0..n {
        let data = case_input("validate", case);
        match gasket_fuzzcheck::validate::validate(&data) {
            Ok(r) => {
                total.generated |= r.generated;
                total.accepted += r.accepted;
                total.refused += r.refused;
                total.limited += r.limited;
            }
            Err(f) => findings.push((case, f)),
        }
    }
    println!(
        "validate: {n} modules in {:.1?}, each with floats allowed and denied: {} accepted by both, {} refused by both, \
         {} over a limit; {} findings",
        start.elapsed(),
        total.accepted,
        total.refused,
        total.limited,
        findings.len()
    );
    assert_no_findings("validate", &findings);
    let each = n as u32 / 10;
    assert!(total.accepted >= each && total.refused >= each, "too few of one verdict: {total:?}");
}

/// (c): differential execution against wasmi with the test bounds.
#[test]
fn bounded_differential() {
    differential_on("differential", cases(5000), Bounds::TEST);
}

/// (h): (c) with gasket on the compiled tier.
#[test]
fn bounded_differential_compiled() {
    if !gasket_fuzzcheck::tiers::available() {
        println!("differential_compiled: no compiler tier on this platform; nothing checked");
        return;
    }
    differential_on("differential_compiled", cases(1500), Bounds::TEST.compiled());
}

fn differential_on(target: &str, n: u64, bounds: Bounds) {
    let start = Instant::now();
    let mut t = gasket_fuzzcheck::differential::DiffReport::default();
    let (mut modules, mut limited) = (0u64, 0u64);
    let mut findings = Vec::new();
    for case in 0..n {
        let data = case_input(target, case);
        match differential_with(&data, &bounds) {
            Ok(r) => {
                modules += r.generated as u64;
                limited += r.limit.is_some() as u64;
                t.instantiated |= r.instantiated;
                t.calls += r.calls;
                t.compared += r.compared;
                t.trapped += r.trapped;
                t.inconclusive += r.inconclusive;
                t.stack += r.stack;
                t.reference_panics += r.reference_panics;
            }
            Err(f) => findings.push((case, f)),
        }
    }
    println!(
        "{target}: {n} cases in {:.1?}: {modules} modules ({limited} over a gasket limit), {} calls, \
         {} compared ({} trapped alike), {} inconclusive (out of gas or fuel), {} stack-exhausted, {} skipped (wasmi panicked); {} findings",
        start.elapsed(),
        t.calls,
        t.compared,
        t.trapped,
        t.inconclusive,
        t.stack,
        t.reference_panics,
        findings.len()
    );
    assert_no_findings(target, &findings);
    assert!(t.compared as u64 >= n, "too few calls compared: {}", t.compared);
}

/// (g): the compiled tier against the interpreter, exactly, gas included.
#[test]
fn bounded_tiers() {
    if !gasket_fuzzcheck::tiers::available() {
        println!("tiers: no compiler tier on this platform; nothing checked");
        return;
    }
    let n = cases(10_000);
    let start = Instant::now();
    let mut t = gasket_fuzzcheck::tiers::TiersReport::default();
    let (mut modules, mut limited) = (0u64, 0u64);
    let mut findings = Vec::new();
    for case in 0..n {
        let data = case_input("tiers", case);
        match gasket_fuzzcheck::tiers::tiers_with(&data, gasket_fuzzcheck::tiers::TEST_GAS) {
            Ok(r) => {
                modules += r.generated as u64;
                limited += r.limit.is_some() as u64;
                t.calls += r.calls;
                t.trapped += r.trapped;
                t.out_of_gas += r.out_of_gas;
                t.stack += r.stack;
            }
            Err(f) => findings.push((case, f)),
        }
    }
    println!(
        "tiers: {n} cases in {:.1?}: {modules} modules ({limited} over a limit), {} calls compared, {} trapped alike, \
         {} out of gas alike, {} stack-exhausted alike; {} findings",
        start.elapsed(),
        t.calls,
        t.trapped,
        t.out_of_gas,
        t.stack,
        findings.len()
    );
    assert_no_findings("tiers", &findings);
    assert!(t.calls as u64 >= n && t.trapped > 0 && t.out_of_gas > 0, "outcomes not diverse: {t:?}");
}

/// (d): host-call programs against the runtime.
#[test]
fn bounded_runtime_host_api() {
    let n = cases(1000);
    let start = Instant::now();
    let mut t = gasket_fuzzcheck::host::HostReport::default();
    let mut findings = Vec::new();
    for case in 0..n {
        let data = case_input("runtime_host_api", case);
        match runtime_host_api(&data) {
            Ok(r) => {
                t.calls += r.calls;
                t.success += r.success;
                t.reverted += r.reverted;
                t.out_of_gas += r.out_of_gas;
                t.trapped += r.trapped;
                t.failed += r.failed;
                t.steps += r.steps;
            }
            Err(f) => findings.push((case, f)),
        }
    }
    println!(
        "runtime_host_api: {n} cases in {:.1?} (each run twice): {} calls with {} program steps: {} success, \
         {} reverted, {} out of gas, {} trapped, {} failed; {} findings",
        start.elapsed(),
        t.calls,
        t.steps,
        t.success,
        t.reverted,
        t.out_of_gas,
        t.trapped,
        t.failed,
        findings.len()
    );
    assert_no_findings("runtime_host_api", &findings);
    assert!(t.success > 0 && t.trapped > 0 && t.reverted > 0, "outcomes not diverse: {t:?}");
}

/// (e): damage plans against the reference database (the corruption suite,
/// tests/corruption.rs, enumerates each kind of damage; this runs the fuzz target's decoding).
#[test]
fn bounded_damaged_store() {
    let n = cases(200);
    let start = Instant::now();
    let mut t = gasket_fuzzcheck::store::DamageReport::default();
    let mut findings = Vec::new();
    for case in 0..n {
        let data = case_input("damaged_store", case);
        match gasket_fuzzcheck::store::damaged_store(&data) {
            Ok(r) => t.add(&r),
            Err(f) => findings.push((case, f)),
        }
    }
    println!(
        "damaged_store: {n} plans in {:.1?} ({} opens): {} with the original state, {} corrupt, {} other errors, \
         {} redb panics contained; {} findings",
        start.elapsed(),
        2 * n,
        t.intact,
        t.corrupt,
        t.other_errors,
        t.contained_panics,
        findings.len()
    );
    assert_no_findings("damaged_store", &findings);
    assert!(t.intact > 0 && t.corrupt > 0, "outcomes not diverse: {t:?}");
}

/// (e): random WASI call plans, on gasket and on the core directly.
#[test]
fn bounded_wasi_calls() {
    let n = cases(500);
    let start = Instant::now();
    let mut t = gasket_fuzzcheck::wasi::WasiReport::default();
    let mut findings = Vec::new();
    for case in 0..n {
        let data = case_input("wasi_calls", case);
        match gasket_fuzzcheck::wasi::wasi_calls(&data) {
            Ok(r) => {
                t.calls += r.calls;
                t.exits += r.exits;
                t.out_of_gas += r.out_of_gas;
                t.output_limits += r.output_limits;
            }
            Err(f) => findings.push((case, f)),
        }
    }
    println!(
        "wasi_calls: {n} cases in {:.1?}: {} calls; {} exits, {} out of gas, {} output caps; {} findings",
        start.elapsed(),
        t.calls,
        t.exits,
        t.out_of_gas,
        t.output_limits,
        findings.len()
    );
    assert_no_findings("wasi_calls", &findings);
    assert!(t.exits > 0 && t.out_of_gas > 0 && t.output_limits > 0, "outcomes not diverse: {t:?}");
}

/// (j): calls paused and resumed at random points against the same calls run straight, on
/// every tier.
#[test]
fn bounded_resume() {
    let n = cases(10000);
    let start = Instant::now();
    let mut t = gasket_fuzzcheck::resume::ResumeReport::default();
    let (mut modules, mut findings) = (0u64, Vec::new());
    for case in 0..n {
        let data = case_input("resume", case);
        match gasket_fuzzcheck::resume::resume_with(&data, gasket_fuzzcheck::resume::Budget::TEST) {
            Ok(r) => {
                modules += r.generated as u64;
                t.calls += r.calls;
                t.pauses += r.pauses;
                t.returned += r.returned;
                t.out_of_gas += r.out_of_gas;
            }
            Err(f) => findings.push((case, f)),
        }
    }
    println!(
        "resume: {n} cases in {:.1?}: {modules} modules, {} calls on {} tiers ({} returned, {} out of the whole budget), \
         {} pauses resumed; {} findings",
        start.elapsed(),
        t.calls,
        gasket_fuzzcheck::resume::tiers().len(),
        t.returned,
        t.out_of_gas,
        t.pauses,
        findings.len()
    );
    assert_no_findings("resume", &findings);
    assert!(t.calls as u64 >= n && t.pauses as u64 >= n && t.returned > 0, "too little checked: {t:?}");
}

fn regressions_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions")
}

/// One regression file: a fuzz input, or for (c) a module (`.wat` or `.wasm`), which is
/// compared directly (every export called with zero arguments).
fn replay(target: &str, name: &str, data: &[u8]) -> Result<String, Finding> {
    if (target == "differential" || target == "tiers") && (name.ends_with(".wat") || name.ends_with(".wasm")) {
        let wasm = wat::parse_bytes(data).map_err(|e| Finding::new("usage", format!("bad module file: {e}")))?;
        let mut u = arbitrary::Unstructured::new(&[]);
        if target == "tiers" {
            let r = gasket_fuzzcheck::tiers::compare_tiers(&wasm, &mut u, gasket_fuzzcheck::tiers::FUZZ_GAS);
            return r.map(|r| format!("{r:?}"));
        }
        return gasket_fuzzcheck::differential::compare_module(&wasm, &mut u, &Bounds::FUZZ).map(|r| format!("{r:?}"));
    }
    run_target(target, data)
}

/// Every file in `fuzz/regressions/<target>/` through its target. A file named `open-*` is a
/// reproducer of a bug not fixed yet: it must still reproduce (its finding is printed); when it stops reproducing, the bug is fixed and
/// the file must be renamed without `open-`, so that it guards against the bug's return.
#[test]
fn replay_regressions() {
    let (mut passed, mut open) = (0, 0);
    let mut failures = Vec::new();
    for target in TARGETS {
        let dir = regressions_dir().join(target);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        for file in files {
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with('.') || name.ends_with(".md") {
                continue;
            }
            let data = std::fs::read(&file).unwrap();
            let result = replay(target, &name, &data);
            match (name.starts_with("open-"), result) {
                (false, Ok(summary)) => {
                    passed += 1;
                    println!("replay {target}/{name}: ok: {summary}");
                }
                (false, Err(f)) => failures.push(format!("{target}/{name}: {f}")),
                (true, Err(f)) => {
                    open += 1;
                    println!("replay {target}/{name}: OPEN BUG still reproduces: {f}");
                }
                (true, Ok(summary)) => failures.push(format!(
                    "{target}/{name}: no longer reproduces ({summary}): the bug is fixed; rename the file without `open-`"
                )),
            }
        }
    }
    println!("replay: {passed} regression inputs pass, {open} open bugs reproduce, {} failures", failures.len());
    for f in &failures {
        println!("replay FAILURE {f}");
    }
    assert!(failures.is_empty(), "{} regression failures (see output)", failures.len());
    assert!(passed + open >= TARGETS.len(), "the regression corpus should hold an input per target");
}

/// `FUZZCHECK_DUMP=target:case:file` writes that bounded case's input to `file`.
#[test]
fn dump_case() {
    let Ok(spec) = std::env::var("FUZZCHECK_DUMP") else { return };
    let mut parts = spec.splitn(3, ':');
    let (target, case, file) =
        (parts.next().unwrap(), parts.next().unwrap().parse::<u64>().unwrap(), parts.next().unwrap());
    let data = case_input(target, case);
    std::fs::write(file, data).unwrap();
}
