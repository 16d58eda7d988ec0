/**
 * General reductions of issue 13: max, min, logSumExp, argmax and argmin over any axes (reduce),
 * and mean with variance in one two-pass kernel (moments). One invocation per output scanning
 * its reduced elements, in the CPU twin's order; adjacent axes are merged into at most 4 runs of
 * kept and 4 of reduced axes (shaders/include/reduction.wgsl).
 */
import type { ReduceOp, Shape } from '../../backend.js';
import { threads, type Program } from '../launch.js';
import { family, type Params, type FamilyFacts } from './family.js';
import { axisRuns, runUniforms } from './reduce.js';

const REDUCE_CODES: Record<ReduceOp, number> = { max: 0, min: 1, logSumExp: 2, argmax: 3, argmin: 4 };

const programs = {
  reduce: threads('reduce'),
  moments: threads('moments'),
} as const satisfies Record<string, Program>;

/** The uniforms of include/reduction.wgsl: merged runs of kept and reduced axes (reduce.ts). */
function reductionRuns(kernel: string, shape: Shape, axes: readonly number[]): Params & { outSize: number } {
  const { kept, red } = axisRuns(kernel, shape, axes);
  return {
    outSize: kept.reduce((n, d) => n * d.size, 1),
    redSize: red.reduce((n, d) => n * d.size, 1),
    ...runUniforms(kept, red),
  };
}

const CPU = 'engine/backends/cpu/reductions.ts';

/**
 * Where each kernel of reductions has its CPU twin and its gradient rule, checked by
 * test/kernel-coverage.test.ts. Nothing at run time reads them, so bundles leave them out.
 */
export const reductionsFacts = {
  about: 'max, min, logSumExp, argmax, argmin and moments over any axes',
  kernels: {
    reduce: { cpu: CPU, gradient: 'engine/ops/reductions.ts' },
    moments: { cpu: CPU, gradient: 'engine/ops/reductions.ts' },
  },
} as const satisfies FamilyFacts;

export const reductions = family<keyof typeof reductionsFacts.kernels>({
  programs,
  table: (gpu) => ({
    reduce: (x, op, axes, outShape) => {
      const arg = op === 'argmax' || op === 'argmin';
      const out = gpu.out(outShape, arg ? 'int32' : x.dtype, 'reduce');
      const runs = reductionRuns('reduce', x.shape, axes);
      gpu.launch(programs.reduce, { threads: runs.outSize }, { x: x.storage, out: out.storage }, { ...runs, op: REDUCE_CODES[op] });
      return out;
    },
    moments: (x, axes, outShape) => {
      const mean = gpu.out(outShape, x.dtype, 'moments mean');
      const variance = gpu.out(outShape, x.dtype, 'moments variance');
      const runs = reductionRuns('moments', x.shape, axes);
      gpu.launch(programs.moments, { threads: runs.outSize }, { x: x.storage, mean: mean.storage, variance: variance.storage }, { ...runs, op: 0 });
      return { mean, variance };
    },
  }),
});
