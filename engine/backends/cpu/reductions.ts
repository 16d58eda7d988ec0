/**
 * General reductions of the CPU backend over any set of axes: max, min, logSumExp, argmax,
 * argmin, and moments (mean and variance). The axes are split into the kept block (one output
 * each) and the reduced block, whose element offsets are tabled once; each output then scans
 * its reduced elements in row-major order, as the WGSL kernel (shaders/reduce.wgsl) does.
 */
import type { ReduceOp, Shape, TypedArray } from '../backend.js';
import type { FloatArray } from './gemm.js';

/** Offsets of every element of the sub-block spanned by `axes` (row-major among them). */
function blockOffsets(shape: Shape, strides: readonly number[], axes: readonly number[]): Float64Array {
  let n = 1;
  for (const a of axes) n *= shape[a];
  const offsets = new Float64Array(n);
  const counter = new Array<number>(axes.length).fill(0);
  let off = 0;
  for (let i = 0; i < n; i++) {
    offsets[i] = off;
    for (let k = axes.length - 1; k >= 0; k--) {
      const a = axes[k];
      off += strides[a];
      if (++counter[k] < shape[a]) break;
      counter[k] = 0;
      off -= strides[a] * shape[a];
    }
  }
  return offsets;
}

export interface ReductionPlan {
  /** Input offset of each output's first element. */
  readonly bases: Float64Array;
  /** Offsets of the reduced elements relative to a base. */
  readonly offsets: Float64Array;
}

export function reductionPlan(shape: Shape, axes: readonly number[]): ReductionPlan {
  const strides = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = acc;
    acc *= shape[i];
  }
  const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  return { bases: blockOffsets(shape, strides, kept), offsets: blockOffsets(shape, strides, axes) };
}

export function reduce(x: FloatArray, shape: Shape, op: ReduceOp, axes: readonly number[], out: TypedArray): void {
  const { bases, offsets } = reductionPlan(shape, axes);
  const m = offsets.length;
  for (let o = 0; o < bases.length; o++) {
    const base = bases[o];
    switch (op) {
      case 'max':
      case 'argmax': {
        let best = -Infinity;
        let at = 0;
        for (let r = 0; r < m; r++) {
          const v = x[base + offsets[r]];
          if (r === 0 || v > best) {
            best = v;
            at = r;
          }
        }
        out[o] = op === 'max' ? best : at;
        break;
      }
      case 'min':
      case 'argmin': {
        let best = Infinity;
        let at = 0;
        for (let r = 0; r < m; r++) {
          const v = x[base + offsets[r]];
          if (r === 0 || v < best) {
            best = v;
            at = r;
          }
        }
        out[o] = op === 'min' ? best : at;
        break;
      }
      case 'logSumExp': {
        let mx = -Infinity;
        for (let r = 0; r < m; r++) mx = Math.max(mx, x[base + offsets[r]]);
        if (!Number.isFinite(mx)) {
          out[o] = mx;
          break;
        }
        let s = 0;
        for (let r = 0; r < m; r++) s += Math.exp(x[base + offsets[r]] - mx);
        out[o] = mx + Math.log(s);
        break;
      }
    }
  }
}

/** Mean, then the mean squared deviation from it (two passes, float64 sums). */
export function moments(x: FloatArray, shape: Shape, axes: readonly number[], mean: FloatArray, variance: FloatArray): void {
  const { bases, offsets } = reductionPlan(shape, axes);
  const m = offsets.length;
  for (let o = 0; o < bases.length; o++) {
    const base = bases[o];
    let s = 0;
    for (let r = 0; r < m; r++) s += x[base + offsets[r]];
    const mu = s / m;
    let q = 0;
    for (let r = 0; r < m; r++) {
      const d = x[base + offsets[r]] - mu;
      q += d * d;
    }
    mean[o] = mu;
    variance[o] = q / m;
  }
}
