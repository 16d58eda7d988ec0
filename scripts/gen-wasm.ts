// Writes engine/backends/cpu/wasm/kernels.generated.ts, the CPU backend's WebAssembly SIMD kernels,
// from its source, engine/backends/cpu/wasm/kernel-module.ts (which emits the bytes). The engine
// has no build step, so the module is committed; test/cpu-wasm.test.ts fails when it is stale.
// `npm run gen:wasm`; `--check` exits 1 instead of writing when the file differs.
import { readFileSync, writeFileSync } from 'node:fs';
import { generatedFile } from '../engine/backends/cpu/wasm/kernel-module.js';

const target = new URL('../engine/backends/cpu/wasm/kernels.generated.ts', import.meta.url);
const text = generatedFile();
if (process.argv.includes('--check')) {
  if (readFileSync(target, 'utf8') !== text) {
    console.error('kernels.generated.ts is stale: run npm run gen:wasm');
    process.exit(1);
  }
} else {
  writeFileSync(target, text);
  console.log(`wrote ${target.pathname} (${text.length} characters)`);
}
