/**
 * Kernel variants: the heavy kernels (matmul, the three convolutions, the long sums) each have
 * three implementations, chosen per adapter and per shape:
 * - 'blocked': register blocks, no workgroup memory (include/tiles.wgsl, blocks.wgsl; the vec4
 *   kernels where the shapes allow, conv2d_c1_3x3 for one input channel and a 3x3 filter;
 *   sum_split.wgsl, chunk-major, for split column sums). Software adapters reward this: their
 *   barriers and workgroup memory cost more than they save (../shared/docs/webgpu-here.md).
 * - 'tiled': the workgroup stages a tile of both operands in workgroup memory, then every
 *   invocation computes its 4x4 block from there (include/gemm-tiled.wgsl); the sums reduce a
 *   chunk per workgroup through workgroup memory (sum_tiled.wgsl). What real GPUs reward.
 * - 'subgroup': the lanes of a subgroup that compute the same rows load each element of A once
 *   and pass it around with subgroupShuffle (include/gemm-subgroup.wgsl; the conv forward pass
 *   and input gradient walk the filter taps instead, include/conv-subgroup-taps.wgsl, where a
 *   tap has at least 4 channels); the sums add a chunk per workgroup with subgroupAdd
 *   (sum_subgroup.wgsl). Needs the adapter's `subgroups` feature.
 * Within a variant, the family picks among its programs by shape (kernels/conv2d.ts,
 * kernels/reduce.ts); the parity suite launches every one of them.
 *
 * Which one runs: a variant forced for a kernel (WebGPUBackendOptions.variants, the parity
 * suite does this), else the tuner's choice for that kernel and shape (tuner.ts), else
 * 'blocked'. A family asks through Gpu.variant(kernel, shapeKey, replay); `replay` lets the tuner
 * run the same launch again with fresh inputs of the same shapes.
 */
import type { KernelName } from '../backend.js';

export const TUNED_KERNELS = ['matmul', 'conv2d', 'conv2dBackpropInput', 'conv2dBackpropFilter', 'sum'] as const satisfies readonly KernelName[];
export type TunedKernel = (typeof TUNED_KERNELS)[number];

export const VARIANTS = ['blocked', 'tiled', 'subgroup'] as const;
export type VariantName = (typeof VARIANTS)[number];

/** The tuner's choices: per kernel, per shape key, the variant to run. */
export type VariantChoices = Partial<Record<TunedKernel, Record<string, VariantName>>>;

/** The GEMM a kernel lowers to: C[M, N] = A[M, K] · B[K, N] (2MNK flops). */
export interface GemmShape {
  readonly M: number;
  readonly N: number;
  readonly K: number;
}

/** A launch the tuner can repeat: `run` records one call of the kernel, `dispose` frees its inputs. */
export interface Replay {
  run(): void;
  dispose(): void;
  /** Arithmetic of one run (multiply-adds count 2; a sum's adds count 1), for GFLOP/s. */
  readonly flops: number;
  /** The GEMM shape it lowers to (matmul and the convolutions). */
  readonly gemm?: GemmShape;
}

export function isVariantName(v: unknown): v is VariantName {
  return typeof v === 'string' && (VARIANTS as readonly string[]).includes(v);
}

export function isTunedKernel(k: unknown): k is TunedKernel {
  return typeof k === 'string' && (TUNED_KERNELS as readonly string[]).includes(k);
}

/** Checks a variants option: known kernels, known variants; 'subgroup' only where the device has the feature. */
export function checkForcedVariants(forced: Partial<Record<string, string>>, subgroups: boolean): void {
  for (const [k, v] of Object.entries(forced)) {
    if (!isTunedKernel(k)) throw new Error(`webgpu: variants names kernel '${k}', which has no variants (expected one of ${TUNED_KERNELS.join(', ')})`);
    if (!isVariantName(v)) throw new Error(`webgpu: variants.${k} is '${String(v)}', expected one of ${VARIANTS.join(', ')}`);
    if (v === 'subgroup' && !subgroups) {
      throw new Error(`webgpu: variants.${k} is 'subgroup', but this device has no 'subgroups' feature (the adapter lacks it, or the app's device was made without it)`);
    }
  }
}
