import { beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { ParameterStore } from '../engine/nn/parameter-store.js';
import { Adam } from '../engine/optim/adam.js';
import { setBackend, getBackend } from '../engine/runtime.js';
import { tensor } from '../engine/tensor.js';

/** The Keras update written out by hand, one scalar at a time. */
function kerasAdamByHand(w0: number[], gradsPerStep: number[][], lr = 0.001, b1 = 0.9, b2 = 0.999, eps = 1e-7): number[] {
  const w = [...w0];
  const m = w.map(() => 0);
  const v = w.map(() => 0);
  gradsPerStep.forEach((g, step) => {
    const t = step + 1;
    const lrT = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
    for (let i = 0; i < w.length; i++) {
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      w[i] -= (lrT * m[i]) / (Math.sqrt(v[i]) + eps);
    }
  });
  return w;
}

describe('Adam (Keras semantics)', () => {
  beforeAll(() => setBackend(new CpuBackend('float64')));

  it('has Keras defaults', () => {
    const a = new Adam();
    expect([a.learningRate, a.beta1, a.beta2, a.epsilon]).toEqual([0.001, 0.9, 0.999, 1e-7]);
  });

  it('matches the update computed by hand over several steps, for two parameters in one flat buffer', async () => {
    const w0 = [0.5, -1.25, 2, 0.1, -0.3];
    const store = new ParameterStore(getBackend(), [
      { name: 'a', shape: [2], values: w0.slice(0, 2) },
      { name: 'b', shape: [3], values: w0.slice(2) },
    ]);
    const steps = [
      [0.1, -0.2, 0.3, 1e-3, -5],
      [0.05, 0.4, -0.3, 2e-3, -4],
      [-0.2, 0.1, 0.0, 0.5, 3],
      [0.3, -0.3, 0.2, -0.5, 1],
    ];
    const opt = new Adam({ learningRate: 0.01 });
    for (const g of steps) opt.applyGradients(store, [tensor(g.slice(0, 2), [2]), tensor(g.slice(2), [3])]);
    const expected = kerasAdamByHand(w0, steps, 0.01);
    const got = (await store.read()).flatMap((a) => Array.from(a));
    got.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
    // Float64 storage: compare exactly to 1e-12 as well.
    const flat = store.flat.dataSync();
    expect(Math.abs(flat[0] - expected[0])).toBeLessThan(1e-12);
    expect(Math.abs(flat[PARAMETER_OFFSET_B] - expected[2])).toBeLessThan(1e-12);
    expect(opt.iterations).toBe(4);
  });

  it('differs from the epsilon-on-v_hat variant in the first step (epsilon is added to sqrt(v))', () => {
    // With a tiny gradient, sqrt(v) is comparable to epsilon, so the variants disagree.
    const g = 1e-7;
    const keras = kerasAdamByHand([0], [[g]])[0];
    const mHat = g;
    const vHat = g * g;
    const tfjs = -0.001 * mHat / (Math.sqrt(vHat) + 1e-7);
    expect(Math.abs(keras - tfjs)).toBeGreaterThan(1e-5);
  });

  it('rejects bad hyper-parameters and mismatched gradients', () => {
    expect(() => new Adam({ beta1: 1 })).toThrow(/Adam: beta1 must be in \[0, 1\), got 1/);
    expect(() => new Adam({ learningRate: -1 })).toThrow(/Adam: learningRate must be > 0/);
    const store = new ParameterStore(getBackend(), [{ name: 'a', shape: [2], values: [1, 2] }]);
    expect(() => new Adam().applyGradients(store, [])).toThrow(/1 parameters but 0 gradients/);
    expect(() => new Adam().applyGradients(store, [tensor([1, 2, 3], [3])])).toThrow(/gradient 0 has shape \[3\] but parameter a has \[2\]/);
  });
});

const PARAMETER_OFFSET_B = 64;
