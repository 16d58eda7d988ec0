/**
 * The functional API (engine/nn/functional/): input(), layers applied to symbolic tensors, Add,
 * Concatenate, new Model({ inputs, outputs }), shared layers, summary's "Connected to" column,
 * fit/evaluate/predict through the training code Sequential uses, and the graph's errors.
 * CPU backend; the values are checked against the same computation done op by op.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { add } from '../engine/ops/binary.js';
import { concat } from '../engine/ops/concat.js';
import { dense } from '../engine/ops/matmul.js';
import { relu } from '../engine/ops/relu.js';
import { setBackend, tidy } from '../engine/runtime.js';
import { tensor } from '../engine/tensor.js';
import { BatchNormalization, Conv2D, Dense, Dropout, Flatten } from '../engine/nn/layers.js';
import { CallContext } from '../engine/nn/call-context.js';
import { Sequential } from '../engine/nn/sequential.js';
import { input } from '../engine/nn/functional/input.js';
import { Model } from '../engine/nn/functional/model.js';
import { SymbolicTensor } from '../engine/nn/functional/symbolic.js';
import { Add } from '../engine/nn/layers/add.js';
import { Concatenate } from '../engine/nn/layers/concatenate.js';
import { Rng } from './helpers/rng.js';

beforeAll(() => setBackend(new CpuBackend('float32')));

/** x -> dense(8, relu) -> dense(8) + skip -> dense(3): one residual block on flat features. */
function residualMlp(seed = 1) {
  const x = input({ shape: [8] });
  const h = new Dense({ units: 8, activation: 'relu' }).apply(x);
  const h2 = new Dense({ units: 8 }).apply(h);
  const sum = new Add().apply(h2, x);
  const out = new Dense({ units: 3 }).apply(sum);
  return new Model({ inputs: x, outputs: out, seed });
}

describe('symbolic tensors and layers applied to them', () => {
  it('carry the shape of one sample and the node that made them', () => {
    const x = input({ shape: [28, 28, 1] });
    expect(x).toBeInstanceOf(SymbolicTensor);
    expect(x.shape).toEqual([28, 28, 1]);
    const y = new Conv2D({ filters: 4, kernelSize: 3, padding: 'same' }).apply(x);
    expect(y.shape).toEqual([28, 28, 4]);
    expect(y.node.inputs).toEqual([x]);
    expect(new Flatten().apply(y).shape).toEqual([28 * 28 * 4]);
    expect(new Concatenate().apply([y, y]).shape).toEqual([28, 28, 8]);
    expect(new Concatenate({ axis: 1 }).apply(y, y).shape).toEqual([56, 28, 4]);
    expect(new Add().apply(y, y, y).shape).toEqual([28, 28, 4]);
  });

  it('a layer applied to the wrong shape names the layer and both shapes', () => {
    const x = input({ shape: [12] });
    expect(() => new Conv2D({ filters: 2, kernelSize: 3 }).apply(x)).toThrow(/Conv2D cannot be applied to \[None, 12\]: Conv2D: expected input of shape \[height, width, channels\], got \[12\]/);
    // As Keras's, Dense maps the last axis of a higher-rank input.
    expect(new Dense({ units: 3 }).apply(input({ shape: [4, 4, 2] })).shape).toEqual([4, 4, 3]);
    const a = input({ shape: [5] });
    const b = input({ shape: [6] });
    expect(() => new Add().apply(a, b)).toThrow(/Add cannot be applied to \[None, 5\] and \[None, 6\]: Add: every input must have the same shape/);
    expect(() => new Concatenate().apply(input({ shape: [2, 3] }), input({ shape: [4, 3] }))).toThrow(/Concatenate: inputs must agree on every axis but -1/);
    expect(() => new Dense({ units: 2, inputShape: [7] }).apply(a)).toThrow(/Dense was declared with inputShape \[None, 7\] but is applied to \[None, 5\]/);
  });

  it('checks how many inputs a layer takes and that they are symbolic', () => {
    const a = input({ shape: [5] });
    expect(() => new Add().apply(a)).toThrow(/Add.apply: expected at least 2 inputs, got 1/);
    expect(() => new Dense({ units: 2 }).apply(a, a)).toThrow(/Dense.apply: expected 1 input, got 2/);
    expect(() => new Dense({ units: 2 }).apply(tensor([1, 2], [1, 2]) as never)).toThrow(/input 0 is a Tensor, expected a SymbolicTensor.*inside a Sequential or a Model/);
    expect(() => input({ shape: [0, 3] })).toThrow(/input: shape must be a non-empty array of positive integers/);
    expect(() => new Concatenate({ axis: 0 })).toThrow(/axis must be a non-zero integer \(0 is the batch axis\)/);
  });

  it('a shared layer must keep the shapes its weights were made for', () => {
    const d = new Dense({ units: 4 });
    d.apply(input({ shape: [3] }));
    expect(d.apply(input({ shape: [3] })).shape).toEqual([4]);
    expect(() => d.apply(input({ shape: [5] }))).toThrow(/Dense is shared: it was first applied to \[None, 3\].*cannot also be applied to \[None, 5\]/);
  });
});

describe('Model', () => {
  it('computes what the layers compute op by op, in topological order', async () => {
    const model = residualMlp(3);
    expect(model.layers.map((l) => l.name)).toEqual(['input_layer', 'dense', 'dense_1', 'add', 'dense_2']);
    const rng = new Rng(5);
    const xs = rng.values(4 * 8, -1, 1);
    const w = await model.getWeights();
    // Non-zero biases, so a misplaced bias shows.
    model.setWeights(w.map((v, i) => (i % 2 === 1 ? rng.values(v.length, -0.5, 0.5) : v)));
    const [k0, b0, k1, b1, k2, b2] = model.parameters;
    const got = tidy(() => model.apply(tensor(xs, [4, 8])).dataSync());
    const want = tidy(() => {
      const x = tensor(xs, [4, 8]);
      const h = relu(dense(x, k0, b0));
      return dense(add(dense(h, k1, b1), x), k2, b2).dataSync();
    });
    expect(Array.from(got)).toEqual(Array.from(want));
    expect(model.countParams()).toBe(8 * 8 + 8 + 8 * 8 + 8 + 8 * 3 + 3);
    model.dispose();
  });

  it('runs models of several inputs and outputs, and a shared layer once per node with one set of weights', async () => {
    const a = input({ shape: [3], name: 'left' });
    const b = input({ shape: [3], name: 'right' });
    const shared = new Dense({ units: 2 });
    const ya = shared.apply(a);
    const yb = shared.apply(b);
    const joined = new Concatenate().apply(ya, yb);
    const model = new Model({ inputs: [a, b], outputs: [joined, yb] });
    expect(model.parameters).toHaveLength(2);
    const [k, bias] = model.parameters;
    const av = [1, 2, 3, -1, 0, 2];
    const bv = [0.5, -2, 1, 3, 3, -3];
    const [out, second] = model.applyAll([tensor(av, [2, 3]), tensor(bv, [2, 3])]);
    const want = concat([dense(tensor(av, [2, 3]), k, bias), dense(tensor(bv, [2, 3]), k, bias)], 1);
    expect(out.shape).toEqual([2, 4]);
    expect(Array.from(out.dataSync())).toEqual(Array.from(want.dataSync()));
    expect(Array.from(second.dataSync())).toEqual(Array.from(dense(tensor(bv, [2, 3]), k, bias).dataSync()));
    const table = model.layerTable();
    expect(table.find((r) => r.name === 'dense')!.connectedTo).toEqual([['left[0][0]'], ['right[0][0]']]);
    expect(table.find((r) => r.name === 'concatenate')!.connectedTo).toEqual([['dense[0][0]', 'dense[1][0]']]);
    expect(() => model.apply(tensor(av, [2, 3]))).toThrow(/the model has 2 inputs; fit, evaluate, predict and apply take models of one input/);
    expect(() => model.applyAll([tensor(av, [2, 3]), tensor([1, 2, 3], [1, 3])])).toThrow(/the inputs' batches differ/);
    model.dispose();
  });

  it("shows a shared layer whose nodes' shapes differ as 'multiple'", () => {
    const flat = input({ shape: [3] });
    const seq = input({ shape: [5, 3] });
    const d = new Dense({ units: 4 });
    const model = new Model({ inputs: [flat, seq], outputs: [d.apply(flat), d.apply(seq)] });
    expect(model.layerTable().find((r) => r.name === 'dense')).toMatchObject({ outputShape: null, params: 16, connectedTo: [['input_layer[0][0]'], ['input_layer_1[0][0]']] });
    expect(model.summary(null)).toMatch(/ dense \(Dense\)\s+multiple\s+16\s+\['input_layer\[0\]\[0\]',\n\s+'input_layer_1\[0\]\[0\]'\]/);
    model.dispose();
  });

  it('prints a Keras-style summary with the Connected to column', () => {
    const model = residualMlp();
    const text = model.summary(null);
    const lines = text.split('\n');
    expect(lines[0]).toBe('Model: "functional"');
    expect(lines[2]).toMatch(/^ Layer \(type\)\s+Output Shape\s+Param #\s+Connected to$/);
    expect(text).toMatch(/ input_layer \(InputLayer\)\s+\(None, 8\)\s+0\s+\[\]/);
    expect(text).toMatch(/ dense \(Dense\)\s+\(None, 8\)\s+72\s+\['input_layer\[0\]\[0\]'\]/);
    // Add reads two tensors: one per line, as Keras prints them.
    expect(text).toMatch(/ add \(Add\)\s+\(None, 8\)\s+0\s+\['dense_1\[0\]\[0\]',\n\s+'input_layer\[0\]\[0\]'\]/);
    expect(text).toContain('Total params: 171');
    model.dispose();
  });

  it('trains with fit/evaluate/predict as Sequential does: the same layers give the same numbers', async () => {
    // A chain is both a Sequential and a Model; with the same seed they start, and train, alike.
    const rng = new Rng(9);
    const n = 64;
    const xs = Float32Array.from(rng.values(n * 6, -1, 1));
    const ys = Int32Array.from({ length: n }, (_, i) => (xs[i * 6] + xs[i * 6 + 1] > 0 ? 1 : 0));
    const x = { values: xs, shape: [n, 6] };
    const seq = new Sequential([new Dense({ units: 5, activation: 'relu', inputShape: [6] }), new Dense({ units: 2 })], { seed: 4 });
    const inp = input({ shape: [6] });
    const fn = new Model({ inputs: inp, outputs: new Dense({ units: 2 }).apply(new Dense({ units: 5, activation: 'relu' }).apply(inp)), seed: 4 });
    const results = [];
    for (const m of [seq, fn]) {
      m.compile({ metrics: ['accuracy'] });
      const h = await m.fit(x, ys, { epochs: 3, batchSize: 16, seed: 2, verbose: 0 });
      results.push({ loss: h.history.loss, eval: await m.evaluate(x, ys), pred: await m.predict(x) });
    }
    expect(results[1].loss).toEqual(results[0].loss);
    expect(results[1].loss[2]).toBeLessThan(results[1].loss[0]);
    expect(results[1].eval).toEqual(results[0].eval);
    expect(Array.from(results[1].pred)).toEqual(Array.from(results[0].pred));
    await expect(fn.fit({ values: xs, shape: [n, 5] } as never, ys)).rejects.toThrow(/fit: expected x of shape \[n, 6\], got \[64, 5\]/);
    await expect(fn.fit(x, ys, { replicas: 2, verbose: 0 })).rejects.toThrow(/fit: replicas train a Sequential; functional is a functional Model/);
    seq.dispose();
    fn.dispose();
  });
});

describe('Model with state and frozen layers', () => {
  it('follows the training flag, updates BatchNormalization statistics, and never moves a frozen layer', async () => {
    const x = input({ shape: [4] });
    const frozen = new Dense({ units: 4 });
    const out = new Dense({ units: 2 }).apply(new Dropout({ rate: 0.5 }).apply(new BatchNormalization({ momentum: 0.5 }).apply(frozen.apply(x))));
    const model = new Model({ inputs: x, outputs: out, seed: 3 });
    expect(model.weightList().map((w) => `${w.name}${w.trainable ? '' : ' (fixed)'}`)).toEqual([
      'dense/kernel', 'dense/bias', 'batch_normalization/gamma', 'batch_normalization/beta',
      'batch_normalization/moving_mean (fixed)', 'batch_normalization/moving_variance (fixed)', 'dense_1/kernel', 'dense_1/bias',
    ]);
    expect(model.summary(null)).toMatch(/Trainable params: 38\nNon-trainable params: 8/);
    frozen.trainable = false;
    expect(model.summary(null)).toMatch(/Trainable params: 18\nNon-trainable params: 28/);
    expect(model.parameters).toHaveLength(4);
    const rng = new Rng(2);
    const xs = Float32Array.from(rng.values(32 * 4, -2, 2));
    const ys = Int32Array.from({ length: 32 }, (_, i) => i % 2);
    const before = await model.getWeights();
    await model.compile().fit({ values: xs, shape: [32, 4] }, ys, { epochs: 2, batchSize: 8, verbose: 0 });
    const after = await model.getWeights();
    const moved = after.map((w, i) => w.some((v, k) => v !== before[i][k]));
    // The frozen Dense stays; gamma, beta, the moving statistics and the head move.
    expect(moved).toEqual([false, false, true, true, true, true, true, true]);
    // Inference is deterministic; a training pass drops units (and differs from it).
    const batch = tensor(xs.subarray(0, 32), [8, 4]);
    const a = tidy(() => Array.from(model.apply(batch).dataSync()));
    const b = tidy(() => Array.from(model.apply(batch).dataSync()));
    expect(a).toEqual(b);
    const trained = tidy(() => Array.from(model.apply(batch, new CallContext({ training: true, step: 1 })).dataSync()));
    expect(trained).not.toEqual(a);
    expect(() => model.apply(batch, { training: true } as never)).toThrow(/ctx must be a CallContext/);
    model.dispose();
  });
});

describe('graph errors', () => {
  it('an output that needs an input the model was not given: the graph is disconnected', () => {
    const a = input({ shape: [3], name: 'a' });
    const b = input({ shape: [3], name: 'b' });
    const s = new Add().apply(a, b);
    expect(() => new Model({ inputs: a, outputs: s })).toThrow(/output Add \[None, 3\] depends on the input 'b' \(InputLayer\) \[None, 3\], which is not among the model's inputs.*disconnected/);
  });

  it('an input that no output uses, an input that is not from input(), and bad arguments', () => {
    const a = input({ shape: [3], name: 'a' });
    const b = input({ shape: [3], name: 'unused' });
    const y = new Dense({ units: 2 }).apply(a);
    expect(() => new Model({ inputs: [a, b], outputs: y })).toThrow(/the input 'unused' \(InputLayer\) \[None, 3\] is not used by any output/);
    expect(() => new Model({ inputs: y, outputs: y })).toThrow(/inputs\[0\] is the output of .*Dense.*; a model's inputs must come from input\(\)/);
    expect(() => new Model({ inputs: a, outputs: [] })).toThrow(/outputs is empty/);
    expect(() => new Model({ inputs: a, outputs: [y, y] })).toThrow(/outputs lists the same tensor twice/);
    expect(() => new Model({ inputs: a, outputs: 'y' as never })).toThrow(/outputs\[0\] is 'y', expected a SymbolicTensor/);
  });

  it('a cycle (which apply cannot make; forged here) and duplicate layer names', () => {
    const a = input({ shape: [3] });
    const d1 = new Dense({ units: 3 });
    const d2 = new Dense({ units: 3 });
    const y1 = d1.apply(a);
    const y2 = d2.apply(y1);
    // Rewire d1's node to read d2's output: d1 -> d2 -> d1.
    (y1.node as unknown as { inputs: SymbolicTensor[] }).inputs = [y2];
    expect(() => new Model({ inputs: a, outputs: y2 })).toThrow(/the graph has a cycle \(.*Dense.* -> .*Dense.* -> .*Dense.*\)/);
    const b = input({ shape: [3] });
    const e1 = new Dense({ units: 3 });
    const e2 = new Dense({ units: 3 });
    e1.name = 'same';
    e2.name = 'same';
    expect(() => new Model({ inputs: b, outputs: e2.apply(e1.apply(b)) })).toThrow(/two layers are named 'same'/);
  });

  it('a batch of the wrong shape and a disposed model are clear errors', () => {
    const model = residualMlp();
    expect(() => model.apply(tensor(new Float32Array(14), [2, 7]))).toThrow(/functional: expected input 'input_layer' of shape \[batch, 8\], got \[2, 7\]/);
    model.dispose();
    expect(() => model.apply(tensor(new Float32Array(16), [2, 8]))).toThrow(/functional.apply: the model was disposed/);
  });
});
