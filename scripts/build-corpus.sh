#!/usr/bin/env bash
# Builds the bench's real-world corpus into bench/.cache/corpus (gitignored, never committed):
#
#   rust/  the kernels of bench/corpus-rust (bls12_381, ed25519-dalek, miniz_oxide, regex,
#          serde_json, num-bigint; fetched from crates.io at the versions its Cargo.lock pins),
#          one wasm32-unknown-unknown module per kernel and corpus-native, the same kernels
#          compiled natively: the reference every engine's result is checked against.
#   contracts/  bench/corpus-rust/contracts (ledger: a token with many entry points; merkle: a
#          Merkle proof verifier), on the SDK of crates/sdk, built for size as users do.
#   c/     LZ4 (the C library bundled in PyPI's `lz4` source distribution, pinned below) with
#          the kernel of bench/corpus-c, and bench/corpus-c/cpumark.c (a CPU benchmark of
#          CoreMark's kind), built with clang for wasm32 (freestanding: no libc, no WASI) and
#          natively as corpus-c-native, the reference.
#
# `cargo run -p gasket-bench --release -- all` runs this script when bench/.cache/corpus is
# missing. Needs rustup (installs toolchain and target as needed), pip, and clang + lld
# (installed with apt-get when missing and running as root).
#
# Environment (optional):
#   CORPUS_JOBS  parallel jobs of cargo (default: cargo's)
set -euo pipefail

LZ4_SDIST=4.4.5

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
out="$repo/bench/.cache/corpus"
crate="$repo/bench/corpus-rust"
csrc="$repo/bench/corpus-c"
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
target=wasm32-unknown-unknown
toolchain="$(sed -n 's/^channel *= *"\(.*\)"/\1/p' "$crate/rust-toolchain.toml")"
step() { echo "[build-corpus] $*" >&2; }

# shellcheck source=lib/wasm-toolchain.sh
source "$repo/scripts/lib/wasm-toolchain.sh"
ensure_wasm_toolchain "$toolchain" "the Rust corpus"

tmp="$out/.partial"
rm -rf "$tmp"
mkdir -p "$tmp/rust" "$tmp/c"

# ---- Rust ----------------------------------------------------------------------------------
unset CARGO_ENCODED_RUSTFLAGS CARGO_BUILD_RUSTFLAGS CARGO_TARGET_DIR CARGO_BUILD_TARGET \
  CARGO_BUILD_TARGET_DIR RUSTC RUSTC_WRAPPER RUSTC_WORKSPACE_WRAPPER CARGO_INCREMENTAL
export RUSTFLAGS="--remap-path-prefix=$cargo_home=/cargo --remap-path-prefix=$repo=/gasket -C debuginfo=0"
jobs=()
[[ -n "${CORPUS_JOBS:-}" ]] && jobs=(-j "$CORPUS_JOBS")
kernels=(pairing ed25519 deflate regex json bigint)
packages=()
for k in "${kernels[@]}"; do packages+=(-p "corpus-$k"); done
contracts=(ledger merkle)
for c in "${contracts[@]}"; do packages+=(-p "corpus-contract-$c"); done
cd "$crate"
step "Rust kernels and contracts -> $target (${kernels[*]} ${contracts[*]}); the first build fetches and compiles the crates"
rustup run "$toolchain" cargo build --release --locked "${jobs[@]}" --target "$target" \
  --target-dir "$out/rust-target" "${packages[@]}"
for k in "${kernels[@]}"; do
  cp "$out/rust-target/$target/release/corpus_$k.wasm" "$tmp/rust/$k.wasm"
  step "  rust/$k.wasm: $(wc -c <"$tmp/rust/$k.wasm") bytes"
done
mkdir -p "$tmp/contracts"
for c in "${contracts[@]}"; do
  cp "$out/rust-target/$target/release/corpus_contract_$c.wasm" "$tmp/contracts/$c.wasm"
  step "  contracts/$c.wasm: $(wc -c <"$tmp/contracts/$c.wasm") bytes"
done
step "Rust kernels, native reference (corpus-native)"
rustup run "$toolchain" cargo build --release --locked "${jobs[@]}" --target-dir "$out/rust-target" -p corpus-native
cp "$out/rust-target/release/corpus-native" "$tmp/rust/corpus-native"

# ---- C -------------------------------------------------------------------------------------
if ! command -v clang >/dev/null 2>&1 || ! command -v wasm-ld >/dev/null 2>&1; then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    step "installing clang and lld (apt-get)"
    apt-get update -qq && apt-get install -y -qq clang lld >&2
  else
    echo "error: clang and wasm-ld (lld) are needed for the C corpus: apt-get install clang lld" >&2
    exit 1
  fi
fi
sdist="$out/sdist"
mkdir -p "$sdist"
if [[ ! -f "$sdist/lz4-$LZ4_SDIST.tar.gz" ]]; then
  step "downloading the lz4 $LZ4_SDIST source distribution (PyPI)"
  python3 -m pip download --no-binary :all: --no-deps -d "$sdist" "lz4==$LZ4_SDIST" >&2
fi
rm -rf "$sdist/lz4-$LZ4_SDIST"
tar -xzf "$sdist/lz4-$LZ4_SDIST.tar.gz" -C "$sdist"
lz4="$sdist/lz4-$LZ4_SDIST/lz4libs"
freestanding=(-DLZ4_FREESTANDING=1 -DLZ4HC_HEAPMODE=0 '-DLZ4_memcpy(d,s,n)=__builtin_memcpy(d,s,n)'
  '-DLZ4_memmove(d,s,n)=__builtin_memmove(d,s,n)' '-DLZ4_memset(p,v,n)=__builtin_memset(p,v,n)')
wasm_cc=(clang --target=wasm32 -O2 -nostdlib -ffreestanding -I"$csrc" -I"$lz4")
native_cc=(clang -O2 -I"$csrc" -I"$lz4")
lz4_sources=("$csrc/support.c" "$csrc/lz4_kernel.c" "$lz4/lz4.c" "$lz4/lz4hc.c")
step "C: lz4 $LZ4_SDIST and cpumark -> wasm32"
"${wasm_cc[@]}" "${freestanding[@]}" -Wl,--no-entry -o "$tmp/c/lz4.wasm" "${lz4_sources[@]}"
"${wasm_cc[@]}" -Wl,--no-entry -o "$tmp/c/cpumark.wasm" "$csrc/support.c" "$csrc/cpumark.c"
for m in lz4 cpumark; do step "  c/$m.wasm: $(wc -c <"$tmp/c/$m.wasm") bytes"; done
step "C: native reference (corpus-c-native)"
"${native_cc[@]}" "${freestanding[@]}" -o "$tmp/c/corpus-c-native" "$csrc/native_main.c" \
  "$csrc/cpumark.c" "${lz4_sources[@]}"

# Only a complete build replaces the previous one.
for d in rust contracts c; do
  rm -rf "${out:?}/$d"
  mv "$tmp/$d" "$out/$d"
done
rmdir "$tmp"
step "corpus ready in $out"
