/**
 * The parity suite's core: every kernel of the table, forward and backward, on seeded random
 * inputs with odd sizes. Each case runs against any Backend and returns named host arrays plus
 * the reduction length behind them, so a test compares a backend with the CPU reference using
 * tolerances that grow with the reduction length. No Node-only imports: the headless-Chrome test
 * bundles this file into a page.
 */
import type { Backend, Conv2DGeometry, DType, Padding, Pool2DGeometry, Shape, TensorData, TypedArray } from '../../engine/backends/backend.js';
import { sizeOf } from '../../engine/backends/backend.js';
import { conv2dGeometry, pool2dGeometry } from '../../engine/ops/geometry.js';
import { Rng } from './rng.js';

export interface CaseResult {
  /** Named outputs; int32 outputs are compared exactly. */
  readonly outputs: Record<string, TypedArray>;
}

export interface ParityCase {
  readonly name: string;
  /** Terms summed per output (1 for element-wise): the tolerance scales with it. */
  readonly reduction: number;
  run(be: Backend): Promise<CaseResult>;
}

/** float32 unit roundoff. */
export const EPS32 = 2 ** -24;

/**
 * The stated tolerance: |actual - expected| <= RTOL * |expected| + 8 * EPS32 * L * scale, where L
 * is the reduction length and scale the largest |expected| of the output (the magnitude of the
 * partial sums whose rounding accumulates). Element-wise results (L = 1) must agree to ~1e-5.
 */
export const RTOL = 1e-5;

export function compare(actual: ArrayLike<number>, expected: ArrayLike<number>, reduction: number, exact: boolean): string | null {
  if (actual.length !== expected.length) return `length ${actual.length} vs ${expected.length}`;
  let scale = 1;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  const atol = exact ? 0 : 8 * EPS32 * reduction * scale;
  const rtol = exact ? 0 : RTOL;
  let worst = -1;
  let worstRatio = 0;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    const allowed = rtol * Math.abs(expected[i]) + atol;
    if (!(err <= allowed)) {
      const ratio = err / Math.max(allowed, 1e-30);
      if (!(ratio <= worstRatio)) {
        worstRatio = ratio;
        worst = i;
      }
    }
  }
  if (worst < 0) return null;
  return `element ${worst}: ${actual[worst]} vs ${expected[worst]} (allowed ${rtol} rel + ${atol.toExponential(2)} abs, L=${reduction})`;
}

export class Scope {
  private readonly made: TensorData[] = [];
  constructor(readonly be: Backend) {}
  up(values: ArrayLike<number>, shape: Shape, dtype: DType = this.be.floatDType): TensorData {
    return this.keep(this.be.upload(values, shape, dtype));
  }
  keep<D extends TensorData>(t: D): D {
    this.made.push(t);
    return t;
  }
  async done(outputs: Record<string, TensorData>): Promise<CaseResult> {
    const host: Record<string, TypedArray> = {};
    for (const [k, t] of Object.entries(outputs)) host[k] = await this.be.read(t);
    for (const t of this.made) this.be.release(t.storage);
    for (const t of Object.values(outputs)) if (!this.made.includes(t)) this.be.release(t.storage);
    return { outputs: host };
  }
}

function positive(rng: Rng, n: number): Float64Array {
  return rng.values(n, 0.1, 2);
}

function convCase(
  name: string, x: Shape, w: Shape, strides: [number, number], padding: Padding, bias: boolean, relu: boolean, seed: number,
): ParityCase[] {
  const g: Conv2DGeometry = conv2dGeometry(name, x, w, strides, padding);
  const make = () => {
    const rng = new Rng(seed);
    return {
      xs: rng.values(sizeOf(x)), ws: rng.values(sizeOf(w)), bs: rng.values(g.outC),
      dys: rng.values(g.batch * g.outH * g.outW * g.outC),
    };
  };
  const tag = `${name} x[${x}] w[${w}] s${strides} ${padding}`;
  return [
    {
      name: `conv2d ${tag}${bias ? ' +bias' : ''}${relu ? ' +relu' : ''}`,
      reduction: g.kH * g.kW * g.inC,
      async run(be) {
        const d = make();
        const s = new Scope(be);
        const y = be.kernels.conv2d(s.up(d.xs, x), s.up(d.ws, w), bias ? s.up(d.bs, [g.outC]) : null, g, relu);
        return s.done({ y });
      },
    },
    {
      name: `conv2dBackpropInput ${tag}`,
      reduction: g.kH * g.kW * g.outC,
      async run(be) {
        const d = make();
        const s = new Scope(be);
        const dx = be.kernels.conv2dBackpropInput(s.up(d.dys, [g.batch, g.outH, g.outW, g.outC]), s.up(d.ws, w), g);
        return s.done({ dx });
      },
    },
    {
      name: `conv2dBackpropFilter ${tag}`,
      reduction: g.batch * g.outH * g.outW,
      async run(be) {
        const d = make();
        const s = new Scope(be);
        const dw = be.kernels.conv2dBackpropFilter(s.up(d.xs, x), s.up(d.dys, [g.batch, g.outH, g.outW, g.outC]), g);
        return s.done({ dw });
      },
    },
  ];
}

function poolCase(x: Shape, pool: [number, number], strides: [number, number], padding: Padding, seed: number): ParityCase[] {
  const g: Pool2DGeometry = pool2dGeometry('maxPool2d', x, pool, strides, padding);
  const tag = `x[${x}] pool${pool} s${strides} ${padding}`;
  const make = () => {
    const rng = new Rng(seed);
    return { xs: rng.distinct(sizeOf(x)), dys: rng.values(g.batch * g.outH * g.outW * g.channels) };
  };
  return [
    {
      name: `maxPool2d ${tag}`,
      reduction: 1,
      async run(be) {
        const d = make();
        const s = new Scope(be);
        const { y, argmax } = be.kernels.maxPool2d(s.up(d.xs, x), g);
        return s.done({ y, argmax });
      },
    },
    {
      name: `maxPool2dBackward ${tag}`,
      reduction: pool[0] * pool[1],
      async run(be) {
        const d = make();
        const s = new Scope(be);
        const { y, argmax } = be.kernels.maxPool2d(s.up(d.xs, x), g);
        s.keep(y);
        s.keep(argmax);
        const dx = be.kernels.maxPool2dBackward(s.up(d.dys, y.shape), argmax, g);
        return s.done({ dx });
      },
    },
  ];
}

function elementwise(name: string, shape: Shape, seed: number, body: (s: Scope, rng: Rng) => TensorData): ParityCase {
  return {
    name: `${name} [${shape}]`,
    reduction: 1,
    async run(be) {
      const s = new Scope(be);
      return s.done({ y: body(s, new Rng(seed)) });
    },
  };
}

/** Every kernel of the table; `big` adds cases large enough to need 2-D dispatch folding at the real 65,535 limit. */
export function parityCases(big = true): ParityCase[] {
  const cases: ParityCase[] = [];
  const shapes: Shape[] = [[3, 5, 7], [1], [1023], ...(big ? [[4_194_305]] : [])];
  for (const shape of shapes) {
    const n = sizeOf(shape);
    for (const op of ['neg', 'exp', 'log', 'relu'] as const) {
      cases.push(elementwise(`unary ${op}`, shape, 1, (s, rng) => s.keep(s.be.kernels.unary(s.up(op === 'log' ? positive(rng, n) : rng.values(n, -3, 3), shape), op))));
    }
  }
  cases.push(elementwise('scale', [17, 19], 2, (s, rng) => s.keep(s.be.kernels.scale(s.up(rng.values(323), [17, 19]), -0.37))));
  const pairs: [Shape, Shape][] = [[[33, 17], [33, 17]], [[2, 3, 4], [4]], [[2, 1, 4], [3, 1]], [[5], []], [[], [6, 1]], [[2, 3, 1, 5, 1, 2, 1, 3], [3, 4, 5, 1, 2, 2, 1]]];
  for (const [a, b] of pairs) {
    for (const op of ['add', 'sub', 'mul', 'div'] as const) {
      const out = broadcast(a, b);
      cases.push(elementwise(`binary ${op} [${a}]~[${b}] ->`, out, 3, (s, rng) => {
        const av = s.up(rng.values(sizeOf(a)), a);
        const bv = s.up(op === 'div' ? rng.awayFromZero(sizeOf(b), 0.3, 2) : rng.values(sizeOf(b)), b);
        return s.keep(s.be.kernels.binary(av, bv, op, out));
      }));
    }
  }
  cases.push(elementwise('reluBackward', [41, 13], 4, (s, rng) => s.keep(s.be.kernels.reluBackward(s.up(rng.values(533), [41, 13]), s.up(rng.awayFromZero(533), [41, 13])))));
  // A multiple of 4 elements: the vec4 program (relu_backward_vec4.wgsl).
  cases.push(elementwise('reluBackward', [41, 12], 4, (s, rng) => s.keep(s.be.kernels.reluBackward(s.up(rng.values(492), [41, 12]), s.up(rng.awayFromZero(492), [41, 12])))));
  const sums: [Shape, number[]][] = [
    [[7, 9], [0]], [[7, 9], [1]], [[7, 9], [0, 1]], [[3, 4, 5, 6], [0, 2]], [[3, 4, 5, 6], [1, 3]],
    [[16, 13, 13, 32], [0, 1, 2]], [[100_003], [0]], [[2, 1, 9, 1], [1, 3]], [[5, 3000], [1]], [[3000, 5], [0]],
    // Long column sums of odd lengths (the innermost axis kept: reduce.ts splits them chunk-major,
    // sum_split.wgsl, and sums the partials as a column sum again, twice for the first).
    [[20_011, 3], [0]], [[4_099, 7, 32], [0, 1]], [[3, 5_003, 6], [1]],
  ];
  for (const [shape, axes] of sums) {
    const red = axes.reduce((n, a) => n * shape[a], 1);
    for (const keep of [false, true]) {
      const outShape = shape.flatMap((d, i) => (axes.includes(i) ? (keep ? [1] : []) : [d]));
      cases.push({
        name: `sum [${shape}] axes [${axes}]${keep ? ' keepDims' : ''}`,
        reduction: red,
        async run(be) {
          const s = new Scope(be);
          return s.done({ y: be.kernels.sum(s.up(new Rng(5).values(sizeOf(shape)), shape), axes, outShape) });
        },
      });
    }
  }
  if (big) {
    // conv1's bias gradient at batch 256 (173,056 pixels x 32 channels): the CNN-sized sum.
    const shape = [256 * 26 * 26, 32];
    cases.push({
      name: `sum conv1-like bias gradient [${shape}] axes [0]`,
      reduction: shape[0],
      async run(be) {
        const s = new Scope(be);
        return s.done({ y: be.kernels.sum(s.up(new Rng(25).values(sizeOf(shape)), shape), [0], [shape[1]]) });
      },
    });
  }
  for (const [rows, cols] of [[37, 10], [3, 1], [5, 1000], [1, 7]]) {
    const n = rows * cols;
    cases.push({
      name: `argmax/countCorrect/softmax/logSoftmax/softmaxCrossEntropy(+backward) [${rows},${cols}]`,
      reduction: cols,
      async run(be) {
        const rng = new Rng(6);
        const s = new Scope(be);
        const logits = s.up(rng.values(n, -4, 4), [rows, cols]);
        const labels = s.up(Array.from({ length: rows }, () => rng.int(cols)), [rows], 'int32');
        const { loss, probs } = be.kernels.softmaxCrossEntropy(logits, labels);
        s.keep(loss);
        s.keep(probs);
        const dLoss = s.up([1.7], []);
        return s.done({
          argmax: be.kernels.argmax(logits),
          count: be.kernels.countCorrect(logits, labels),
          softmax: be.kernels.softmax(logits),
          logSoftmax: be.kernels.logSoftmax(logits),
          loss, probs,
          dlogits: be.kernels.softmaxCrossEntropyBackward(probs, labels, dLoss),
        });
      },
    });
  }
  // [36, 21, 44] Aᵀ takes matmul_vec4_tn (M, N multiples of 4, K odd); [33, 20, 7] Bᵀ takes
  // matmul_vec4_nt with a partial block of rows and of columns (N = 7); [37, 52, 28] Bᵀ takes it whole.
  const mm: [number, number, number][] = [[37, 53, 29], [37, 52, 28], [65, 128, 12], [1, 17, 1], [4, 4, 4], [130, 70, 90], [5, 1, 3], [36, 21, 44], [33, 20, 7], ...(big ? [[256, 800, 10] as [number, number, number]] : [])];
  for (const [M, K, N] of mm) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        cases.push({
          name: `matmul ${M}x${K}x${N}${ta ? ' Aᵀ' : ''}${tb ? ' Bᵀ' : ''}`,
          reduction: K,
          async run(be) {
            const rng = new Rng(7);
            const s = new Scope(be);
            const a = s.up(rng.values(M * K), ta ? [K, M] : [M, K]);
            const b = s.up(rng.values(K * N), tb ? [N, K] : [K, N]);
            return s.done({ c: be.kernels.matmul(a, b, ta, tb) });
          },
        });
      }
    }
  }
  cases.push(...convCase('odd', [3, 13, 11, 5], [3, 3, 5, 7], [1, 1], 'valid', true, true, 8));
  cases.push(...convCase('same', [2, 9, 10, 3], [3, 3, 3, 6], [1, 1], 'same', true, false, 9));
  cases.push(...convCase('stride2 even kernel', [2, 9, 10, 3], [4, 2, 3, 6], [2, 2], 'same', false, true, 10));
  cases.push(...convCase('stride 2x3 valid', [2, 12, 13, 4], [3, 2, 4, 9], [2, 3], 'valid', false, false, 11));
  cases.push(...convCase('conv1-like', [16, 28, 28, 1], [3, 3, 1, 32], [1, 1], 'valid', true, true, 12));
  cases.push(...convCase('conv2-like', [8, 13, 13, 32], [3, 3, 32, 64], [1, 1], 'valid', true, true, 13));
  cases.push(...convCase('1x1', [2, 5, 5, 6], [1, 1, 6, 5], [1, 1], 'valid', false, false, 14));
  // Channel counts that are multiples of 4 select the vec4 (8x8 register block) kernels; with
  // 'same' padding and strides they exercise the padding checks and partial blocks of those kernels.
  cases.push(...convCase('vec4 same', [3, 11, 9, 8], [3, 3, 8, 12], [1, 1], 'same', true, true, 15));
  cases.push(...convCase('vec4 stride2 same', [2, 10, 13, 4], [3, 3, 4, 20], [2, 2], 'same', true, false, 16));
  cases.push(...convCase('vec4 5x5 same odd pixels', [1, 7, 5, 12], [5, 5, 12, 4], [1, 1], 'same', false, true, 17));
  // Channels in multiples of 16 select the 16 x 16 channel-vec4 kernels where Tiling.wideBlocks
  // (the *_16x16 files): six 16-wide column blocks, strides, padding and partial pixel blocks; its
  // 75 output pixels leave the 16 x 16 filter gradient's 4-pixel loop a tail. The second case's 19
  // images are one 16-image row group of the wide input gradient (groupedPixels4) and a tail of 3.
  cases.push(...convCase('wide blocks stride2 same', [3, 9, 9, 32], [3, 3, 32, 96], [2, 2], 'same', true, true, 32));
  cases.push(...convCase('wide blocks 16-image groups and a tail', [19, 5, 6, 16], [3, 3, 16, 16], [1, 1], 'valid', true, false, 34));
  // The block8 input gradients number their rows 8 images at a pixel (groupedPixels4 in
  // include/conv-grouped-rows.wgsl): 11 images are one full group and a tail of 3, 'same' with
  // stride 2 puts both taps that reach and taps that do not inside a group.
  cases.push(...convCase('vec4 grouped rows and a tail', [11, 7, 6, 8], [3, 3, 8, 12], [1, 1], 'valid', false, false, 30));
  cases.push(...convCase('vec4 grouped rows stride2 same', [10, 7, 9, 4], [3, 3, 4, 8], [2, 2], 'same', false, false, 31));
  // Channel counts a vec4 block can take but a channel-vec4 read cannot (6 input channels): the
  // vec4 kernels' scalar gathers (conv2d_vec4, conv2d_backprop_filter_vec4), which the cases
  // above, whose input channels are multiples of 4 or 8, leave to conv2d_c4 and _filter_c8.
  cases.push(...convCase('vec4 gathers same', [2, 9, 8, 6], [3, 3, 6, 8], [1, 1], 'same', true, true, 29));
  // One input channel and a 3x3 filter with outC % 4 == 0 select conv2d_c1_3x3 (the 9 taps
  // written out): padding, strides and a partial block of pixels.
  cases.push(...convCase('one channel 3x3 same stride2', [3, 11, 9, 1], [3, 3, 1, 8], [2, 2], 'same', true, true, 25));
  cases.push(...convCase('one channel 3x3 valid', [2, 7, 10, 1], [3, 3, 1, 12], [1, 1], 'valid', false, false, 26));
  // The tap-looped subgroup kernels (a tap's channels shared among the lanes): 19 and 21
  // channels leave a partial chunk on any subgroup width; 3 filters keep the input gradient on
  // the flat-k subgroup kernel (fewer than 4 channels per tap).
  cases.push(...convCase('taps many channels', [2, 6, 7, 19], [3, 3, 19, 21], [1, 1], 'same', true, true, 27));
  cases.push(...convCase('few filters', [2, 8, 7, 5], [3, 3, 5, 3], [1, 1], 'same', true, false, 28));
  cases.push(...poolCase([2, 13, 13, 5], [2, 2], [2, 2], 'valid', 15));
  cases.push(...poolCase([2, 9, 11, 3], [3, 3], [2, 2], 'same', 16));
  cases.push(...poolCase([1, 7, 6, 2], [3, 2], [1, 1], 'valid', 17));
  // Non-overlapping windows (stride >= pool) take the scatter backward; 'same' on odd sizes gives
  // partial edge windows, and stride > pool leaves inputs in no window at all (their dx must be 0).
  cases.push(...poolCase([2, 9, 11, 3], [2, 2], [2, 2], 'same', 18));
  cases.push(...poolCase([2, 10, 9, 4], [2, 2], [3, 3], 'valid', 19));
  // Channels in fours take the vec4 forward (with Tiling.vec4), and outputs in fours the vec4
  // scatter (the cases above with an even output count do too). 2x2 windows all inside the input
  // take maxpool2d_2x2_vec4 ([3,13,13,8] 2x2/2 below, [2,10,9,4] 2x2/3 above; 'same' on odd sizes
  // pads, so [2,9,11,4] below keeps the window walk).
  cases.push(...poolCase([3, 13, 13, 8], [2, 2], [2, 2], 'valid', 32));
  cases.push(...poolCase([2, 9, 11, 4], [2, 2], [2, 2], 'same', 33));
  cases.push(...poolCase([2, 9, 11, 8], [3, 3], [2, 2], 'same', 34));
  cases.push({
    name: 'adam, 3 steps over a flat buffer (param, m, v)',
    reduction: 1,
    async run(be) {
      const rng = new Rng(18);
      const n = 10_007;
      const s = new Scope(be);
      const param = s.up(rng.values(n), [n]);
      const m = s.up(new Float64Array(n), [n]);
      const v = s.up(new Float64Array(n), [n]);
      for (let t = 1; t <= 3; t++) {
        const grad = s.up(rng.values(n, -2, 2), [n]);
        const lr = 1e-2;
        const stepSize = (lr * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t);
        be.kernels.adam(param, grad, m, v, { stepSize, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, decay: t === 3 ? 1e-3 : 0 });
      }
      const out = await s.done({});
      return { outputs: { ...out.outputs, param: await be.read(param), m: await be.read(m), v: await be.read(v) } };
    },
  });
  // The other optimizer updates (optim/*.ts), each 3 steps over odd-sized flat buffers, every variant.
  const optimizerCase = (name: string, seed: number, slots: number, step: (be: Backend, param: TensorData, grad: TensorData, slots: TensorData[], t: number) => void): void => {
    cases.push({
      name,
      reduction: 1,
      async run(be) {
        const rng = new Rng(seed);
        const n = 4_099;
        const s = new Scope(be);
        const param = s.up(rng.values(n), [n]);
        // Slot 0 (a second moment or an accumulator) positive and above any average^2 (RMSprop centered stays > 0).
        const state = Array.from({ length: slots }, (_, j) => s.up(j === 0 ? rng.values(n, 0.2, 0.5) : rng.values(n, -0.1, 0.1), [n]));
        for (let t = 1; t <= 3; t++) step(be, param, s.up(rng.values(n, -2, 2), [n]), state, t);
        const outputs: Record<string, TypedArray> = { param: await be.read(param) };
        for (const [j, x] of state.entries()) outputs[`slot${j}`] = await be.read(x);
        await s.done({});
        return { outputs };
      },
    });
  };
  optimizerCase('sgd, plain and with weight decay', 20, 0, (be, p, g, _s, t) =>
    be.kernels.sgd(p, g, null, { learningRate: 0.05, momentum: 0, nesterov: false, decay: t === 2 ? 4e-3 : 0 }));
  // Variants whose flags are all off or all on (test/optimizers.test.ts runs every variant on WebGPU too).
  optimizerCase('sgd, momentum 0.9, Nesterov', 21, 1, (be, p, g, [v], t) =>
    be.kernels.sgd(p, g, v, { learningRate: 0.05, momentum: 0.9, nesterov: true, decay: t === 2 ? 4e-3 : 0 }));
  for (const [momentum, centered] of [[0, false], [0.5, true]] as const) {
    optimizerCase(`rmsprop, momentum ${momentum}${centered ? ', centered' : ''}`, 22, 1 + (momentum ? 1 : 0) + (centered ? 1 : 0), (be, p, g, sl, t) => {
      const [velocity, ...rest] = sl;
      const mom = momentum ? rest.shift()! : null;
      const average = centered ? rest.shift()! : null;
      be.kernels.rmsprop(p, g, velocity, mom, average, { learningRate: 0.01, rho: 0.9, momentum, epsilon: 1e-7, centered, decay: t === 2 ? 1e-3 : 0 });
    });
  }
  optimizerCase('adagrad', 23, 1, (be, p, g, [acc], t) =>
    be.kernels.adagrad(p, g, acc, { learningRate: 0.01, epsilon: 1e-7, decay: t === 2 ? 1e-3 : 0 }));
  cases.push({
    name: 'clipByGlobalNorm: a norm above the threshold scales, one below leaves the gradient',
    reduction: 1,
    async run(be) {
      const rng = new Rng(24);
      const n = 1_031;
      const s = new Scope(be);
      const above = s.up(rng.values(n, -2, 2), [n]);
      const below = s.up(rng.values(n, -2, 2), [n]);
      be.kernels.clipByGlobalNorm(above, s.up([400], [1]), 5);
      be.kernels.clipByGlobalNorm(below, s.up([16], [1]), 5);
      return s.done({ above, below });
    },
  });
  cases.push({
    name: 'views, copyInto, fill, int32 upload',
    reduction: 1,
    async run(be) {
      const rng = new Rng(19);
      const s = new Scope(be);
      const flat = s.keep(be.fill([64 * 3 + 10], be.floatDType, 0.5));
      const src = s.up(rng.values(70), [7, 10]);
      be.kernels.copyInto(src, be.view(flat, 64, [7, 10]));
      be.kernels.copyInto(be.view(flat, 0, [12]), be.view(flat, 128, [12])); // same buffer
      const doubled = be.kernels.scale(be.view(flat, 64, [70]), 2);
      const ints = s.up([3, -1, 2147483647, -2147483648], [4], 'int32');
      return s.done({ flat, doubled, ints, filled: be.fill([5], 'int32', -7) });
    },
  });
  return cases;
}

function broadcast(a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    out.push(da === 1 ? db : da);
  }
  return out;
}
