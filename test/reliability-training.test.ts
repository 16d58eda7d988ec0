/**
 * Reliability of training on host data (issue 9), on the CPU backend and on WebGPU (SwiftShader):
 * - host labels are validated before conversion, naming the index in the caller's y (defects 1, 2);
 * - memory is flat across fit with validation, evaluate and predict (defect 3);
 * - TerminateOnNaN stops at the first non-finite loss; Adam rejects non-finite settings (defect 4);
 * - bad arguments of fit/evaluate/predict/trainStep are clear errors (defect 8);
 * - one rule for argmax over NaN and for cross-entropy of an empty batch, on every backend (defect 9).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../engine/backends/backend.js';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { WebGPUBackend } from '../engine/backends/webgpu/webgpu-backend.js';
import { type Callback, NonFiniteLossError, TerminateOnNaN } from '../engine/nn/callbacks.js';
import { Conv2D, Dense, Flatten, MaxPooling2D } from '../engine/nn/layers.js';
import { Sequential } from '../engine/nn/sequential.js';
import { trainStep } from '../engine/nn/train-step.js';
import { argmax, countCorrect } from '../engine/ops/argmax.js';
import { sparseSoftmaxCrossEntropy } from '../engine/ops/cross-entropy.js';
import { Adam } from '../engine/optim/adam.js';
import { setBackend } from '../engine/runtime.js';
import { tensor, zeros } from '../engine/tensor.js';
import { nodeGPU } from '../node/webgpu.js';
import { Rng } from './helpers/rng.js';

const CLASSES = 3;
const SIDE = 6;
const PER = SIDE * SIDE;

/** A small CNN (conv with fused ReLU, pool, dense): every kernel kind of the tutorial, quickly. */
function smallCnn(seed = 1): Sequential {
  return new Sequential(
    [
      new Conv2D({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [SIDE, SIDE, 1] }),
      new MaxPooling2D({ poolSize: 2 }),
      new Flatten(),
      new Dense({ units: CLASSES }),
    ],
    { seed },
  ).compile({ metrics: ['accuracy'] });
}

/** A linear model: a non-finite pixel reaches the loss on every backend, whatever ReLU does with NaN. */
function linear(seed = 1): Sequential {
  return new Sequential([new Flatten({ inputShape: [SIDE, SIDE, 1] }), new Dense({ units: CLASSES })], { seed }).compile();
}

function dataset(n: number, seed = 7): { x: { values: Float32Array; shape: number[] }; y: Int32Array } {
  const rng = new Rng(seed);
  const values = Float32Array.from(rng.values(n * PER, 0, 1));
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) y[i] = i % CLASSES;
  return { x: { values, shape: [n, SIDE, SIDE, 1] }, y };
}

const backends: { name: string; make: () => Promise<Backend> }[] = [
  { name: 'cpu', make: async () => new CpuBackend('float32') },
  { name: 'webgpu', make: async () => WebGPUBackend.create(nodeGPU()) },
];

describe.each(backends)('on $name', ({ name, make }) => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await make();
  });
  afterAll(() => {
    if (backend instanceof WebGPUBackend) backend.device.destroy();
  });
  const use = () => setBackend(backend);

  describe('host labels are validated before conversion (defects 1, 2)', () => {
    const bad: [string, unknown, RegExp][] = [
      ['out of range', 3, /y\[37\] is 3, out of range for 3 classes \(expected 0\.\.2\)/],
      ['negative', -1, /y\[37\] is -1, out of range for 3 classes/],
      ['fractional', 1.5, /y\[37\] is 1\.5, expected an integer class index in \[0, 3\)/],
      ['NaN', NaN, /y\[37\] is NaN, expected an integer class index in \[0, 3\)/],
      ['a string', '2', /y\[37\] is '2', expected an integer class index in \[0, 3\)/],
      ['2^32 + 1', 2 ** 32 + 1, /y\[37\] is 4294967297, out of range for 3 classes/],
    ];
    it.each(bad)('fit rejects a label that is %s, naming its index in y (not in the shuffled batch)', async (_what, label, message) => {
      use();
      const model = smallCnn();
      const { x, y } = dataset(64);
      const labels: unknown[] = Array.from(y);
      labels[37] = label;
      const before = await model.getWeights();
      await expect(model.fit(x, labels as number[], { epochs: 1, batchSize: 16, verbose: 0, seed: 5 })).rejects.toThrow(
        new RegExp(`^fit: label ${message.source}`),
      );
      // Nothing was trained: the check runs before the first step.
      expect(await model.getWeights()).toEqual(before);
    });

    it('evaluate and the validation data of fit check their labels too, before any step', async () => {
      use();
      const model = smallCnn();
      const { x, y } = dataset(40);
      const bad = Int32Array.from(y);
      bad[33] = 7;
      await expect(model.evaluate(x, bad)).rejects.toThrow(/^evaluate: label y\[33\] is 7, out of range for 3 classes/);
      const before = await model.getWeights();
      await expect(model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0, validationData: [x, bad] })).rejects.toThrow(
        /^fit: label validationData y\[33\] is 7, out of range for 3 classes/,
      );
      expect(await model.getWeights()).toEqual(before);
    });

    it('trainStep checks host labels (integers in range) before uploading them', () => {
      use();
      const model = smallCnn();
      const { x } = dataset(4);
      const xt = tensor(x.values, x.shape);
      expect(() => trainStep(model, model.optimizer, xt, [0, 1.5, 2, 0])).toThrow(
        'trainStep: label 1 is 1.5, expected an integer class index in [0, 3)',
      );
      expect(() => trainStep(model, model.optimizer, xt, [0, 1, 2 ** 32 + 1, 0])).toThrow('trainStep: label 2 is 4294967297, out of range for 3 classes');
      expect(() => trainStep(model, model.optimizer, xt, [0, 1, 2])).toThrow('trainStep: logits have batch 4 but 3 labels were given');
      xt.dispose();
    });
  });

  it('memory is flat across 50 fits with validation, 50 evaluates and 50 predicts (defect 3)', async () => {
    use();
    const model = smallCnn();
    const { x, y } = dataset(24);
    const round = async () => {
      await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0, validationData: [x, y] });
      await model.evaluate(x, y, { batchSize: 8 });
      await model.predict(x, { batchSize: 8 });
    };
    // Warm-up: Adam's slots; the GPU pool reaches its high-water mark after 4 rounds (measured).
    for (let i = 0; i < 10; i++) await round();
    backend.flush();
    const warm = backend.memory();
    expect(Number.isFinite(warm.usedBytes) && Number.isFinite(warm.allocatedBytes), `${name} memory() ${JSON.stringify(warm)}`).toBe(true);
    for (let i = 0; i < 50; i++) await round();
    backend.flush();
    const after = backend.memory();
    expect(after, `${name}: memory after 50 more rounds (warm: ${JSON.stringify(warm)})`).toEqual(warm);
    model.dispose();
  });

  describe('non-finite losses (defect 4)', () => {
    it('TerminateOnNaN stops at the first non-finite loss, naming the step and the epoch, before that epoch ends', async () => {
      use();
      const model = linear();
      const { x, y } = dataset(40);
      const completed: number[] = [];
      // After the first epoch, sample 21 (in the third batch of 8, unshuffled) becomes Infinity.
      const poison: Callback = {
        onEpochEnd(epoch) {
          if (epoch === 0) x.values[21 * PER + 5] = Infinity;
        },
      };
      const recorder: Callback = { onEpochEnd: (epoch) => void completed.push(epoch) };
      const run = model.fit(x, y, {
        epochs: 4, batchSize: 8, shuffle: false, verbose: 0, readEvery: 2, callbacks: [new TerminateOnNaN(), poison, recorder],
      });
      await expect(run).rejects.toThrow(NonFiniteLossError);
      await expect(run).rejects.toThrow(/^TerminateOnNaN: the training loss was (NaN|Infinity|-Infinity) at step 3 of epoch 2 \(both counted from 1\)/);
      const err = (await run.catch((e) => e)) as NonFiniteLossError;
      expect([err.epoch, err.step]).toEqual([1, 2]);
      // Epoch 2 (index 1) never reached its end: a checkpointing callback would keep epoch 1's state.
      expect(completed).toEqual([0]);
    });

    it('TerminateOnNaN also stops on a non-finite validation loss, before later callbacks see the epoch', async () => {
      use();
      const model = linear();
      const { x, y } = dataset(16);
      const vx = { values: Float32Array.from(x.values), shape: x.shape };
      vx.values[3] = NaN;
      const completed: number[] = [];
      const run = model.fit(x, y, {
        epochs: 2, batchSize: 8, verbose: 0, validationData: [vx, y],
        callbacks: [new TerminateOnNaN(), { onEpochEnd: (e) => void completed.push(e) }],
      });
      await expect(run).rejects.toThrow(/^TerminateOnNaN: the validation loss was NaN after epoch 1/);
      expect(completed).toEqual([]);
    });

    it('Adam rejects non-finite or non-numeric hyperparameters', () => {
      expect(() => new Adam({ learningRate: Infinity })).toThrow('Adam: learningRate must be > 0 and finite, got Infinity');
      expect(() => new Adam({ learningRate: NaN })).toThrow('Adam: learningRate must be > 0 and finite, got NaN');
      expect(() => new Adam({ epsilon: Infinity })).toThrow('Adam: epsilon must be > 0 and finite, got Infinity');
      expect(() => new Adam({ beta1: NaN })).toThrow('Adam: beta1 must be in [0, 1), got NaN');
      expect(() => new Adam({ learningRate: '0.01' as unknown as number })).toThrow("Adam: learningRate must be > 0 and finite, got '0.01'");
    });
  });

  describe('argument checks of fit, evaluate, predict and trainStep (defect 8)', () => {
    it('batchSize must be a positive integer; epochs and initialEpoch integers >= 0', async () => {
      use();
      const model = smallCnn();
      const { x, y } = dataset(8);
      for (const b of [0, -1, 2.5, NaN, Infinity, '8']) {
        await expect(model.fit(x, y, { batchSize: b as number, verbose: 0 })).rejects.toThrow(
          `fit: batchSize must be a positive integer, got ${typeof b === 'string' ? `'${b}'` : b}`,
        );
        await expect(model.evaluate(x, y, { batchSize: b as number })).rejects.toThrow(/^evaluate: batchSize must be a positive integer/);
        await expect(model.predict(x, { batchSize: b as number })).rejects.toThrow(/^predict: batchSize must be a positive integer/);
      }
      for (const e of [-1, 1.5, NaN]) {
        await expect(model.fit(x, y, { epochs: e, verbose: 0 })).rejects.toThrow(`fit: epochs must be an integer >= 0, got ${e}`);
      }
      await expect(model.fit(x, y, { epochs: 2, initialEpoch: -1, verbose: 0 })).rejects.toThrow('fit: initialEpoch must be an integer >= 0, got -1');
      await expect(model.fit(x, y, { readEvery: 0, verbose: 0 })).rejects.toThrow('fit: readEvery must be a positive integer, got 0');
      // epochs 0 trains nothing, as in Keras.
      const before = await model.getWeights();
      const h = await model.fit(x, y, { epochs: 0, verbose: 0 });
      expect(h.epoch).toEqual([]);
      expect(await model.getWeights()).toEqual(before);
    });

    it('0 samples are an error in fit, evaluate and predict (not a loss of 0 or NaN)', async () => {
      use();
      const model = smallCnn();
      const empty = { values: new Float32Array(0), shape: [0, SIDE, SIDE, 1] };
      await expect(model.fit(empty, [], { verbose: 0 })).rejects.toThrow('fit: x has 0 samples; expected at least one');
      await expect(model.evaluate(empty, [])).rejects.toThrow('evaluate: x has 0 samples; expected at least one');
      await expect(model.predict(empty)).rejects.toThrow('predict: x has 0 samples; expected at least one');
      const { x, y } = dataset(8);
      await expect(model.fit(x, y, { verbose: 0, validationData: [empty, []] })).rejects.toThrow('fit: validationData x has 0 samples; expected at least one');
    });

    it('trainStep reports an empty batch as such, not as a Dense feature mismatch', () => {
      use();
      const model = smallCnn();
      const xt = zeros([0, SIDE, SIDE, 1]);
      expect(() => trainStep(model, model.optimizer, xt, [])).toThrow('trainStep: x has an empty batch (shape [0, 6, 6, 1]); expected at least one sample');
    });

    it('x must be { values, shape } with a Float32Array: a bare Float32Array or a plain array is a clear error', async () => {
      use();
      const model = smallCnn();
      const { x, y } = dataset(5);
      const expected = 'predict: expected x as { values, shape } with values a Float32Array and shape [n, 6, 6, 1]';
      await expect(model.predict(x.values as unknown as typeof x)).rejects.toThrow(
        `${expected}, got a Float32Array of 180 values; wrap it: { values, shape: [5, 6, 6, 1] }`,
      );
      await expect(model.predict(undefined as unknown as typeof x)).rejects.toThrow(`${expected}, got undefined`);
      await expect(model.predict({ values: x.values, shape: 5 as unknown as number[] })).rejects.toThrow(
        'predict: x.shape must be an array of non-negative integers, got 5',
      );
      await expect(model.predict({ values: Array.from(x.values) as unknown as Float32Array, shape: x.shape })).rejects.toThrow(
        'predict: x.values must be a Float32Array, got an array of 180 values (convert it once: Float32Array.from(values))',
      );
      await expect(model.fit({ values: Float64Array.from(x.values) as unknown as Float32Array, shape: x.shape }, y, { verbose: 0 })).rejects.toThrow(
        'fit: x.values must be a Float32Array, got a Float64Array of 180 values',
      );
      await expect(model.fit(x, undefined as unknown as number[], { verbose: 0 })).rejects.toThrow(
        'fit: expected y as an array of 5 integer labels (Int32Array, Uint8Array or number[]), got undefined',
      );
      await expect(model.fit(x, y, { verbose: 0 })).resolves.toBeDefined();
    });
  });

  describe('one rule on every backend (defect 9)', () => {
    it('argmax takes the first NaN of a row as its maximum, else the first maximum', async () => {
      use();
      const F = 3.4028234663852886e38;
      const rows = [
        [NaN, 1, 2], [1, NaN, 3], [1, 3, NaN], [NaN, NaN, 5], [-Infinity, -Infinity, -Infinity], [-Infinity, -F, -Infinity], [1, 3, 3], [Infinity, 2, Infinity],
      ];
      const want = [0, 1, 2, 0, 0, 1, 1, 0];
      const x = tensor(rows.flat(), [rows.length, 3]);
      const got = Array.from(await argmax(x).data());
      expect(got).toEqual(want);
      // countCorrect counts rows whose argmax (by the same rule) is the label.
      const labels = tensor([0, 1, 0, 0, 0, 1, 2, 2], [rows.length], 'int32');
      expect((await countCorrect(x, labels).data())[0]).toBe(5);
    });

    it('cross-entropy of an empty batch is an error; argmax over an empty axis is an error', () => {
      use();
      expect(() => sparseSoftmaxCrossEntropy(zeros([0, 10]), [])).toThrow(
        'sparseSoftmaxCrossEntropy: the batch is empty (logits [0, 10]); the mean loss of no samples is undefined',
      );
      expect(() => sparseSoftmaxCrossEntropy(zeros([0, 10]), tensor([], [0], 'int32'))).toThrow(/the batch is empty/);
      expect(() => argmax(zeros([2, 0]))).toThrow('argmax: the last axis of x [2, 0] is empty; expected at least one value per row');
      expect(() => countCorrect(zeros([2, 0]), tensor([0, 0], [2], 'int32'))).toThrow(
        'countCorrect: logits [2, 0] have no classes; expected at least one per row',
      );
    });
  });
});
