/** init(): explicit and automatic backend choice, with the choice logged. */
import { describe, expect, it } from 'vitest';
import { init } from '../engine/init.js';
import { getBackend } from '../engine/runtime.js';
import { tensor } from '../engine/tensor.js';
import { matmul } from '../engine/ops/matmul.js';
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

  it("'auto' with fallbackAdapter 'avoid' takes the CPU for a software adapter, and only then", async () => {
    const fakeAdapter = (isFallbackAdapter: boolean) =>
      ({ requestAdapter: async () => ({ info: { vendor: 'acme', architecture: 'soft', isFallbackAdapter } }) }) as unknown as GPU;
    const lines: string[] = [];
    const be = await init({ backend: 'auto', gpu: fakeAdapter(true), fallbackAdapter: 'avoid', log: (l) => lines.push(l) });
    expect(be.name).toBe('cpu');
    expect(lines[0]).toMatch(/the only WebGPU adapter \(acme soft\) is a software fallback adapter/);
    // The real adapter here: the CPU exactly when it is a fallback adapter.
    const gpu = nodeGPU();
    const adapter = await gpu.requestAdapter();
    const fallback = Boolean((adapter?.info as GPUAdapterInfo & { isFallbackAdapter?: boolean })?.isFallbackAdapter);
    const real = await init({ backend: 'auto', gpu, fallbackAdapter: 'avoid', log: () => {} });
    expect(real.name).toBe(fallback ? 'cpu' : 'webgpu');
  });

  it("'auto' picks WebGPU when an adapter exists, logs it, and ops run on it", async () => {
    const lines: string[] = [];
    const be = await init({ backend: 'auto', gpu: nodeGPU(), log: (l) => lines.push(l) });
    expect(be.name).toBe('webgpu');
    expect(lines[0]).toMatch(/^engine: using webgpu: .*auto found a WebGPU adapter/);
    const c = matmul(tensor([1, 2, 3, 4], [2, 2]), tensor([5, 6, 7, 8], [2, 2]));
    expect(Array.from(await c.data())).toEqual([19, 22, 43, 50]);
  });
});
