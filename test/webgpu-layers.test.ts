/**
 * The new layers on WebGPU (SwiftShader in Node) against the CPU backend, from the same seeded
 * weights and batch:
 * - inference logits (predict) within 1e-4 (absolute, logits of order 1);
 * - a training-mode pass: the loss (1e-5 relative), the logits (dropout masks are identical on
 *   both backends, counter-hash.ts), every gradient (1e-3 of the tensor's largest magnitude +
 *   1e-6 per element) and BatchNormalization's moving statistics after the step's updates (1e-5);
 * - fit, evaluate and predict run on WebGPU: the training flag reaches the layers, the loss
 *   goes down, and evaluate's accuracy is predict's.
 */
import { describe, expect, it } from 'vitest';
import type { Backend } from '../engine/backends/backend.js';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { WebGPUBackend } from '../engine/backends/webgpu/webgpu-backend.js';
import { gradients } from '../engine/autograd.js';
import { CallContext } from '../engine/nn/call-context.js';
import {
  ActivationLayer, AveragePooling2D, BatchNormalization, Conv2D, Dense, DepthwiseConv2D, Dropout, Embedding, Flatten,
  GlobalAveragePooling2D, LayerNormalization, Reshape,
} from '../engine/nn/layers.js';
import { Sequential } from '../engine/nn/sequential.js';
import { sparseSoftmaxCrossEntropy } from '../engine/ops/cross-entropy.js';
import { add } from '../engine/ops/binary.js';
import { setBackend } from '../engine/runtime.js';
import { tensor } from '../engine/tensor.js';
import { nodeGPU } from '../node/webgpu.js';
import { Rng } from './helpers/rng.js';

const N = 16;
const rng = new Rng(31);
const images = Float32Array.from(rng.values(N * 8 * 8 * 2));
const labels = Int32Array.from({ length: N }, (_, i) => i % 3);

function model(): Sequential {
  return new Sequential([
    new Conv2D({ filters: 4, kernelSize: 3, padding: 'same', inputShape: [8, 8, 2], kernelRegularizer: { l2: 1e-3 } }),
    new BatchNormalization(),
    new ActivationLayer({ activation: 'gelu' }),
    new DepthwiseConv2D({ kernelSize: 3, depthMultiplier: 2, activation: 'relu' }),
    new AveragePooling2D({ poolSize: 2 }),
    new Dropout({ rate: 0.3 }),
    new LayerNormalization(),
    new GlobalAveragePooling2D(),
    new Reshape({ targetShape: [2, 4] }),
    new Flatten(),
    new Dense({ units: 3 }),
  ], { seed: 19 });
}

async function passes(be: Backend) {
  setBackend(be);
  const m = model();
  const predicted = await m.predict({ values: images, shape: [N, 8, 8, 2] });
  const x = tensor(images, [N, 8, 8, 2]);
  const y = tensor(labels, [N], 'int32');
  const ctx = new CallContext({ training: true, step: 4 });
  const logits = m.apply(x, ctx);
  const loss = add(sparseSoftmaxCrossEntropy(logits, y), m.regularizationLoss()!);
  const grads = gradients(loss, m.parameters);
  ctx.applyUpdates();
  const out = {
    predicted,
    loss: (await loss.data())[0],
    logits: Float32Array.from(await logits.data()),
    grads: await Promise.all(grads.map(async (g) => Float32Array.from(await g.data()))),
    weights: await m.getWeights(),
    names: m.weightList().map((w) => w.name),
  };
  m.dispose();
  return out;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('the new layers on WebGPU', () => {
  it('inference, a training pass (dropout, BN statistics and their updates) and every gradient equal the CPU backend', async () => {
    const gpu = await WebGPUBackend.create(nodeGPU());
    const want = await passes(new CpuBackend('float32'));
    const got = await passes(gpu);
    expect(maxAbsDiff(got.predicted, want.predicted)).toBeLessThan(1e-4);
    expect(Math.abs(got.loss - want.loss)).toBeLessThanOrEqual(1e-5 * Math.abs(want.loss));
    expect(maxAbsDiff(got.logits, want.logits)).toBeLessThan(1e-4);
    want.grads.forEach((w, i) => expect(maxAbsDiff(got.grads[i], w), `gradient ${i}`).toBeLessThanOrEqual(1e-3 * maxAbs(w) + 1e-6));
    const moving = want.names.flatMap((n, i) => (n.includes('moving_') ? [i] : []));
    expect(moving).toHaveLength(2);
    for (const i of moving) {
      expect(maxAbsDiff(got.weights[i], want.weights[i]), want.names[i]).toBeLessThan(1e-5);
      // The step did move them (from 0 and 1).
      expect(maxAbsDiff(want.weights[i], new Float32Array(4).fill(want.names[i].endsWith('variance') ? 1 : 0))).toBeGreaterThan(1e-4);
    }
  });

  it('fit, evaluate and predict run on WebGPU with the new layers (and an Embedding model)', async () => {
    setBackend(await WebGPUBackend.create(nodeGPU()));
    const m = model().compile({ metrics: ['accuracy'] });
    const x = { values: images, shape: [N, 8, 8, 2] };
    const h = await m.fit(x, labels, { epochs: 3, batchSize: 8, verbose: 0 });
    expect(h.history.loss[2]).toBeLessThan(h.history.loss[0]);
    const ev = await m.evaluate(x, labels);
    const logits = await m.predict(x);
    let correct = 0;
    for (let i = 0; i < N; i++) {
      const row = Array.from(logits.subarray(i * 3, i * 3 + 3));
      if (row.indexOf(Math.max(...row)) === labels[i]) correct++;
    }
    expect(ev.accuracy).toBe(correct / N);
    m.dispose();

    const e = new Sequential([new Embedding({ inputDim: 6, outputDim: 4, inputShape: [3] }), new Flatten(), new Dense({ units: 2 })], { seed: 2 }).compile();
    const ids = { values: Float32Array.from({ length: 24 }, (_, i) => (i * 5) % 6), shape: [8, 3] };
    const eh = await e.fit(ids, Int32Array.from({ length: 8 }, (_, i) => i % 2), { epochs: 2, batchSize: 4, verbose: 0 });
    expect(eh.history.loss.every(Number.isFinite)).toBe(true);
    const ep = await e.predict(ids);
    const table = (await e.getWeights())[0];
    // The first sample's logits from its rows of the table, by hand.
    const [kernel, bias] = (await e.getWeights()).slice(1);
    const features = [0, 1, 2].flatMap((t) => Array.from(table.subarray(ids.values[t] * 4, ids.values[t] * 4 + 4)));
    const want = [0, 1].map((o) => features.reduce((s, v, j) => s + v * kernel[j * 2 + o], bias[o]));
    expect(maxAbsDiff(ep.subarray(0, 2), want)).toBeLessThan(1e-5);
    e.dispose();
  });
});
