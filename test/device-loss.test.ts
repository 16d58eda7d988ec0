/**
 * A WebGPU device lost during training (destroy() mid-step, the way a driver reset or an
 * unplugged GPU ends a device): a clear error by default; with onDeviceLost: 'cpu' training
 * continues on the CPU backend from the host copy of the last epoch end, reports how many
 * steps it redoes, and ends exactly as a CPU run continued from that epoch end does.
 */
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { WebGPUBackend } from '../engine/backends/webgpu/webgpu-backend.js';
import type { Callback } from '../engine/nn/callbacks.js';
import type { DeviceFallbackReport } from '../engine/nn/device-fallback.js';
import { Dense, Flatten } from '../engine/nn/layers.js';
import { Sequential } from '../engine/nn/sequential.js';
import { Adam } from '../engine/optim/adam.js';
import { getBackend, setBackend } from '../engine/runtime.js';
import { tensor } from '../engine/tensor.js';
import { nodeGPU } from '../node/webgpu.js';

const N = 64;
const BATCH = 8; // 8 steps per epoch
const x = { values: Float32Array.from({ length: N * 16 }, (_, i) => Math.sin(i * 0.37)), shape: [N, 4, 4, 1] };
const y = Int32Array.from({ length: N }, (_, i) => (i * 7) % 3);
/** Each test makes a device: compile only the kernels this model uses. */
const LAZY = { precompile: false };
const fitOptions = { epochs: 3, batchSize: BATCH, seed: 5, verbose: 0 as const };

function model(): Sequential {
  return new Sequential([new Flatten({ inputShape: [4, 4, 1] }), new Dense({ units: 8, activation: 'relu' }), new Dense({ units: 3 })], { seed: 9 })
    .compile({ optimizer: new Adam({ learningRate: 0.01 }), metrics: ['accuracy'] });
}

/** A WebGPU backend whose device is destroyed inside the Adam update of optimizer step `atStep` (1-based). */
async function gpuDestroyedAtStep(atStep: number): Promise<WebGPUBackend> {
  const gpu = await WebGPUBackend.create(nodeGPU(), LAZY);
  const adam = gpu.kernels.adam;
  let steps = 0;
  (gpu.kernels as { adam: typeof adam }).adam = (...args: Parameters<typeof adam>) => {
    if (++steps === atStep) gpu.device.destroy();
    return adam(...args);
  };
  setBackend(gpu);
  return gpu;
}

describe('a WebGPU device lost during fit', () => {
  it('by default: a clear error naming the epoch and the steps since the last epoch end', async () => {
    const gpu = await gpuDestroyedAtStep(13); // epoch 2, step 5
    const m = model();
    await expect(m.fit(x, y, fitOptions)).rejects.toThrow(
      /^fit: the WebGPU device was lost \(destroyed: .*\) during epoch 2, [5-8] steps after the end of epoch 1; training cannot go on on this device\. Pass onDeviceLost: 'cpu' to fit to continue on the CPU backend from the last epoch end \(webgpu: the device was lost/,
    );
    // Any later use of the device says so too.
    expect(() => tensor([1, 2], [2])).toThrow(/^webgpu: the device was lost \(destroyed\).*\(during upload\)/);
    expect(getBackend()).toBe(gpu);
  });

  it("with onDeviceLost: 'cpu': continues on the CPU from the last epoch end, says how many steps it redid, and ends as that CPU run", async () => {
    // Reference: one epoch on WebGPU, then the CPU from that epoch's weights and moments.
    setBackend(await WebGPUBackend.create(nodeGPU(), LAZY));
    const a = model();
    const first = await a.fit(x, y, { ...fitOptions, epochs: 1 });
    const w1 = await a.getWeights();
    const s1 = await a.optimizer.state(a.store);
    setBackend(new CpuBackend());
    const b = model();
    b.setWeights(w1);
    b.optimizer.setState(b.store, s1);
    const rest = await b.fit(x, y, { ...fitOptions, initialEpoch: 1 });
    const expected = await b.getWeights();

    await gpuDestroyedAtStep(13);
    const m = model();
    const reports: DeviceFallbackReport[] = [];
    const history = await m.fit(x, y, { ...fitOptions, onDeviceLost: 'cpu', onFallback: (r) => reports.push(r) });
    expect(reports).toHaveLength(1);
    const r = reports[0];
    expect({ epoch: r.epoch, resumedAfterEpoch: r.resumedAfterEpoch, backend: r.backend.name }).toEqual({ epoch: 1, resumedAfterEpoch: 1, backend: 'cpu' });
    // Step 13 was the 5th of epoch 2; the loss shows at the next read, by the end of the epoch.
    expect(r.stepsRedone).toBeGreaterThanOrEqual(5);
    expect(r.stepsRedone).toBeLessThanOrEqual(8);
    expect(r.reason).toMatch(/^destroyed: /);
    expect(m.store.backend).toBe(r.backend);
    expect(getBackend()).toBe(r.backend);
    expect(m.optimizer.iterations).toBe(24);

    expect(history.epoch).toEqual([0, 1, 2]);
    expect(history.history.loss).toEqual([...first.history.loss, ...rest.history.loss]);
    const got = await m.getWeights();
    got.forEach((w, i) => expect(Array.from(w), `weights ${i}`).toEqual(Array.from(expected[i])));
  });

  it('a loss during the callbacks of an epoch end keeps the epoch: each callback sees every epoch once', async () => {
    const gpu = await gpuDestroyedAtStep(Infinity);
    const m = model();
    const seen: number[] = [];
    const reads: number[] = [];
    const readsWeights: Callback = {
      async onEpochEnd(epoch, _logs, ctx) {
        if (epoch === 0 && ctx.model.store.backend === gpu) gpu.device.destroy();
        await ctx.model.getWeights();
        reads.push(epoch);
      },
    };
    const counts: Callback = { onEpochEnd: (epoch) => void seen.push(epoch) };
    const reports: DeviceFallbackReport[] = [];
    const history = await m.fit(x, y, { ...fitOptions, callbacks: [readsWeights, counts], onDeviceLost: 'cpu', onFallback: (r) => reports.push(r) });
    expect(reports.map((r) => [r.epoch, r.resumedAfterEpoch, r.stepsRedone])).toEqual([[0, 1, 0]]);
    expect(reads).toEqual([0, 1, 2]);
    expect(seen).toEqual([0, 1, 2]);
    expect(history.epoch).toEqual([0, 1, 2]);
  });

  it("rejects an unknown onDeviceLost", async () => {
    setBackend(new CpuBackend());
    await expect(model().fit(x, y, { ...fitOptions, onDeviceLost: 'gpu' as 'cpu' })).rejects.toThrow("fit: onDeviceLost must be 'throw' or 'cpu', got 'gpu'");
  });
});
