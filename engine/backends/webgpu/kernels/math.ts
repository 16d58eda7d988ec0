/**
 * Element-wise math of issue 13: the unary math and activation family with its derivative
 * kernel, float binary ops, comparisons (int32 0/1), where and cast. One invocation per output
 * element (grid 'threads'). Broadcasting kernels read inputs through per-axis strides (0 where
 * broadcast, rank <= 8); comparisons, where and cast move raw 32-bit words, so one kernel serves
 * float32 and int32.
 */
import type { BinaryMathOp, CompareOp, UnaryMathOp } from '../../backend.js';
import { sizeOf } from '../../backend.js';
import { threads, type Program } from '../launch.js';
import { family, type FamilyFacts } from './family.js';
import { broadcastParams } from './family-helpers.js';

const UNARY_MATH_CODES: Record<UnaryMathOp, number> = {
  sqrt: 0, rsqrt: 1, square: 2, abs: 3, sign: 4, sigmoid: 5, tanh: 6, geluTanh: 7, geluErf: 8,
  softplus: 9, leakyRelu: 10, elu: 11, clip: 12,
};
const BINARY_MATH_CODES: Record<BinaryMathOp, number> = { pow: 0, maximum: 1, minimum: 2, squaredDifference: 3, sigmoidCrossEntropy: 4 };
const COMPARE_CODES: Record<CompareOp, number> = { equal: 0, notEqual: 1, less: 2, lessEqual: 3, greater: 4, greaterEqual: 5 };

const programs = {
  unaryMath: threads('unary_math'),
  unaryMathBackward: threads('unary_math_backward'),
  binaryMath: threads('binary_math'),
  compare: threads('compare'),
  where: threads('where'),
  cast: threads('cast'),
} as const satisfies Record<string, Program>;

const CPU = 'engine/backends/cpu/math.ts';

/**
 * Where each kernel of math has its CPU twin and its gradient rule, checked by
 * test/kernel-coverage.test.ts. Nothing at run time reads them, so bundles leave them out.
 */
export const mathFacts = {
  about: 'element-wise math and activations, float binary ops, comparisons, where, cast',
  kernels: {
    unaryMath: { cpu: CPU, gradient: 'engine/ops/math.ts' },
    unaryMathBackward: { cpu: CPU, gradient: { none: "the unary math family's backward (engine/ops/math.ts); not differentiated again" } },
    binaryMath: { cpu: CPU, gradient: 'engine/ops/binary-math.ts' },
    compare: { cpu: CPU, gradient: { none: 'int32 0/1 output' } },
    where: { cpu: CPU, gradient: 'engine/ops/where.ts' },
    cast: { cpu: CPU, gradient: 'engine/ops/cast.ts' },
  },
} as const satisfies FamilyFacts;

export const math = family<keyof typeof mathFacts.kernels>({
  programs,
  table: (gpu) => ({
    unaryMath: (x, op, alpha, beta) => {
      const y = gpu.out(x.shape, x.dtype, 'unaryMath');
      const n = sizeOf(x.shape);
      gpu.launch(programs.unaryMath, { threads: n }, { x: x.storage, y: y.storage }, { n, op: UNARY_MATH_CODES[op], alpha, beta });
      return y;
    },
    unaryMathBackward: (dy, x, op, alpha, beta) => {
      const dx = gpu.out(x.shape, x.dtype, 'unaryMathBackward');
      const n = sizeOf(x.shape);
      gpu.launch(programs.unaryMathBackward, { threads: n }, { dy: dy.storage, x: x.storage, dx: dx.storage }, { n, op: UNARY_MATH_CODES[op], alpha, beta });
      return dx;
    },
    binaryMath: (a, b, op, outShape) => {
      const out = gpu.out(outShape, a.dtype, 'binaryMath');
      const params = broadcastParams('binaryMath', outShape, { aStrides: a.shape, bStrides: b.shape });
      gpu.launch(programs.binaryMath, { threads: sizeOf(outShape) }, { a: a.storage, b: b.storage, out: out.storage }, {
        ...params, op: BINARY_MATH_CODES[op],
      });
      return out;
    },
    compare: (a, b, op, outShape) => {
      const out = gpu.out(outShape, 'int32', 'compare');
      const params = broadcastParams('compare', outShape, { aStrides: a.shape, bStrides: b.shape });
      gpu.launch(programs.compare, { threads: sizeOf(outShape) }, { a: a.storage, b: b.storage, out: out.storage }, {
        ...params, op: COMPARE_CODES[op], isInt: a.dtype === 'int32' ? 1 : 0,
      });
      return out;
    },
    where: (cond, a, b, outShape) => {
      const out = gpu.out(outShape, a.dtype, 'where');
      const params = broadcastParams('where', outShape, { condStrides: cond.shape, aStrides: a.shape, bStrides: b.shape });
      gpu.launch(programs.where, { threads: sizeOf(outShape) }, { cond: cond.storage, a: a.storage, b: b.storage, out: out.storage }, params);
      return out;
    },
    cast: (x, dtype) => {
      const out = gpu.out(x.shape, dtype, 'cast');
      const n = sizeOf(x.shape);
      gpu.launch(programs.cast, { threads: n }, { x: x.storage, y: out.storage }, { n, mode: dtype === 'int32' ? 0 : 1 });
      return out;
    },
  }),
});
