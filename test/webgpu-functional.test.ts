/**
 * A functional model on WebGPU (SwiftShader in Node) against the CPU backend, from the same
 * seeded weights and batch: a residual conv block with BatchNormalization, a shared Dense,
 * Concatenate, PositionEmbedding and MultiHeadAttention. Inference logits within 1e-4, a
 * training pass's loss (1e-5 relative), every gradient (1e-3 of the tensor's largest magnitude
 * + 1e-6) and the BN statistics after the step's updates (1e-5). (fit on WebGPU is
 * webgpu-layers.test.ts's: a Model trains through the same code.)
 */
import { describe, expect, it } from 'vitest';
import type { Backend } from '../engine/backends/backend.js';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { WebGPUBackend } from '../engine/backends/webgpu/webgpu-backend.js';
import { gradients } from '../engine/autograd.js';
import { CallContext } from '../engine/nn/call-context.js';
import { input } from '../engine/nn/functional/input.js';
import { Model } from '../engine/nn/functional/model.js';
import { ActivationLayer, BatchNormalization, Conv2D, Dense, Flatten, LayerNormalization, Reshape } from '../engine/nn/layers.js';
import { Add } from '../engine/nn/layers/add.js';
import { Concatenate } from '../engine/nn/layers/concatenate.js';
import { MultiHeadAttention } from '../engine/nn/layers/multi-head-attention.js';
import { PositionEmbedding } from '../engine/nn/layers/position-embedding.js';
import { sparseSoftmaxCrossEntropy } from '../engine/ops/cross-entropy.js';
import { setBackend } from '../engine/runtime.js';
import { tensor } from '../engine/tensor.js';
import { nodeGPU } from '../node/webgpu.js';
import { Rng } from './helpers/rng.js';

const N = 8;
const rng = new Rng(5);
const images = Float32Array.from(rng.values(N * 8 * 8 * 2));
const labels = Int32Array.from({ length: N }, (_, i) => i % 3);

function model(): Model {
  const x = input({ shape: [8, 8, 2] });
  const c = new Conv2D({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }).apply(x); // [4, 4, 4]
  let r = new Conv2D({ filters: 4, kernelSize: 3, padding: 'same' }).apply(c);
  r = new BatchNormalization({ momentum: 0.5 }).apply(r);
  const block = new ActivationLayer({ activation: 'relu' }).apply(new Add().apply(r, c));
  let t = new Reshape({ targetShape: [16, 4] }).apply(block);
  t = new Add().apply(t, new PositionEmbedding({ sequenceLength: 16 }).apply(t));
  const h = new LayerNormalization().apply(t);
  t = new Add().apply(t, new MultiHeadAttention({ numHeads: 2, keyDim: 3 }).apply(h, h));
  const shared = new Dense({ units: 5, activation: 'gelu' });
  const joined = new Concatenate().apply(shared.apply(t), shared.apply(h)); // [16, 10]
  const out = new Dense({ units: 3 }).apply(new Flatten().apply(joined));
  return new Model({ inputs: x, outputs: out, seed: 13 });
}

async function passes(be: Backend) {
  setBackend(be);
  const m = model();
  const predicted = await m.predict({ values: images, shape: [N, 8, 8, 2] });
  const ctx = new CallContext({ training: true, step: 2 });
  const loss = sparseSoftmaxCrossEntropy(m.apply(tensor(images, [N, 8, 8, 2]), ctx), tensor(labels, [N], 'int32'));
  const grads = gradients(loss, m.parameters);
  ctx.applyUpdates();
  const out = {
    predicted,
    loss: (await loss.data())[0],
    grads: await Promise.all(grads.map(async (g) => Float32Array.from(await g.data()))),
    weights: await m.getWeights(),
    names: m.weightList().map((w) => w.name),
  };
  m.dispose();
  return out;
}

const maxAbs = (a: ArrayLike<number>) => Array.from(a).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('a functional model on WebGPU', () => {
  it('inference, a training pass, every gradient and the BN updates equal the CPU backend', async () => {
    const gpu = await WebGPUBackend.create(nodeGPU());
    const want = await passes(new CpuBackend('float32'));
    const got = await passes(gpu);
    expect(maxAbsDiff(got.predicted, want.predicted)).toBeLessThan(1e-4);
    expect(Math.abs(got.loss - want.loss)).toBeLessThanOrEqual(1e-5 * Math.abs(want.loss));
    expect(want.grads.length).toBe(21);
    want.grads.forEach((w, i) => expect(maxAbsDiff(got.grads[i], w), `gradient ${i}`).toBeLessThanOrEqual(1e-3 * maxAbs(w) + 1e-6));
    const moving = want.names.flatMap((n, i) => (n.includes('moving_') ? [i] : []));
    expect(moving).toHaveLength(2);
    for (const i of moving) expect(maxAbsDiff(got.weights[i], want.weights[i]), want.names[i]).toBeLessThan(1e-5);

  });
});
