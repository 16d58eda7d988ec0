/**
 * Parity cases for the op families of issue 13 (OpFamilySignatures): every kernel on seeded inputs
 * with odd sizes, run on any Backend and compared with the CPU by the tolerance of
 * webgpu-parity-cases.ts. The Node parity suite and the headless-Chrome page both run them.
 * Dropout's mask is returned as an int32 output, which is compared exactly (test/webgpu-parity.test.ts
 * also checks the float32 bits of dropout and of gather's backward against the CPU).
 * `big` adds one case per kernel family (kernels/*.ts: math, indexing, reductions, conv-variants,
 * normalization) large enough to need 2-D dispatch folding at the real 65,535-workgroup limit;
 * batch-matmul's blocked grid folds in the folded backend's small cases.
 */
import type {
  Backend, BinaryMathOp, CompareOp, IndexMap, IndexMapAxis, Padding, ReduceOp, Shape, TensorData, TypedArray, UnaryMathOp,
} from '../../engine/backends/backend.js';
import { sizeOf } from '../../engine/backends/backend.js';
import { groupedConv2dGeometry } from '../../engine/ops/conv-variants.js';
import { pool2dGeometry, stridesOf } from '../../engine/ops/geometry.js';
import { augmentParityCases } from './augment-parity-cases.js';
import { Rng } from './rng.js';
import { Scope, type CaseResult, type ParityCase } from './webgpu-parity-cases.js';

const BIG = 4_194_305;

function single(name: string, reduction: number, seed: number, body: (s: Scope, rng: Rng) => Record<string, TensorData>): ParityCase {
  return {
    name,
    reduction,
    async run(be: Backend): Promise<CaseResult> {
      const s = new Scope(be);
      return s.done(body(s, new Rng(seed)));
    },
  };
}

function broadcast(a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) => {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    return da === 1 ? db : da;
  });
}

const UNARY_OPS: { op: UnaryMathOp; alpha: number; beta: number; lo: number; hi: number }[] = [
  { op: 'sqrt', alpha: 0, beta: 0, lo: 0.05, hi: 9 },
  { op: 'rsqrt', alpha: 0, beta: 0, lo: 0.05, hi: 9 },
  { op: 'square', alpha: 0, beta: 0, lo: -5, hi: 5 },
  { op: 'abs', alpha: 0, beta: 0, lo: -5, hi: 5 },
  { op: 'sign', alpha: 0, beta: 0, lo: -5, hi: 5 },
  { op: 'sigmoid', alpha: 0, beta: 0, lo: -20, hi: 20 },
  { op: 'tanh', alpha: 0, beta: 0, lo: -12, hi: 12 },
  { op: 'geluTanh', alpha: 0, beta: 0, lo: -6, hi: 6 },
  { op: 'geluErf', alpha: 0, beta: 0, lo: -6, hi: 6 },
  { op: 'softplus', alpha: 0, beta: 0, lo: -20, hi: 20 },
  { op: 'leakyRelu', alpha: 0.2, beta: 0, lo: -4, hi: 4 },
  { op: 'elu', alpha: 1.3, beta: 0, lo: -4, hi: 4 },
  { op: 'clip', alpha: -0.5, beta: 0.7, lo: -2, hi: 2 },
];

function unaryCases(big: boolean): ParityCase[] {
  const cases: ParityCase[] = [];
  for (const { op, alpha, beta, lo, hi } of UNARY_OPS) {
    for (const shape of [[3, 5, 7], [1023]] as Shape[]) {
      const n = sizeOf(shape);
      cases.push(single(`unaryMath ${op} [${shape}]`, 1, 30, (s, rng) => ({ y: s.be.kernels.unaryMath(s.up(rng.values(n, lo, hi), shape), op, alpha, beta) })));
      cases.push(single(`unaryMathBackward ${op} [${shape}]`, 1, 31, (s, rng) => ({
        dx: s.be.kernels.unaryMathBackward(s.up(rng.values(n), shape), s.up(rng.values(n, lo, hi), shape), op, alpha, beta),
      })));
    }
  }
  if (big) cases.push(single(`unaryMath geluErf [${BIG}]`, 1, 32, (s, rng) => ({ y: s.be.kernels.unaryMath(s.up(rng.values(BIG, -6, 6), [BIG]), 'geluErf', 0, 0) })));
  return cases;
}

function binaryCases(): ParityCase[] {
  const cases: ParityCase[] = [];
  const pairs: [Shape, Shape][] = [[[33, 17], [33, 17]], [[2, 3, 4], [4]], [[2, 1, 4], [3, 1]], [[], [6, 1]], [[2, 3, 1, 5, 1, 2, 1, 3], [3, 4, 5, 1, 2, 2, 1]]];
  const ops: BinaryMathOp[] = ['pow', 'maximum', 'minimum', 'squaredDifference', 'sigmoidCrossEntropy'];
  for (const [a, b] of pairs) {
    const out = broadcast(a, b);
    for (const op of ops) {
      cases.push(single(`binaryMath ${op} [${a}]~[${b}]`, 1, 40, (s, rng) => {
        const av = op === 'pow' ? rng.values(sizeOf(a), 0.1, 3) : rng.values(sizeOf(a), -4, 4);
        const bv = op === 'sigmoidCrossEntropy' ? rng.values(sizeOf(b), 0, 1) : rng.values(sizeOf(b), -2.5, 2.5);
        return { y: s.be.kernels.binaryMath(s.up(av, a), s.up(bv, b), op, out) };
      }));
    }
    const compares: CompareOp[] = ['equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual'];
    for (const op of compares) {
      // Small integers (as floats and as int32), so equal values occur often.
      cases.push(single(`compare ${op} [${a}]~[${b}]`, 1, 41, (s, rng) => {
        const av = Array.from({ length: sizeOf(a) }, () => rng.int(4) - 2);
        const bv = Array.from({ length: sizeOf(b) }, () => rng.int(4) - 2);
        return {
          float: s.be.kernels.compare(s.up(av, a), s.up(bv, b), op, out),
          int: s.be.kernels.compare(s.up(av, a, 'int32'), s.up(bv, b, 'int32'), op, out),
        };
      }));
    }
    cases.push(single(`where [${a}]~[${b}] with a condition of the output's last axes`, 1, 42, (s, rng) => {
      const condShape = out.slice(-2);
      const cond = s.up(Array.from({ length: sizeOf(condShape) }, () => rng.int(3) - 1), condShape, 'int32');
      return {
        float: s.be.kernels.where(cond, s.up(rng.values(sizeOf(a)), a), s.up(rng.values(sizeOf(b)), b), out),
        int: s.be.kernels.where(cond, s.up(Array.from({ length: sizeOf(a) }, (_, i) => i), a, 'int32'), s.up(Array.from({ length: sizeOf(b) }, (_, i) => -i), b, 'int32'), out),
      };
    }));
  }
  cases.push(single('binaryMath pow with negative bases, zero and integer exponents', 1, 43, (s) => {
    const a = [-2, -2, -3, -0.5, 0, 0, 0, 4, -1.5, 2];
    const b = [2, 3, -1, 4, 2, 0, 1.5, 0.5, 0, -2];
    return { y: s.be.kernels.binaryMath(s.up(a, [10]), s.up(b, [10]), 'pow', [10]) };
  }));
  cases.push(single('cast float32 -> int32 (truncation, saturation, NaN) and int32 -> float32', 1, 44, (s, rng) => {
    // Values exact in float32, so a float64 backend truncates the same numbers.
    const special = [1.7, -1.7, 0.5, -0.5, 3e10, -3e10, NaN, Infinity, -Infinity, 2147483520, -2147483648, 16777216].map(Math.fround);
    const f = [...special, ...Array.from(rng.values(500, -1e6, 1e6), Math.fround)];
    const ints = [...Array.from({ length: 100 }, () => rng.int(2_000_000) - 1_000_000), 2147483647, -2147483648, 16777217];
    return { toInt: s.be.kernels.cast(s.up(f, [f.length]), 'int32'), toFloat: s.be.kernels.cast(s.up(ints, [ints.length], 'int32'), 'float32') };
  }));
  return cases;
}

function indexMap(x: Shape, outShape: Shape, axes: (d: number, strides: number[]) => IndexMapAxis, padValue = 0): IndexMap {
  const strides = stridesOf(x);
  return { outShape, axes: outShape.map((_, d) => axes(d, strides)), padValue };
}

function indexingCases(big: boolean): ParityCase[] {
  const cases: ParityCase[] = [];
  const x: Shape = [3, 4, 5];
  const maps: [string, IndexMap][] = [
    ['transpose [2, 0, 1]', indexMap(x, [5, 3, 4], (d, s) => {
      const a = [2, 0, 1][d];
      return { start: 0, step: 1, inDim: x[a], inStride: s[a], wrap: false };
    })],
    ['slice', indexMap(x, [2, 2, 3], (d, s) => ({ start: [1, 1, 2][d], step: 1, inDim: x[d], inStride: s[d], wrap: false }))],
    ['pad', indexMap(x, [4, 7, 6], (d, s) => ({ start: -[1, 2, 0][d], step: 1, inDim: x[d], inStride: s[d], wrap: false }), -1.5)],
    ['tile', indexMap(x, [6, 4, 15], (d, s) => ({ start: 0, step: 1, inDim: x[d], inStride: s[d], wrap: true }))],
    ['broadcast of [3, 1, 5] to [2, 3, 4, 5]', { outShape: [2, 3, 4, 5], padValue: 0, axes: [
      { start: 0, step: 0, inDim: 1, inStride: 0, wrap: false }, { start: 0, step: 1, inDim: 3, inStride: 5, wrap: false },
      { start: 0, step: 0, inDim: 1, inStride: 0, wrap: false }, { start: 0, step: 1, inDim: 5, inStride: 1, wrap: false },
    ] }],
    ['reverse and stride 2 along axis 2', indexMap(x, [3, 4, 3], (d, s) => (d === 2 ? { start: 4, step: -2, inDim: 5, inStride: 1, wrap: false } : { start: 0, step: 1, inDim: x[d], inStride: s[d], wrap: false }))],
  ];
  for (const [name, map] of maps) {
    cases.push(single(`copyIndexMap ${name}`, 1, 50, (s, rng) => ({
      float: s.be.kernels.copyIndexMap(s.up(rng.values(sizeOf(x)), x), map),
      int: s.be.kernels.copyIndexMap(s.up(Array.from({ length: sizeOf(x) }, (_, i) => i - 7), x, 'int32'), map),
    })));
  }
  const x8: Shape = [2, 1, 3, 2, 1, 2, 3, 2];
  const perm = [7, 2, 0, 5, 1, 6, 3, 4];
  cases.push(single('copyIndexMap rank-8 transpose', 1, 51, (s, rng) => ({
    y: s.be.kernels.copyIndexMap(s.up(rng.values(sizeOf(x8)), x8), indexMap(x8, perm.map((a) => x8[a]), (d, st) => ({
      start: 0, step: 1, inDim: x8[perm[d]], inStride: st[perm[d]], wrap: false,
    }))),
  })));
  for (const axis of [0, 1, 2]) {
    cases.push(single(`concat three inputs along axis ${axis}`, 1, 52, (s, rng) => {
      const shapes = [1, 3, 2].map((k) => x.map((d, i) => (i === axis ? k : d)));
      const outShape = x.map((d, i) => (i === axis ? 6 : d));
      return { y: s.be.kernels.concat(shapes.map((sh) => s.up(rng.values(sizeOf(sh)), sh)), axis, outShape) };
    }));
  }
  for (const axis of [0, 1, 2]) {
    cases.push(single(`gather / gatherBackward axis ${axis} (repeats, an out-of-range index)`, 1, 53, (s, rng) => {
      const rows = x[axis];
      const idx = [rows - 1, 0, rows - 1, rows, 1, rows - 1, 0];
      const indices = s.up(idx, [7], 'int32');
      const y = s.keep(s.be.kernels.gather(s.up(rng.values(sizeOf(x)), x), indices, axis));
      const dy = s.up(rng.values(sizeOf(y.shape)), y.shape);
      return { y, dx: s.be.kernels.gatherBackward(dy, indices, axis, x) };
    }));
  }
  cases.push(single('oneHot (an out-of-range index gives a row of offValue)', 1, 55, (s) => ({
    y: s.be.kernels.oneHot(s.up([2, 0, 9, -1, 4, 4], [2, 3], 'int32'), 5, 0.9, -0.1, s.be.floatDType),
    ints: s.be.kernels.oneHot(s.up([1, 3], [2], 'int32'), 4, 7, 0, 'int32'),
  })));
  if (big) {
    cases.push(single(`copyIndexMap slice [${BIG + 3}] -> [${BIG}]`, 1, 56, (s, rng) => ({
      y: s.be.kernels.copyIndexMap(s.up(rng.values(BIG + 3), [BIG + 3]), { outShape: [BIG], padValue: 0, axes: [{ start: 3, step: 1, inDim: BIG + 3, inStride: 1, wrap: false }] }),
    })));
  }
  return cases;
}

function reductionCases(big: boolean): ParityCase[] {
  const cases: ParityCase[] = [];
  const sets: [Shape, number[]][] = [
    [[7, 9], [0]], [[7, 9], [1]], [[7, 9], [0, 1]], [[3, 4, 5, 6], [0, 2]], [[3, 4, 5, 6], [1, 3]], [[2, 1, 9, 1], [1, 3]], [[5, 3000], [1]], [[1000, 3], [0]],
  ];
  const ops: ReduceOp[] = ['max', 'min', 'logSumExp', 'argmax', 'argmin'];
  for (const [shape, axes] of sets) {
    const red = axes.reduce((n, a) => n * shape[a], 1);
    const outShape = shape.filter((_, i) => !axes.includes(i));
    cases.push(single(`reduce ${ops.join('/')} and moments [${shape}] axes [${axes}]`, red, 60, (s, rng) => {
      // Distinct values: no ties for the arg reductions to break differently.
      const x = s.up(rng.distinct(sizeOf(shape), 0.001), shape);
      const out: Record<string, TensorData> = {};
      for (const op of ops) out[op] = s.be.kernels.reduce(x, op, axes, outShape);
      const { mean, variance } = s.be.kernels.moments(x, axes, outShape);
      return { ...out, mean, variance };
    }));
  }
  cases.push(single('reduce argmax/argmin with ties pick the first', 1, 61, (s) => {
    const x = s.up([1, 3, 3, 0, 0, 2, 2, 2, -1, 5, -1, 5], [3, 4]);
    return { argmax: s.be.kernels.reduce(x, 'argmax', [1], [3]), argmin: s.be.kernels.reduce(x, 'argmin', [1], [3]), argmin0: s.be.kernels.reduce(x, 'argmin', [0], [4]) };
  }));
  if (big) {
    // One element per output: the case is about the dispatch's folding, not the reduction.
    cases.push(single(`reduce max with ${BIG} outputs`, 1, 62, (s, rng) => ({ max: s.be.kernels.reduce(s.up(rng.values(BIG), [BIG, 1]), 'max', [1], [BIG]) })));
  }
  return cases;
}

function matmulCases(): ParityCase[] {
  const cases: ParityCase[] = [];
  const shapes: [Shape, Shape, boolean, boolean][] = [
    [[3, 37, 29], [3, 29, 13], false, false],
    [[2, 1, 9, 17], [3, 17, 6], false, false],
    [[5, 7], [4, 7, 11], false, false],
    [[4, 19, 5], [4, 19, 8], true, false],
    [[2, 6, 10], [2, 9, 10], false, true],
    [[1, 3, 12, 7], [2, 1, 5, 12], true, true],
    [[2, 1, 3, 1, 4, 6], [1, 2, 1, 3, 6, 5], false, false],
  ];
  for (const [a, b, ta, tb] of shapes) {
    const [a0, a1] = a.slice(-2);
    const [b0, b1] = b.slice(-2);
    const K = ta ? a0 : a1;
    const outShape = [...broadcast(a.slice(0, -2), b.slice(0, -2)), ta ? a1 : a0, tb ? b0 : b1];
    cases.push(single(`batchMatmul [${a}]${ta ? 'ᵀ' : ''} · [${b}]${tb ? 'ᵀ' : ''}`, K, 70, (s, rng) => ({
      c: s.be.kernels.batchMatmul(s.up(rng.values(sizeOf(a)), a), s.up(rng.values(sizeOf(b)), b), ta, tb, outShape),
    })));
  }
  return cases;
}

function poolAndConvCases(big: boolean): ParityCase[] {
  const cases: ParityCase[] = [];
  const pools: [Shape, [number, number], [number, number], Padding][] = [
    [[2, 13, 13, 5], [2, 2], [2, 2], 'valid'], [[2, 9, 11, 3], [3, 3], [2, 2], 'same'], [[1, 7, 6, 2], [3, 2], [1, 1], 'valid'], [[2, 10, 9, 4], [2, 2], [3, 3], 'same'],
  ];
  for (const [x, pool, strides, padding] of pools) {
    const g = pool2dGeometry('avgPool2d', x, pool, strides, padding);
    cases.push(single(`avgPool2d / avgPool2dBackward x[${x}] pool${pool} s${strides} ${padding}`, pool[0] * pool[1], 80, (s, rng) => ({
      y: s.be.kernels.avgPool2d(s.up(rng.values(sizeOf(x)), x), g),
      dx: s.be.kernels.avgPool2dBackward(s.up(rng.values(g.batch * g.outH * g.outW * g.channels), [g.batch, g.outH, g.outW, g.channels]), g),
    })));
  }
  const convs: [string, Shape, Shape, number, Padding, number, number][] = [
    ['dilation 2', [2, 11, 9, 3], [3, 3, 3, 5], 1, 'valid', 2, 1],
    ['dilation 2 same stride 2', [2, 10, 9, 4], [3, 2, 4, 6], 2, 'same', 2, 1],
    ['groups 2', [2, 8, 7, 6], [3, 3, 3, 4], 1, 'same', 1, 2],
    ['depthwise x2', [2, 9, 8, 5], [3, 3, 1, 10], 2, 'same', 1, 5],
    ['groups 3 dilation 3', [1, 12, 11, 6], [2, 3, 2, 9], 1, 'valid', 3, 3],
  ];
  for (const [name, x, w, stride, padding, dilation, groups] of convs) {
    const g = groupedConv2dGeometry('parity', x, w, [stride, stride], padding, [dilation, dilation], groups);
    const dyShape = [g.batch, g.outH, g.outW, g.outC];
    const tag = `${name} x[${x}] w[${w}]`;
    cases.push(single(`conv2dGrouped ${tag}`, g.kH * g.kW * (g.inC / groups), 81, (s, rng) => ({ y: s.be.kernels.conv2dGrouped(s.up(rng.values(sizeOf(x)), x), s.up(rng.values(sizeOf(w)), w), g) })));
    cases.push(single(`conv2dGroupedBackpropInput ${tag}`, g.kH * g.kW * (g.outC / groups), 82, (s, rng) => ({
      dx: s.be.kernels.conv2dGroupedBackpropInput(s.up(rng.values(sizeOf(dyShape)), dyShape), s.up(rng.values(sizeOf(w)), w), g),
    })));
    cases.push(single(`conv2dGroupedBackpropFilter ${tag}`, g.batch * g.outH * g.outW, 83, (s, rng) => ({
      dw: s.be.kernels.conv2dGroupedBackpropFilter(s.up(rng.values(sizeOf(x)), x), s.up(rng.values(sizeOf(dyShape)), dyShape), g),
    })));
  }
  if (big) {
    const x: Shape = [4, 128, 128, 64];
    const g = pool2dGeometry('avgPool2d', x, [1, 1], [1, 1], 'valid');
    cases.push(single(`avgPool2d 1x1 over [${x}] (${sizeOf(x)} outputs)`, 1, 84, (s, rng) => ({ y: s.be.kernels.avgPool2d(s.up(rng.values(sizeOf(x)), x), g) })));
  }
  return cases;
}

function normalizationCases(big: boolean): ParityCase[] {
  const cases: ParityCase[] = [];
  for (const shape of [[6, 5, 7], [300, 3], [2, 3, 4, 16]] as Shape[]) {
    const C = shape[shape.length - 1];
    const n = sizeOf(shape);
    const R = n / C;
    for (const training of [true, false]) {
      cases.push(single(`batchNorm / batchNormBackward${training ? ' (training)' : ' (inference)'} [${shape}]`, R, 90, (s, rng) => {
        const x = s.up(rng.values(n, -2, 3), shape);
        const mean = s.up(rng.values(C, -0.5, 0.5), [C]);
        const variance = s.up(rng.values(C, 0.2, 2), [C]);
        const scale = s.up(rng.values(C), [C]);
        const y = s.be.kernels.batchNorm(x, mean, variance, scale, s.up(rng.values(C), [C]), 1e-3);
        const g = s.be.kernels.batchNormBackward(s.up(rng.values(n), shape), x, mean, variance, scale, 1e-3, training);
        return { y, ...g };
      }));
    }
    cases.push(single(`layerNorm / layerNormBackward [${shape}]`, Math.max(R, C), 91, (s, rng) => {
      const x = s.up(rng.values(n, -2, 3), shape);
      const scale = s.up(rng.values(C), [C]);
      const f = s.be.kernels.layerNorm(x, scale, s.up(rng.values(C), [C]), 1e-3);
      s.keep(f.stats);
      const g = s.be.kernels.layerNormBackward(s.up(rng.values(n), shape), x, f.stats, scale);
      return { y: f.y, stats: f.stats, ...g };
    }));
  }
  cases.push({
    name: 'dropout: the same mask bit for bit, rates 0.1 / 0.5 / 0.9',
    reduction: 1,
    async run(be) {
      const rng = new Rng(92);
      const s = new Scope(be);
      const x = s.up(rng.awayFromZero(10_007, 0.01, 3), [10_007]);
      const outputs: Record<string, TypedArray> = {};
      for (const [rate, seed] of [[0.1, 1], [0.5, 0xfffffffe], [0.9, 12345]]) {
        const y = s.keep(be.kernels.dropout(x, rate, seed));
        const host = await be.read(y);
        outputs[`y${rate}`] = host;
        outputs[`mask${rate}`] = Int32Array.from(host, (v) => (v !== 0 ? 1 : 0));
      }
      return { outputs: { ...(await s.done({})).outputs, ...outputs } };
    },
  });
  for (const [rows, cols, smoothing] of [[37, 10, 0], [37, 10, 0.1], [5, 1000, 0.2], [3, 1, 0.3]] as const) {
    cases.push(single(`softmaxCrossEntropyRows (+backward) [${rows},${cols}] smoothing ${smoothing}`, cols, 93, (s, rng) => {
      const logits = s.up(rng.values(rows * cols, -4, 4), [rows, cols]);
      const labels = s.up(Array.from({ length: rows }, () => rng.int(cols)), [rows], 'int32');
      const { rowLoss, probs } = s.be.kernels.softmaxCrossEntropyRows(logits, labels, smoothing);
      s.keep(probs);
      const dx = s.be.kernels.softmaxCrossEntropyRowsBackward(probs, labels, smoothing, s.up(rng.values(rows), [rows]));
      return { rowLoss, probs, dx };
    }));
  }
  if (big) {
    cases.push(single(`batchNorm with ${BIG + 3} elements`, 1, 94, (s, rng) => {
      const shape = [(BIG + 3) / 4, 4];
      const C = s.up(rng.values(4, 0.5, 1.5), [4]);
      return { bn: s.be.kernels.batchNorm(s.up(rng.values(BIG + 3), shape), s.up(rng.values(4), [4]), C, C, C, 1e-3) };
    }));
  }
  return cases;
}

/** Every kernel of OpFamilySignatures. */
export function opFamilyParityCases(big = true): ParityCase[] {
  return [...unaryCases(big), ...binaryCases(), ...indexingCases(big), ...reductionCases(big), ...matmulCases(), ...poolAndConvCases(big), ...normalizationCases(big), ...augmentParityCases(big)];
}
