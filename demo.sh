#!/usr/bin/env bash
# The main job: deploys the example counter contract into the embedded database (./.gasket)
# and calls it twice, each command its own process, so the count shows state persisting;
# deploys an ewasm token (imports from `ethereum`) and calls its `main`; runs a Scout test of
# two execution environments; then runs an example module, metered, and the Wasm 2.0 spec
# suite.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
# The first release build takes a few minutes: cargo shows its progress (a bar on a
# terminal, one "Compiling" line per crate otherwise); later runs finish at once.
echo "building gasket (release) ..."
cargo build --release -p gasket-cli
gasket=target/release/gasket
echo "\$ gasket deploy contracts/wasm/counter.wasm"
address=$($gasket deploy contracts/wasm/counter.wasm)
echo "$address"
for _ in 1 2; do
  echo "\$ gasket call $address increment"
  $gasket call "$address" increment
done
echo "\$ gasket state $address"
$gasket state "$address"
echo "\$ gasket deploy contracts/ewasm/token.wat"
token=$($gasket deploy contracts/ewasm/token.wat)
echo "$token"
echo "\$ gasket call $token main --input 00e803000000000000   # init(1000)"
$gasket call "$token" main --input 00e803000000000000
bob=$(printf 'bb%.0s' $(seq 20))
echo "\$ gasket call $token main --input 01${bob}2c01000000000000   # transfer(0xbb…, 300)"
$gasket call "$token" main --input "01${bob}2c01000000000000"
echo "\$ gasket call $token main --input 02${bob}   # balanceOf(0xbb…)"
$gasket call "$token" main --input "02${bob}"
echo "\$ gasket scout crates/scout/tests/ees/multi.yaml"
$gasket scout crates/scout/tests/ees/multi.yaml 2>/dev/null
echo "\$ gasket run examples/fib.wat --invoke fib 25 --gas 100000000"
$gasket run examples/fib.wat --invoke fib 25 --gas 100000000
echo "\$ gasket run examples/trap.wat --invoke down 0"
$gasket run examples/trap.wat --invoke down 0 || echo "(exit code $?)"
echo "\$ gasket wast --spec"
$gasket wast --spec | tail -n 1
