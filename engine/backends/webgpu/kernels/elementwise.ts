/**
 * Element-wise kernels: unary ops, scale, broadcasting binary ops, ReLU's backward.
 *
 * One invocation per output element (grid 'threads', workgroup Tiling.elementwise). Binary ops
 * read both inputs through per-axis strides (0 where broadcast), computed here on the host once;
 * when both inputs already have the output's shape the kernel skips the index arithmetic.
 * ReLU propagates NaN on every backend (shaders/include/relu.wgsl, cpu/elementwise.ts).
 */
import type { BinaryOp, Shape, UnaryOp } from '../../backend.js';
import { sizeOf } from '../../backend.js';
import { threads, type Program } from '../launch.js';
import { family, type Gpu, type T, type FamilyFacts } from './family.js';
import { broadcastParams, inFours } from './family-helpers.js';

const UNARY_CODES: Record<UnaryOp, number> = { neg: 0, exp: 1, log: 2, relu: 3 };
const BINARY_CODES: Record<BinaryOp, number> = { add: 0, sub: 1, mul: 2, div: 3 };

const programs = {
  unary: threads('unary'),
  scale: threads('scale'),
  binary: threads('binary'),
  reluBackward: threads('relu_backward'),
  reluBackwardVec4: threads('relu_backward_vec4'),
} as const satisfies Record<string, Program>;

/**
 * Where each kernel of elementwise has its CPU twin and its gradient rule, checked by
 * test/kernel-coverage.test.ts. Nothing at run time reads them, so bundles leave them out.
 */
export const elementwiseFacts = {
  about: 'element-wise maps and broadcasting binary ops',
  kernels: {
    unary: { cpu: 'engine/backends/cpu/elementwise.ts', gradient: 'engine/ops/unary.ts' },
    scale: { cpu: 'engine/backends/cpu/elementwise.ts', gradient: 'engine/ops/unary.ts' },
    binary: { cpu: 'engine/backends/cpu/elementwise.ts', gradient: 'engine/ops/binary.ts' },
    reluBackward: { cpu: 'engine/backends/cpu/elementwise.ts', gradient: { none: "relu's backward (engine/ops/relu.ts); not differentiated again" } },
  },
} as const satisfies FamilyFacts;

export const elementwise = family<keyof typeof elementwiseFacts.kernels>({
  programs,
  table: (gpu) => ({
    unary: (x, op) => {
      const y = gpu.out(x.shape, x.dtype, 'unary');
      const n = sizeOf(x.shape);
      gpu.launch(programs.unary, { threads: n }, { x: x.storage, y: y.storage }, { n, op: UNARY_CODES[op] });
      return y;
    },
    scale: (x, factor) => {
      const y = gpu.out(x.shape, x.dtype, 'scale');
      const n = sizeOf(x.shape);
      gpu.launch(programs.scale, { threads: n }, { x: x.storage, y: y.storage }, { n, factor });
      return y;
    },
    binary: (a, b, op, outShape) => binary(gpu, a, b, op, outShape),
    reluBackward: (dy, y) => {
      const dx = gpu.out(dy.shape, dy.dtype, 'reluBackward');
      const n = sizeOf(dy.shape);
      const buffers = { dy: dy.storage, y: y.storage, dx: dx.storage };
      // Four elements an invocation where they divide (2.2x on SwiftShader: relu_backward_vec4.wgsl).
      if (inFours(gpu, n)) gpu.launch(programs.reluBackwardVec4, { threads: n / 4 }, buffers, { n: n / 4 });
      else gpu.launch(programs.reluBackward, { threads: n }, buffers, { n });
      return dx;
    },
  }),
});

function binary(gpu: Gpu, a: T, b: T, op: BinaryOp, outShape: Shape): T {
  const out = gpu.out(outShape, a.dtype, 'binary');
  const params = broadcastParams('binary', outShape, { aStrides: a.shape, bStrides: b.shape });
  gpu.launch(programs.binary, { threads: sizeOf(outShape) }, { a: a.storage, b: b.storage, out: out.storage }, { ...params, op: BINARY_CODES[op] });
  return out;
}
