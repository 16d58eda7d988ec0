/**
 * The parity suite's core (webgpu-parity-cases and op-family-parity-cases, small sizes) on
 * WebGPU from a browser's navigator.gpu against the CPU backend: what the page
 * (webgpu-browser-entry.ts) and the dedicated worker (playground-parity-worker.ts) both run.
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

/** Runs every case on `gpu`; `where` ('', ' in the worker') ends the setup errors' messages. */
export async function runBrowserParity(gpu: GPU | undefined, where: string): Promise<BrowserParityReport> {
  if (!gpu) return { adapter: null, error: `navigator.gpu is missing${where}`, results: [] };
  const adapter = await gpu.requestAdapter();
  if (!adapter) return { adapter: null, error: `navigator.gpu.requestAdapter() returned null${where}`, results: [] };
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
