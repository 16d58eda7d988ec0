/** Reusable scratch memory for kernels (im2col panels, packed transposes), one buffer per float type and slot. */
import type { FloatArray } from './gemm.js';

const f32 = new Map<string, Float32Array>();
const f64 = new Map<string, Float64Array>();

/** A zero-initialised-once buffer of at least n elements of like's type; contents are stale between calls. */
export function scratch(like: FloatArray, slot: string, n: number): FloatArray {
  if (like instanceof Float64Array) {
    let s = f64.get(slot);
    if (!s || s.length < n) {
      s = new Float64Array(n);
      f64.set(slot, s);
    }
    return s;
  }
  let s = f32.get(slot);
  if (!s || s.length < n) {
    s = new Float32Array(n);
    f32.set(slot, s);
  }
  return s;
}
