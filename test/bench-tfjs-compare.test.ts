/**
 * The comparison suites run TensorFlow.js and this engine on the same work (bench/workloads.ts):
 * same model, same weights, same batch, same Adam. Here both run on the CPU (tfjs 'cpu', this
 * engine's CPU backend; the WebGPU backend equals the CPU backend by the parity tests), and the
 * logits, the loss of a training step and every weight after the Adam update agree.
 */
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { syntheticBatch, engineTrainer, tfjsTrainer } from '../bench/workloads.js';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { noGrad } from '../engine/runtime.js';
import { tensor } from '../engine/tensor.js';

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let scale = 1e-6;
  for (let i = 0; i < a.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d / scale;
}

it('TensorFlow.js and this engine give the same logits, loss and Adam update from the same weights and batch', async () => {
  await tf.setBackend('cpu');
  const data = syntheticBatch(8, 5);
  const be = new CpuBackend('float32');
  // Epsilon 1e-12 in both: tfjs adds epsilon to sqrt(v̂), Keras and this engine to sqrt(v)
  // (the same arithmetic, but different steps where gradients are near epsilon); a negligible
  // epsilon makes the two updates comparable element by element.
  const ours = engineTrainer(be, data, 3, { epsilon: 1e-12 });
  const weights = await ours.model.getWeights();
  const theirs = tfjsTrainer(tf, data, weights, 1e-12);

  // Forward: logits.
  const x = tensor(data.images, [data.batch, 28, 28, 1]);
  const logitsOurs = await noGrad(() => ours.model.apply(x)).data();
  const logitsTheirs = await (theirs.model.predict(tf.tensor4d(data.images, [data.batch, 28, 28, 1])) as tf.Tensor).data();
  expect(maxRelDiff(logitsOurs, logitsTheirs)).toBeLessThan(1e-4);

  // One training step: the loss (computed before the update) and every weight after Adam.
  const lossOurs = await ours.step();
  const lossTheirs = await theirs.step();
  expect(Math.abs(lossOurs - lossTheirs)).toBeLessThan(1e-4 * Math.abs(lossTheirs));
  const after = await ours.model.getWeights();
  const afterTheirs = await Promise.all(theirs.model.getWeights().map((w) => w.data()));
  expect(after.length).toBe(afterTheirs.length);
  after.forEach((w, i) => {
    // Adam's first step moves each weight by about lr = 1e-3 (m/sqrt(v) = g/|g|), except where the
    // gradient is near epsilon or float rounding, where both engines' steps are ill-conditioned.
    // So: every weight within 2*lr, and 99% of them within 1% of lr.
    let d = 0;
    let off = 0;
    for (let j = 0; j < w.length; j++) {
      const e = Math.abs(w[j] - afterTheirs[i][j]);
      d = Math.max(d, e);
      if (e > 1e-5) off++;
    }
    expect(d, `weight ${i}`).toBeLessThan(2e-3);
    expect(off / w.length, `weight ${i}: share of elements off by more than 1e-5`).toBeLessThan(0.01);
    // And the update happened (weights moved from the initial values).
    expect(maxRelDiff(w, weights[i])).toBeGreaterThan(0);
  });
  ours.dispose();
  theirs.dispose();
}, 60_000);
