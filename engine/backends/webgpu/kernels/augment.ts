/**
 * On-device data augmentation (engine/ops/augment.ts): one program, one invocation per output
 * element of NHWC images. Each invocation recomputes its sample's draws from the counter-based hash
 * (a few integer mixes), so there is no per-sample table to upload and no state.
 */
import { sizeOf } from '../../backend.js';
import { noiseScale } from '../../cpu/augment.js';
import { threads, type Program } from '../launch.js';
import { family, type FamilyFacts } from './family.js';

const programs = {
  augment: threads('augment'),
} as const satisfies Record<string, Program>;

/**
 * Where each kernel of augment has its CPU twin and its gradient rule, checked by
 * test/kernel-coverage.test.ts. Nothing at run time reads them, so bundles leave them out.
 */
export const augmentFacts = {
  about: 'data augmentation of NHWC images: shift, flip, rotation, cutout, brightness, noise',
  kernels: {
    augment: {
      cpu: 'engine/backends/cpu/augment.ts',
      gradient: { none: 'augment acts on input data (engine/ops/augment.ts refuses an x that requires a gradient)' },
    },
  },
} as const satisfies FamilyFacts;

export const augment = family<keyof typeof augmentFacts.kernels>({
  programs,
  table: (gpu) => ({
    augment: (x, q) => {
      const y = gpu.out(x.shape, x.dtype, 'augment');
      const [, height, width, channels] = x.shape;
      const n = sizeOf(x.shape);
      gpu.launch(programs.augment, { threads: n }, { x: x.storage, y: y.storage }, {
        n, height, width, channels,
        sampleKey: q.sampleKey, noiseKey: q.noiseKey, maxShift: q.maxShift, flip: q.flip ? 1 : 0,
        maxRotation: q.maxRotation, brightness: q.brightness, noiseScale: noiseScale(q.noise), cutout: q.cutout,
      });
      return y;
    },
  }),
});
