/**
 * On-device data augmentation of NHWC float images: `augment(x, options, key)`.
 *
 * Per image: a random integer shift (zeros fill what moves in: the same as padding by `shift`
 * pixels and cropping back at a random offset), a horizontal flip with probability 1/2, a small
 * rotation about the centre (bilinear, zeros outside), a square cut out (set to zero: Cutout, DeVries
 * & Taylor 2017), a brightness offset, and noise on every
 * element (engine/backends/cpu/augment.ts states each draw). Every draw is a counter-based hash of
 * (seed, epoch, step) and the image's position in the batch, or the element's, so the same key
 * gives the same images on every backend and every run: a resumed run sees the images an
 * uninterrupted one would have.
 *
 * No gradient: augment acts on input data. An x that requires a gradient is an error, not a
 * silently cut graph.
 */
import type { AugmentParams } from '../backends/backend.js';
import { hashKey, mix32 } from '../counter-hash.js';
import { show } from '../nn/show.js';
import { isGradEnabled } from '../runtime.js';
import { Tensor } from '../tensor.js';
import { assertFloat, assertRank, fmt } from './validate.js';

/** What augment does to each image; every field is optional and off by default. */
export interface Augmentation {
  /** Largest shift in pixels, per axis (an integer >= 0): pad by this and crop at random. */
  shift?: number;
  /** Flip left-right with probability 1/2. */
  flip?: boolean;
  /** Largest rotation in degrees, either way (0 to 45). */
  rotation?: number;
  /** Largest brightness offset added to every value, either way (>= 0). */
  brightness?: number;
  /** Standard deviation of the added noise (>= 0): approximately Gaussian (Irwin-Hall, bounded at ±3.46σ). */
  noise?: number;
  /**
   * Side in pixels of a square set to zero in every image (an integer >= 0), centred on a uniform
   * pixel, so near an edge only part of it falls inside (as in DeVries & Taylor's Cutout).
   */
  cutout?: number;
}

/** Which random draws: fit passes its seed, the epoch and the step. */
export interface AugmentKey {
  seed: number;
  epoch?: number;
  step?: number;
}

const MAX_ROTATION_DEGREES = 45;
const FIELDS = ['shift', 'flip', 'rotation', 'brightness', 'noise', 'cutout'];

function u32(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new Error(`${op}: ${name} must be an integer in [0, 2^32), got ${show(v)}`);
  return v;
}

/** A whole number of pixels (shift, cutout): an integer in [0, 32767], so draws fit 16-bit arithmetic. */
function wholePixels(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 32767) {
    throw new Error(`${op}: ${name} must be an integer number of pixels in [0, 32767], got ${show(v)}`);
  }
  return v;
}

function nonNegative(op: string, name: string, v: unknown, max = Infinity): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > max) {
    throw new Error(`${op}: ${name} must be a finite number in [0, ${max === Infinity ? '∞' : max}], got ${show(v)}`);
  }
  return v;
}

/**
 * Checks an Augmentation (fit calls this before its first step, so a bad option fails at once).
 * `op` and `prefix` name where it came from ('fit', 'augment.'). Returns it with defaults filled in.
 */
export function checkAugmentation(op: string, options: unknown, prefix = ''): Required<Augmentation> {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new Error(`${op}: ${prefix || 'options'} must be an object { ${FIELDS.join(', ')} }, got ${show(options)}`);
  }
  const o = options as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!FIELDS.includes(k)) throw new Error(`${op}: unknown option ${prefix}${k} (expected one of ${FIELDS.join(', ')})`);
  }
  const shift = wholePixels(op, `${prefix}shift`, o.shift ?? 0);
  const flip = o.flip ?? false;
  if (typeof flip !== 'boolean') throw new Error(`${op}: ${prefix}flip must be true or false, got ${show(flip)}`);
  return {
    shift,
    flip,
    rotation: nonNegative(op, `${prefix}rotation (degrees)`, o.rotation ?? 0, MAX_ROTATION_DEGREES),
    brightness: nonNegative(op, `${prefix}brightness`, o.brightness ?? 0),
    noise: nonNegative(op, `${prefix}noise`, o.noise ?? 0),
    cutout: wholePixels(op, `${prefix}cutout`, o.cutout ?? 0),
  };
}

/** True when the options change nothing (augment then returns x itself). */
export function isIdentityAugmentation(a: Required<Augmentation>): boolean {
  return a.shift === 0 && !a.flip && a.rotation === 0 && a.brightness === 0 && a.noise === 0 && a.cutout === 0;
}

/** The two u32 keys of a (seed, epoch, step), distinct from dropout's key for the same seed. */
export function augmentKeys(key: AugmentKey, op = 'augment'): { sampleKey: number; noiseKey: number } {
  if (key === null || typeof key !== 'object') throw new Error(`${op}: key must be { seed, epoch?, step? }, got ${show(key)}`);
  const seed = u32(op, 'key.seed', key.seed);
  const epoch = u32(op, 'key.epoch', key.epoch ?? 0);
  const step = u32(op, 'key.step', key.step ?? 0);
  let k = hashKey((seed ^ 0x41554731) >>> 0);
  k = mix32((k ^ epoch) >>> 0);
  k = mix32((k + Math.imul(step, 0x9e3779b9)) >>> 0);
  return { sampleKey: k, noiseKey: mix32((k ^ 0x6e6f6973) >>> 0) };
}

/** The kernel's parameters for `options` under `key`. */
export function augmentParams(options: Augmentation, key: AugmentKey, op = 'augment'): AugmentParams {
  const a = checkAugmentation(op, options);
  return {
    ...augmentKeys(key, op),
    maxShift: a.shift,
    flip: a.flip,
    maxRotation: (a.rotation * Math.PI) / 180,
    brightness: a.brightness,
    noise: a.noise,
    cutout: a.cutout,
  };
}

export function augment(x: Tensor, options: Augmentation, key: AugmentKey): Tensor {
  const op = 'augment';
  assertRank(op, 'x', x, 4, 'NHWC images [batch, height, width, channels]');
  assertFloat(op, 'x', x);
  if (isGradEnabled() && x.requiresGrad) {
    throw new Error(`${op}: x ${fmt(x.shape)} requires a gradient, but augment has none: it acts on input data (augment the batch before the model, or inside noGrad)`);
  }
  const a = checkAugmentation(op, options);
  const params = augmentParams(a, key, op);
  if (isIdentityAugmentation(a)) return x;
  return Tensor.fromHandle(x.backend.kernels.augment(x.handle, params), x.backend);
}

/**
 * fit's augmentation of each training batch (FitOptions.augment): the options and the seed are
 * checked once, before the first step; batch `step` of epoch `epoch` then gets the key
 * (seed, epoch, step). Returns null when there is nothing to do. Validation and test data are
 * never augmented: fit calls this for its training batches only.
 */
export function batchAugmenter(op: string, options: unknown, seed: unknown): ((x: Tensor, epoch: number, step: number) => Tensor) | null {
  if (options === undefined || options === null) return null;
  const a = checkAugmentation(op, options, 'augment.');
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new Error(`${op}: seed must be an integer in [0, 2^32) when augment is given (it keys the augmentation), got ${show(seed)}`);
  }
  if (isIdentityAugmentation(a)) return null;
  return (x, epoch, step) => augment(x, a, { seed, epoch, step });
}
