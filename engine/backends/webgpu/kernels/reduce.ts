/**
 * Sums over axes, the reduction planner, used by `sum` and by other families' chunked
 * reductions (the filter gradient's partials, the cross-entropy's row losses).
 *
 * The planner collapses adjacent axes into runs of kept and reduced axes (at most 4 of each
 * reach the kernel), and splits a long reduction into chunks summed by different invocations,
 * then sums the chunks with a second pass: one invocation per output summing 173,056 terms
 * would leave most of the device idle (Tiling.reductionThreads is the target parallelism).
 *
 * Three variants (variants.ts), chosen per adapter and shape by the tuner or forced:
 * - 'blocked' (the default): one invocation per (output, chunk), summing its chunk in order, no
 *   workgroup memory. Where the outputs' innermost axis is contiguous in x (a column sum: a bias
 *   gradient) and the sum is split, sum_split.wgsl orders the invocations chunk-major, so
 *   neighbouring lanes read neighbouring elements (each cache line is read once), and the chunks'
 *   partials form a column sum again. In sum.wgsl's output-major order the chunks of one output
 *   sit side by side, so every cache line is fetched again for each output it holds (conv1's
 *   bias gradient at batch 256: 22 MB read about 16 times, 740 ms on lavapipe). Otherwise
 *   sum.wgsl (each invocation walks its own contiguous run when the reduced axis is innermost);
 * - 'tiled' (sum_tiled.wgsl): a workgroup per (output, chunk), its lanes reading every WG-th
 *   element (neighbouring lanes read neighbouring elements), then a tree in workgroup memory;
 * - 'subgroup' (sum_subgroup.wgsl): the same, the lanes added by subgroupAdd first.
 */
import type { Shape } from '../../backend.js';
import { sizeOf } from '../../backend.js';
import { threads, type Program } from '../launch.js';
import type { Replay } from '../variants.js';
import { family, type Gpu, type GPUStorage, type Params, type FamilyFacts } from './family.js';
import { inFours } from './family-helpers.js';
import { fillZero } from './memory.js';

const programs = {
  sum: threads('sum'),
  sumSplit: threads('sum_split'),
  sumSplitVec4: threads('sum_split_vec4'),
  sumTiled: { shader: 'sum_tiled', workgroup: 'elementwise', grid: 'workgroups', variant: 'tiled' },
  sumSubgroup: { shader: 'sum_subgroup', workgroup: 'elementwise', grid: 'workgroups', variant: 'subgroup' },
} as const satisfies Record<string, Program>;

/** Elements each lane of the workgroup sums at least, before a chunk is split further. */
const MIN_PER_LANE = 4;

/** Axis runs the sum kernel indexes directly (shaders/sum.wgsl: vec4 shape and stride fields). */
const MAX_RUNS = 4;

export interface AxisRun {
  readonly size: number;
  readonly stride: number;
}

/**
 * Where each kernel of reduce has its CPU twin and its gradient rule, checked by
 * test/kernel-coverage.test.ts. Nothing at run time reads them, so bundles leave them out.
 */
export const reduceFacts = {
  about: 'sums over axes, split into chunks for parallelism',
  kernels: {
    sum: { cpu: 'engine/backends/cpu/reduce.ts', gradient: 'engine/ops/reduce.ts' },
  },
} as const satisfies FamilyFacts;

export const reduce = family<keyof typeof reduceFacts.kernels>({
  programs,
  variants: {
    sum: { blocked: [programs.sum, programs.sumSplit, programs.sumSplitVec4], tiled: [programs.sumTiled], subgroup: [programs.sumSubgroup] },
  },
  table: (gpu) => ({
    sum: (x, axes, outShape) => {
      const out = gpu.out(outShape, x.dtype, 'sum');
      if (sizeOf(x.shape) === 0) fillZero(gpu, out);
      else sumInto(gpu, x.storage, x.shape, axes, out.storage);
      return out;
    },
  }),
});

/** Sums x (a storage range holding `shape`) over `axes` into `dst`. */
export function sumInto(gpu: Gpu, x: GPUStorage, shape: Shape, axes: readonly number[], dst: GPUStorage): void {
  const { kept, red } = axisRuns('sum', shape, axes);
  sumRuns(gpu, x, kept, red, dst);
}

/**
 * `shape` reduced over `axes`, collapsed into runs of adjacent kept and reduced axes with their
 * element strides (size-1 axes dropped): at most MAX_RUNS of each reach the kernels.
 */
export function axisRuns(kernel: string, shape: Shape, axes: readonly number[]): { kept: AxisRun[]; red: AxisRun[] } {
  const dims: { size: number; stride: number; red: boolean }[] = [];
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const size = shape[i];
    const red = axes.includes(i);
    if (size !== 1) {
      const inner = dims[0];
      if (inner && inner.red === red && inner.stride * inner.size === stride) inner.size *= size;
      else dims.unshift({ size, stride, red });
    }
    stride *= size;
  }
  const kept = dims.filter((d) => !d.red);
  const red = dims.filter((d) => d.red);
  if (kept.length > MAX_RUNS || red.length > MAX_RUNS) {
    throw new Error(`webgpu ${kernel}: shape [${shape}] over axes [${axes}] is too fragmented (more than ${MAX_RUNS} runs of kept or reduced axes)`);
  }
  return { kept, red };
}

/** The uniforms of shaders/include/axis-runs.wgsl: the runs' ranks, sizes and strides. */
export function runUniforms(kept: readonly AxisRun[], red: readonly AxisRun[]): Params {
  const pad = (v: number[]) => [...v, ...new Array<number>(MAX_RUNS).fill(0)].slice(0, MAX_RUNS);
  return {
    keptRank: kept.length, redRank: red.length,
    keptShape: pad(kept.map((d) => d.size)), keptStrides: pad(kept.map((d) => d.stride)),
    redShape: pad(red.map((d) => d.size)), redStrides: pad(red.map((d) => d.stride)),
  };
}

/** Sums x over the `red` runs for every position of the `kept` runs, into dst (outputs in kept order). */
export function sumRuns(gpu: Gpu, x: GPUStorage, kept: readonly AxisRun[], red: readonly AxisRun[], dst: GPUStorage): void {
  const outSize = kept.reduce((n, d) => n * d.size, 1);
  const redSize = red.reduce((n, d) => n * d.size, 1);
  if (outSize === 0) return;
  const target = gpu.tiling.reductionThreads;
  const runs = (r: readonly AxisRun[]) => r.map((d) => `${d.size}:${d.stride}`).join(',');
  const variant = gpu.variant('sum', `kept ${runs(kept) || '-'} reduced ${runs(red)}`, () => sumReplay(gpu, kept, red));
  const WG = gpu.tiling.elementwise;
  let chunks = 1;
  if (variant === 'blocked') {
    if (redSize > 256 && outSize < target) chunks = Math.min(Math.ceil(redSize / 64), Math.ceil(target / outSize));
  } else if (outSize * WG < target) {
    // A workgroup per chunk: enough of them to reach the target, each lane summing a few.
    chunks = Math.max(1, Math.min(Math.ceil(target / (outSize * WG)), Math.floor(redSize / (WG * MIN_PER_LANE))));
  }
  const chunkLen = Math.max(1, Math.ceil(redSize / chunks));
  chunks = Math.max(1, Math.ceil(redSize / chunkLen));
  const partials = chunks === 1 ? dst : gpu.scratch(outSize * chunks, 'sum partials');
  const params = { outSize, chunks, chunkLen, redSize, ...runUniforms(kept, red) };
  // Chunk-major partials (sum_split.wgsl): out[c * outSize + o]; the others: out[o * chunks + c].
  const chunkMajor = variant === 'blocked' && chunks > 1 && kept.length > 0 && kept[kept.length - 1].stride === 1;
  // Four outputs an invocation, read as vec4, where one contiguous kept run and one reduced run
  // of stride 4k allow it (the bias gradients): sum_split_vec4.wgsl.
  const quads = chunkMajor && kept.length === 1 && inFours(gpu, outSize) && red.length === 1 && red[0].stride % 4 === 0;
  if (quads) gpu.launch(programs.sumSplitVec4, { threads: (outSize / 4) * chunks }, { x, out: partials }, params);
  else if (chunkMajor) gpu.launch(programs.sumSplit, { threads: outSize * chunks }, { x, out: partials }, params);
  else if (variant === 'blocked') gpu.launch(programs.sum, { threads: outSize * chunks }, { x, out: partials }, params);
  else gpu.launch(variant === 'tiled' ? programs.sumTiled : programs.sumSubgroup, { workgroups: outSize * chunks }, { x, out: partials }, params);
  if (chunks > 1) {
    if (chunkMajor) sumRuns(gpu, partials, [{ size: outSize, stride: 1 }], [{ size: chunks, stride: outSize }], dst);
    else sumRuns(gpu, partials, [{ size: outSize, stride: chunks }], [{ size: chunks, stride: 1 }], dst);
    gpu.release(partials);
  }
}

/** A repeatable sum over the same runs (for the tuner): x spans the runs' largest offset. */
function sumReplay(gpu: Gpu, kept: readonly AxisRun[], red: readonly AxisRun[]): Replay {
  const span = [...kept, ...red].reduce((n, d) => n + (d.size - 1) * d.stride, 1);
  const outSize = kept.reduce((n, d) => n * d.size, 1);
  const x = gpu.scratch(span, 'tuning input');
  gpu.fillRange(x, span, 'float32', 0.5);
  return {
    flops: outSize * red.reduce((n, d) => n * d.size, 1),
    run: () => {
      const out = gpu.scratch(outSize, 'tuning output');
      sumRuns(gpu, x, kept, red, out);
      gpu.release(out);
    },
    dispose: () => gpu.release(x),
  };
}
