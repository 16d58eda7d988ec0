/**
 * Finite-difference gradient checks, float64 on the CPU backend, for every op
 * that has a backward rule. Inputs are kept away from kinks: ReLU inputs (and
 * fused conv+ReLU pre-activations) have |x| >= a margin, max-pool inputs are
 * distinct with gaps far larger than the step h. The float32 backends (wasm
 * SIMD and plain-JS GEMM) are checked against these float64 gradients at the end.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import type { Padding, Shape } from '../engine/backends/backend.js';
import { sizeOf } from '../engine/backends/backend.js';
import { getBackend, noGrad, setBackend, tidy } from '../engine/runtime.js';
import { grad } from '../engine/autograd.js';
import { tensor, type Tensor } from '../engine/tensor.js';
import { add, div, mul, sub } from '../engine/ops/binary.js';
import { exp, log, neg, scale } from '../engine/ops/unary.js';
import { relu } from '../engine/ops/relu.js';
import { mean, sum } from '../engine/ops/reduce.js';
import { flatten, reshape } from '../engine/ops/reshape.js';
import { dense, matmul } from '../engine/ops/matmul.js';
import { conv2d } from '../engine/ops/conv2d.js';
import { maxPool2d } from '../engine/ops/maxpool2d.js';
import { logSoftmax, softmax } from '../engine/ops/softmax.js';
import { sparseSoftmaxCrossEntropy } from '../engine/ops/cross-entropy.js';
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

function expectGradients(f: (...xs: Tensor[]) => Tensor, inputs: GradInput[]): void {
  const r = gradcheck(f, inputs);
  expect(r.checked).toBeGreaterThan(0);
  expect(r.maxRelError, r.worst).toBeLessThan(TOLERANCE);
}

describe('gradcheck: element-wise ops', () => {
  const binaryCases: { a: Shape; b: Shape }[] = [
    { a: [3, 4], b: [3, 4] },
    { a: [2, 3, 4], b: [4] },
    { a: [2, 1, 4], b: [3, 1] },
    { a: [1, 5], b: [3, 1] },
    { a: [3, 4], b: [] },
    { a: [], b: [2, 3] },
    { a: [2, 3, 1, 2], b: [3, 4, 1] },
  ];
  const ops = { add, sub, mul, div } as const;
  for (const [name, op] of Object.entries(ops)) {
    for (const { a, b } of binaryCases) {
      it(`${name} [${a}] with [${b}]`, () => {
        const rng = new Rng(17 + a.length * 7 + b.length);
        const loss = weightedSum(rng);
        // b is a divisor: keep it away from 0.
        const bValues = name === 'div' ? rng.awayFromZero(sizeOf(b), 0.5, 2) : rng.values(sizeOf(b));
        expectGradients((x, y) => loss(op(x, y)), [input(rng.values(sizeOf(a)), a), input(bValues, b)]);
      });
    }
  }

  it('binary ops with a number operand', () => {
    const rng = new Rng(3);
    const loss = weightedSum(rng);
    expectGradients(
      (x) => loss(add(mul(sub(2.5, x), 0.5), div(x, 3))),
      [input(rng.values(12), [3, 4])],
    );
  });

  it('the same tensor used twice (gradients accumulate)', () => {
    const rng = new Rng(4);
    const loss = weightedSum(rng);
    expectGradients((x) => loss(mul(x, exp(x))), [input(rng.values(10), [2, 5])]);
  });

  it('neg', () => {
    const rng = new Rng(5);
    const loss = weightedSum(rng);
    expectGradients((x) => loss(neg(x)), [input(rng.values(24), [2, 3, 4])]);
  });

  it('exp', () => {
    const rng = new Rng(6);
    const loss = weightedSum(rng);
    expectGradients((x) => loss(exp(x)), [input(rng.values(24, -2, 2), [4, 6])]);
  });

  it('log', () => {
    const rng = new Rng(7);
    const loss = weightedSum(rng);
    expectGradients((x) => loss(log(x)), [input(rng.values(15, 0.3, 3), [5, 3])]);
  });

  it('scale', () => {
    const rng = new Rng(8);
    const loss = weightedSum(rng);
    expectGradients((x) => loss(scale(x, -1.75)), [input(rng.values(14), [2, 7])]);
  });

  it('relu', () => {
    const rng = new Rng(9);
    const loss = weightedSum(rng);
    expectGradients((x) => loss(relu(x)), [input(rng.awayFromZero(60, 0.05), [3, 4, 5])]);
  });
});

describe('gradcheck: reductions and reshapes', () => {
  const shape = [3, 4, 5];
  const axesCases: (number | number[] | undefined)[] = [undefined, 0, 1, 2, -1, [0, 2], [1, 2], [0, 1]];
  for (const axis of axesCases) {
    for (const keepDims of [false, true]) {
      it(`sum axis=${JSON.stringify(axis)} keepDims=${keepDims}`, () => {
        const rng = new Rng(11);
        const loss = weightedSum(rng);
        expectGradients((x) => loss(sum(x, axis, keepDims)), [input(rng.values(60), shape)]);
      });
      it(`mean axis=${JSON.stringify(axis)} keepDims=${keepDims}`, () => {
        const rng = new Rng(12);
        const loss = weightedSum(rng);
        expectGradients((x) => loss(mean(x, axis, keepDims)), [input(rng.values(60), shape)]);
      });
    }
  }

  it('reshape (with an inferred axis)', () => {
    const rng = new Rng(13);
    const loss = weightedSum(rng);
    expectGradients((x) => loss(mul(reshape(x, [4, -1]), reshape(x, [4, 6]))), [input(rng.values(24), [2, 3, 4])]);
  });

  it('flatten', () => {
    const rng = new Rng(14);
    const loss = weightedSum(rng);
    expectGradients((x) => loss(exp(flatten(x))), [input(rng.values(2 * 3 * 4 * 2), [2, 3, 4, 2])]);
  });
});

describe('gradcheck: matmul and dense', () => {
  for (const transposeA of [false, true]) {
    for (const transposeB of [false, true]) {
      it(`matmul transposeA=${transposeA} transposeB=${transposeB}`, () => {
        const rng = new Rng(21);
        const loss = weightedSum(rng);
        const [M, K, N] = [5, 7, 6];
        const aShape = transposeA ? [K, M] : [M, K];
        const bShape = transposeB ? [N, K] : [K, N];
        expectGradients(
          (a, b) => loss(matmul(a, b, transposeA, transposeB)),
          [input(rng.values(M * K), aShape), input(rng.values(K * N), bShape)],
        );
      });
    }
  }

  it('dense with bias', () => {
    const rng = new Rng(22);
    const loss = weightedSum(rng);
    expectGradients(
      (x, w, b) => loss(dense(x, w, b)),
      [input(rng.values(4 * 9), [4, 9]), input(rng.values(9 * 5), [9, 5]), input(rng.values(5), [5])],
    );
  });

  it('dense without bias', () => {
    const rng = new Rng(23);
    const loss = weightedSum(rng);
    expectGradients((x, w) => loss(dense(x, w)), [input(rng.values(3 * 8), [3, 8]), input(rng.values(8 * 2), [8, 2])]);
  });
});

/** Smallest |pre-activation| of conv2d without relu, to keep fused-relu checks off the kink. */
function minAbsPreActivation(x: GradInput, w: GradInput, b: GradInput, strides: number, padding: Padding): number {
  return noGrad(() => {
    const y = conv2d(tensor(x.values, x.shape), tensor(w.values, w.shape), { strides, padding, bias: tensor(b.values, b.shape) });
    let m = Infinity;
    for (const v of y.dataSync()) m = Math.min(m, Math.abs(v));
    y.dispose();
    return m;
  });
}

interface ConvCase {
  x: Shape;
  w: Shape;
  strides: number;
  padding: Padding;
}

const convCases: ConvCase[] = [
  { x: [2, 6, 7, 3], w: [3, 3, 3, 4], strides: 1, padding: 'valid' },
  { x: [2, 6, 7, 3], w: [3, 3, 3, 4], strides: 1, padding: 'same' },
  { x: [2, 7, 6, 2], w: [3, 2, 2, 3], strides: 2, padding: 'valid' },
  { x: [2, 7, 6, 2], w: [3, 2, 2, 3], strides: 2, padding: 'same' },
  { x: [3, 5, 6, 2], w: [2, 2, 2, 3], strides: 1, padding: 'same' },
  { x: [2, 4, 5, 3], w: [1, 1, 3, 2], strides: 1, padding: 'valid' },
];

/** The inputs of a conv case (with relu, resampled until every pre-activation is clear of 0) and its loss weights. */
function convCaseInputs(c: ConvCase, withBias: boolean, activation: 'linear' | 'relu') {
  const rng = new Rng(31 + c.x[1] * 3 + c.strides);
  const loss = weightedSum(rng);
  const outC = c.w[3];
  let x = input(rng.values(sizeOf(c.x)), c.x);
  let w = input(rng.values(sizeOf(c.w)), c.w);
  let b = input(withBias ? rng.values(outC) : new Float64Array(outC), [outC]);
  // Deterministic for the seed.
  for (let tries = 0; activation === 'relu' && minAbsPreActivation(x, w, b, c.strides, c.padding) < 0.02; tries++) {
    expect(tries).toBeLessThan(500);
    x = input(rng.values(sizeOf(c.x)), c.x);
    w = input(rng.values(sizeOf(c.w)), c.w);
    if (withBias) b = input(rng.values(outC), [outC]);
  }
  return { loss, inputs: withBias ? [x, w, b] : [x, w] };
}

function convCaseLoss(c: ConvCase, withBias: boolean, activation: 'linear' | 'relu', loss: (t: Tensor) => Tensor) {
  return (xt: Tensor, wt: Tensor, bt?: Tensor) =>
    loss(conv2d(xt, wt, { strides: c.strides, padding: c.padding, bias: withBias ? bt : null, activation }));
}

describe('gradcheck: conv2d', () => {
  const cases = convCases;
  for (const c of cases) {
    for (const withBias of [true, false]) {
      for (const activation of ['linear', 'relu'] as const) {
        it(`x [${c.x}] w [${c.w}] strides ${c.strides} ${c.padding} bias=${withBias} ${activation}`, () => {
          const { loss, inputs } = convCaseInputs(c, withBias, activation);
          expectGradients(convCaseLoss(c, withBias, activation, loss), inputs);
        });
      }
    }
  }

  it('non-square strides', () => {
    const rng = new Rng(37);
    const loss = weightedSum(rng);
    expectGradients(
      (x, w) => loss(conv2d(x, w, { strides: [1, 2], padding: 'same' })),
      [input(rng.values(2 * 5 * 7 * 2), [2, 5, 7, 2]), input(rng.values(3 * 3 * 2 * 3), [3, 3, 2, 3])],
    );
  });
});

describe('gradcheck: maxPool2d', () => {
  const cases: { x: Shape; pool: number; strides: number; padding: Padding }[] = [
    { x: [2, 6, 8, 3], pool: 2, strides: 2, padding: 'valid' },
    { x: [2, 7, 5, 3], pool: 2, strides: 2, padding: 'valid' },
    { x: [2, 7, 5, 3], pool: 2, strides: 2, padding: 'same' },
    { x: [2, 7, 8, 2], pool: 3, strides: 3, padding: 'valid' },
    { x: [2, 7, 8, 2], pool: 3, strides: 3, padding: 'same' },
    { x: [2, 6, 7, 2], pool: 2, strides: 1, padding: 'valid' },
    { x: [2, 6, 7, 2], pool: 3, strides: 1, padding: 'same' },
    { x: [2, 7, 6, 3], pool: 3, strides: 2, padding: 'valid' },
    { x: [2, 7, 6, 3], pool: 3, strides: 2, padding: 'same' },
  ];
  for (const c of cases) {
    it(`x [${c.x}] pool ${c.pool} strides ${c.strides} ${c.padding}`, () => {
      const rng = new Rng(41 + c.pool * 5 + c.strides);
      const loss = weightedSum(rng);
      expectGradients(
        (x) => loss(maxPool2d(x, { poolSize: c.pool, strides: c.strides, padding: c.padding })),
        [input(rng.distinct(sizeOf(c.x), 0.01), c.x)],
      );
    });
  }
});

describe('gradcheck: softmax and cross-entropy', () => {
  it('softmax', () => {
    const rng = new Rng(51);
    const loss = weightedSum(rng);
    expectGradients((x) => loss(softmax(x)), [input(rng.values(4 * 6, -2, 2), [4, 6])]);
  });

  it('softmax over the last axis of a rank-3 tensor', () => {
    const rng = new Rng(52);
    const loss = weightedSum(rng);
    expectGradients((x) => loss(softmax(x)), [input(rng.values(2 * 3 * 5, -2, 2), [2, 3, 5])]);
  });

  it('logSoftmax', () => {
    const rng = new Rng(53);
    const loss = weightedSum(rng);
    expectGradients((x) => loss(logSoftmax(x)), [input(rng.values(5 * 7, -3, 3), [5, 7])]);
  });

  it('sparseSoftmaxCrossEntropy', () => {
    const rng = new Rng(54);
    const labels = [3, 0, 6, 6, 2];
    expectGradients((x) => sparseSoftmaxCrossEntropy(x, labels), [input(rng.values(5 * 7, -3, 3), [5, 7])]);
  });

  it('sparseSoftmaxCrossEntropy scaled by a further op', () => {
    const rng = new Rng(55);
    const labels = tensor([1, 0, 2, 1], [4], 'int32');
    expectGradients((x) => scale(sparseSoftmaxCrossEntropy(x, labels), 3.5), [input(rng.values(4 * 3, -2, 2), [4, 3])]);
  });
});

describe('gradcheck: a small CNN, every parameter', () => {
  it('conv(relu) -> maxpool -> conv(relu) -> flatten -> dense(relu) -> dense -> cross-entropy', () => {
    const rng = new Rng(61);
    const labels = [1, 4, 0];
    const shapes: Shape[] = [[3, 3, 2, 4], [4], [2, 2, 4, 3], [3], [12, 5], [5], [5, 5], [5]];
    const x = tensor(rng.values(3 * 8 * 8 * 2), [3, 8, 8, 2]);
    const f = (w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor, w3: Tensor, b3: Tensor, w4: Tensor, b4: Tensor): Tensor => {
      let h = conv2d(x, w1, { bias: b1, activation: 'relu' });
      h = maxPool2d(h, { poolSize: 2 });
      h = conv2d(h, w2, { bias: b2, activation: 'relu', padding: 'valid' });
      h = relu(dense(flatten(h), w3, b3));
      return sparseSoftmaxCrossEntropy(dense(h, w4, b4), labels);
    };
    const params = shapes.map((s) => input(rng.values(sizeOf(s), -0.8, 0.8), s));
    // Kinks (relu at 0, pool ties) are avoided by the seed: the check would fail loudly otherwise.
    expectGradients(f as (...xs: Tensor[]) => Tensor, params);
  });
});

/**
 * The float32 GEMM variants. Finite differences need float64, which runs on the
 * JS GEMM, so the float32 backends are checked against those verified float64
 * gradients instead: the wasm SIMD GEMM and the plain-JS GEMM each agree with
 * them, and with each other, within float32 rounding.
 */
describe('float32 gradients: the wasm SIMD GEMM and the JS GEMM agree', () => {
  const f32js = new CpuBackend('float32', { gemm: 'js' });
  const f32wasm = new CpuBackend('float32', { gemm: 'wasm', threads: 1 });
  /** Worst element error over the largest gradient element (normwise): float32 rounding of short sums is ~1e-7. */
  const PARITY = 2e-5;

  function gradsOn(backend: CpuBackend | null, f: (...xs: Tensor[]) => Tensor, inputs: GradInput[]): Float64Array[] {
    const previous = getBackend();
    if (backend) setBackend(backend);
    try {
      return tidy(() => grad(f)(...inputs.map((x) => tensor(x.values, x.shape))).map((g) => Float64Array.from(g.dataSync())));
    } finally {
      setBackend(previous);
    }
  }

  function relError(a: Float64Array, b: Float64Array): number {
    let worst = 0;
    let scale = 0;
    for (let i = 0; i < a.length; i++) {
      worst = Math.max(worst, Math.abs(a[i] - b[i]));
      scale = Math.max(scale, Math.abs(a[i]), Math.abs(b[i]));
    }
    return worst / Math.max(scale, 1e-30);
  }

  function expectParity(f: (...xs: Tensor[]) => Tensor, inputs: GradInput[]): void {
    const ref = gradsOn(null, f, inputs);
    const js = gradsOn(f32js, f, inputs);
    const wasm = gradsOn(f32wasm, f, inputs);
    ref.forEach((r, k) => {
      expect(relError(js[k], r), `input ${k}: float32 JS GEMM vs float64`).toBeLessThan(PARITY);
      expect(relError(wasm[k], r), `input ${k}: float32 wasm GEMM vs float64`).toBeLessThan(PARITY);
      expect(relError(wasm[k], js[k]), `input ${k}: wasm vs JS`).toBeLessThan(PARITY);
    });
  }

  for (const transposeA of [false, true]) {
    for (const transposeB of [false, true]) {
      it(`matmul transposeA=${transposeA} transposeB=${transposeB}`, () => {
        const rng = new Rng(24);
        const loss = weightedSum(rng);
        const [M, K, N] = [13, 37, 11];
        expectParity(
          (a, b) => loss(matmul(a, b, transposeA, transposeB)),
          [input(rng.values(M * K), transposeA ? [K, M] : [M, K]), input(rng.values(K * N), transposeB ? [N, K] : [K, N])],
        );
      });
    }
  }

  it('dense with bias', () => {
    const rng = new Rng(25);
    const loss = weightedSum(rng);
    expectParity((x, w, b) => loss(dense(x, w, b)), [input(rng.values(6 * 19), [6, 19]), input(rng.values(19 * 9), [19, 9]), input(rng.values(9), [9])]);
  });

  for (const c of convCases) {
    for (const withBias of [true, false]) {
      for (const activation of ['linear', 'relu'] as const) {
        it(`conv2d x [${c.x}] w [${c.w}] strides ${c.strides} ${c.padding} bias=${withBias} ${activation}`, () => {
          const { loss, inputs } = convCaseInputs(c, withBias, activation);
          expectParity(convCaseLoss(c, withBias, activation, loss), inputs);
        });
      }
    }
  }
});
