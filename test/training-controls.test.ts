/**
 * Training controls of issue 14: the training flag (CallContext), frozen layers and
 * non-trainable weights kept out of the optimizer's store, L1/L2 kernel regularizers, and
 * checkpoints of a model with non-trainable state (BN) and dropout resuming bit for bit.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { CallContext } from '../engine/nn/call-context.js';
import { BatchNormalization, Dense, Dropout } from '../engine/nn/layers.js';
import { Adam } from '../engine/optim/adam.js';
import { captureCheckpoint, checkResumable, digestData, restoreCheckpoint } from '../model/checkpoint-state.js';
import { readCheckpoint, writeCheckpoint } from '../model/checkpoint.js';
import { Sequential } from '../engine/nn/sequential.js';
import { setBackend } from '../engine/runtime.js';
import { tensor } from '../engine/tensor.js';
import { Rng } from './helpers/rng.js';

beforeAll(() => setBackend(new CpuBackend('float32')));

function toyData(n: number, features: number, classes: number, seed = 1): { x: { values: Float32Array; shape: number[] }; y: Int32Array } {
  const rng = new Rng(seed);
  const values = new Float32Array(n * features);
  for (let i = 0; i < values.length; i++) values[i] = rng.uniform(-1, 1);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) y[i] = (values[i * features] > 0 ? 1 : 0) + (classes > 2 && values[i * features + 1] > 0 ? 1 : 0);
  return { x: { values, shape: [n, features] }, y };
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('frozen layers (trainable = false)', () => {
  it('keeps a frozen layer bit-identical through fit while the others train, and keeps it out of the optimizer store', async () => {
    const model = new Sequential([
      new Dense({ units: 8, activation: 'relu', inputShape: [4] }),
      new Dense({ units: 3 }),
    ], { seed: 3 });
    model.layers[0].trainable = false;
    model.compile({ optimizer: 'adam' });
    const before = await model.getWeights();
    const { x, y } = toyData(64, 4, 3);
    await model.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0 });
    const after = await model.getWeights();
    expect(bits(after[0])).toEqual(bits(before[0]));
    expect(bits(after[1])).toEqual(bits(before[1]));
    expect(bits(after[2])).not.toEqual(bits(before[2]));
    // The optimizer's store holds only the second layer's kernel and bias.
    expect(model.store.parameters.map((p) => p.name)).toEqual(['dense_1/kernel', 'dense_1/bias']);
    expect(model.nonTrainableStore.parameters.map((p) => p.name)).toEqual(['dense/kernel', 'dense/bias']);
    expect(model.weightList().map((w) => w.trainable)).toEqual([false, false, true, true]);
  });

  it('takes effect when trainable changes after compile and after training (the stores are re-split)', async () => {
    const model = new Sequential([
      new Dense({ units: 6, activation: 'relu', inputShape: [4] }),
      new Dense({ units: 2 }),
    ], { seed: 5 }).compile();
    const { x, y } = toyData(32, 4, 2, 7);
    await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    const trained = await model.getWeights();
    model.layers[1].trainable = false;
    await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    const frozenSecond = await model.getWeights();
    expect(bits(frozenSecond[2])).toEqual(bits(trained[2]));
    expect(bits(frozenSecond[3])).toEqual(bits(trained[3]));
    expect(bits(frozenSecond[0])).not.toEqual(bits(trained[0]));
    // Unfreezing moves the weights back, values intact, and they train again.
    model.layers[1].trainable = true;
    expect(bits((await model.getWeights())[2])).toEqual(bits(frozenSecond[2]));
    await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    expect(bits((await model.getWeights())[2])).not.toEqual(bits(frozenSecond[2]));
    expect(model.store.parameters).toHaveLength(4);
  });

  it('counts frozen weights as non-trainable in summary()', () => {
    const model = new Sequential([new Dense({ units: 5, inputShape: [3] }), new Dense({ units: 2 })]);
    model.layers[0].trainable = false;
    const text = model.summary(null);
    expect(text).toContain('Total params: 32');
    expect(text).toContain('Trainable params: 12');
    expect(text).toContain('Non-trainable params: 20');
    expect(model.countParams()).toBe(32);
  });
});

describe('kernel regularizers', () => {
  it('adds l1·Σ|w| + l2·Σw² of every regularized kernel to the training and evaluation loss', async () => {
    const make = (reg: boolean) => new Sequential([
      new Dense({ units: 4, inputShape: [3], kernelRegularizer: reg ? { l2: 0.01 } : null }),
      new Dense({ units: 2, kernelRegularizer: reg ? { l1: 0.003, l2: 0.002 } : null }),
    ], { seed: 9 }).compile();
    const plain = make(false);
    const reg = make(true);
    const w = await reg.getWeights();
    const sumSq = (a: Float32Array) => a.reduce((s, v) => s + v * v, 0);
    const sumAbs = (a: Float32Array) => a.reduce((s, v) => s + Math.abs(v), 0);
    const expected = 0.01 * sumSq(w[0]) + 0.003 * sumAbs(w[2]) + 0.002 * sumSq(w[2]);
    expect(expected).toBeGreaterThan(1e-3);
    const { x, y } = toyData(20, 3, 2, 11);
    const a = await plain.evaluate(x, y);
    const b = await reg.evaluate(x, y);
    expect(b.loss - a.loss).toBeCloseTo(expected, 5);
    // The first training step's reported loss carries the same penalty (same weights before the step).
    const h1 = await plain.fit(x, y, { epochs: 1, batchSize: 20, verbose: 0, shuffle: false });
    const h2 = await reg.fit(x, y, { epochs: 1, batchSize: 20, verbose: 0, shuffle: false });
    expect(h2.history.loss[0] - h1.history.loss[0]).toBeCloseTo(expected, 5);
    // And the penalty's gradient moves the weights differently.
    expect(bits((await reg.getWeights())[0])).not.toEqual(bits((await plain.getWeights())[0]));
  });

  it('rejects malformed regularizers with the layer and field named', () => {
    expect(() => new Dense({ units: 2, kernelRegularizer: { l3: 1 } as never })).toThrow(/Dense: kernelRegularizer has unknown field\(s\) l3/);
    expect(() => new Dense({ units: 2, kernelRegularizer: { l2: -1 } })).toThrow(/Dense: kernelRegularizer.l2 must be a finite number >= 0, got -1/);
    expect(() => new Dense({ units: 2, kernelRegularizer: {} })).toThrow(/needs l1 and\/or l2/);
    expect(() => new Dense({ units: 2, kernelRegularizer: 0.01 as never })).toThrow(/must be \{ l1\?: number, l2\?: number \}, got 0.01/);
  });
});

describe('CallContext', () => {
  it('refuses state updates outside training, of trainable weights, and of the wrong size', () => {
    const model = new Sequential([new Dense({ units: 2, inputShape: [2] })]).build();
    const inference = new CallContext({ training: false });
    const frozenLike = tensor([1, 2], [2]);
    expect(() => inference.addUpdate(frozenLike, tensor([0, 0], [2]))).toThrow(/only in training steps/);
    const training = new CallContext({ training: true, step: 3 });
    expect(() => training.addUpdate(model.parameters[1], tensor([0, 0], [2]))).toThrow(/is a trainable weight/);
    expect(() => training.addUpdate(frozenLike, tensor([0, 0, 0], [3]))).toThrow(/does not fit the target \[2\]/);
    training.addUpdate(frozenLike, tensor([5, 6], [2]));
    training.applyUpdates();
    expect(Array.from(frozenLike.dataSync())).toEqual([5, 6]);
    expect(() => new CallContext({ training: 1 as never })).toThrow(/training must be true or false/);
    expect(() => model.apply(tensor([1, 2], [1, 2]), { training: true } as never)).toThrow(/ctx must be a CallContext/);
  });

  it('gives different seeds per step and per layer, the same for the same pair', () => {
    const a = new CallContext({ training: true, step: 1 });
    const b = new CallContext({ training: true, step: 2 });
    expect(a.seedFor('dropout')).toBe(new CallContext({ training: true, step: 1 }).seedFor('dropout'));
    expect(a.seedFor('dropout')).not.toBe(b.seedFor('dropout'));
    expect(a.seedFor('dropout')).not.toBe(a.seedFor('dropout_1'));
    expect(a.seedFor('dropout', 7)).not.toBe(a.seedFor('dropout'));
  });
});

describe('checkpoints of models with non-trainable state', () => {
  it('keep BatchNormalization’s moving statistics, and a resumed run (dropout included) equals an uninterrupted one bit for bit', async () => {
    const make = () => new Sequential([
      new Dense({ units: 8, inputShape: [4] }), new BatchNormalization(), new Dropout({ rate: 0.3 }), new Dense({ units: 3 }),
    ], { seed: 12 });
    const { x, y } = toyData(48, 4, 3, 13);
    const fitOptions = { batchSize: 8, verbose: 0 as const, seed: 5, validationData: [x, y] as [typeof x, Int32Array] };

    const straight = make();
    const straightOpt = new Adam();
    straight.compile({ optimizer: straightOpt, metrics: ['accuracy'] });
    await straight.fit(x, y, { ...fitOptions, epochs: 2 });

    const first = make();
    const firstOpt = new Adam();
    first.compile({ optimizer: firstOpt, metrics: ['accuracy'] });
    const history = await first.fit(x, y, { ...fitOptions, epochs: 1 });
    const data = { train: digestData(x.values, y, 48), validation: digestData(x.values, y, 48) };
    const ckpt = await captureCheckpoint({
      epoch: 1, stopped: false, seed: 5, batchSize: 8, model: first, optimizer: firstOpt, early: null, data,
      history: { epoch: history.epoch, history: history.history }, secondsPerEpoch: [0],
    });
    expect(ckpt.header.arrays.map((a) => a.name)).toContain('weights/batch_normalization/moving_variance');
    const path = join(mkdtempSync(join(tmpdir(), 'ckpt-bn-')), 'checkpoint.bin');
    await writeCheckpoint(path, ckpt);

    const resumed = make();
    const resumedOpt = new Adam();
    resumed.compile({ optimizer: resumedOpt, metrics: ['accuracy'] });
    const loaded = readCheckpoint(path);
    checkResumable(path, loaded.header, { seed: 5, batchSize: 8, model: resumed, optimizer: resumedOpt, early: null, data });
    restoreCheckpoint(path, loaded, resumed, resumedOpt, null);
    const firstWeights = await first.getWeights();
    const restored = await resumed.getWeights();
    restored.forEach((w, i) => expect(bits(w)).toEqual(bits(firstWeights[i])));
    await resumed.fit(x, y, { ...fitOptions, epochs: 2, initialEpoch: 1 });
    const want = await straight.getWeights();
    const got = await resumed.getWeights();
    got.forEach((w, i) => expect(bits(w), straight.weightList()[i].name).toEqual(bits(want[i])));
  });
});
