/**
 * Matrix products: C = op(A) · op(B) for 2-D A, B, register-blocked (BLOCK_ROWS x BLOCK_COLS
 * outputs per invocation, no workgroup memory; software adapters punish barriers), workgroup
 * shape Tiling.matmul.
 *
 * Variants: matmul_vec4 loads vec4s of A and B; it needs 16-byte-aligned rows, so no transposes
 * and K, N multiples of 4 (Tiling.vec4 switches it off). Otherwise matmul, where the transposes
 * are strides.
 */
import type { Program } from '../launch.js';
import { family } from './family.js';

const programs = {
  matmul: { shader: 'matmul', workgroup: 'matmul', grid: 'tiles' },
  matmulVec4: { shader: 'matmul_vec4', workgroup: 'matmul', grid: 'tiles' },
} as const satisfies Record<string, Program>;

export const matmul = family({
  about: 'register-blocked matrix products',
  programs,
  kernels: {
    matmul: { cpu: 'engine/backends/cpu/gemm.ts', gradient: 'engine/ops/matmul.ts' },
  },
  table: (gpu) => ({
    matmul: (a, b, transposeA, transposeB) => {
      const [a0, a1] = a.shape;
      const [b0, b1] = b.shape;
      const M = transposeA ? a1 : a0;
      const K = transposeA ? a0 : a1;
      const N = transposeB ? b0 : b1;
      const c = gpu.out([M, N], a.dtype, 'matmul');
      const buffers = { a: a.storage, b: b.storage, c: c.storage };
      if (gpu.tiling.vec4 && !transposeA && !transposeB && K % 4 === 0 && N % 4 === 0 && K > 0) {
        gpu.launch(programs.matmulVec4, { rows: M, cols: N }, buffers, { M, N4: N / 4, K4: K / 4 });
      } else {
        gpu.launch(programs.matmul, { rows: M, cols: N }, buffers, {
          M, N, K,
          aRow: transposeA ? 1 : a1, aCol: transposeA ? a1 : 1,
          bRow: transposeB ? 1 : b1, bCol: transposeB ? b1 : 1,
        });
      }
      return c;
    },
  }),
});
