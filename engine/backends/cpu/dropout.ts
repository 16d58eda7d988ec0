/** Inverted dropout on the CPU with the counter-based bits of engine/counter-hash.ts (the mask WGSL computes too). */
import { counterBits, dropThreshold, hashKey } from '../../counter-hash.js';
import type { FloatArray } from './gemm.js';

export function dropout(x: FloatArray, rate: number, seed: number, y: FloatArray): void {
  const key = hashKey(seed);
  const threshold = dropThreshold(rate);
  // float32 outputs use the float32 scale the GPU multiplies by, so the products round identically.
  const keepScale = y instanceof Float32Array ? Math.fround(1 / (1 - rate)) : 1 / (1 - rate);
  for (let i = 0, n = x.length; i < n; i++) y[i] = counterBits(key, i) >= threshold ? x[i] * keepScale : 0;
}
