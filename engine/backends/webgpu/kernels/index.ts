/**
 * Every kernel family of the WebGPU backend, and the exhaustive kernel table built from them.
 *
 * To add a kernel: write shaders/<name>.wgsl, run `npm run gen:shaders`, add a Program and the
 * kernel to a family file here (or a new family, listed below), name the CPU twin and the
 * gradient rule in the family's facts (`<family>Facts.kernels`, which also name its kernels). TypeScript fails until every KernelName has a kernel;
 * test/kernel-coverage.test.ts fails until it also has facts and a parity case.
 */
import type { KernelName, KernelTable } from '../../backend.js';
import type { Program } from '../launch.js';
import type { TunedKernel, VariantName } from '../variants.js';
import { optimizers, optimizersFacts } from './optimizers.js';
import { augment, augmentFacts } from './augment.js';
import { conv2d, conv2dFacts } from './conv2d.js';
import { elementwise, elementwiseFacts } from './elementwise.js';
import type { FamilyFacts, GPUStorage, Gpu, KernelFacts } from './family.js';
import { matmul, matmulFacts } from './matmul.js';
import { memory, memoryFacts } from './memory.js';
import { pool, poolFacts } from './pool.js';
import { reduce, reduceFacts } from './reduce.js';
import { rows, rowsFacts } from './rows.js';
import { batchMatmul, batchMatmulFacts } from './batch-matmul.js';
import { convVariants, convVariantsFacts } from './conv-variants.js';
import { indexing, indexingFacts } from './indexing.js';
import { math, mathFacts } from './math.js';
import { normalization, normalizationFacts } from './normalization.js';
import { reductions, reductionsFacts } from './reductions.js';

export const FAMILIES = {
  elementwise, reduce, rows, matmul, conv2d, pool, optimizers, memory,
  // The op families of issue 13.
  math, indexing, reductions, batchMatmul, convVariants, normalization,
  augment, // issue 15
} as const;

/**
 * Each family's facts (where its kernels' CPU twins and gradient rules live), by family name as
 * in FAMILIES. Read by kernelIndex() for test/kernel-coverage.test.ts only; nothing the backend
 * runs reaches them, so the bundles leave them out.
 */
export const FAMILY_FACTS: Readonly<Record<keyof typeof FAMILIES, FamilyFacts>> = {
  elementwise: elementwiseFacts, reduce: reduceFacts, rows: rowsFacts, matmul: matmulFacts, conv2d: conv2dFacts,
  pool: poolFacts, optimizers: optimizersFacts, memory: memoryFacts, math: mathFacts, indexing: indexingFacts,
  reductions: reductionsFacts, batchMatmul: batchMatmulFacts, convVariants: convVariantsFacts,
  normalization: normalizationFacts, augment: augmentFacts,
};

/** The kernel table: each family's kernels over the same Gpu. */
export function kernelTable(gpu: Gpu): KernelTable<GPUStorage> {
  return {
    ...elementwise.table(gpu),
    ...reduce.table(gpu),
    ...rows.table(gpu),
    ...matmul.table(gpu),
    ...conv2d.table(gpu),
    ...pool.table(gpu),
    ...optimizers.table(gpu),
    ...memory.table(gpu),
    ...math.table(gpu),
    ...indexing.table(gpu),
    ...reductions.table(gpu),
    ...batchMatmul.table(gpu),
    ...convVariants.table(gpu),
    ...normalization.table(gpu),
    ...augment.table(gpu),
  };
}

/** A family seen from outside: its programs and its variants. */
interface FamilyView {
  readonly programs: Readonly<Record<string, Program>>;
  readonly variants?: Readonly<Partial<Record<TunedKernel, Readonly<Record<VariantName, readonly Program[]>>>>>;
}
const views = FAMILIES as Readonly<Record<string, FamilyView>>;

/** Every program of every family (precompiled when the backend is created). */
export function allPrograms(): Program[] {
  return Object.values(views).flatMap((f) => Object.values(f.programs));
}

/** The programs a tuned kernel's variant runs, from its family's `variants`. */
export function variantPrograms(kernel: TunedKernel, variant: VariantName): readonly Program[] {
  for (const f of Object.values(views)) {
    const v = f.variants?.[kernel];
    if (v) return v[variant];
  }
  throw new Error(`webgpu: no family lists the variants of kernel '${kernel}'`);
}

/** Per kernel name: its family's name, facts and programs (for test/kernel-coverage.test.ts). */
export function kernelIndex(): Record<KernelName, { family: string; facts: KernelFacts; programs: Program[] }> {
  const index: Partial<Record<KernelName, { family: string; facts: KernelFacts; programs: Program[] }>> = {};
  for (const [name, f] of Object.entries(views)) {
    for (const [k, facts] of Object.entries(FAMILY_FACTS[name as keyof typeof FAMILIES].kernels) as [KernelName, KernelFacts][]) {
      if (index[k]) throw new Error(`webgpu: kernel '${k}' is claimed by families '${index[k]!.family}' and '${name}'`);
      index[k] = { family: name, facts, programs: Object.values(f.programs) };
    }
  }
  return index as Record<KernelName, { family: string; facts: KernelFacts; programs: Program[] }>;
}
