#!/usr/bin/env bash
# Installs what gasket's commands need on a fresh machine. Idempotent.
# A Rust toolchain (checked, since none can be fetched here) and the wasm32 target for the
# example contracts.
set -euo pipefail
if ! command -v cargo >/dev/null 2>&1; then
  echo "error: cargo not found; install Rust (https://rustup.rs) first" >&2
  exit 1
fi
# CI checks formatting and lints (.ci/run): make sure rustfmt and clippy are there.
if command -v rustup >/dev/null 2>&1; then
  for component in rustfmt clippy; do
    if ! rustup component list --installed 2>/dev/null | grep -q "^$component"; then
      echo "setup: installing the $component component" >&2
      rustup component add "$component" >&2 || echo "warning: could not install $component" >&2
    fi
  done
fi
# The example contracts build for wasm32 with the toolchain contracts/rust-toolchain.toml pins;
# tests rebuild them to check the committed .wasm files. Best effort: without the target those
# checks print SKIPPED.
toolchain="$(sed -n 's/^channel *= *"\(.*\)"/\1/p' "$(dirname "$0")/../contracts/rust-toolchain.toml")"
if command -v rustup >/dev/null 2>&1; then
  if ! rustup target list --installed --toolchain "$toolchain" 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    rustup target add --toolchain "$toolchain" wasm32-unknown-unknown >&2 || echo "warning: could not install wasm32-unknown-unknown" >&2
  fi
fi
# The WASI examples and cross-checks (docs/wasi.md): wasm32-wasip1 for the Rust programs,
# Debian's clang, lld, wasi-libc and the wasm32 compiler runtime for the C programs, and
# Node.js 20+ (node:wasi) for the cross-checks. Best effort: without them those checks print
# SKIPPED.
if command -v rustup >/dev/null 2>&1; then
  examples_toolchain="$(sed -n 's/^channel *= *"\(.*\)"/\1/p' "$(dirname "$0")/../examples/wasi/rust-toolchain.toml")"
  if ! rustup target list --installed --toolchain "$examples_toolchain" 2>/dev/null | grep -qx wasm32-wasip1; then
    echo "setup: installing wasm32-wasip1 for $examples_toolchain" >&2
    rustup target add --toolchain "$examples_toolchain" wasm32-wasip1 >&2 || echo "warning: could not install wasm32-wasip1" >&2
  fi
fi
wasi_packages=(clang lld wasi-libc libclang-rt-14-dev-wasm32)
command -v node >/dev/null 2>&1 || wasi_packages+=(nodejs)
missing=()
for p in "${wasi_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "setup: installing ${missing[*]} (apt-get)" >&2
    { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"; } >&2 \
      || echo "warning: could not install ${missing[*]}" >&2
  else
    echo "warning: missing ${missing[*]} (install them with apt-get as root)" >&2
  fi
fi
if command -v node >/dev/null 2>&1; then
  node_major="$(node --version | sed 's/^v\([0-9]*\).*/\1/')"
  [ "$node_major" -ge 20 ] || echo "warning: node $(node --version) is older than 20; the node:wasi cross-checks will be SKIPPED" >&2
fi
