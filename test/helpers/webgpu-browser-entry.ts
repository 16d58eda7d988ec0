/**
 * The page side of the headless-Chrome test: runs the parity suite's core (webgpu-parity-cases,
 * small sizes) on WebGPU from navigator.gpu against the CPU backend, in the page, and exposes the
 * outcome as window.runParity(). Bundled by esbuild in test/webgpu-browser.test.ts.
 */
import { CpuBackend } from '../../engine/backends/cpu/cpu-backend.js';
import { WebGPUBackend } from '../../engine/backends/webgpu/webgpu-backend.js';
import { opFamilyParityCases } from './op-family-parity-cases.js';
import { compare, parityCases } from './webgpu-parity-cases.js';

export interface BrowserParityReport {
  adapter: string | null;
  error: string | null;
  results: { name: string; problem: string | null }[];
}

async function runParity(): Promise<BrowserParityReport> {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return { adapter: null, error: 'navigator.gpu is missing', results: [] };
  const adapter = await gpu.requestAdapter();
  if (!adapter) return { adapter: null, error: 'navigator.gpu.requestAdapter() returned null', results: [] };
  let be: WebGPUBackend;
  try {
    be = await WebGPUBackend.create(gpu, { adapter });
  } catch (e) {
    return { adapter: 'unknown', error: String(e), results: [] };
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
  return { adapter: be.describe(), error: null, results };
}

(window as unknown as { runParity: typeof runParity }).runParity = runParity;
