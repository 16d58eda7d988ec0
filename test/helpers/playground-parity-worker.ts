/**
 * A dedicated Web Worker that runs the parity suite's core (webgpu-parity-cases and
 * op-family-parity-cases, small sizes, as the page test webgpu-browser.test.ts does) on
 * WebGPU from the worker's own navigator.gpu against the CPU backend, and posts the outcome.
 * Bundled by esbuild in test/playground-parity-worker.test.ts.
 */
import { CpuBackend } from '../../engine/backends/cpu/cpu-backend.js';
import { WebGPUBackend } from '../../engine/backends/webgpu/webgpu-backend.js';
import type { BrowserParityReport } from './webgpu-browser-entry.js';
import { opFamilyParityCases } from './op-family-parity-cases.js';
import { compare, parityCases } from './webgpu-parity-cases.js';

async function runParity(): Promise<BrowserParityReport & { inWorker: boolean }> {
  const inWorker = typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined' && typeof (globalThis as { document?: unknown }).document === 'undefined';
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return { inWorker, adapter: null, error: 'navigator.gpu is missing in the worker', results: [] };
  const adapter = await gpu.requestAdapter();
  if (!adapter) return { inWorker, adapter: null, error: 'navigator.gpu.requestAdapter() returned null in the worker', results: [] };
  let be: WebGPUBackend;
  try {
    be = await WebGPUBackend.create(gpu, { adapter });
  } catch (e) {
    return { inWorker, adapter: 'unknown', error: String(e), results: [] };
  }
  const ref = new CpuBackend('float32');
  const results: BrowserParityReport['results'] = [];
  for (const c of [...parityCases(false), ...opFamilyParityCases(false)]) {
    try {
      const want = await c.run(ref);
      const got = await c.run(be);
      let problem: string | null = null;
      for (const [k, w] of Object.entries(want.outputs)) {
        const p = compare(got.outputs[k] ?? [], w, c.reduction, w instanceof Int32Array);
        if (p) problem = `${k}: ${p}`;
      }
      results.push({ name: c.name, problem });
    } catch (e) {
      results.push({ name: c.name, problem: `threw: ${String(e)}` });
    }
  }
  return { inWorker, adapter: be.describe(), error: null, results };
}

self.addEventListener('message', () => {
  runParity().then(
    (report) => self.postMessage(report),
    (e: unknown) => self.postMessage({ inWorker: true, adapter: null, error: `worker: ${String(e)}`, results: [] }),
  );
});
