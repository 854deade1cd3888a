//! Selects the interpreter's dispatch backend (see `src/exec/dispatch.rs`).
//!
//! Sets `gasket_tail_dispatch` when the handlers' tail calls are lowered to jumps: an
//! optimizing build (opt-level 2, 3, "s" or "z") without debug assertions or instrumentation,
//! for a target architecture whose LLVM backend performs sibling-call optimization, unless
//! `GASKET_DISPATCH=loop` is set. Every other build uses the loop fallback, which runs the
//! same handler bodies and never grows the native stack.

use std::env;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rustc-check-cfg=cfg(gasket_tail_dispatch)");
    // Set by cargo-fuzz; decode/mod.rs verifies every translated module under it.
    println!("cargo::rustc-check-cfg=cfg(fuzzing)");
    let opt_level = env::var("OPT_LEVEL").unwrap_or_default();
    let optimizing = matches!(opt_level.as_str(), "2" | "3" | "s" | "z");
    let debug_assertions = env::var_os("CARGO_CFG_DEBUG_ASSERTIONS").is_some();
    let arch = env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let sibling_calls = matches!(arch.as_str(), "x86_64" | "aarch64" | "riscv64" | "x86" | "arm");
    // Instrumented builds (cargo-fuzz's coverage callbacks, sanitizers, coverage reports) add
    // calls and spills to the handlers; in a cargo-fuzz build LLVM turned the continuation of
    // 13 handlers into real calls, which overflowed the stack on long runs.
    let flags = env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    let instrumented = env::var_os("CARGO_CFG_FUZZING").is_some()
        || ["sanitizer", "instrument-coverage", "sancov"].iter().any(|f| flags.contains(f));
    // `GASKET_DISPATCH=loop` forces the loop fallback for any other build whose codegen has
    // not been checked (see `.ci/run` for the check).
    println!("cargo::rerun-if-env-changed=GASKET_DISPATCH");
    let forced_loop = env::var("GASKET_DISPATCH").is_ok_and(|v| v == "loop");
    if optimizing && !debug_assertions && sibling_calls && !instrumented && !forced_loop {
        println!("cargo::rustc-cfg=gasket_tail_dispatch");
    }
}
