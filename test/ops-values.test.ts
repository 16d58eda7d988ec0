/**
 * Forward values of the op families of issue 13 on the CPU backend (float64), against
 * reference numbers that do not come from the engine: published constants (erf, gelu), values
 * worked by hand, and brute-force loops written here. The gradient checks only show that a
 * gradient matches its forward pass; these show the forward pass is the right function.
 */
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { erf, erfc } from '../engine/backends/cpu/math.js';
import { setBackend } from '../engine/runtime.js';
import { tensor, type Tensor } from '../engine/tensor.js';
import { abs, clip, rsqrt, sign, sqrt, square } from '../engine/ops/math.js';
import { elu, gelu, leakyRelu, sigmoid, softplus, tanh } from '../engine/ops/activations.js';
import { maximum, minimum, pow, squaredDifference } from '../engine/ops/binary-math.js';
import { equal, greater, greaterEqual, less, lessEqual, notEqual } from '../engine/ops/compare.js';
import { where } from '../engine/ops/where.js';
import { cast } from '../engine/ops/cast.js';
import { broadcastTo, expandDims, pad, slice, squeeze, tile, transpose } from '../engine/ops/shape.js';
import { concat, stack } from '../engine/ops/concat.js';
import { gather } from '../engine/ops/gather.js';
import { argmin, logSumExp, max, min, moments } from '../engine/ops/reductions.js';
import { argmax } from '../engine/ops/argmax.js';
import { batchMatmul } from '../engine/ops/batch-matmul.js';
import { avgPool2d, globalAvgPool2d, globalMaxPool2d } from '../engine/ops/pooling.js';
import { conv2d } from '../engine/ops/conv2d.js';
import { conv2dTranspose, depthwiseConv2d } from '../engine/ops/conv-variants.js';
import { batchNorm, batchNormTraining, layerNorm } from '../engine/ops/normalization.js';
import { dropout } from '../engine/ops/dropout.js';
import { oneHot } from '../engine/ops/one-hot.js';
import { meanSquaredError, sigmoidCrossEntropy, softmaxCrossEntropy } from '../engine/ops/losses.js';
import { sparseSoftmaxCrossEntropy } from '../engine/ops/cross-entropy.js';
import { matmul } from '../engine/ops/matmul.js';
import { Rng } from './helpers/rng.js';

// Set at load time: some describe blocks build their inputs while the tests are collected.
setBackend(new CpuBackend('float64'));

const values = (t: Tensor): number[] => Array.from(t.dataSync());

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-12): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i] - expected[i]), `element ${i}: ${actual[i]} vs ${expected[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected[i])));
  }
}

describe('element-wise math', () => {
  it('erf and erfc match published values in both tails', () => {
    // Abramowitz & Stegun table 7.1 and high-precision references.
    expect(erf(0.5)).toBeCloseTo(0.5204998778130465, 15);
    expect(erf(1)).toBeCloseTo(0.8427007929497149, 15);
    expect(erf(2.5)).toBeCloseTo(0.9995930479825550, 15);
    expect(erf(-3)).toBeCloseTo(-0.9999779095030014, 15);
    expect(erfc(3) / 2.209049699858544e-5).toBeCloseTo(1, 12);
    expect(erfc(5) / 1.5374597944280349e-12).toBeCloseTo(1, 12);
    expect(erfc(-1)).toBeCloseTo(1.8427007929497148, 15);
  });

  it('sqrt, rsqrt, square, abs, sign, clip', () => {
    const x = tensor([4, 0.25, 9], [3]);
    expectClose(values(sqrt(x)), [2, 0.5, 3]);
    expectClose(values(rsqrt(x)), [0.5, 2, 1 / 3]);
    const y = tensor([-2, 0, 3.5], [3]);
    expectClose(values(square(y)), [4, 0, 12.25]);
    expectClose(values(abs(y)), [2, 0, 3.5]);
    expectClose(values(sign(y)), [-1, 0, 1]);
    expectClose(values(clip(y, -1, 1)), [-1, 0, 1]);
  });

  it('activations', () => {
    const x = tensor([-2, 0, 1, 30, -30], [5]);
    expectClose(values(sigmoid(x)), [1 / (1 + Math.exp(2)), 0.5, 1 / (1 + Math.exp(-1)), 1, Math.exp(-30) / (1 + Math.exp(-30))]);
    expectClose(values(tanh(x)), [Math.tanh(-2), 0, Math.tanh(1), 1, -1]);
    expectClose(values(softplus(x)), [Math.log(1 + Math.exp(-2)), Math.LN2, Math.log(1 + Math.E), 30 + Math.log1p(Math.exp(-30)), Math.exp(-30)]);
    expectClose(values(leakyRelu(x, 0.1)), [-0.2, 0, 1, 30, -3]);
    expectClose(values(elu(x, 2)), [2 * (Math.exp(-2) - 1), 0, 1, 30, 2 * (Math.exp(-30) - 1)]);
    // gelu(1) = Φ(1) = 0.8413447460685429; the tanh form is 0.8411919906082768 (PyTorch's values).
    expectClose(values(gelu(tensor([1, -1], [2]))), [0.8413447460685429, -0.15865525393145707], 1e-14);
    expectClose(values(gelu(tensor([1, -1], [2]), { approximate: true })), [0.8411919906082768, -0.15880800939172324], 1e-14);
  });

  it('pow, maximum, minimum, squaredDifference with broadcasting', () => {
    const a = tensor([2, -2, 0, 4], [2, 2]);
    expectClose(values(pow(a, tensor([3, 2], [2]))), [8, 4, 0, 16]);
    expectClose(values(pow(tensor([0, 0, 4], [3]), tensor([0, 2, 0.5], [3]))), [1, 0, 2]);
    expect(Number.isNaN(values(pow(tensor([-8], [1]), 1 / 3))[0])).toBe(true);
    expectClose(values(maximum(a, 1)), [2, 1, 1, 4]);
    expectClose(values(minimum(a, tensor([0, 3], [1, 2]))), [0, -2, 0, 3]);
    expectClose(values(squaredDifference(a, tensor([1], [1]))), [1, 9, 1, 9]);
  });

  it('comparisons return int32 0/1; where selects; cast truncates and saturates', () => {
    const a = tensor([1, 2, 3], [3]);
    const b = tensor([2, 2, 2], [3]);
    for (const [f, want] of [[equal, [0, 1, 0]], [notEqual, [1, 0, 1]], [less, [1, 0, 0]], [lessEqual, [1, 1, 0]], [greater, [0, 0, 1]], [greaterEqual, [0, 1, 1]]] as const) {
      const r = f(a, b);
      expect(r.dtype).toBe('int32');
      expect(values(r)).toEqual(want);
    }
    expect(values(less(tensor([1, 5], [2], 'int32'), tensor([3], [1], 'int32')))).toEqual([1, 0]);
    expectClose(values(where(greater(a, 1.5), a, tensor([10], [1]))), [10, 2, 3]);
    expect(values(where(tensor([1, 0], [2, 1], 'int32'), tensor([1, 2, 3], [3], 'int32'), -1))).toEqual([1, 2, 3, -1, -1, -1]);
    const c = cast(tensor([1.7, -1.7, 3e10, -3e10, NaN], [5]), 'int32');
    expect(c.dtype).toBe('int32');
    expect(values(c)).toEqual([1, -1, 2147483647, -2147483648, 0]);
    expect(values(cast(tensor([3, -4], [2], 'int32'), 'float64'))).toEqual([3, -4]);
  });
});

describe('shape ops', () => {
  const x = tensor(Array.from({ length: 24 }, (_, i) => i), [2, 3, 4]);
  const at = (i: number, j: number, k: number) => i * 12 + j * 4 + k;

  it('transpose', () => {
    const t = transpose(x, [2, 0, 1]);
    expect(t.shape).toEqual([4, 2, 3]);
    const want: number[] = [];
    for (let k = 0; k < 4; k++) for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) want.push(at(i, j, k));
    expect(values(t)).toEqual(want);
    expect(transpose(tensor([1, 2, 3, 4, 5, 6], [2, 3])).shape).toEqual([3, 2]);
  });

  it('slice, pad, tile', () => {
    const s = slice(x, [1, 1, 2], [1, 2, -1]);
    expect(s.shape).toEqual([1, 2, 2]);
    expect(values(s)).toEqual([at(1, 1, 2), at(1, 1, 3), at(1, 2, 2), at(1, 2, 3)]);
    const p = pad(tensor([1, 2, 3, 4], [2, 2]), [[1, 0], [0, 2]], 9);
    expect(p.shape).toEqual([3, 4]);
    expect(values(p)).toEqual([9, 9, 9, 9, 1, 2, 9, 9, 3, 4, 9, 9]);
    const t = tile(tensor([1, 2, 3, 4], [2, 2]), [2, 3]);
    expect(t.shape).toEqual([4, 6]);
    expect(values(t).slice(0, 12)).toEqual([1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4]);
    expect(values(t).slice(12)).toEqual([1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4]);
  });

  it('broadcastTo, squeeze, expandDims', () => {
    const b = broadcastTo(tensor([1, 2, 3], [3, 1]), [2, 3, 2]);
    expect(values(b)).toEqual([1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3]);
    const view = broadcastTo(x, [1, 2, 3, 4]);
    expect(view.handle.storage).toBe(x.handle.storage);
    expect(expandDims(x, -1).shape).toEqual([2, 3, 4, 1]);
    expect(squeeze(tensor([5], [1, 1, 1])).shape).toEqual([]);
    expect(squeeze(expandDims(x, 1), 1).shape).toEqual([2, 3, 4]);
  });

  it('concat and stack', () => {
    const a = tensor([1, 2, 3, 4], [2, 2]);
    const b = tensor([5, 6], [2, 1]);
    expect(values(concat([a, b], 1))).toEqual([1, 2, 5, 3, 4, 6]);
    expect(values(concat([a, tensor([7, 8], [1, 2])], 0))).toEqual([1, 2, 3, 4, 7, 8]);
    const s = stack([a, a], 2);
    expect(s.shape).toEqual([2, 2, 2]);
    expect(values(s)).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
  });

  it('gather rows (embedding lookup) and along an inner axis', () => {
    const table = tensor([0, 1, 10, 11, 20, 21], [3, 2]);
    const g = gather(table, tensor([2, 0, 2, 1], [2, 2], 'int32'));
    expect(g.shape).toEqual([2, 2, 2]);
    expect(values(g)).toEqual([20, 21, 0, 1, 20, 21, 10, 11]);
    const inner = gather(x, [3, 0], 2);
    expect(inner.shape).toEqual([2, 3, 2]);
    expect(values(inner)).toEqual([3, 0, 7, 4, 11, 8, 15, 12, 19, 16, 23, 20]);
  });
});

describe('reductions', () => {
  const rng = new Rng(3);
  const data = rng.values(60, -3, 3);
  const x = tensor(data, [3, 4, 5]);
  /** Brute force over axes [0, 2] of [3, 4, 5]: one list per j. */
  const groups = Array.from({ length: 4 }, (_, j) => {
    const g: number[] = [];
    for (let i = 0; i < 3; i++) for (let k = 0; k < 5; k++) g.push(data[i * 20 + j * 5 + k]);
    return g;
  });

  it('max, min, logSumExp, moments over axes [0, 2]', () => {
    expectClose(values(max(x, [0, 2])), groups.map((g) => Math.max(...g)));
    expectClose(values(min(x, [0, 2], true)), groups.map((g) => Math.min(...g)));
    expect(min(x, [0, 2], true).shape).toEqual([1, 4, 1]);
    expectClose(values(logSumExp(x, [0, 2])), groups.map((g) => Math.log(g.reduce((s, v) => s + Math.exp(v), 0))));
    const { mean, variance } = moments(x, [0, 2]);
    const mu = groups.map((g) => g.reduce((s, v) => s + v, 0) / g.length);
    expectClose(values(mean), mu);
    expectClose(values(variance), groups.map((g, j) => g.reduce((s, v) => s + (v - mu[j]) ** 2, 0) / g.length));
  });

  it('argmax and argmin along any axis give the first extreme', () => {
    const t = tensor([3, 1, 3, 1, 0, 5], [2, 3]);
    expect(values(argmin(t, 1))).toEqual([1, 1]);
    expect(values(argmin(t, 0))).toEqual([1, 1, 0]);
    expect(values(argmax(t, 0))).toEqual([0, 0, 1]);
    expect(values(argmax(t))).toEqual([0, 2]);
    expect(argmin(t, 0).dtype).toBe('int32');
  });
});

describe('linear algebra, pooling and convolution variants', () => {
  it('batchMatmul equals a loop of 2-D matmuls with the batch broadcast', () => {
    const rng = new Rng(4);
    const a = tensor(rng.values(3 * 2 * 4), [3, 1, 2, 4]);
    const b = tensor(rng.values(2 * 5 * 4), [2, 5, 4]);
    const c = batchMatmul(a, b, false, true);
    expect(c.shape).toEqual([3, 2, 2, 5]);
    const got = values(c);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 2; j++) {
        const ai = slice(a, [i, 0, 0, 0], [1, 1, 2, 4]);
        const bj = slice(b, [j, 0, 0], [1, 5, 4]);
        const want = values(matmul(squeeze(ai, [0, 1]), squeeze(bj, 0), false, true));
        expectClose(got.slice((i * 2 + j) * 10, (i * 2 + j + 1) * 10), want);
      }
    }
  });

  it('avgPool2d counts only taps inside the input; global pools', () => {
    const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    expectClose(values(avgPool2d(x, { poolSize: 2, strides: 2, padding: 'same' })), [3, 4.5, 7.5, 9]);
    expectClose(values(avgPool2d(x, { poolSize: 2, strides: 1 })), [3, 4, 6, 7]);
    expectClose(values(globalAvgPool2d(x)), [5]);
    expectClose(values(globalMaxPool2d(x)), [9]);
  });

  it('a dilated conv equals a conv with the zero-stuffed filter; groups equal split convs', () => {
    const rng = new Rng(5);
    const x = tensor(rng.values(2 * 7 * 7 * 4), [2, 7, 7, 4]);
    const wv = rng.values(2 * 2 * 4 * 3);
    // Dilation 2: taps 0 and 2, as a 3x3 filter whose middle row and column are zero.
    const stuffed = new Float64Array(3 * 3 * 4 * 3);
    for (let kh = 0; kh < 2; kh++) for (let kw = 0; kw < 2; kw++) for (let i = 0; i < 12; i++) stuffed[(kh * 2 * 3 + kw * 2) * 12 + i] = wv[(kh * 2 + kw) * 12 + i];
    expectClose(values(conv2d(x, tensor(wv, [2, 2, 4, 3]), { dilations: 2 })), values(conv2d(x, tensor(stuffed, [3, 3, 4, 3]))));
    // groups 2: the two halves of the input channels through the two halves of the filter's outputs.
    const wg = tensor(rng.values(3 * 3 * 2 * 6), [3, 3, 2, 6]);
    const y = conv2d(x, wg, { groups: 2, padding: 'same' });
    const y0 = conv2d(slice(x, [0, 0, 0, 0], [-1, -1, -1, 2]), slice(wg, [0, 0, 0, 0], [-1, -1, -1, 3]), { padding: 'same' });
    const y1 = conv2d(slice(x, [0, 0, 0, 2], [-1, -1, -1, 2]), slice(wg, [0, 0, 0, 3], [-1, -1, -1, 3]), { padding: 'same' });
    expectClose(values(y), values(concat([y0, y1], 3)));
  });

  it('depthwiseConv2d: output channel c·multiplier + m convolves input channel c with filter[..., c, m]', () => {
    const rng = new Rng(6);
    const x = tensor(rng.values(1 * 5 * 5 * 2), [1, 5, 5, 2]);
    const w = tensor(rng.values(3 * 3 * 2 * 2), [3, 3, 2, 2]);
    const y = depthwiseConv2d(x, w);
    expect(y.shape).toEqual([1, 3, 3, 4]);
    const got = values(y);
    for (let c = 0; c < 2; c++) {
      for (let m = 0; m < 2; m++) {
        const single = conv2d(slice(x, [0, 0, 0, c], [-1, -1, -1, 1]), slice(w, [0, 0, c, m], [-1, -1, 1, 1]));
        const want = values(single);
        want.forEach((v, p) => expect(got[p * 4 + c * 2 + m]).toBeCloseTo(v, 12));
      }
    }
  });

  it('conv2dTranspose scatters each input pixel through the filter', () => {
    // One input pixel of value 2, stride 2, a 2x2 filter [kH, kW, outC=1, inC=1]: the output is 2·filter at its place.
    const x = tensor([0, 2, 0, 0], [1, 2, 2, 1]);
    const w = tensor([1, 2, 3, 4], [2, 2, 1, 1]);
    const y = conv2dTranspose(x, w, { strides: 2 });
    expect(y.shape).toEqual([1, 4, 4, 1]);
    expect(values(y)).toEqual([0, 0, 2, 4, 0, 0, 6, 8, 0, 0, 0, 0, 0, 0, 0, 0]);
  });
});

describe('normalization, dropout, oneHot and losses', () => {
  it('batchNorm, batchNormTraining and layerNorm against the formulas', () => {
    const x = tensor([1, 10, 3, 20, 5, 60], [3, 2]);
    const y = batchNorm(x, { mean: tensor([3, 30], [2]), variance: tensor([4, 100], [2]), scale: tensor([2, 1], [2]), offset: tensor([0, 1], [2]), epsilon: 1e-9 });
    expectClose(values(y), [-2, -1, 0, 0, 2, 4], 1e-8);
    const t = batchNormTraining(x, { epsilon: 1e-9 });
    expectClose(values(t.mean), [3, 30]);
    expectClose(values(t.variance), [8 / 3, 1400 / 3]);
    expectClose(values(t.y), [-1, 10, 0, 20, 1, 60].map((v, i) => (i % 2 === 0 ? v * Math.sqrt(3 / 2) : (v - 30) / Math.sqrt(1400 / 3))), 1e-8);
    const l = layerNorm(tensor([1, 2, 3, 4, 4, 4], [2, 3]), { epsilon: 1e-9 });
    expectClose(values(l), [-Math.sqrt(1.5), 0, Math.sqrt(1.5), 0, 0, 0], 1e-8);
  });

  it('dropout keeps about 1 − rate of the elements, scaled, and is reproducible from the seed', () => {
    const x = tensor(new Float64Array(20_000).fill(1), [20_000]);
    const a = values(dropout(x, 0.3, 7));
    const kept = a.filter((v) => v !== 0);
    expect(kept.length / a.length).toBeGreaterThan(0.68);
    expect(kept.length / a.length).toBeLessThan(0.72);
    expect(new Set(kept)).toEqual(new Set([1 / 0.7]));
    expect(values(dropout(x, 0.3, 7))).toEqual(a);
    expect(values(dropout(x, 0.3, 8))).not.toEqual(a);
    expect(dropout(x, 0, 7)).toBe(x);
  });

  it('oneHot', () => {
    const h = oneHot([2, 0, 5], 3);
    expect(h.shape).toEqual([3, 3]);
    expect(values(h)).toEqual([0, 0, 1, 1, 0, 0, 0, 0, 0]);
    expect(values(oneHot(tensor([1], [1, 1], 'int32'), 2, 5, -1))).toEqual([-1, 5]);
  });

  it('softmaxCrossEntropy: plain equals the sparse loss; smoothing and weights follow their definitions', () => {
    const rng = new Rng(9);
    const logits = tensor(rng.values(12, -2, 2), [4, 3]);
    const labels = [0, 2, 1, 2];
    expectClose(values(softmaxCrossEntropy(logits, labels)), values(sparseSoftmaxCrossEntropy(logits, labels)));
    const lv = values(logits);
    const weights = [1, 0.5, 3];
    let want = 0;
    for (let r = 0; r < 4; r++) {
      const row = lv.slice(r * 3, r * 3 + 3);
      const lse = Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
      const target = [0, 1, 2].map((c) => (c === labels[r] ? 0.9 : 0) + 0.1 / 3);
      want += weights[labels[r]] * target.reduce((s, t, c) => s + t * (lse - row[c]), 0);
    }
    expectClose(values(softmaxCrossEntropy(logits, labels, { labelSmoothing: 0.1, classWeights: weights })), [want / 4]);
  });

  it('sigmoidCrossEntropy and meanSquaredError', () => {
    const x = tensor([-50, 0, 2], [3]);
    const z = tensor([0, 1, 0.25], [3]);
    const want = [0, 1, 0.25].map((zi, i) => {
      const xi = [-50, 0, 2][i];
      const p = 1 / (1 + Math.exp(-xi));
      return -(zi * Math.log(p) + (1 - zi) * Math.log(1 - p));
    });
    expectClose(values(sigmoidCrossEntropy(x, z)), [want.reduce((s, v) => s + v, 0) / 3], 1e-10);
    expectClose(values(meanSquaredError(tensor([1, 2], [2]), tensor([0, 4], [2]))), [2.5]);
  });
});
