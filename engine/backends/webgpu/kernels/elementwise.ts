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
import { broadcastStrides } from '../../../ops/geometry.js';
import type { Program } from '../launch.js';
import { family, type Gpu, type T } from './family.js';

const UNARY_CODES: Record<UnaryOp, number> = { neg: 0, exp: 1, log: 2, relu: 3 };
const BINARY_CODES: Record<BinaryOp, number> = { add: 0, sub: 1, mul: 2, div: 3 };
/** Rank the binary kernel's uniform arrays hold (shaders/binary.wgsl: 2 x vec4). */
const MAX_RANK = 8;

const programs = {
  unary: { shader: 'unary', workgroup: 'elementwise', grid: 'threads' },
  scale: { shader: 'scale', workgroup: 'elementwise', grid: 'threads' },
  binary: { shader: 'binary', workgroup: 'elementwise', grid: 'threads' },
  reluBackward: { shader: 'relu_backward', workgroup: 'elementwise', grid: 'threads' },
} as const satisfies Record<string, Program>;

export const elementwise = family({
  about: 'element-wise maps and broadcasting binary ops',
  programs,
  kernels: {
    unary: { cpu: 'engine/backends/cpu/elementwise.ts', gradient: 'engine/ops/unary.ts' },
    scale: { cpu: 'engine/backends/cpu/elementwise.ts', gradient: 'engine/ops/unary.ts' },
    binary: { cpu: 'engine/backends/cpu/elementwise.ts', gradient: 'engine/ops/binary.ts' },
    reluBackward: { cpu: 'engine/backends/cpu/elementwise.ts', gradient: { none: "relu's backward (engine/ops/relu.ts); not differentiated again" } },
  },
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
      gpu.launch(programs.reluBackward, { threads: n }, { dy: dy.storage, y: y.storage, dx: dx.storage }, { n });
      return dx;
    },
  }),
});

function binary(gpu: Gpu, a: T, b: T, op: BinaryOp, outShape: Shape): T {
  const out = gpu.out(outShape, a.dtype, 'binary');
  const n = sizeOf(outShape);
  const rank = outShape.length;
  if (rank > MAX_RANK) throw new Error(`webgpu binary: rank ${rank} > ${MAX_RANK} is not supported`);
  const same = (s: Shape) => s.length === rank && s.every((d, i) => d === outShape[i]);
  const pad = (v: number[]) => [...v, ...new Array<number>(MAX_RANK).fill(0)].slice(0, MAX_RANK);
  gpu.launch(programs.binary, { threads: n }, { a: a.storage, b: b.storage, out: out.storage }, {
    n, rank, op: BINARY_CODES[op], contiguous: same(a.shape) && same(b.shape) ? 1 : 0,
    shape: pad([...outShape]), aStrides: pad(broadcastStrides(a.shape, rank)), bStrides: pad(broadcastStrides(b.shape, rank)),
  });
  return out;
}
