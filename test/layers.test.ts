/**
 * The layers of issue 14 on the CPU backend (float32), each against values worked out by hand
 * in float64: Dropout (identity at inference, mask and 1/(1 − rate) scale in training),
 * BatchNormalization (batch statistics in training, moving statistics updated by the step and
 * used at inference, frozen = inference), LayerNormalization, AveragePooling2D,
 * GlobalAveragePooling2D, DepthwiseConv2D, Activation, Embedding, Reshape; shape errors; and
 * summary()'s non-trainable count.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { CallContext } from '../engine/nn/call-context.js';
import {
  ActivationLayer, AveragePooling2D, BatchNormalization, Conv2D, Dense, DepthwiseConv2D, Dropout, Embedding, Flatten,
  GlobalAveragePooling2D, GlobalMaxPooling2D, type Layer, LayerNormalization, Reshape,
} from '../engine/nn/layers.js';
import { Sequential } from '../engine/nn/sequential.js';
import { trainStep } from '../engine/nn/train-step.js';
import { Adam } from '../engine/optim/adam.js';
import { setBackend } from '../engine/runtime.js';
import { tensor } from '../engine/tensor.js';
import { Rng } from './helpers/rng.js';

beforeAll(() => setBackend(new CpuBackend('float32')));

const f32 = (v: number) => Math.fround(v);

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Per channel (last axis of a [rows, C] view) mean and biased variance, in float64. */
function channelMoments(x: ArrayLike<number>, channels: number): { mean: number[]; variance: number[] } {
  const rows = x.length / channels;
  const mean = Array.from({ length: channels }, (_, c) => {
    let s = 0;
    for (let r = 0; r < rows; r++) s += x[r * channels + c];
    return s / rows;
  });
  const variance = mean.map((m, c) => {
    let s = 0;
    for (let r = 0; r < rows; r++) s += (x[r * channels + c] - m) ** 2;
    return s / rows;
  });
  return { mean, variance };
}

describe('Dropout', () => {
  it('is the identity at inference and drops about `rate` of the elements in training, scaling the rest by 1/(1 - rate)', () => {
    const model = new Sequential([new Dropout({ rate: 0.25, inputShape: [1000] })]);
    const xs = new Rng(1).values(4000, 0.5, 1.5);
    const x = tensor(xs, [4, 1000]);
    expect(Array.from(model.apply(x).dataSync())).toEqual(Array.from(x.dataSync()));
    const ctx = new CallContext({ training: true, step: 0 });
    const y = model.apply(x, ctx).dataSync();
    const xv = x.dataSync();
    let dropped = 0;
    for (let i = 0; i < y.length; i++) {
      if (y[i] === 0) dropped++;
      // The kernel multiplies by the float32 scale 1/(1 - rate), as WebGPU does.
      else expect(y[i]).toBe(f32(xv[i] * f32(1 / 0.75)));
    }
    // 4000 Bernoulli(0.25) draws: mean 1000, sd 27.4; 5 sd either way.
    expect(Math.abs(dropped - 1000)).toBeLessThan(140);
    // Another step draws another mask; the same step the same one.
    const again = model.apply(x, new CallContext({ training: true, step: 0 })).dataSync();
    const next = model.apply(x, new CallContext({ training: true, step: 1 })).dataSync();
    expect(Array.from(again)).toEqual(Array.from(y));
    expect(Array.from(next)).not.toEqual(Array.from(y));
    expect(() => new Dropout({ rate: 1 })).toThrow(/Dropout: rate must be a number in \[0, 1\), got 1/);
  });

  it('drops in fit (the loss differs from evaluate on the same weights) but not in predict', async () => {
    const model = new Sequential([new Dense({ units: 16, activation: 'relu', inputShape: [8] }), new Dropout({ rate: 0.5 }), new Dense({ units: 3 })], { seed: 2 });
    model.compile({ optimizer: new Adam({ learningRate: 1e-9 }) });
    const rng = new Rng(3);
    const x = { values: Float32Array.from(rng.values(64 * 8)), shape: [64, 8] };
    const y = Int32Array.from({ length: 64 }, (_, i) => i % 3);
    const p1 = await model.predict(x);
    const p2 = await model.predict(x);
    expect(Array.from(p1)).toEqual(Array.from(p2));
    const before = await model.evaluate(x, y);
    const h = await model.fit(x, y, { epochs: 1, batchSize: 64, verbose: 0, shuffle: false });
    // lr 1e-9: the weights barely move, so the difference is the dropout mask.
    expect(Math.abs(h.history.loss[0] - before.loss)).toBeGreaterThan(1e-3);
  });
});

describe('BatchNormalization', () => {
  const C = 3;
  const xs = Float32Array.from(new Rng(5).values(8 * 2 * 2 * C, -2, 3));

  it('normalises with the batch statistics in training and moves the moving statistics by 1 - momentum', async () => {
    const bn = new BatchNormalization({ momentum: 0.9, inputShape: [2, 2, C] });
    const model = new Sequential([bn]).build();
    model.setWeights([[1.5, 0.5, 2], [0.1, -0.2, 0.3], [0.2, -0.1, 0], [1, 2, 0.5]]);
    const ctx = new CallContext({ training: true });
    const y = model.apply(tensor(xs, [8, 2, 2, C]), ctx).dataSync();
    const { mean, variance } = channelMoments(xs, C);
    const gamma = [1.5, 0.5, 2];
    const beta = [0.1, -0.2, 0.3];
    const want = Array.from(xs, (v, i) => ((v - mean[i % C]) / Math.sqrt(variance[i % C] + 1e-3)) * gamma[i % C] + beta[i % C]);
    expect(maxAbsDiff(y, want)).toBeLessThan(2e-5);
    expect(ctx.pendingUpdates).toBe(2);
    ctx.applyUpdates();
    const w = await model.getWeights();
    expect(maxAbsDiff(w[2], [0.2, -0.1, 0].map((m, c) => 0.9 * m + 0.1 * mean[c]))).toBeLessThan(1e-6);
    expect(maxAbsDiff(w[3], [1, 2, 0.5].map((v, c) => 0.9 * v + 0.1 * variance[c]))).toBeLessThan(1e-5);
    // gamma and beta are trainable; the moving statistics are not, and are not in the optimizer's store.
    expect(model.weightList().map((e) => [e.name, e.trainable])).toEqual([
      ['batch_normalization/gamma', true], ['batch_normalization/beta', true],
      ['batch_normalization/moving_mean', false], ['batch_normalization/moving_variance', false],
    ]);
    expect(model.store.parameters.map((p) => p.name)).toEqual(['batch_normalization/gamma', 'batch_normalization/beta']);
  });

  it('uses the moving statistics at inference, and a training step updates them (Keras defaults: momentum 0.99, epsilon 1e-3)', async () => {
    const bn = new BatchNormalization({ inputShape: [2, 2, C] });
    expect([bn.momentum, bn.epsilon]).toEqual([0.99, 1e-3]);
    const model = new Sequential([bn, new Flatten(), new Dense({ units: 2 })], { seed: 4 });
    const mm = [0.5, -1, 2];
    const mv = [2, 0.5, 1.5];
    const w0 = await model.getWeights();
    model.setWeights([[1, 1, 1], [0, 0, 0], mm, mv, w0[4], w0[5]]);
    // Inference: (x - moving_mean)/sqrt(moving_variance + eps), checked on the BN output alone.
    const bnOnly = new Sequential([new BatchNormalization({ inputShape: [2, 2, C] })]).build();
    bnOnly.setWeights([[1, 1, 1], [0, 0, 0], mm, mv]);
    const y = bnOnly.apply(tensor(xs, [8, 2, 2, C])).dataSync();
    const want = Array.from(xs, (v, i) => (v - mm[i % C]) / Math.sqrt(mv[i % C] + 1e-3));
    expect(maxAbsDiff(y, want)).toBeLessThan(2e-5);
    // One training step moves the moving statistics towards the batch's.
    const loss = trainStep(model, new Adam(), tensor(xs, [8, 2, 2, C]), [0, 1, 0, 1, 0, 1, 0, 1]);
    expect(Number.isFinite(loss.dataSync()[0])).toBe(true);
    const { mean, variance } = channelMoments(xs, C);
    const w = await model.getWeights();
    expect(maxAbsDiff(w[2], mm.map((m, c) => 0.99 * m + 0.01 * mean[c]))).toBeLessThan(1e-6);
    expect(maxAbsDiff(w[3], mv.map((v, c) => 0.99 * v + 0.01 * variance[c]))).toBeLessThan(1e-6);
  });

  it('after fit, evaluate and predict use the moving statistics (not the batch)', async () => {
    const model = new Sequential([new Dense({ units: 4, inputShape: [3] }), new BatchNormalization(), new Dense({ units: 2 })], { seed: 6 }).compile();
    const rng = new Rng(8);
    const x = { values: Float32Array.from(rng.values(40 * 3, -1, 1)), shape: [40, 3] };
    const y = Int32Array.from({ length: 40 }, (_, i) => (x.values[i * 3] > 0 ? 1 : 0));
    await model.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0 });
    const [k1, b1, gamma, beta, mm, mv, k2, b2] = await model.getWeights();
    expect(maxAbsDiff(mm, [0, 0, 0, 0])).toBeGreaterThan(1e-3);
    // The logits of sample 0 alone, by hand from the weights: a batch of one would have variance 0.
    const h = [0, 1, 2, 3].map((j) => {
      const z = x.values[0] * k1[j] + x.values[1] * k1[4 + j] + x.values[2] * k1[8 + j] + b1[j];
      return ((z - mm[j]) / Math.sqrt(mv[j] + 1e-3)) * gamma[j] + beta[j];
    });
    const want = [0, 1].map((o) => h.reduce((s, v, j) => s + v * k2[j * 2 + o], b2[o]));
    const got = await model.predict({ values: x.values.subarray(0, 3), shape: [1, 3] });
    expect(maxAbsDiff(got, want)).toBeLessThan(1e-5);
  });

  it('frozen (trainable = false): runs in inference mode in fit and leaves every weight alone', async () => {
    const model = new Sequential([new Dense({ units: 4, inputShape: [3] }), new BatchNormalization(), new Dense({ units: 2 })], { seed: 7 }).compile();
    model.layers[1].trainable = false;
    const before = await model.getWeights();
    const x = { values: Float32Array.from(new Rng(9).values(24 * 3)), shape: [24, 3] };
    await model.fit(x, Int32Array.from({ length: 24 }, (_, i) => i % 2), { epochs: 1, batchSize: 8, verbose: 0 });
    const after = await model.getWeights();
    for (const i of [2, 3, 4, 5]) expect(Array.from(after[i])).toEqual(Array.from(before[i]));
    expect(Array.from(after[0])).not.toEqual(Array.from(before[0]));
  });

  it('summary() counts the moving statistics as non-trainable', () => {
    const model = new Sequential([new Conv2D({ filters: 8, kernelSize: 3, inputShape: [6, 6, 1] }), new BatchNormalization(), new Flatten(), new Dense({ units: 2 })]);
    const text = model.summary(null);
    // conv 80, BN 32 (16 non-trainable), dense 16*8*2 + 2 = 258.
    expect(text).toContain('batch_normalization (BatchNormalization)');
    expect(text).toContain('Total params: 370');
    expect(text).toContain('Trainable params: 354');
    expect(text).toContain('Non-trainable params: 16');
  });
});

describe('LayerNormalization', () => {
  it('normalises each sample over its last axis, then gamma and beta', () => {
    const xs = Float32Array.from(new Rng(10).values(6 * 5, -3, 3));
    const model = new Sequential([new LayerNormalization({ inputShape: [2, 5] })]).build();
    const gamma = [1, 2, 0.5, -1, 1.5];
    const beta = [0, 0.1, -0.1, 0.2, 0.3];
    model.setWeights([gamma, beta]);
    const y = model.apply(tensor(xs, [3, 2, 5])).dataSync();
    const want: number[] = [];
    for (let r = 0; r < 6; r++) {
      const row = Array.from(xs.subarray(r * 5, r * 5 + 5));
      const m = row.reduce((a, b) => a + b, 0) / 5;
      const v = row.reduce((a, b) => a + (b - m) ** 2, 0) / 5;
      row.forEach((x, c) => want.push(((x - m) / Math.sqrt(v + 1e-3)) * gamma[c] + beta[c]));
    }
    expect(maxAbsDiff(y, want)).toBeLessThan(2e-5);
  });
});

describe('pooling, depthwise convolution, activation, embedding, reshape', () => {
  it('AveragePooling2D and GlobalAveragePooling2D average their windows; GlobalMaxPooling2D takes the max', () => {
    // One image 4x4, 2 channels: channel c of pixel (i, j) = 10c + 4i + j.
    const xs = Float32Array.from({ length: 32 }, (_, k) => 10 * (k % 2) + Math.floor(k / 2));
    const x = tensor(xs, [1, 4, 4, 2]);
    const avg = new Sequential([new AveragePooling2D({ poolSize: 2, inputShape: [4, 4, 2] })]);
    expect(avg.outputShape).toEqual([2, 2, 2]);
    // Window (0, 0) holds pixels 0, 1, 4, 5: mean 2.5.
    expect(Array.from(avg.apply(x).dataSync())).toEqual([2.5, 12.5, 4.5, 14.5, 10.5, 20.5, 12.5, 22.5]);
    const gap = new Sequential([new GlobalAveragePooling2D({ inputShape: [4, 4, 2] })]);
    expect(gap.outputShape).toEqual([2]);
    expect(Array.from(gap.apply(x).dataSync())).toEqual([7.5, 17.5]);
    expect(Array.from(new Sequential([new GlobalMaxPooling2D({ inputShape: [4, 4, 2] })]).apply(x).dataSync())).toEqual([15, 25]);
  });

  it('DepthwiseConv2D convolves each channel with its own filters (output channel c·multiplier + m) and adds the bias', () => {
    const layer = new DepthwiseConv2D({ kernelSize: 2, depthMultiplier: 2, inputShape: [3, 3, 2] });
    const model = new Sequential([layer]).build();
    expect(model.outputShape).toEqual([2, 2, 4]);
    expect(model.weightList().map((w) => [w.name, w.shape])).toEqual([['depthwise_conv2d/depthwise_kernel', [2, 2, 2, 2]], ['depthwise_conv2d/bias', [4]]]);
    const rng = new Rng(12);
    const xs = Float32Array.from(rng.values(18));
    const k = Float32Array.from(rng.values(16));
    const bias = [0.1, 0.2, 0.3, 0.4];
    model.setWeights([k, bias]);
    const y = model.apply(tensor(xs, [1, 3, 3, 2])).dataSync();
    const want: number[] = [];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) for (let c = 0; c < 2; c++) for (let m = 0; m < 2; m++) {
      let s = bias[c * 2 + m];
      for (let di = 0; di < 2; di++) for (let dj = 0; dj < 2; dj++) s += xs[((i + di) * 3 + (j + dj)) * 2 + c] * k[((di * 2 + dj) * 2 + c) * 2 + m];
      want.push(s);
    }
    expect(maxAbsDiff(y, want)).toBeLessThan(1e-5);
  });

  it('Activation applies each activation by name', () => {
    const xs = [-2, -0.5, 0, 0.7, 3];
    const erf = (z: number) => {
      // Abramowitz-Stegun 7.1.26 is too coarse; integrate instead (Simpson, 2000 panels).
      const n = 2000;
      const h = z / n;
      let s = 0;
      for (let i = 0; i <= n; i++) s += (i === 0 || i === n ? 1 : i % 2 ? 4 : 2) * Math.exp(-((i * h) ** 2));
      return (2 / Math.sqrt(Math.PI)) * (h / 3) * s;
    };
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    const cases: [string, (v: number) => number][] = [
      ['relu', (v) => Math.max(0, v)], ['sigmoid', sig], ['tanh', Math.tanh], ['softplus', (v) => Math.log1p(Math.exp(v))],
      ['elu', (v) => (v > 0 ? v : Math.expm1(v))], ['gelu', (v) => 0.5 * v * (1 + erf(v / Math.SQRT2))],
      ['gelu_new', (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)))], ['swish', (v) => v * sig(v)],
      ['linear', (v) => v],
    ];
    for (const [name, fn] of cases) {
      const model = new Sequential([new ActivationLayer({ activation: name as never, inputShape: [5] })]);
      expect(maxAbsDiff(model.apply(tensor(xs, [1, 5])).dataSync(), xs.map(fn)), name).toBeLessThan(2e-6);
    }
    const soft = new Sequential([new ActivationLayer({ activation: 'softmax', inputShape: [5] })]).apply(tensor(xs, [1, 5])).dataSync();
    const e = xs.map(Math.exp);
    expect(maxAbsDiff(soft, e.map((v) => v / e.reduce((a, b) => a + b, 0)))).toBeLessThan(1e-6);
    expect(() => new ActivationLayer({ activation: 'selu' as never })).toThrow(/ActivationLayer: unknown activation 'selu' \(expected one of 'linear', 'relu'/);
  });

  it('Embedding gathers rows for float ids, learns in fit, and names an id out of range', async () => {
    const model = new Sequential([new Embedding({ inputDim: 5, outputDim: 3, inputShape: [4] }), new Flatten(), new Dense({ units: 2 })], { seed: 13 }).compile();
    expect(model.layers[0].name).toBe('embedding');
    expect(model.layers[0].outputShape([4])).toEqual([4, 3]);
    const table = (await model.getWeights())[0];
    expect(Math.max(...Array.from(table, Math.abs))).toBeLessThanOrEqual(0.05);
    const ids = [4, 0, 2, 2, 1, 3, 0, 4];
    const rows = new Sequential([new Embedding({ inputDim: 5, outputDim: 3, inputShape: [4] })]).build();
    rows.setWeights([table]);
    const y = rows.apply(tensor(ids, [2, 4])).dataSync();
    expect(Array.from(y)).toEqual(ids.flatMap((id) => Array.from(table.subarray(id * 3, id * 3 + 3))));
    const x = { values: Float32Array.from({ length: 32 }, (_, i) => (i * 7) % 5), shape: [8, 4] };
    await model.fit(x, Int32Array.from({ length: 8 }, (_, i) => i % 2), { epochs: 2, batchSize: 4, verbose: 0 });
    expect(Array.from((await model.getWeights())[0])).not.toEqual(Array.from(table));
    expect(() => rows.apply(tensor([0, 1, 5, 2], [1, 4]))).toThrow(/gather: index 2 is 5, outside \[0, 5\)/);
  });

  it('Reshape takes a target shape with at most one -1 and checks the size', () => {
    const model = new Sequential([new Reshape({ targetShape: [-1, 4], inputShape: [2, 3, 2] })]);
    expect(model.outputShape).toEqual([3, 4]);
    const xs = Array.from({ length: 24 }, (_, i) => i);
    const y = model.apply(tensor(xs, [2, 2, 3, 2]));
    expect(y.shape).toEqual([2, 3, 4]);
    expect(Array.from(y.dataSync())).toEqual(xs);
    expect(() => new Sequential([new Reshape({ targetShape: [5, 2], inputShape: [12] })]).build()).toThrow(
      "reshape: cannot reshape an input of shape [12] (12 values per sample) to [5,2] (10 values)",
    );
    expect(() => new Reshape({ targetShape: [-1, -1] })).toThrow(/at most one -1/);
  });

  it('each layer names itself and the shape it got when the input does not fit', () => {
    const build = (...layers: Layer[]) => () => new Sequential(layers).build();
    expect(build(new GlobalAveragePooling2D({ inputShape: [10] }))).toThrow('global_average_pooling2d: expected input of shape [height, width, channels], got [10]');
    expect(build(new AveragePooling2D({ poolSize: 3, inputShape: [2, 2, 1] }))).toThrow(/average_pooling2d/);
    expect(build(new DepthwiseConv2D({ kernelSize: 3, inputShape: [5] }))).toThrow('depthwise_conv2d: expected input of shape [height, width, channels], got [5]');
    expect(build(new DepthwiseConv2D({ kernelSize: 5, inputShape: [3, 3, 1] }))).toThrow(/depthwise_conv2d/);
    expect(() => new BatchNormalization({ axis: 1 })).toThrow('BatchNormalization: only axis -1 (the last, channels) is supported, got 1');
    expect(() => new BatchNormalization({ momentum: 2 })).toThrow(/momentum must be a number in \[0, 1\], got 2/);
    expect(() => new LayerNormalization({ epsilon: 0 })).toThrow(/epsilon must be a finite number > 0, got 0/);
    expect(() => new Embedding({ inputDim: 0, outputDim: 2 })).toThrow(/Embedding: inputDim must be a positive integer, got 0/);
    expect(() => new DepthwiseConv2D({ kernelSize: 3, depthMultiplier: 1.5 })).toThrow(/depthMultiplier must be a positive integer, got 1.5/);
  });
});
