/**
 * Regression tests of issue 9's defects owned here: dataSync() returns a copy (defect 7),
 * a disposed model stays disposed (defect 6), and the argument checks of tensor creation,
 * the conv/pool layers and the conv2d op (defect 8). The fault suite (test/faults.test.ts)
 * runs the same inputs among its 60+ on both backends; these pin the exact behaviour.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { Conv2D, Dense, Flatten, MaxPooling2D } from '../engine/nn/layers.js';
import { Sequential } from '../engine/nn/sequential.js';
import { conv2d } from '../engine/ops/conv2d.js';
import { setBackend } from '../engine/runtime.js';
import { full, ones, tensor, zeros } from '../engine/tensor.js';

beforeAll(() => setBackend(new CpuBackend('float32')));

describe('dataSync on the CPU returns a copy (defect 7)', () => {
  it('for small and large tensors: mutating the result leaves the tensor as it was', () => {
    for (const n of [3, 1 << 16, (1 << 16) + 5]) {
      const t = full([n], 2);
      const a = t.dataSync();
      a[0] = 99;
      expect(t.dataSync()[0]).toBe(2);
      expect(a).not.toBe(t.dataSync());
    }
  });

  it('model weights read through a parameter view cannot be changed through the result', async () => {
    const model = new Sequential([new Flatten({ inputShape: [2] }), new Dense({ units: 2 })], { seed: 1 });
    const before = await model.getWeights();
    const kernel = model.parameters[0].dataSync();
    kernel.fill(123);
    const after = await model.getWeights();
    expect(Array.from(after[0])).toEqual(Array.from(before[0]));
  });
});

describe('a disposed model stays disposed (defect 6)', () => {
  it('every use after dispose() throws "disposed" instead of rebuilding with fresh weights', async () => {
    const model = new Sequential([new Flatten({ inputShape: [2] }), new Dense({ units: 2 })], { seed: 1 }).compile();
    model.build();
    model.dispose();
    model.dispose(); // idempotent
    expect(model.isDisposed).toBe(true);
    const x = { values: new Float32Array(2), shape: [1, 2] };
    const uses: [string, () => unknown][] = [
      ['apply', () => model.apply(zeros([1, 2]))],
      ['build', () => model.build()],
      ['store', () => model.store],
      ['outputShape', () => model.outputShape],
      ['summary', () => model.summary(null)],
      ['setWeights', () => model.setWeights([new Float32Array(4), new Float32Array(2)])],
      ['getWeights', () => model.getWeights()],
      ['compile', () => model.compile()],
      ['add', () => model.add(new Dense({ units: 1 }))],
      ['fit', () => model.fit(x, [0])],
      ['evaluate', () => model.evaluate(x, [0])],
      ['predict', () => model.predict(x)],
    ];
    for (const [op, use] of uses) expect(use, op).toThrow(`sequential.${op}: the model was disposed; make a new model (or load a saved one)`);
  });
});

describe('argument checks (defect 8)', () => {
  it('zeros, ones and full reject shapes that are not non-negative integers', () => {
    expect(() => zeros([2.5])).toThrow('zeros: shape [2.5] must hold non-negative integers, got 2.5 at axis 0');
    expect(() => ones([NaN])).toThrow('ones: shape [NaN] must hold non-negative integers, got NaN at axis 0');
    expect(() => full([3, Infinity], 1)).toThrow('full: shape [3, Infinity] must hold non-negative integers, got Infinity at axis 1');
    expect(() => zeros([-1])).toThrow('got -1 at axis 0');
    expect(() => tensor([1, 2], [2.5])).toThrow('tensor: shape [2.5] must hold non-negative integers');
    expect(zeros([0, 3]).shape).toEqual([0, 3]);
  });

  it('Conv2D and MaxPooling2D reject sizes and strides of 0 or not integers', () => {
    expect(() => new Conv2D({ filters: 4, kernelSize: 0 })).toThrow('Conv2D: kernelSize must be a positive integer or a pair of them, got 0');
    expect(() => new Conv2D({ filters: 4, kernelSize: [3, 1.5] })).toThrow('Conv2D: kernelSize must be a positive integer or a pair of them, got [3, 1.5]');
    expect(() => new Conv2D({ filters: 4, kernelSize: [3] as unknown as number })).toThrow('got [3]');
    expect(() => new Conv2D({ filters: 4, kernelSize: 3, strides: 0 })).toThrow('Conv2D: strides must be a positive integer or a pair of them, got 0');
    expect(() => new Conv2D({ filters: 4, kernelSize: 3, padding: 'full' as 'same' })).toThrow("Conv2D: padding must be 'valid' or 'same', got 'full'");
    expect(() => new MaxPooling2D({ poolSize: 0 })).toThrow('MaxPooling2D: poolSize must be a positive integer or a pair of them, got 0');
    expect(() => new MaxPooling2D({ poolSize: 2.5 })).toThrow('MaxPooling2D: poolSize must be a positive integer or a pair of them, got 2.5');
    expect(() => new MaxPooling2D({ poolSize: 2, strides: [1, 0] })).toThrow('MaxPooling2D: strides must be a positive integer or a pair of them, got [1, 0]');
    expect(new MaxPooling2D({ poolSize: [2, 3] }).strides).toEqual([2, 3]);
  });

  it('the conv2d op rejects a 0x0 filter (it used to return an output larger than the input)', () => {
    expect(() => conv2d(zeros([1, 5, 5, 1]), zeros([0, 0, 1, 2]))).toThrow('conv2d: the filter [0, 0, 1, 2] (HWIO) must have every dimension >= 1');
    expect(() => conv2d(zeros([1, 5, 5, 1]), zeros([3, 3, 1, 0]))).toThrow('conv2d: the filter [3, 3, 1, 0] (HWIO) must have every dimension >= 1');
  });
});
