#!/usr/bin/env bash
# Builds the Rust benchmark kernels (bench/rust-workloads) for wasm32-unknown-unknown and
# copies the module to bench/workloads/rust-workloads.wasm, which is committed: the bench runs
# it in every engine and compares each result with the same source compiled natively.
#
# The compiler is pinned by bench/rust-workloads/rust-toolchain.toml. The crate is a member of
# the root workspace (bench/ depends on it natively), so the wasm profile is given here:
# opt-level 3 (these are speed benchmarks), fat LTO, one codegen unit, panic = abort, no debug
# info, stripped; paths that could reach the output are remapped.
#
# Environment (optional):
#   BENCH_WASM_TARGET_DIR  cargo's target directory (default: bench/rust-workloads/target)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
crate="$repo/bench/rust-workloads"
target_dir="${BENCH_WASM_TARGET_DIR:-$crate/target}"
out="$repo/bench/workloads/rust-workloads.wasm"
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
target=wasm32-unknown-unknown
toolchain="$(sed -n 's/^channel *= *"\(.*\)"/\1/p' "$crate/rust-toolchain.toml")"

# shellcheck source=lib/wasm-toolchain.sh
source "$repo/scripts/lib/wasm-toolchain.sh"
ensure_wasm_toolchain "$toolchain" "the kernels"

# Nothing from a calling cargo may change the build.
unset CARGO_ENCODED_RUSTFLAGS CARGO_BUILD_RUSTFLAGS CARGO_TARGET_DIR CARGO_BUILD_TARGET \
  CARGO_BUILD_TARGET_DIR RUSTC RUSTC_WRAPPER RUSTC_WORKSPACE_WRAPPER CARGO_INCREMENTAL
export CARGO_PROFILE_RELEASE_OPT_LEVEL=3 CARGO_PROFILE_RELEASE_LTO=fat \
  CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 CARGO_PROFILE_RELEASE_PANIC=abort \
  CARGO_PROFILE_RELEASE_DEBUG=false CARGO_PROFILE_RELEASE_STRIP=true \
  CARGO_PROFILE_RELEASE_DEBUG_ASSERTIONS=false CARGO_PROFILE_RELEASE_OVERFLOW_CHECKS=false \
  CARGO_PROFILE_RELEASE_INCREMENTAL=false
# 64 KiB of shadow stack (rustc's default is 1 MiB); the kernels keep little on it.
export RUSTFLAGS="--remap-path-prefix=$cargo_home=/cargo --remap-path-prefix=$repo=/gasket -C debuginfo=0 -C link-arg=-zstack-size=65536"
export SOURCE_DATE_EPOCH=0

cd "$crate"
rustup run "$toolchain" cargo rustc --release --locked --target "$target" --target-dir "$target_dir" \
  -p gasket-rust-workloads --crate-type cdylib

cp "$target_dir/$target/release/gasket_rust_workloads.wasm" "$out"
echo "$out: $(wc -c <"$out") bytes"
