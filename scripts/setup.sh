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
