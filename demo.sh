#!/usr/bin/env bash
# The main job: builds gasket, runs an example, shows a clean trap, and runs the whole
# Wasm 2.0 spec suite through the CLI.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
cargo build --release -q -p gasket-cli
gasket=target/release/gasket
echo "\$ gasket run examples/fib.wat --invoke fib 25"
$gasket run examples/fib.wat --invoke fib 25
echo "\$ gasket run examples/trap.wat --invoke down 0"
$gasket run examples/trap.wat --invoke down 0 || echo "(exit code $?)"
echo "\$ gasket wast --spec"
$gasket wast --spec | tail -n 1
