/** Reductions of the CPU backend: sum over axes, argmax over the last axis, correct-prediction counting. */
import type { Shape } from '../backend.js';
import type { FloatArray } from './gemm.js';

/**
 * Sum of x over `axes` into out (whose size is the product of the kept axes).
 * Adjacent axes of the same kind (reduced or kept) are merged; the input is
 * walked once in row-major order and accumulated in float64.
 */
export function sum(x: FloatArray, shape: Shape, axes: readonly number[], out: FloatArray): void {
  const reduced = new Set(axes);
  const sizes: number[] = [];
  const kinds: boolean[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] === 1) continue;
    const r = reduced.has(i);
    const last = sizes.length - 1;
    if (last >= 0 && kinds[last] === r) sizes[last] *= shape[i];
    else {
      sizes.push(shape[i]);
      kinds.push(r);
    }
  }
  const acc = new Float64Array(out.length);
  const total = x.length;
  if (sizes.length === 2 && kinds[0] && !kinds[1]) {
    // Leading axes reduced, the last kept (a bias gradient): column sums in one flat loop.
    const cols = sizes[1];
    for (let px = 0; px < total; px += cols) for (let j = 0; j < cols; j++) acc[j] += x[px + j];
    out.set(acc);
    return;
  }
  if (total > 0) {
    if (sizes.length === 0) {
      sizes.push(1);
      kinds.push(true);
    }
    // Output strides of the merged axes (0 on reduced ones).
    const os = new Array<number>(sizes.length).fill(0);
    let s = 1;
    for (let i = sizes.length - 1; i >= 0; i--) {
      if (!kinds[i]) {
        os[i] = s;
        s *= sizes[i];
      }
    }
    const d = sizes.length - 1;
    const inner = sizes[d];
    const counter = new Array<number>(d).fill(0);
    let po = 0;
    for (let px = 0; px < total; px += inner) {
      if (kinds[d]) {
        let t = 0;
        for (let j = 0; j < inner; j++) t += x[px + j];
        acc[po] += t;
      } else {
        for (let j = 0; j < inner; j++) acc[po + j] += x[px + j];
      }
      for (let ax = d - 1; ax >= 0; ax--) {
        po += os[ax];
        if (++counter[ax] < sizes[ax]) break;
        counter[ax] = 0;
        po -= os[ax] * sizes[ax];
      }
    }
  }
  out.set(acc);
}

/** Index of the first maximum of each row of length `cols`; a row's first NaN counts as its maximum. */
export function argmax(x: FloatArray, cols: number, out: Int32Array): void {
  const rows = out.length;
  for (let r = 0; r < rows; r++) out[r] = rowArgmax(x, r * cols, cols);
}

function rowArgmax(x: FloatArray, off: number, cols: number): number {
  let best = 0;
  let max = x[off];
  if (Number.isNaN(max)) return 0;
  for (let c = 1; c < cols; c++) {
    const v = x[off + c];
    if (Number.isNaN(v)) return c;
    if (v > max) {
      max = v;
      best = c;
    }
  }
  return best;
}

export function countCorrect(logits: FloatArray, labels: Int32Array, classes: number): number {
  let n = 0;
  for (let r = 0; r < labels.length; r++) if (rowArgmax(logits, r * classes, classes) === labels[r]) n++;
  return n;
}
