/**
 * Data-parallel replicas (engine/distribute/): the batch split, the share-weighted
 * all-reduce, and fit({ replicas }) on worker threads against fit on one thread.
 * The case: 3 replicas, batches of 256 (86 + 85 + 85) and a last one of 96.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradients } from '../engine/autograd.js';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { checkReplicas, splitBatch, weightedMean } from '../engine/distribute/all-reduce.js';
import { ReplicaPool } from '../engine/distribute/replica-pool.js';
import { Conv2D, Dense, Flatten, MaxPooling2D } from '../engine/nn/layers.js';
import { Sequential } from '../engine/nn/sequential.js';
import type { ParameterStore } from '../engine/nn/parameter-store.js';
import { sparseSoftmaxCrossEntropy } from '../engine/ops/cross-entropy.js';
import { Random } from '../engine/random.js';
import { setBackend, tidy } from '../engine/runtime.js';
import { tensor, type Tensor } from '../engine/tensor.js';

const SAMPLES = 352; // one batch of 256, then one of 96
const SHAPE = [8, 8, 1];
const PER = 64;

function smallCnn(): Sequential {
  return new Sequential(
    [
      new Conv2D({ filters: 6, kernelSize: 3, activation: 'relu', inputShape: SHAPE }),
      new MaxPooling2D({ poolSize: 2 }),
      new Flatten(),
      new Dense({ units: 16, activation: 'relu' }),
      new Dense({ units: 10 }),
    ],
    { seed: 7 },
  );
}

const rng = new Random(123);
const x = { values: Float32Array.from({ length: SAMPLES * PER }, () => rng.uniform(0, 1)), shape: [SAMPLES, ...SHAPE] };
const y = Int32Array.from({ length: SAMPLES }, (_, i) => (i * 7 + (i >> 3)) % 10);

beforeAll(() => {
  setBackend(new CpuBackend('float32'));
});

describe('the split and the all-reduce', () => {
  it('cuts a batch into near-equal shares, the first ones larger', () => {
    expect(splitBatch(256, 3)).toEqual([86, 85, 85]);
    expect(splitBatch(96, 3)).toEqual([32, 32, 32]);
    expect(splitBatch(2, 3)).toEqual([1, 1, 0]);
    expect(splitBatch(7, 1)).toEqual([7]);
  });

  it('weights each gradient by its share, skips replicas without one, and passes one replica through bit for bit', () => {
    const g = [Float32Array.of(1, 2), Float32Array.of(4, -2), Float32Array.of(100, 100)];
    expect(Array.from(weightedMean(g, [3, 1, 0]))).toEqual([(3 * 1 + 4) / 4, (3 * 2 - 2) / 4]);
    expect(Array.from(weightedMean([g[0], g[1], null], [1, 1, 0]))).toEqual([2.5, 0]);
    const odd = Float32Array.of(0.1, 1e-30, -3.3333333);
    expect(weightedMean([odd], [5])).toEqual(odd);
    expect(() => weightedMean([odd, Float32Array.of(1)], [1, 1])).toThrow(/replica 2's gradient has 1 values, expected 3/);
  });

  it('refuses replicas below 1, not an integer, or more than the batch size', () => {
    expect(() => checkReplicas('fit', 0, 32)).toThrow(/fit: replicas must be at least 1, got 0/);
    expect(() => checkReplicas('fit', -2, 32)).toThrow(/at least 1, got -2/);
    expect(() => checkReplicas('fit', 1.5, 32)).toThrow(/fit: replicas must be a positive integer \(the number of worker replicas\), got 1.5/);
    expect(() => checkReplicas('fit', '2', 32)).toThrow(/got '2'/);
    expect(() => checkReplicas('fit', NaN, 32)).toThrow(/got NaN/);
    expect(() => checkReplicas('fit', 33, 32)).toThrow(/fit: replicas \(33\) is more than the batch size \(32\)/);
    expect(checkReplicas('fit', 32, 32)).toBe(32);
  });

  it('fit refuses bad replicas before it starts a worker or touches the weights', async () => {
    const model = smallCnn().compile({ metrics: ['accuracy'] });
    const before = await model.getWeights();
    for (const [replicas, message] of [[0, /at least 1/], [2.5, /positive integer/], [257, /replicas \(257\) is more than the batch size \(256\)/]] as const) {
      await expect(model.fit(x, y, { batchSize: 256, replicas, verbose: 0 })).rejects.toThrow(message);
    }
    expect(await model.getWeights()).toEqual(before);
    model.dispose();
  });
});

/** Gradients of the mean loss over samples [from, to), on this thread. */
function localGradients(model: Sequential, from: number, to: number): { loss: number; grads: Float32Array } {
  const xb = tensor(x.values.subarray(from * PER, to * PER), [to - from, ...SHAPE]);
  const yb = tensor(y.subarray(from, to), [to - from], 'int32');
  const { loss, grads } = tidy(() => {
    const l = sparseSoftmaxCrossEntropy(model.apply(xb), yb);
    return { loss: l, grads: gradients(l, model.parameters) };
  });
  const store = model.store;
  const flat = new Float32Array(store.flat.size);
  grads.forEach((g, i) => flat.set(g.dataSync(), store.parameters[i].offset));
  const value = loss.dataSync()[0];
  [loss, ...grads, xb, yb].forEach((t) => t.dispose());
  return { loss: value, grads: flat };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

describe('3 replicas on worker threads', () => {
  let model: Sequential;
  let pool: ReplicaPool;
  /** What the pool hands the optimizer, recorded instead of applied (the weights stay put). */
  let applied: Float32Array | null = null;

  beforeAll(async () => {
    model = smallCnn();
    model.build();
    const recorder = {
      applyGradients(store: ParameterStore, grads: readonly Tensor[]) {
        const flat = new Float32Array(store.flat.size);
        grads.forEach((g, i) => flat.set(g.dataSync(), store.parameters[i].offset));
        applied = flat;
      },
    };
    pool = await ReplicaPool.start(model, { replicas: 3, batchSize: 256, optimizer: recorder, accuracy: true });
  });

  afterAll(async () => {
    await pool?.close();
    model?.dispose();
  });

  it('give the gradient of the whole batch, for 256 (86 + 85 + 85) and for a last batch of 96', async () => {
    expect(pool.backends).toHaveLength(3);
    for (const [from, to] of [[0, 256], [256, 352]]) {
      const step = await pool.step(x.values.slice(from * PER, to * PER), y.slice(from, to), 'step 1 of epoch 1');
      const whole = localGradients(model, from, to);
      const scale = maxAbs(whole.grads);
      expect(scale).toBeGreaterThan(1e-3);
      // Float32 rounding only: the sums run in another order.
      const tolerance = 2e-6 * scale;
      expect(maxAbsDiff(applied!, whole.grads)).toBeLessThan(tolerance);
      expect(Math.abs(step.loss - whole.loss)).toBeLessThan(1e-6 * whole.loss);
      // The weighting matters at this tolerance: an unweighted mean of the three shares' gradients misses it.
      const shares = splitBatch(to - from, 3);
      let at = from;
      const parts = shares.map((n) => localGradients(model, at, (at += n)).grads);
      const unweighted = weightedMean(parts, [1, 1, 1]);
      if (shares[0] !== shares[2]) expect(maxAbsDiff(unweighted, whole.grads)).toBeGreaterThan(10 * tolerance);
    }
  });
});

describe('fit({ replicas })', () => {
  async function trained(replicas: number | undefined) {
    const model = smallCnn().compile({ metrics: ['accuracy'] });
    const history = await model.fit(x, y, { epochs: 2, batchSize: 256, seed: 3, replicas, verbose: 0 });
    const weights = await model.getWeights();
    model.dispose();
    return { history: history.toJSON(), weights };
  }

  it('3 replicas train as one thread does on the whole batch (float32 tolerance), 1 replica bit for bit', async () => {
    const initial = await smallCnn().getWeights();
    const single = await trained(undefined);
    const three = await trained(3);
    const one = await trained(1);
    // Two epochs of two steps (256, then 96) moved every weight array.
    single.weights.forEach((w, i) => expect(maxAbsDiff(w, initial[i])).toBeGreaterThan(1e-4));
    single.weights.forEach((w, i) => expect(maxAbsDiff(three.weights[i], w), `weights ${i}`).toBeLessThan(2e-6));
    for (const k of ['loss', 'accuracy'] as const) {
      three.history.history[k]!.forEach((v, e) => expect(Math.abs(v - single.history.history[k]![e])).toBeLessThan(1e-5));
    }
    expect(one.history).toEqual(single.history);
    one.weights.forEach((w, i) => expect(Buffer.from(w.buffer).equals(Buffer.from(single.weights[i].buffer)), `weights ${i}`).toBe(true));
  });
});
