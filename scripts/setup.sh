#!/usr/bin/env bash
# Installs what gasket's commands need on a fresh machine. Idempotent.
# Today that is only a Rust toolchain (checked, since none can be fetched here); later
# issues add the wasm32 target and npm packages for benchmarks.
set -euo pipefail
if ! command -v cargo >/dev/null 2>&1; then
  echo "error: cargo not found; install Rust (https://rustup.rs) first" >&2
  exit 1
fi
