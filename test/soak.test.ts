/**
 * The soak's short form (`npm run soak` runs 10,000 steps and checks RSS too): 300 training
 * steps through fit, with a validation pass every 30, on the CPU backend and on WebGPU. After
 * two epochs of warm-up the pool statistics are flat: allocated bytes never grow, and the bytes
 * held by live tensors are the same at every epoch end; on WebGPU no bind group or read staging
 * buffer is created after it either (the backend reuses them). RSS is left to the script (too
 * noisy here).
 */
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { WebGPUBackend } from '../engine/backends/webgpu/webgpu-backend.js';
import { Conv2D, Dense, Flatten, MaxPooling2D } from '../engine/nn/layers.js';
import { Sequential } from '../engine/nn/sequential.js';
import { nodeGPU } from '../node/webgpu.js';
import { REST_MAX_MS, REST_POLL_MS, soak } from '../scripts/soak/soak.js';

/** One of each layer type of the tutorial CNN, so a WebGPU step is about 20 dispatches. */
const tinyCnn = () => new Sequential([
  new Conv2D({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
  new MaxPooling2D({ poolSize: 4 }),
  new Flatten(),
  new Dense({ units: 10 }),
], { seed: 2 });
const short = { steps: 300, stepsPerEpoch: 30, validation: 40, warmupSteps: 60, model: tinyCnn };

describe('300 training steps leave the pool statistics flat', () => {
  for (const name of ['cpu', 'webgpu'] as const) {
    it(`on ${name}`, async () => {
      const backend = name === 'cpu' ? new CpuBackend() : await WebGPUBackend.create(nodeGPU(), { precompile: false });
      const r = await soak({ backend, ...short });
      expect(r.samples).toHaveLength(10);
      const after = r.samples.filter((s) => s.step >= short.warmupSteps);
      expect(after.map((s) => s.allocatedBytes), 'allocated bytes at each epoch end').toEqual(after.map(() => after[0].allocatedBytes));
      expect(after.map((s) => s.usedBytes), 'bytes of live tensors at each epoch end').toEqual(after.map(() => after[0].usedBytes));
      expect(Number.isFinite(after[0].usedBytes) && after[0].usedBytes > 0).toBe(true);
      expect(r.poolFlat).toBe(true);
      // Each sample was taken at rest: settle() polled RSS at least once and recorded how long.
      for (const s of r.samples) expect(s.restMs, `step ${s.step}: ms polled before RSS stopped moving`).toBeGreaterThanOrEqual(REST_POLL_MS * 0.9);
      for (const s of r.samples) expect(s.restMs).toBeLessThanOrEqual(REST_MAX_MS);
      if (name === 'webgpu') {
        expect(after.map((s) => s.bindGroupsCreated), 'bind groups created by each epoch end').toEqual(after.map(() => after[0].bindGroupsCreated));
        expect(after.map((s) => s.stagingCreated), 'staging buffers created by each epoch end').toEqual(after.map(() => after[0].stagingCreated));
        expect(r.reuse!.bindGroups.hits).toBeGreaterThan(20 * r.reuse!.bindGroups.created);
      }
    }, 300_000);
  }
});
