//! The real-world corpus built at benchmark time by scripts/build-corpus.sh into
//! bench/.cache/corpus (never committed): published Rust crates (bench/corpus-rust), the LZ4
//! C library from PyPI's `lz4` source distribution and the CoreMark-class `cpumark`
//! (bench/corpus-c). Every workload is an export `fn(size) -> i64` whose result is checked
//! against the same source compiled natively (`corpus-native`, `corpus-c-native`, run once per
//! workload and size); the kernels also check published test vectors themselves (RFC 8032,
//! the BLS12-381 generator encodings, ...) and trap when one fails.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::engines::{Arg, EngineResult, Instance, Stub, StubAction};
use crate::workloads::{Drive, Group, Reference, Workload};

/// The command that builds the corpus.
pub const BUILD: &str = "scripts/build-corpus.sh";

pub fn cache_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".cache/corpus")
}

/// Runs the build script when the corpus is missing (as `external::ensure_installed` does for
/// the npm modules); a module still missing afterwards is reported as skipped.
pub fn ensure_built() {
    if cache_dir().join("c").is_dir() {
        return;
    }
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join(BUILD);
    eprintln!("[bench] corpus not built; running {BUILD} (fetches crates and a PyPI sdist, builds for a while)");
    match Command::new("bash").arg(&script).status() {
        Ok(s) if s.success() => {}
        Ok(s) => eprintln!("[bench] {BUILD} failed ({s})"),
        Err(e) => eprintln!("[bench] could not run {BUILD}: {e}"),
    }
}

/// The host clock `cpumark` imports.
pub const CLOCK: &[Stub] = &[Stub { module: "env", name: "clock_ns", action: StubAction::Clock }];

/// One corpus workload: name, group, module (relative to the cache), export, full and quick
/// sizes, native reference (relative to the cache), imports.
struct Spec {
    name: &'static str,
    group: Group,
    module: &'static str,
    export: &'static str,
    size: i32,
    quick_size: i32,
    native: &'static str,
    stubs: &'static [Stub],
}

const RUST_NATIVE: &str = "rust/corpus-native";
const C_NATIVE: &str = "c/corpus-c-native";

const fn crate_kernel(name: &'static str, module: &'static str, export: &'static str, size: i32, quick: i32) -> Spec {
    Spec { name, group: Group::Crates, module, export, size, quick_size: quick, native: RUST_NATIVE, stubs: &[] }
}

const SPECS: &[Spec] = &[
    crate_kernel("bls12_381:pairing", "rust/pairing.wasm", "bls12_381_pairing", 1, 1),
    crate_kernel("ed25519-dalek:sign+verify", "rust/ed25519.wasm", "ed25519_sign_verify", 24, 1),
    crate_kernel("miniz_oxide:deflate", "rust/deflate.wasm", "miniz_deflate", 128, 4),
    crate_kernel("regex:search", "rust/regex.wasm", "regex_search", 64, 4),
    crate_kernel("serde_json:roundtrip", "rust/json.wasm", "serde_json_roundtrip", 2000, 50),
    crate_kernel("num-bigint:modpow", "rust/bigint.wasm", "num_bigint_modpow", 4, 1),
    Spec {
        name: "lz4:roundtrip",
        group: Group::C,
        module: "c/lz4.wasm",
        export: "lz4_roundtrip",
        size: 128,
        quick_size: 4,
        native: C_NATIVE,
        stubs: &[],
    },
    Spec {
        name: "cpumark:fixed",
        group: Group::CpuMark,
        module: "c/cpumark.wasm",
        export: "cpumark_fixed",
        size: 256,
        quick_size: 4,
        native: C_NATIVE,
        stubs: CLOCK,
    },
];

/// The corpus workloads whose module is present, and a line per module that is not.
pub fn workloads() -> (Vec<Workload>, Vec<String>) {
    let (mut ok, mut skipped) = (Vec::new(), Vec::new());
    for s in SPECS {
        let path = cache_dir().join(s.module);
        match std::fs::read(&path) {
            Ok(wasm) => ok.push(Workload {
                name: s.name.into(),
                group: s.group,
                wasm,
                size: s.size,
                quick_size: s.quick_size,
                drive: Drive::Call(s.export),
                stubs: s.stubs,
                check: None,
                reference: Reference::Corpus { program: s.native, export: s.export },
            }),
            Err(e) => skipped.push(format!("{}: {} ({e}); run {BUILD}", s.name, path.display())),
        }
    }
    (ok, skipped)
}

/// Runs the native build of a corpus kernel: its result for `size`.
pub fn native_result(program: &str, export: &str, size: i32) -> EngineResult<i64> {
    let bin = cache_dir().join(program);
    run_native(&bin, export, size)
}

fn run_native(bin: &Path, export: &str, size: i32) -> EngineResult<i64> {
    let out = Command::new(bin)
        .arg(export)
        .arg(size.to_string())
        .output()
        .map_err(|e| format!("reference {} {export} {size}: {e}", bin.display()))?;
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(format!("reference {} {export} {size} failed ({}): {}", bin.display(), out.status, err.trim()));
    }
    text.trim().parse().map_err(|e| format!("reference {} {export} {size} printed {text:?}: {e}", bin.display()))
}

/// `cpumark_score(ms)` on one instance: iterations per second of the host clock, or the
/// failure (a wrong CRC in any iteration returns -1).
pub fn cpumark_score(inst: &mut dyn Instance, ms: i32) -> EngineResult<f64> {
    let start = std::time::Instant::now();
    let done = inst.call("cpumark_score", &[Arg::I32(ms)])?;
    let secs = start.elapsed().as_secs_f64();
    match done {
        d if d > 0 => Ok(d as f64 / secs),
        d => Err(format!("cpumark_score returned {d} (a CRC mismatch)")),
    }
}

/// The score of the native build, for the same table.
pub fn cpumark_native_score(ms: i32) -> EngineResult<f64> {
    let start = std::time::Instant::now();
    let done = native_result(C_NATIVE, "cpumark_score", ms)?;
    Ok(done as f64 / start.elapsed().as_secs_f64())
}
