/**
 * Data augmentation of NHWC images on the CPU: the reference shaders/augment.wgsl is compared with.
 *
 * Every random number is a counter-based hash (engine/counter-hash.ts) of a key and an index, so
 * an image's draws depend only on (key, its position in the batch), on every backend:
 * - sample b draws counterBits(sampleKey, 8b + k), k = 0 shift y, 1 shift x, 2 flip, 3 angle,
 *   4 brightness, 5 and 6 the cutout's centre row and column (augmentDraws below);
 * - element i draws counterBits(noiseKey, 2i) and (2i + 1): four 16-bit uniforms whose sum,
 *   centred and scaled, is an Irwin-Hall approximation of a Gaussian (unit variance, bounded at
 *   ±2√3). It is integer arithmetic up to one float multiply, so both backends agree.
 *
 * Output pixel (y, x) is inverse-mapped: rotate about the centre by the angle, undo the shift, undo
 * the flip, then sample bilinearly with zeros outside the image. Without rotation the source is an
 * integer pixel and the weights are 0 and 1, so a shift or flip copies values exactly. A pixel
 * inside the sample's cutout square is 0 (before brightness and noise). Sin and cos
 * are polynomials (the angle is at most 45°), not Math.sin: WGSL's builtins may be off by 2^-11.
 */
import type { AugmentParams } from '../backend.js';
import { counterBits } from '../../counter-hash.js';
import type { FloatArray } from './gemm.js';

/** The per-sample draws of augment: what sample `b` of a batch gets. */
export interface AugmentDraws {
  readonly shiftY: number;
  readonly shiftX: number;
  readonly flip: boolean;
  /** Radians. */
  readonly angle: number;
  readonly delta: number;
  /** The cutout square's first row and column (may be negative: it is centred on a uniform pixel). */
  readonly cutY: number;
  readonly cutX: number;
}

/** The top 24 bits as a uniform in [0, 1), exact in float32. */
const unit24 = (bits: number): number => (bits >>> 8) / 16777216;

/** An integer in [-max, max] from the top 16 bits (max < 32768, so the product fits in 32 bits). */
const shiftOf = (bits: number, max: number): number => (((bits >>> 16) * (2 * max + 1)) >>> 16) - max;

/** An integer in [0, n) from the top 16 bits (n < 65536). */
const indexOf = (bits: number, n: number): number => ((bits >>> 16) * n) >>> 16;

/** `height` and `width` place the cutout's centre (it is uniform over the image's pixels). */
export function augmentDraws(p: AugmentParams, b: number, height: number, width: number, round: (v: number) => number = Math.fround): AugmentDraws {
  const bits = (k: number) => counterBits(p.sampleKey, (8 * b + k) >>> 0);
  return {
    shiftY: shiftOf(bits(0), p.maxShift),
    shiftX: shiftOf(bits(1), p.maxShift),
    flip: p.flip && bits(2) >>> 31 === 1,
    angle: round(round(p.maxRotation) * (2 * unit24(bits(3)) - 1)),
    delta: round(round(p.brightness) * (2 * unit24(bits(4)) - 1)),
    cutY: indexOf(bits(5), height) - (p.cutout >> 1),
    cutX: indexOf(bits(6), width) - (p.cutout >> 1),
  };
}

/** sin and cos for |t| <= π/4 by their Taylor series (errors below 2e-9), written as the WGSL writes them. */
export function sinSmall(t: number): number {
  const t2 = t * t;
  return t * (1 - (t2 / 6) * (1 - (t2 / 20) * (1 - (t2 / 42) * (1 - t2 / 72))));
}
export function cosSmall(t: number): number {
  const t2 = t * t;
  return 1 - (t2 / 2) * (1 - (t2 / 12) * (1 - (t2 / 30) * (1 - (t2 / 56) * (1 - t2 / 90))));
}

/** Irwin-Hall noise of element i, in units of 1/65536 before the scale: four 16-bit uniforms summed and centred. */
export function noiseUnits(noiseKey: number, i: number): number {
  const h1 = counterBits(noiseKey, (2 * i) >>> 0);
  const h2 = counterBits(noiseKey, (2 * i + 1) >>> 0);
  return (h1 & 0xffff) + (h1 >>> 16) + (h2 & 0xffff) + (h2 >>> 16) - 131072;
}

/** The float multiplier of noiseUnits: σ·√3 / 65536 (the sum of four U(0,1) has variance 1/3). */
export function noiseScale(sigma: number): number {
  return (sigma * Math.sqrt(3)) / 65536;
}

export function augment(x: FloatArray, shape: readonly number[], p: AugmentParams, y: FloatArray): void {
  const [N, H, W, C] = shape;
  const f32 = y instanceof Float32Array;
  const round = f32 ? Math.fround : (v: number) => v;
  const scale = round(noiseScale(p.noise));
  const brightens = round(p.brightness) > 0;
  const cy = (H - 1) / 2;
  const cx = (W - 1) / 2;
  const plane = H * W * C;
  for (let b = 0; b < N; b++) {
    const d = augmentDraws(p, b, H, W, round);
    const rotates = round(p.maxRotation) > 0;
    const cs = rotates ? round(cosSmall(d.angle)) : 1;
    const sn = rotates ? round(sinSmall(d.angle)) : 0;
    const base = b * plane;
    const tap = (yy: number, xx: number, c: number): number => (yy < 0 || yy >= H || xx < 0 || xx >= W ? 0 : x[base + (yy * W + xx) * C + c]);
    for (let yo = 0; yo < H; yo++) {
      for (let xo = 0; xo < W; xo++) {
        const cut = yo - d.cutY >= 0 && yo - d.cutY < p.cutout && xo - d.cutX >= 0 && xo - d.cutX < p.cutout;
        const dy = yo - cy;
        const dx = xo - cx;
        const sy = cs * dy - sn * dx + cy - d.shiftY;
        let sx = sn * dy + cs * dx + cx - d.shiftX;
        if (d.flip) sx = W - 1 - sx;
        const y0 = Math.floor(sy);
        const x0 = Math.floor(sx);
        const fy = sy - y0;
        const fx = sx - x0;
        for (let c = 0; c < C; c++) {
          const top = tap(y0, x0, c) * (1 - fx) + tap(y0, x0 + 1, c) * fx;
          const bottom = tap(y0 + 1, x0, c) * (1 - fx) + tap(y0 + 1, x0 + 1, c) * fx;
          let v = cut ? 0 : round(top * (1 - fy) + bottom * fy);
          if (brightens) v = round(v + d.delta);
          const i = base + (yo * W + xo) * C + c;
          if (scale > 0) v = round(v + round(noiseUnits(p.noiseKey, i) * scale));
          y[i] = v;
        }
      }
    }
  }
}
