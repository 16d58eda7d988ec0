/** init(): explicit and automatic backend choice, with the choice logged. */
import { describe, expect, it } from 'vitest';
import { init } from '../engine/init.js';
import { getBackend } from '../engine/runtime.js';
import { tensor } from '../engine/tensor.js';
import { matmul } from '../engine/ops/matmul.js';
import type { Backend } from '../engine/backends/backend.js';
import { clearMemoryCache } from '../engine/backends/webgpu/tune-cache.js';
import { nodeGPU } from '../node/webgpu.js';

describe('init', () => {
  it("'cpu' sets the CPU backend", async () => {
    const lines: string[] = [];
    const be = await init({ backend: 'cpu', log: (l) => lines.push(l) });
    expect(be.name).toBe('cpu');
    expect(getBackend()).toBe(be);
    expect(lines[0]).toMatch(/CPU backend/);
  });

  it("'auto' without a WebGPU API falls back to the CPU and says why", async () => {
    const lines: string[] = [];
    const be = await init({ backend: 'auto', gpu: null, log: (l) => lines.push(l) });
    expect(be.name).toBe('cpu');
    expect(lines[0]).toMatch(/no WebGPU API/);
  });

  it("'auto' with an adapter-less GPU falls back; 'webgpu' throws", async () => {
    const fake = { requestAdapter: async () => null } as unknown as GPU;
    const lines: string[] = [];
    expect((await init({ backend: 'auto', gpu: fake, log: (l) => lines.push(l) })).name).toBe('cpu');
    expect(lines[0]).toMatch(/no adapter/);
    await expect(init({ backend: 'webgpu', gpu: fake, log: () => {} })).rejects.toThrow(/no adapter/);
  });

  it("'auto' times a step on the CPU and on the adapter and takes the faster, logging both figures", async () => {
    const gpu = nodeGPU();
    for (const [cpuMs, gpuMs, want] of [[20, 10, 'webgpu'], [10, 20, 'cpu']] as const) {
      const lines: string[] = [];
      const time = async (be: Backend) => ({ firstMs: 99, stepMs: be.name === 'cpu' ? cpuMs : gpuMs, batch: 32 });
      const be = await init({ backend: 'auto', gpu, calibration: { time }, webgpu: { precompile: false }, log: (l) => lines.push(l) });
      expect(be.name).toBe(want);
      expect(getBackend()).toBe(be);
      expect(lines.at(-1)).toMatch(new RegExp(`^engine: auto timed a 32-image training step: CPU ${cpuMs}\\.0 ms, webgpu: .* ${gpuMs}\\.0 ms, measured now .*: using ${want === 'cpu' ? 'the CPU backend' : 'webgpu'}$`));
    }
  });

  it("'auto' really measures, caches the figures per adapter, and ops run on its choice", async () => {
    clearMemoryCache();
    const lines: string[] = [];
    const be = await init({ backend: 'auto', gpu: nodeGPU(), calibration: { batch: 4, steps: 1 }, webgpu: { precompile: false }, log: (l) => lines.push(l) });
    const m = /CPU ([\d.]+) ms, webgpu: .* ([\d.]+) ms, measured now/.exec(lines.at(-1) ?? '');
    expect(m, lines.join('\n')).not.toBeNull();
    expect(be.name).toBe(Number(m![2]) <= Number(m![1]) ? 'webgpu' : 'cpu');
    const c = matmul(tensor([1, 2, 3, 4], [2, 2]), tensor([5, 6, 7, 8], [2, 2]));
    expect(Array.from(await c.data())).toEqual([19, 22, 43, 50]);
    // The second time, the cached figures decide: the same choice, nothing measured.
    const again: string[] = [];
    const be2 = await init({ backend: 'auto', gpu: nodeGPU(), calibration: { batch: 4, steps: 1 }, webgpu: { precompile: false }, log: (l) => again.push(l) });
    expect(be2.name).toBe(be.name);
    expect(again.at(-1)).toMatch(/, cached from \d{4}-/);
    expect(again.at(-1)).toContain(`CPU ${m![1]} ms`);
  }, 120_000);
});
