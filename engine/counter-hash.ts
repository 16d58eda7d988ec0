/**
 * The counter-based RNG of dropout: 32 random bits from (seed, element index) with no state, so
 * any element's bit can be computed anywhere, in any order, on any backend. The mixer is Chris
 * Wellons' "lowbias32" (xor-shift / multiply rounds, 32-bit wrapping arithmetic), applied twice
 * with a key made from the seed. shaders/dropout.wgsl computes the same bits with u32 arithmetic,
 * so the CPU and WebGPU masks are identical bit for bit (the parity suite checks it).
 */

export function mix32(v: number): number {
  let x = v >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** The key both rounds mix in: a hash of the seed. */
export function hashKey(seed: number): number {
  return mix32((seed >>> 0) ^ 0x9e3779b9);
}

/** 32 random bits for element `index` under `key`. */
export function counterBits(key: number, index: number): number {
  return mix32((mix32((index ^ key) >>> 0) + key) >>> 0);
}

/** An element is kept when its bits are >= this: rate · 2^32, rounded down. */
export function dropThreshold(rate: number): number {
  return Math.min(0xffffffff, Math.floor(rate * 4294967296));
}
