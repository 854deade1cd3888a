// Runs a WASI command under Node's built-in WASI (node:wasi), the reference the tests compare
// `gasket wasi` with (docs/wasi.md, "Cross-checks"):
//   node scripts/node-wasi.mjs FILE.wasm [ARGS...]
// argv is [FILE, ARGS...] as with `gasket wasi`, the environment is empty, stdin, stdout and
// stderr are this process's; the exit code is the program's, or 1 with the error on stderr if
// it trapped. Needs Node.js 20 or later.
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';

process.removeAllListeners('warning'); // node:wasi is "experimental": keep stderr the program's
const [file, ...args] = process.argv.slice(2);
const wasi = new WASI({ version: 'preview1', args: [file, ...args], env: {}, returnOnExit: true });
try {
  const module = await WebAssembly.compile(await readFile(file));
  const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
  process.exitCode = wasi.start(instance);
} catch (e) {
  process.stderr.write(`trap: ${e.message}\n`);
  process.exitCode = 1;
}
