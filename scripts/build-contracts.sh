#!/usr/bin/env bash
# Builds the example contracts (contracts/) for wasm32-unknown-unknown, reproducibly, and
# copies them to contracts/wasm/{counter,token,caller}.wasm.
#
# Reproducible: the same source gives the same bytes whatever the checkout path, target
# directory or cargo home. The compiler is pinned by contracts/rust-toolchain.toml; paths that
# could reach the output are remapped; no debug info is emitted and the output is stripped
# (contracts/Cargo.toml, [profile.release]).
#
# Environment (optional; crates/sdk/tests/contracts.rs uses both to rebuild elsewhere):
#   CONTRACTS_TARGET_DIR  cargo's target directory (default: contracts/target)
#   CONTRACTS_OUT_DIR     where the .wasm files go (default: contracts/wasm)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
contracts="$repo/contracts"
target_dir="${CONTRACTS_TARGET_DIR:-$contracts/target}"
out_dir="${CONTRACTS_OUT_DIR:-$contracts/wasm}"
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
target=wasm32-unknown-unknown
toolchain="$(sed -n 's/^channel *= *"\(.*\)"/\1/p' "$contracts/rust-toolchain.toml")"

# shellcheck source=lib/wasm-toolchain.sh
source "$repo/scripts/lib/wasm-toolchain.sh"
ensure_wasm_toolchain "$toolchain" "the contracts"

# Nothing from a calling cargo (e.g. `cargo test` running this script) may change the build.
unset CARGO_ENCODED_RUSTFLAGS CARGO_BUILD_RUSTFLAGS CARGO_TARGET_DIR CARGO_BUILD_TARGET \
  CARGO_BUILD_TARGET_DIR RUSTC RUSTC_WRAPPER RUSTC_WORKSPACE_WRAPPER RUSTDOCFLAGS \
  CARGO_PROFILE_RELEASE_DEBUG CARGO_PROFILE_RELEASE_STRIP CARGO_PROFILE_RELEASE_LTO \
  CARGO_PROFILE_RELEASE_OPT_LEVEL CARGO_PROFILE_RELEASE_CODEGEN_UNITS CARGO_INCREMENTAL
# These flags are part of what the output is: change them only together with the committed
# .wasm files.
#   remap: cargo home (registry sources) and the repository, the only paths in the build;
#   debuginfo=0: no debug info even if a profile asked for it;
#   stack-size: 32 KiB of shadow stack (rustc's default is 1 MiB, which every call would
#     have to allocate and zero as initial memory); the example contracts use far less.
export RUSTFLAGS="--remap-path-prefix=$cargo_home=/cargo --remap-path-prefix=$repo=/gasket -C debuginfo=0 -C link-arg=-zstack-size=32768"
export SOURCE_DATE_EPOCH=0

cd "$contracts"
rustup run "$toolchain" cargo build --release --target "$target" --target-dir "$target_dir" \
  -p counter -p token -p caller

mkdir -p "$out_dir"
for c in counter token caller; do
  cp "$target_dir/$target/release/$c.wasm" "$out_dir/$c.wasm"
  echo "$out_dir/$c.wasm: $(wc -c <"$out_dir/$c.wasm") bytes"
done
