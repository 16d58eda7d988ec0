/**
 * Matrix products: C = op(A) · op(B) for 2-D A, B, in three variants (variants.ts), chosen per
 * adapter and shape by the tuner (tuner.ts) or forced by WebGPUBackendOptions.variants:
 * - 'blocked' (the default): register-blocked, BLOCK_ROWS x BLOCK_COLS outputs per invocation,
 *   no workgroup memory (software adapters punish barriers), workgroup shape Tiling.matmul.
 *   matmul_vec4 loads vec4s of A and B; it needs 16-byte-aligned rows, so no transposes and K, N
 *   multiples of 4 (Tiling.vec4 switches it off). The transposed products a dense layer's
 *   backward pass makes have vec4 forms of their own: matmul_vec4_nt (A · Bᵀ, K % 4 == 0: the
 *   input gradient dY · Wᵀ) and matmul_vec4_tn (Aᵀ · B, M and N multiples of 4: the weight
 *   gradient Xᵀ · dY). Otherwise matmul, where the transposes are strides. All four make the
 *   same sums in the same k order with one fma per k, except matmul_vec4 (4 products, then the
 *   add), so the transposed forms give matmul's bits and run only once compiled (Gpu.ready): a
 *   first step runs matmul, which the step compiles anyway, and does not wait for two more
 *   compiles (issue 11, target 4).
 * - 'tiled': matmul_tiled, the tile of A and B staged in workgroup memory (include/gemm-tiled.wgsl).
 * - 'subgroup': matmul_subgroup, A shared across a subgroup by shuffles (include/gemm-subgroup.wgsl).
 * The tiled and subgroup variants take the strided operands (include/gemm-matmul.wgsl), so any
 * transposes.
 */
import type { Program } from '../launch.js';
import type { ShaderName } from '../shaders.generated.js';
import { family, type Gpu, type T, type FamilyFacts } from './family.js';
import { replayOn } from './family-helpers.js';

/** A register-blocked matmul program: the matmul workgroup shape over a 2-D tile of blocks. */
function blocked(shader: ShaderName): Program {
  return { shader, workgroup: 'matmul', grid: 'tiles' };
}

const programs = {
  matmul: blocked('matmul'),
  matmulVec4: blocked('matmul_vec4'),
  matmulVec4NT: blocked('matmul_vec4_nt'),
  matmulVec4TN: blocked('matmul_vec4_tn'),
  matmulTiled: { shader: 'matmul_tiled', workgroup: 'matmul', grid: 'shared-tiles', variant: 'tiled' },
  matmulSubgroup: { shader: 'matmul_subgroup', workgroup: 'matmul', grid: 'subgroup-tiles', variant: 'subgroup' },
} satisfies Record<string, Program>;

/**
 * Where each kernel of matmul has its CPU twin and its gradient rule, checked by
 * test/kernel-coverage.test.ts. Nothing at run time reads them, so bundles leave them out.
 */
export const matmulFacts = {
  about: 'matrix products: register-blocked, workgroup-tiled or subgroup-shared',
  kernels: {
    matmul: { cpu: 'engine/backends/cpu/gemm.ts', gradient: 'engine/ops/matmul.ts' },
  },
} as const satisfies FamilyFacts;

export const matmul = family<keyof typeof matmulFacts.kernels>({
  programs,
  variants: {
    matmul: { blocked: [programs.matmul, programs.matmulVec4, programs.matmulVec4NT, programs.matmulVec4TN], tiled: [programs.matmulTiled], subgroup: [programs.matmulSubgroup] },
  },
  table: (gpu) => ({ matmul: (a, b, transposeA, transposeB) => matmulOn(gpu, a, b, transposeA, transposeB) }),
});

function matmulOn(gpu: Gpu, a: T, b: T, transposeA: boolean, transposeB: boolean): T {
  const [a0, a1] = a.shape;
  const [b0, b1] = b.shape;
  const M = transposeA ? a1 : a0;
  const K = transposeA ? a0 : a1;
  const N = transposeB ? b0 : b1;
  const c = gpu.out([M, N], a.dtype, 'matmul');
  const buffers = { a: a.storage, b: b.storage, c: c.storage };
  const key = `${M}x${K}x${N}${transposeA ? ' Aᵀ' : ''}${transposeB ? ' Bᵀ' : ''}`;
  const variant = gpu.variant('matmul', key, () => replayOn(gpu, [a.shape, b.shape], { M, N, K }, ([x, y]) => matmulOn(gpu, x, y, transposeA, transposeB)));
  const strided = {
    M, N, K,
    aRow: transposeA ? 1 : a1, aCol: transposeA ? a1 : 1,
    bRow: transposeB ? 1 : b1, bCol: transposeB ? b1 : 1,
  };
  const extent = { rows: M, cols: N };
  const vec4 = gpu.tiling.vec4;
  if (variant === 'tiled') gpu.launch(programs.matmulTiled, extent, buffers, strided);
  else if (variant === 'subgroup') gpu.launch(programs.matmulSubgroup, extent, buffers, strided);
  else if (vec4 && !transposeA && !transposeB && K % 4 === 0 && N % 4 === 0 && K > 0) {
    gpu.launch(programs.matmulVec4, extent, buffers, { M, N4: N / 4, K4: K / 4 });
  } else if (vec4 && !transposeA && transposeB && K % 4 === 0 && K > 0 && gpu.ready(programs.matmulVec4NT)) {
    gpu.launch(programs.matmulVec4NT, extent, buffers, { M, N, K4: K / 4 });
  } else if (vec4 && transposeA && !transposeB && M % 4 === 0 && N % 4 === 0 && gpu.ready(programs.matmulVec4TN)) {
    gpu.launch(programs.matmulVec4TN, extent, buffers, { M4: M / 4, N4: N / 4, K });
  } else {
    gpu.launch(programs.matmul, extent, buffers, strided);
  }
  return c;
}
