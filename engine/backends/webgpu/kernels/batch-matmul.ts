/**
 * Batched matmul (issue 13): C[t] = op(A[t]) · op(B[t]) with the batch axes broadcast, the
 * register-blocked 4x4 scheme of matmul.ts with the batch element as the launch's layer. Batch
 * axes of size 1 are dropped on the host, so up to 4 real ones reach the kernel (their strides
 * are 0 where an operand broadcasts).
 */
import { sizeOf } from '../../backend.js';
import { broadcastStrides } from '../../../ops/geometry.js';
import type { Program } from '../launch.js';
import { family, type FamilyFacts } from './family.js';
import { padded } from './family-helpers.js';
import { fillZero } from './memory.js';

const MAX_BATCH_AXES = 4;

const programs = {
  batchMatmul: { shader: 'batch_matmul', workgroup: 'matmul', grid: 'blocks' },
} as const satisfies Record<string, Program>;

/**
 * Where each kernel of batchMatmul has its CPU twin and its gradient rule, checked by
 * test/kernel-coverage.test.ts. Nothing at run time reads them, so bundles leave them out.
 */
export const batchMatmulFacts = {
  about: 'matrix products over broadcast batch axes',
  kernels: {
    batchMatmul: { cpu: 'engine/backends/cpu/batch-matmul.ts', gradient: 'engine/ops/batch-matmul.ts' },
  },
} as const satisfies FamilyFacts;

export const batchMatmul = family<keyof typeof batchMatmulFacts.kernels>({
  programs,
  table: (gpu) => ({
    batchMatmul: (a, b, transposeA, transposeB, outShape) => {
      const c = gpu.out(outShape, a.dtype, 'batchMatmul');
      const [M, N] = outShape.slice(-2);
      const [aR, aC] = a.shape.slice(-2);
      const [bR, bC] = b.shape.slice(-2);
      const K = transposeA ? aR : aC;
      const batch = outShape.slice(0, -2);
      const aStrides = broadcastStrides(a.shape.slice(0, -2), batch.length).map((s) => s * aR * aC);
      const bStrides = broadcastStrides(b.shape.slice(0, -2), batch.length).map((s) => s * bR * bC);
      const keep = batch.map((_, i) => i).filter((i) => batch[i] !== 1);
      if (keep.length > MAX_BATCH_AXES) {
        throw new Error(`webgpu batchMatmul: ${keep.length} batch axes of size > 1 (output [${outShape}]); at most ${MAX_BATCH_AXES} are supported`);
      }
      if (K === 0) {
        fillZero(gpu, c);
        return c;
      }
      gpu.launch(programs.batchMatmul, { rows: M, cols: N, layers: sizeOf(batch) }, { a: a.storage, b: b.storage, c: c.storage }, {
        M, N, K,
        aRow: transposeA ? 1 : aC, aCol: transposeA ? aC : 1, bRow: transposeB ? 1 : bC, bCol: transposeB ? bC : 1,
        batchRank: keep.length, batchShape: padded(keep.map((i) => batch[i]), MAX_BATCH_AXES),
        aBatchStrides: padded(keep.map((i) => aStrides[i]), MAX_BATCH_AXES), bBatchStrides: padded(keep.map((i) => bStrides[i]), MAX_BATCH_AXES),
      });
      return c;
    },
  }),
});
