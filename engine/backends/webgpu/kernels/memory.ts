/**
 * Moving bytes: copyInto (a buffer copy, no shader) and the fill program behind
 * Backend.fill and every zero-initialised output.
 */
import type { DType } from '../../backend.js';
import { sizeOf } from '../../backend.js';
import { threads, type Program } from '../launch.js';
import { family, type Gpu, type GPUStorage, type T, type FamilyFacts } from './family.js';
import { bitsOf, inFours } from './family-helpers.js';

const programs = {
  fill: threads('fill'),
  fillVec4: threads('fill_vec4'),
} as const satisfies Record<string, Program>;

/**
 * Where each kernel of memory has its CPU twin and its gradient rule, checked by
 * test/kernel-coverage.test.ts. Nothing at run time reads them, so bundles leave them out.
 */
export const memoryFacts = {
  about: 'copies between buffer ranges, and fills',
  kernels: {
    copyInto: { cpu: 'engine/backends/cpu/cpu-backend.ts', gradient: { none: 'moves parameters and gradients into flat buffers (nn/parameter-store.ts); not an op' } },
  },
} as const satisfies FamilyFacts;

export const memory = family<keyof typeof memoryFacts.kernels>({
  programs,
  table: (gpu) => ({
    copyInto: (src, dst) => {
      const bytes = src.storage.byteSize;
      if (bytes !== dst.storage.byteSize) {
        throw new Error(`webgpu copyInto: source [${src.shape}] and destination [${dst.shape}] differ in size`);
      }
      if (bytes > 0) gpu.copy(src.storage, dst.storage, bytes);
    },
  }),
});

/** Records the fill of n elements of `storage` with `value` (written as dtype's bit pattern). */
export function fillStorage(gpu: Pick<Gpu, 'launch' | 'tiling'>, storage: GPUStorage, n: number, dtype: DType, value: number): void {
  const word = bitsOf(value, dtype);
  if (inFours(gpu, n)) gpu.launch(programs.fillVec4, { threads: n / 4 }, { out: storage }, { n: n / 4, value: word });
  else gpu.launch(programs.fill, { threads: n }, { out: storage }, { n, value: word });
}

export function fillZero(gpu: Gpu, t: T): void {
  gpu.fillRange(t.storage, sizeOf(t.shape), t.dtype, 0);
}
