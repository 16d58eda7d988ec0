/**
 * CPU kernels against hand computations and naive reference loops: 'same'
 * padding offsets (TensorFlow puts the extra padding on the far side), the
 * first-max rule of max pooling, cross-entropy values, broadcasting, and the
 * GEMM and convolutions against direct loops on odd sizes, for every GEMM
 * variant: float64 and float32 on the plain-JS GEMM, float32 on the wasm SIMD
 * GEMM (test/cpu-wasm.test.ts adds wasm-vs-JS parity and threads).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import type { Padding, Shape } from '../engine/backends/backend.js';
import { sizeOf } from '../engine/backends/backend.js';
import { conv2dGeometry, pool2dGeometry } from '../engine/ops/geometry.js';
import { setBackend } from '../engine/runtime.js';
import { tensor } from '../engine/tensor.js';
import { add, mul, sub, div } from '../engine/ops/binary.js';
import { sum } from '../engine/ops/reduce.js';
import { conv2d } from '../engine/ops/conv2d.js';
import { maxPool2d } from '../engine/ops/maxpool2d.js';
import { logSoftmax, softmax } from '../engine/ops/softmax.js';
import { sparseSoftmaxCrossEntropy } from '../engine/ops/cross-entropy.js';
import { grad } from '../engine/autograd.js';
import { naiveConv, naiveMatmul } from './helpers/reference-kernels.js';
import { Rng } from './helpers/rng.js';

const f64 = new CpuBackend('float64');
/** Every GEMM variant of the CPU backend, by name. */
const variants: [string, CpuBackend][] = [
  ['float64 js', f64],
  ['float32 js', new CpuBackend('float32', { gemm: 'js' })],
  ['float32 wasm', new CpuBackend('float32', { gemm: 'wasm', threads: 1 })],
];

beforeAll(() => {
  setBackend(f64);
});

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what = ''): void {
  expect(actual.length, `${what} length`).toBe(expected.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i]));
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  expect(worst, `${what}: element ${at}: ${actual[at]} vs ${expected[at]}`).toBeLessThanOrEqual(tol);
}

const range = (n: number, start = 1): number[] => Array.from({ length: n }, (_, i) => i + start);

describe('conv2d padding follows TensorFlow', () => {
  it("'same', stride 2, 3x3 on 4x4: the extra padding goes to the bottom/right", () => {
    // padTotal = (2-1)*2 + 3 - 4 = 1 -> top 0, bottom 1.
    const x = tensor(range(16), [1, 4, 4, 1]);
    const w = tensor(new Array(9).fill(1), [3, 3, 1, 1]);
    const y = conv2d(x, w, { strides: 2, padding: 'same' });
    expect(y.shape).toEqual([1, 2, 2, 1]);
    // rows 0-2 x cols 0-2; rows 0-2 x cols 2-3; rows 2-3 x cols 0-2; rows 2-3 x cols 2-3.
    expect(Array.from(y.dataSync())).toEqual([54, 45, 72, 54]);
  });

  it("'same', stride 1, 3x3 on 3x4: one zero on each side", () => {
    const x = tensor(range(12), [1, 3, 4, 1]);
    const w = tensor(new Array(9).fill(1), [3, 3, 1, 1]);
    const y = conv2d(x, w, { padding: 'same' });
    // Neighbourhood sums of [[1,2,3,4],[5,6,7,8],[9,10,11,12]] with zero padding.
    expect(Array.from(y.dataSync())).toEqual([14, 24, 30, 22, 33, 54, 63, 45, 30, 48, 54, 38]);
  });

  it("'same', stride 1, 2x2 kernel: all padding on the far side", () => {
    const x = tensor(range(9), [1, 3, 3, 1]);
    const w = tensor([1, 1, 1, 1], [2, 2, 1, 1]);
    const y = conv2d(x, w, { padding: 'same' });
    // y[i][j] = x[i][j] + x[i][j+1] + x[i+1][j] + x[i+1][j+1], zeros past the edge.
    expect(Array.from(y.dataSync())).toEqual([12, 16, 9, 24, 28, 15, 15, 17, 9]);
  });

  it('channels, bias and fused relu', () => {
    // x 1x1x2 pixels with 2 channels, 1x1 filter mixing channels into 2 outputs.
    const x = tensor([1, 2, 3, -4], [1, 1, 2, 2]);
    const w = tensor([1, -1, 2, 0.5], [1, 1, 2, 2]); // out0 = x0 + 2 x1, out1 = -x0 + 0.5 x1
    const b = tensor([0.5, -1], [2]);
    expect(Array.from(conv2d(x, w, { bias: b }).dataSync())).toEqual([5.5, -1, -4.5, -6]);
    expect(Array.from(conv2d(x, w, { bias: b, activation: 'relu' }).dataSync())).toEqual([5.5, 0, 0, 0]);
  });
});

describe('maxPool2d', () => {
  it('ties route the gradient to the first maximum in the window (row-major scan)', () => {
    // One 2x2 window per channel; channel 0 is all equal, channel 1 ties at positions 1 and 2.
    const x = tensor([5, 1, 5, 7, 5, 7, 5, 2], [1, 2, 2, 2]);
    const y = maxPool2d(x, { poolSize: 2 });
    expect(Array.from(y.dataSync())).toEqual([5, 7]);
    const [dx] = grad((t) => sum(maxPool2d(t, { poolSize: 2 })))(x);
    expect(Array.from(dx.dataSync())).toEqual([1, 0, 0, 1, 0, 0, 0, 0]);
  });

  it("'same' padding ignores out-of-range taps (negative inputs stay negative)", () => {
    const x = tensor(range(9).map((v) => -v), [1, 3, 3, 1]);
    const y = maxPool2d(x, { poolSize: 2, padding: 'same' });
    expect(y.shape).toEqual([1, 2, 2, 1]);
    // windows: rows 0-1 x cols 0-1, rows 0-1 x col 2, row 2 x cols 0-1, row 2 x col 2.
    expect(Array.from(y.dataSync())).toEqual([-1, -3, -7, -9]);
  });

  it('overlapping windows sum their gradients at a shared maximum', () => {
    const x = tensor([0, 0, 0, 0, 9, 0, 0, 0, 0], [1, 3, 3, 1]);
    const [dx] = grad((t) => sum(maxPool2d(t, { poolSize: 2, strides: 1 })))(x);
    expect(Array.from(dx.dataSync())).toEqual([0, 0, 0, 0, 4, 0, 0, 0, 0]);
  });
});

describe('softmax and cross-entropy values', () => {
  const logits = [1, 2, 3, 1, 1, 1];
  it('softmax and logSoftmax', () => {
    const x = tensor(logits, [2, 3]);
    const z = Math.exp(1) + Math.exp(2) + Math.exp(3);
    expectClose(softmax(x).dataSync(), [Math.exp(1) / z, Math.exp(2) / z, Math.exp(3) / z, 1 / 3, 1 / 3, 1 / 3], 1e-15);
    expectClose(logSoftmax(x).dataSync(), [1 - Math.log(z), 2 - Math.log(z), 3 - Math.log(z), -Math.log(3), -Math.log(3), -Math.log(3)], 1e-15);
  });

  it('sparse cross-entropy is the batch mean of -log p[label]', () => {
    const z = Math.exp(1) + Math.exp(2) + Math.exp(3);
    const expected = ((Math.log(z) - 3) + Math.log(3)) / 2;
    const loss = sparseSoftmaxCrossEntropy(tensor(logits, [2, 3]), [2, 0]);
    expect(loss.shape).toEqual([]);
    expect(loss.dataSync()[0]).toBeCloseTo(expected, 14);
  });

  it('is stable for large logits', () => {
    const loss = sparseSoftmaxCrossEntropy(tensor([1000, 0, -1000], [1, 3]), [1]);
    expect(loss.dataSync()[0]).toBeCloseTo(1000, 10);
    expect(Array.from(softmax(tensor([1000, 1000], [1, 2])).dataSync())).toEqual([0.5, 0.5]);
  });

  it('backward is (probs - onehot) / N', () => {
    const [d] = grad((t) => sparseSoftmaxCrossEntropy(t, [2, 0]))(tensor(logits, [2, 3]));
    const z = Math.exp(1) + Math.exp(2) + Math.exp(3);
    expectClose(d.dataSync(), [Math.exp(1) / z / 2, Math.exp(2) / z / 2, (Math.exp(3) / z - 1) / 2, (1 / 3 - 1) / 2, 1 / 6, 1 / 6], 1e-15);
  });
});

describe('broadcasting', () => {
  it('row vector, column vector, scalar and rank extension', () => {
    const a = tensor(range(6), [2, 3]);
    expect(Array.from(add(a, tensor([10, 20, 30], [3])).dataSync())).toEqual([11, 22, 33, 14, 25, 36]);
    expect(Array.from(mul(tensor([1, 2], [2, 1]), tensor([1, 10, 100], [1, 3])).dataSync())).toEqual([1, 10, 100, 2, 20, 200]);
    expect(Array.from(sub(10, a).dataSync())).toEqual([9, 8, 7, 6, 5, 4]);
    expect(Array.from(div(a, 2).dataSync())).toEqual([0.5, 1, 1.5, 2, 2.5, 3]);
    const b = tensor(range(24), [2, 3, 4]);
    const c = tensor([100, 200, 300], [3, 1]);
    const y = add(b, c);
    expect(y.shape).toEqual([2, 3, 4]);
    const expected = range(24).map((v, i) => v + [100, 200, 300][Math.floor(i / 4) % 3]);
    expect(Array.from(y.dataSync())).toEqual(expected);
  });

  it('sum over mixed axes', () => {
    const x = tensor(range(24), [2, 3, 4]);
    expect(Array.from(sum(x, [0, 2]).dataSync())).toEqual([
      1 + 2 + 3 + 4 + 13 + 14 + 15 + 16, 5 + 6 + 7 + 8 + 17 + 18 + 19 + 20, 9 + 10 + 11 + 12 + 21 + 22 + 23 + 24,
    ]);
    expect(Array.from(sum(x, 1, true).dataSync())).toEqual([15, 18, 21, 24, 51, 54, 57, 60]);
  });
});

describe('GEMM against a naive reference', () => {
  const sizes: [number, number, number][] = [
    [37, 53, 29],
    [1, 1, 1],
    [3, 2, 5],
    [6, 530, 263], // crosses the K and N blocks
  ];
  for (const [variant, backend] of variants) {
    const dtype = backend.floatDType;
    for (const [M, K, N] of sizes) {
      for (const tA of [false, true]) {
        for (const tB of [false, true]) {
          it(`${variant} ${M}x${K}x${N} transposeA=${tA} transposeB=${tB}`, () => {
            const rng = new Rng(M * 31 + N);
            const av = rng.values(M * K);
            const bv = rng.values(K * N);
            const a = backend.upload(av, tA ? [K, M] : [M, K], dtype);
            const b = backend.upload(bv, tB ? [N, K] : [K, N], dtype);
            const c = backend.kernels.matmul(a, b, tA, tB);
            expect(c.shape).toEqual([M, N]);
            expect(c.dtype).toBe(dtype);
            expect(c.storage).toBeInstanceOf(dtype === 'float32' ? Float32Array : Float64Array);
            // Reference from the values the backend holds (float32-rounded inputs for float32).
            const ref = naiveMatmul(a.storage, b.storage, M, N, K, tA, tB);
            expectClose(c.storage, ref, dtype === 'float32' ? 1e-5 * Math.sqrt(K) : 1e-13);
          });
        }
      }
    }
  }
});

describe('convolution kernels (im2col on JS, implicit GEMM on wasm) against direct loops', () => {
  const cases: { x: Shape; w: Shape; strides: [number, number]; padding: Padding }[] = [
    { x: [3, 20, 20, 8], w: [3, 3, 8, 5], strides: [1, 1], padding: 'same' }, // more rows than one im2col chunk
    { x: [2, 11, 9, 3], w: [3, 2, 3, 7], strides: [2, 1], padding: 'valid' },
    { x: [2, 11, 9, 3], w: [5, 4, 3, 2], strides: [2, 3], padding: 'same' },
    { x: [2, 6, 5, 4], w: [1, 1, 4, 3], strides: [1, 1], padding: 'valid' }, // pointwise path
    { x: [1, 4, 4, 1], w: [4, 4, 1, 2], strides: [1, 1], padding: 'same' },
  ];
  for (const [variant, backend] of variants) {
    const dtype = backend.floatDType;
    for (const c of cases) {
      it(`${variant} x [${c.x}] w [${c.w}] strides [${c.strides}] ${c.padding}`, () => {
        const rng = new Rng(sizeOf(c.x) + sizeOf(c.w));
        const g = conv2dGeometry('test', c.x, c.w, c.strides, c.padding);
        const x = backend.upload(rng.values(sizeOf(c.x)), c.x, dtype);
        const w = backend.upload(rng.values(sizeOf(c.w)), c.w, dtype);
        const dy = backend.upload(rng.values(g.batch * g.outH * g.outW * g.outC), [g.batch, g.outH, g.outW, g.outC], dtype);
        const ref = naiveConv(x.storage, w.storage, dy.storage, g);
        const tol = dtype === 'float32' ? 1e-5 : 1e-13;
        const k = backend.kernels;
        expectClose(k.conv2d(x, w, null, g, false).storage, ref.y, tol, 'forward');
        expectClose(k.conv2dBackpropInput(dy, w, g).storage, ref.dx, tol, 'backprop input');
        expectClose(k.conv2dBackpropFilter(x, dy, g).storage, ref.dw, tol * 10, 'backprop filter');
      });
    }
  }
});

describe('maxPool2d against direct loops', () => {
  it('forward values and first-max indices on random data with ties', () => {
    const rng = new Rng(5);
    const shape = [2, 9, 7, 3];
    // Few distinct values: many ties.
    const values = Array.from({ length: sizeOf(shape) }, () => rng.int(4));
    for (const [pool, stride, padding] of [[2, 2, 'valid'], [3, 2, 'same'], [3, 1, 'same'], [2, 3, 'same']] as [number, number, Padding][]) {
      const g = pool2dGeometry('test', shape, [pool, pool], [stride, stride], padding);
      const x = f64.upload(values, shape, 'float64');
      const { y, argmax } = f64.kernels.maxPool2d(x, g);
      for (let n = 0; n < g.batch; n++)
        for (let oh = 0; oh < g.outH; oh++)
          for (let ow = 0; ow < g.outW; ow++)
            for (let c = 0; c < g.channels; c++) {
              let best = -Infinity;
              let at = -1;
              for (let ph = 0; ph < g.poolH; ph++)
                for (let pw = 0; pw < g.poolW; pw++) {
                  const ih = oh * g.strideH - g.padTop + ph;
                  const iw = ow * g.strideW - g.padLeft + pw;
                  if (ih < 0 || ih >= g.inH || iw < 0 || iw >= g.inW) continue;
                  const i = ((n * g.inH + ih) * g.inW + iw) * g.channels + c;
                  if (values[i] > best) {
                    best = values[i];
                    at = i;
                  }
                }
              const o = ((n * g.outH + oh) * g.outW + ow) * g.channels + c;
              expect(y.storage[o]).toBe(best);
              expect(argmax.storage[o]).toBe(at);
            }
    }
  });
});

describe('backend basics', () => {
  it('views share storage, memory counts live bytes, outputs keep the float type', () => {
    const b = new CpuBackend('float64');
    const t = b.upload([1, 2, 3, 4, 5, 6], [2, 3], 'float64');
    expect(b.memory().usedBytes).toBe(48);
    const v = b.view(t, 3, [3]);
    expect(Array.from(b.readSync(v))).toEqual([4, 5, 6]);
    b.kernels.copyInto(b.upload([7, 8, 9], [3], 'float64'), v);
    expect(Array.from(b.readSync(t))).toEqual([1, 2, 3, 7, 8, 9]);
    expect(b.kernels.unary(t, 'exp').storage).toBeInstanceOf(Float64Array);
    b.release(t.storage);
    expect(b.memory().usedBytes).toBe(24 + 48);
    expect(b.describe()).toContain('float64');
  });

  it('adam follows the Keras update', () => {
    const b = new CpuBackend('float32');
    const p = b.upload([1, -2], [2], 'float32');
    const g = b.upload([0.5, -0.25], [2], 'float32');
    const m = b.fill([2], 'float32', 0);
    const v = b.fill([2], 'float32', 0);
    const lr = 0.1;
    const stepSize = (lr * Math.sqrt(1 - 0.999)) / (1 - 0.9);
    b.kernels.adam(p, g, m, v, { stepSize, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, decay: 0 });
    const expected = [0.5, -0.25].map((gi, i) => {
      const mi = 0.1 * gi;
      const vi = 0.001 * gi * gi;
      return [1, -2][i] - (stepSize * mi) / (Math.sqrt(vi) + 1e-7);
    });
    expectClose(b.readSync(p), expected, 1e-6);
    expectClose(b.readSync(m), [0.05, -0.025], 1e-7);
  });
});
