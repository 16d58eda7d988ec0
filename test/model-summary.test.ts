import { beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { setBackend } from '../engine/runtime.js';
import { tutorialCnn } from '../model/cnn.js';

describe('the tutorial CNN', () => {
  beforeAll(() => setBackend(new CpuBackend('float32')));

  it('has the tutorial’s output shapes and 130,890 parameters', () => {
    const model = tutorialCnn();
    const table = model.layerTable();
    expect(table.map((r) => r.outputShape)).toEqual([
      [26, 26, 32], [13, 13, 32], [11, 11, 64], [5, 5, 64], [3, 3, 64], [576], [128], [10],
    ]);
    expect(table.map((r) => r.params)).toEqual([320, 0, 18496, 0, 36928, 0, 73856, 1290]);
    expect(model.countParams()).toBe(130890);
    const text = model.summary(null);
    expect(text).toContain('conv2d (Conv2D)');
    expect(text).toContain('conv2d_1 (Conv2D)');
    expect(text).toContain('max_pooling2d (MaxPooling2D)');
    expect(text).toContain('dense_1 (Dense)');
    expect(text).toContain('(None, 3, 3, 64)');
    expect(text).toContain('Total params: 130,890');
  });

  it('initialises Glorot-uniform kernels within their limits and zero biases, reproducibly', async () => {
    const a = await tutorialCnn(7).getWeights();
    const b = await tutorialCnn(7).getWeights();
    const c = await tutorialCnn(8).getWeights();
    expect(a).toEqual(b);
    expect(a[0]).not.toEqual(c[0]);
    // conv2d kernel [3,3,1,32]: fanIn 9, fanOut 288 -> limit sqrt(6/297)
    const limit = Math.sqrt(6 / 297);
    expect(Math.max(...a[0].map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...a[0].map(Math.abs))).toBeGreaterThan(limit * 0.9);
    expect(a[1].every((v) => v === 0)).toBe(true);
  });

  it('rejects an input of the wrong shape with a message naming both shapes', () => {
    const model = tutorialCnn();
    expect(() => model.apply(zerosInput([2, 28, 28, 3]))).toThrow(/sequential: expected input of shape \[batch, 28, 28, 1\], got \[2, 28, 28, 3\]/);
  });
});

import { zeros } from '../engine/tensor.js';
function zerosInput(shape: number[]) {
  return zeros(shape);
}
