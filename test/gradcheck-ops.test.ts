/**
 * Finite-difference gradient checks (float64, CPU backend) for the op families of issue 13,
 * the same helper and bound as test/gradcheck.test.ts. Inputs are kept away from kinks
 * (abs, leakyRelu, elu and clip at their corners; max/min and maximum/minimum ties) by the
 * way they are drawn.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import type { Padding, Shape } from '../engine/backends/backend.js';
import { sizeOf } from '../engine/backends/backend.js';
import { setBackend } from '../engine/runtime.js';
import { tensor, type Tensor } from '../engine/tensor.js';
import { abs, clip, rsqrt, sign, sqrt, square } from '../engine/ops/math.js';
import { elu, gelu, leakyRelu, sigmoid, softplus, tanh } from '../engine/ops/activations.js';
import { maximum, minimum, pow, squaredDifference } from '../engine/ops/binary-math.js';
import { greater } from '../engine/ops/compare.js';
import { where } from '../engine/ops/where.js';
import { cast } from '../engine/ops/cast.js';
import { broadcastTo, expandDims, pad, slice, squeeze, tile, transpose } from '../engine/ops/shape.js';
import { concat, stack } from '../engine/ops/concat.js';
import { gather } from '../engine/ops/gather.js';
import { logSumExp, max, min, moments, variance } from '../engine/ops/reductions.js';
import { batchMatmul } from '../engine/ops/batch-matmul.js';
import { avgPool2d, globalAvgPool2d, globalMaxPool2d } from '../engine/ops/pooling.js';
import { conv2d } from '../engine/ops/conv2d.js';
import { conv2dTranspose, depthwiseConv2d } from '../engine/ops/conv-variants.js';
import { batchNorm, batchNormTraining, layerNorm } from '../engine/ops/normalization.js';
import { dropout } from '../engine/ops/dropout.js';
import { meanSquaredError, sigmoidCrossEntropy, softmaxCrossEntropy } from '../engine/ops/losses.js';
import { add, mul } from '../engine/ops/binary.js';
import { sum } from '../engine/ops/reduce.js';
import { grad } from '../engine/autograd.js';
import { gradcheck, weightedSum, type GradInput } from './helpers/gradcheck.js';
import { Rng } from './helpers/rng.js';

const TOLERANCE = 1e-6;

beforeAll(() => {
  setBackend(new CpuBackend('float64'));
});

function input(values: Float64Array, shape: Shape): GradInput {
  expect(values.length).toBe(sizeOf(shape));
  return { values, shape };
}

function expectGradients(f: (...xs: Tensor[]) => Tensor, inputs: GradInput[], tolerance = TOLERANCE): void {
  const r = gradcheck(f, inputs);
  expect(r.checked).toBeGreaterThan(0);
  expect(r.maxRelError, r.worst).toBeLessThan(tolerance);
}

/** Values whose distance from every kink in `kinks` is at least `margin`. */
function awayFrom(rng: Rng, n: number, kinks: number[], lo = -2, hi = 2, margin = 0.05): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v: number;
    do v = rng.uniform(lo, hi);
    while (kinks.some((k) => Math.abs(v - k) < margin));
    out[i] = v;
  }
  return out;
}

describe('gradcheck: unary math and activations', () => {
  const shape = [3, 5];
  const cases: { name: string; f: (x: Tensor) => Tensor; values: (rng: Rng) => Float64Array }[] = [
    { name: 'sqrt', f: sqrt, values: (r) => r.values(15, 0.2, 3) },
    { name: 'rsqrt', f: rsqrt, values: (r) => r.values(15, 0.2, 3) },
    { name: 'square', f: square, values: (r) => r.values(15, -2, 2) },
    { name: 'abs', f: abs, values: (r) => r.awayFromZero(15, 0.05, 2) },
    { name: 'sigmoid', f: sigmoid, values: (r) => r.values(15, -6, 6) },
    { name: 'tanh', f: tanh, values: (r) => r.values(15, -3, 3) },
    { name: 'gelu (erf)', f: (x) => gelu(x), values: (r) => r.values(15, -4, 4) },
    { name: 'gelu (tanh approximation)', f: (x) => gelu(x, { approximate: true }), values: (r) => r.values(15, -4, 4) },
    { name: 'softplus', f: softplus, values: (r) => r.values(15, -8, 8) },
    { name: 'leakyRelu alpha 0.15', f: (x) => leakyRelu(x, 0.15), values: (r) => r.awayFromZero(15, 0.05, 2) },
    { name: 'elu alpha 0.7', f: (x) => elu(x, 0.7), values: (r) => r.awayFromZero(15, 0.05, 2) },
    { name: 'clip [-0.5, 0.8]', f: (x) => clip(x, -0.5, 0.8), values: (r) => awayFrom(r, 15, [-0.5, 0.8]) },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const rng = new Rng(100 + c.name.length);
      const loss = weightedSum(rng);
      expectGradients((x) => loss(c.f(x)), [input(c.values(rng), shape)]);
    });
  }

  it('sign has no gradient (zeros)', () => {
    const [g] = grad((x) => sum(mul(sign(x), x)))(tensor([-2, 0.5, 3], [3]));
    // d/dx of sign(x)·x with sign constant is sign(x).
    expect(Array.from(g.dataSync())).toEqual([-1, 1, 1]);
  });
});

describe('gradcheck: binary math, where and cast', () => {
  const pairs: { a: Shape; b: Shape }[] = [
    { a: [3, 4], b: [3, 4] },
    { a: [2, 3, 4], b: [4] },
    { a: [2, 1, 3], b: [4, 1] },
  ];
  for (const { a, b } of pairs) {
    it(`pow [${a}] ^ [${b}] (positive base)`, () => {
      const rng = new Rng(201);
      const loss = weightedSum(rng);
      expectGradients((x, y) => loss(pow(x, y)), [input(rng.values(sizeOf(a), 0.3, 2.5), a), input(rng.values(sizeOf(b), -2, 2), b)]);
    });
    for (const [name, op] of [['maximum', maximum], ['minimum', minimum]] as const) {
      it(`${name} [${a}] with [${b}]`, () => {
        const rng = new Rng(202);
        const loss = weightedSum(rng);
        // A ladder shuffled into both operands: no two values are within 0.01 of each other.
        const all = rng.distinct(sizeOf(a) + sizeOf(b), 0.05);
        expectGradients((x, y) => loss(op(x, y)), [input(all.slice(0, sizeOf(a)), a), input(all.slice(sizeOf(a)), b)]);
      });
    }
    it(`squaredDifference [${a}] with [${b}]`, () => {
      const rng = new Rng(203);
      const loss = weightedSum(rng);
      expectGradients((x, y) => loss(squaredDifference(x, y)), [input(rng.values(sizeOf(a)), a), input(rng.values(sizeOf(b)), b)]);
    });
    it(`where(cond, [${a}], [${b}])`, () => {
      const rng = new Rng(204);
      const loss = weightedSum(rng);
      const out = a.length >= b.length ? a : b;
      const cond = tensor(Array.from({ length: sizeOf(out) }, () => (rng.next() < 0.5 ? 1 : 0)), out, 'int32');
      expectGradients((x, y) => loss(where(cond, x, y)), [input(rng.values(sizeOf(a)), a), input(rng.values(sizeOf(b)), b)]);
    });
  }

  it('pow with a negative base and integer exponents (gradient in the base)', () => {
    const rng = new Rng(205);
    const loss = weightedSum(rng);
    const exponents = tensor([2, 3, -1, 4, 1, -2], [6]);
    expectGradients((x) => loss(pow(x, exponents)), [input(rng.values(6, -2, -0.4), [6])]);
  });

  it('where with a comparison as condition and a number branch', () => {
    const rng = new Rng(206);
    const loss = weightedSum(rng);
    const y = tensor(rng.values(12), [3, 4]);
    expectGradients((x) => loss(where(greater(y, 0), x, 0.5)), [input(rng.values(12), [3, 4])]);
  });

  it('cast float64 -> float32 -> float64 passes the gradient through (rounded to float32 on the way)', () => {
    // A finite difference cannot see through float32 rounding, so the rule is checked exactly:
    // d/dx Σ w·cast(cast(x)) = w, as float32 values.
    const rng = new Rng(207);
    const w = rng.values(10);
    const [g] = grad((x) => sum(mul(cast(cast(x, 'float32'), 'float64'), tensor(w, [2, 5]))))(tensor(rng.values(10), [2, 5]));
    expect(g.dtype).toBe('float64');
    expect(Array.from(g.dataSync())).toEqual(Array.from(w, Math.fround));
  });
});

describe('gradcheck: shape ops', () => {
  const rng = new Rng(300);
  const x234 = () => input(rng.values(24), [2, 3, 4]);
  const cases: { name: string; f: (x: Tensor) => Tensor }[] = [
    { name: 'transpose (reverse)', f: (x) => transpose(x) },
    { name: 'transpose [1, 2, 0]', f: (x) => transpose(x, [1, 2, 0]) },
    { name: 'slice', f: (x) => slice(x, [1, 0, 1], [1, -1, 2]) },
    { name: 'pad', f: (x) => pad(x, [[1, 0], [0, 2], [1, 1]], 0.5) },
    { name: 'tile', f: (x) => tile(x, [2, 1, 3]) },
    { name: 'broadcastTo (copy)', f: (x) => broadcastTo(slice(x, [0, 0, 0], [2, 1, 4]), [3, 2, 5, 4]) },
    { name: 'broadcastTo (view: leading axes)', f: (x) => broadcastTo(x, [1, 1, 2, 3, 4]) },
    { name: 'squeeze / expandDims', f: (x) => squeeze(expandDims(expandDims(x, 1), -1), [1, 4]) },
    { name: 'concat axis 1 with itself and a slice', f: (x) => concat([x, slice(x, [0, 1, 0], [2, 2, 4]), x], 1) },
    { name: 'concat axis -1', f: (x) => concat([x, square(x)], -1) },
    { name: 'stack axis 1', f: (x) => stack([x, sigmoid(x)], 1) },
    { name: 'gather axis 0 with repeats (embedding lookup)', f: (x) => gather(x, [1, 0, 1, 1]) },
    { name: 'gather axis 2, 2-D indices', f: (x) => gather(x, tensor([3, 0, 3, 2, 3, 1], [2, 3], 'int32'), 2) },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const loss = weightedSum(rng);
      expectGradients((x) => loss(c.f(x)), [x234()]);
    });
  }
});

describe('gradcheck: reductions', () => {
  const shape = [3, 4, 5];
  const axesCases: (number | number[] | undefined)[] = [undefined, 0, -1, [0, 2], [1, 2]];
  for (const axis of axesCases) {
    for (const keepDims of [false, true]) {
      const tag = `axis=${JSON.stringify(axis)} keepDims=${keepDims}`;
      it(`max and min ${tag}`, () => {
        const rng = new Rng(401);
        const loss = weightedSum(rng);
        const values = rng.distinct(60, 0.02);
        expectGradients((x) => add(loss(max(x, axis, keepDims)), loss(min(x, axis, keepDims))), [input(values, shape)]);
      });
      it(`logSumExp and variance ${tag}`, () => {
        const rng = new Rng(402);
        const loss = weightedSum(rng);
        expectGradients((x) => add(loss(logSumExp(x, axis, keepDims)), loss(variance(x, axis, keepDims))), [input(rng.values(60, -2, 2), shape)]);
      });
    }
  }

  it('moments: mean and variance of one kernel call in one loss', () => {
    const rng = new Rng(403);
    const loss = weightedSum(rng);
    expectGradients((x) => {
      const { mean, variance: v } = moments(x, [0, 1]);
      return add(loss(mean), loss(mul(v, mean)));
    }, [input(rng.values(60), shape)]);
  });

  it('max shares the gradient among ties', () => {
    const [g] = grad((x) => max(x))(tensor([1, 3, 3, 2], [4]));
    expect(Array.from(g.dataSync())).toEqual([0, 0.5, 0.5, 0]);
  });
});

describe('gradcheck: batchMatmul', () => {
  const cases: { a: Shape; b: Shape; ta: boolean; tb: boolean }[] = [
    { a: [2, 3, 4], b: [2, 4, 5], ta: false, tb: false },
    { a: [2, 4, 3], b: [2, 4, 5], ta: true, tb: false },
    { a: [2, 3, 4], b: [5, 4], ta: false, tb: true },
    { a: [3, 1, 2, 4], b: [2, 4, 3], ta: false, tb: false },
    { a: [1, 4, 3], b: [2, 1, 5, 4], ta: true, tb: true },
  ];
  for (const c of cases) {
    it(`a [${c.a}]${c.ta ? 'ᵀ' : ''} · b [${c.b}]${c.tb ? 'ᵀ' : ''}`, () => {
      const rng = new Rng(501);
      const loss = weightedSum(rng);
      expectGradients((a, b) => loss(batchMatmul(a, b, c.ta, c.tb)), [input(rng.values(sizeOf(c.a)), c.a), input(rng.values(sizeOf(c.b)), c.b)]);
    });
  }
});

describe('gradcheck: pooling', () => {
  const cases: { x: Shape; pool: number; strides: number; padding: Padding }[] = [
    { x: [2, 6, 5, 2], pool: 2, strides: 2, padding: 'valid' },
    { x: [2, 5, 7, 2], pool: 3, strides: 2, padding: 'same' },
    { x: [1, 5, 5, 3], pool: 2, strides: 1, padding: 'same' },
  ];
  for (const c of cases) {
    it(`avgPool2d x [${c.x}] pool ${c.pool} strides ${c.strides} ${c.padding}`, () => {
      const rng = new Rng(601);
      const loss = weightedSum(rng);
      expectGradients((x) => loss(avgPool2d(x, { poolSize: c.pool, strides: c.strides, padding: c.padding })), [input(rng.values(sizeOf(c.x)), c.x)]);
    });
  }
  it('globalAvgPool2d and globalMaxPool2d', () => {
    const rng = new Rng(602);
    const loss = weightedSum(rng);
    expectGradients((x) => add(loss(globalAvgPool2d(x)), loss(globalMaxPool2d(x))), [input(rng.distinct(2 * 4 * 3 * 3, 0.03), [2, 4, 3, 3])]);
  });
});

describe('gradcheck: convolution variants', () => {
  const grouped: { name: string; x: Shape; w: Shape; strides: number; padding: Padding; dilations: number; groups: number }[] = [
    { name: 'dilation 2 valid', x: [2, 7, 6, 2], w: [3, 2, 2, 3], strides: 1, padding: 'valid', dilations: 2, groups: 1 },
    { name: 'dilation 2 same stride 2', x: [1, 7, 7, 2], w: [3, 3, 2, 2], strides: 2, padding: 'same', dilations: 2, groups: 1 },
    { name: 'groups 2', x: [2, 5, 5, 4], w: [3, 3, 2, 6], strides: 1, padding: 'same', dilations: 1, groups: 2 },
    { name: 'groups 3 dilation 2 stride 2', x: [1, 8, 7, 3], w: [2, 3, 1, 3], strides: 2, padding: 'valid', dilations: 2, groups: 3 },
  ];
  for (const c of grouped) {
    it(`conv2d ${c.name} x [${c.x}] w [${c.w}]`, () => {
      const rng = new Rng(701);
      const loss = weightedSum(rng);
      expectGradients(
        (x, w, b) => loss(conv2d(x, w, { strides: c.strides, padding: c.padding, dilations: c.dilations, groups: c.groups, bias: b })),
        [input(rng.values(sizeOf(c.x)), c.x), input(rng.values(sizeOf(c.w)), c.w), input(rng.values(c.w[3]), [c.w[3]])],
      );
    });
  }
  it('depthwiseConv2d with a channel multiplier', () => {
    const rng = new Rng(702);
    const loss = weightedSum(rng);
    expectGradients(
      (x, w) => loss(depthwiseConv2d(x, w, { strides: 2, padding: 'same' })),
      [input(rng.values(2 * 6 * 5 * 3), [2, 6, 5, 3]), input(rng.values(3 * 3 * 3 * 2), [3, 3, 3, 2])],
    );
  });
  const transposed: { x: Shape; w: Shape; strides: number; padding: Padding }[] = [
    { x: [2, 3, 4, 3], w: [3, 3, 2, 3], strides: 1, padding: 'valid' },
    { x: [2, 3, 3, 2], w: [3, 3, 4, 2], strides: 2, padding: 'same' },
    { x: [1, 3, 2, 2], w: [2, 3, 3, 2], strides: 2, padding: 'valid' },
  ];
  for (const c of transposed) {
    it(`conv2dTranspose x [${c.x}] w [${c.w}] strides ${c.strides} ${c.padding}`, () => {
      const rng = new Rng(703);
      const loss = weightedSum(rng);
      expectGradients(
        (x, w) => loss(conv2dTranspose(x, w, { strides: c.strides, padding: c.padding })),
        [input(rng.values(sizeOf(c.x)), c.x), input(rng.values(sizeOf(c.w)), c.w)],
      );
    });
  }
});

describe('gradcheck: normalization', () => {
  it('batchNorm (inference): x, mean, variance, scale and offset', () => {
    const rng = new Rng(801);
    const loss = weightedSum(rng);
    expectGradients(
      (x, m, v, s, o) => loss(batchNorm(x, { mean: m, variance: v, scale: s, offset: o, epsilon: 1e-3 })),
      [input(rng.values(2 * 3 * 4), [2, 3, 4]), input(rng.values(4), [4]), input(rng.values(4, 0.5, 2), [4]), input(rng.values(4), [4]), input(rng.values(4), [4])],
    );
  });
  it('batchNormTraining: the batch statistics depend on x', () => {
    const rng = new Rng(802);
    const loss = weightedSum(rng);
    expectGradients(
      (x, s, o) => loss(batchNormTraining(x, { scale: s, offset: o, epsilon: 1e-3 }).y),
      [input(rng.values(2 * 3 * 2 * 3), [2, 3, 2, 3]), input(rng.values(3), [3]), input(rng.values(3), [3])],
    );
  });
  it('layerNorm', () => {
    const rng = new Rng(803);
    const loss = weightedSum(rng);
    expectGradients(
      (x, s, o) => loss(layerNorm(x, { scale: s, offset: o, epsilon: 1e-3 })),
      [input(rng.values(3 * 2 * 5), [3, 2, 5]), input(rng.values(5), [5]), input(rng.values(5), [5])],
    );
  });
});

describe('gradcheck: dropout and losses', () => {
  it('dropout (the mask from the seed is the same in backward)', () => {
    const rng = new Rng(901);
    const loss = weightedSum(rng);
    expectGradients((x) => loss(mul(dropout(x, 0.4, 1234), x)), [input(rng.values(40), [5, 8])]);
  });
  it('softmaxCrossEntropy with label smoothing and class weights', () => {
    const rng = new Rng(902);
    const weights = [0.5, 2, 1, 1.5];
    expectGradients((x) => softmaxCrossEntropy(x, [3, 0, 1, 1, 2], { labelSmoothing: 0.2, classWeights: weights }), [input(rng.values(5 * 4, -3, 3), [5, 4])]);
  });
  it('softmaxCrossEntropy plain equals sparseSoftmaxCrossEntropy in value and gradient', () => {
    const rng = new Rng(903);
    expectGradients((x) => softmaxCrossEntropy(x, [2, 0, 2]), [input(rng.values(3 * 3, -3, 3), [3, 3])]);
  });
  it('sigmoidCrossEntropy (binary cross-entropy from logits): logits and labels', () => {
    const rng = new Rng(904);
    expectGradients((x, z) => sigmoidCrossEntropy(x, z), [input(rng.values(12, -5, 5), [4, 3]), input(rng.values(12, 0, 1), [4, 3])]);
  });
  it('meanSquaredError', () => {
    const rng = new Rng(905);
    expectGradients((p, t) => meanSquaredError(p, t), [input(rng.values(12), [4, 3]), input(rng.values(12), [4, 3])]);
  });
});
