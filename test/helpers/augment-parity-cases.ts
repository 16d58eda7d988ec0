/**
 * Parity cases of the augment kernel (engine/ops/augment.ts): every backend against the CPU's
 * float32. A shift or flip alone copies pixels, so that case also returns the float32 bits as int32
 * (compared exactly). With rotation the bilinear weights come from float arithmetic that a GPU may
 * contract into fused multiply-adds, so those cases use the suite's tolerance with a reduction
 * length of 16 + H + W: the source coordinates' rounding grows with the distance from the centre
 * (up to (H + W)/2 pixels), and the value's error with it (measured: 7e-5 at 1,024 pixels wide).
 */
import type { AugmentParams, Backend, TypedArray } from '../../engine/backends/backend.js';
import { augmentParams, type Augmentation } from '../../engine/ops/augment.js';
import { Rng } from './rng.js';
import { Scope, type CaseResult, type ParityCase } from './webgpu-parity-cases.js';

const bitsOf = (v: TypedArray): Int32Array => new Int32Array(Float32Array.from(v).buffer);

function augmentCase(name: string, shape: number[], options: Augmentation, seed: number, exactBits: boolean): ParityCase {
  const params: AugmentParams = augmentParams(options, { seed, epoch: 3, step: 7 });
  return {
    name: `augment ${name} [${shape}]`,
    reduction: exactBits ? 1 : 16 + shape[1] + shape[2],
    async run(be: Backend): Promise<CaseResult> {
      const rng = new Rng(seed);
      const s = new Scope(be);
      const n = shape.reduce((a, b) => a * b, 1);
      const y = be.kernels.augment(s.up(rng.values(n, 0, 1), shape), params);
      const result = await s.done({ y });
      return exactBits ? { outputs: { ...result.outputs, bits: bitsOf(result.outputs.y) } } : result;
    },
  };
}

export function augmentParityCases(big: boolean): ParityCase[] {
  const cases = [
    augmentCase('shift 3 + flip (bit for bit)', [6, 9, 11, 3], { shift: 3, flip: true }, 101, true),
    augmentCase('rotation 30°', [4, 28, 28, 1], { rotation: 30 }, 102, false),
    augmentCase('everything', [5, 13, 17, 2], { shift: 2, flip: true, rotation: 15, brightness: 0.2, noise: 0.1, cutout: 5 }, 103, false),
    augmentCase('cutout 8 + shift 1 (bit for bit)', [9, 28, 28, 1], { shift: 1, cutout: 8 }, 107, true),
    augmentCase('brightness + noise', [3, 7, 5, 4], { brightness: 0.5, noise: 0.3 }, 104, false),
    augmentCase('1x1 images, shift 1', [7, 1, 1, 1], { shift: 1, flip: true }, 105, true),
  ];
  if (big) cases.push(augmentCase('folded dispatch', [17, 241, 1024, 1], { shift: 4, flip: true }, 106, true));
  return cases;
}
