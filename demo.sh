#!/usr/bin/env bash
# The main job: deploys the example counter contract into the embedded database (./.gasket)
# and calls it twice, each command its own process, so the count shows state persisting;
# then runs an example module, metered, and the Wasm 2.0 spec suite.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
cargo build --release -q -p gasket-cli
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
echo "\$ gasket run examples/fib.wat --invoke fib 25 --gas 100000000"
$gasket run examples/fib.wat --invoke fib 25 --gas 100000000
echo "\$ gasket run examples/trap.wat --invoke down 0"
$gasket run examples/trap.wat --invoke down 0 || echo "(exit code $?)"
echo "\$ gasket wast --spec"
$gasket wast --spec | tail -n 1
