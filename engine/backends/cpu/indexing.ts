/**
 * Indexing kernels of the CPU backend: the gather by index map (transpose, slice, pad, tile,
 * broadcastTo), concat, gather along an axis with its deterministic backward, and oneHot.
 * They only move values, so they serve every dtype.
 */
import type { IndexMap, Shape, TypedArray } from '../backend.js';

/**
 * out[c] = x[Σ_d in_d(c_d) * inStride_d], in_d(c) = start_d + c * step_d (mod inDim_d when the
 * axis wraps), or map.padValue when some in_d falls outside [0, inDim_d). Each axis's input
 * offsets are tabled once (-1 for padding), then an odometer walks the output.
 */
export function copyIndexMap(x: TypedArray, map: IndexMap, out: TypedArray): void {
  const { outShape, axes, padValue } = map;
  const rank = outShape.length;
  const total = out.length;
  if (total === 0) return;
  if (rank === 0) {
    out[0] = x[0];
    return;
  }
  const tables = axes.map((a, d) => {
    const t = new Float64Array(outShape[d]);
    for (let c = 0; c < outShape[d]; c++) {
      let i = a.start + c * a.step;
      if (a.wrap) i = ((i % a.inDim) + a.inDim) % a.inDim;
      t[c] = i >= 0 && i < a.inDim ? i * a.inStride : -1;
    }
    return t;
  });
  const last = rank - 1;
  const inner = outShape[last];
  const innerTable = tables[last];
  const counter = new Array<number>(rank).fill(0);
  for (let o = 0; o < total; o += inner) {
    let base = 0;
    let padded = false;
    for (let d = 0; d < last; d++) {
      const off = tables[d][counter[d]];
      if (off < 0) padded = true;
      base += off;
    }
    if (padded) out.fill(padValue, o, o + inner);
    else {
      for (let c = 0; c < inner; c++) {
        const off = innerTable[c];
        out[o + c] = off < 0 ? padValue : x[base + off];
      }
    }
    for (let d = last - 1; d >= 0; d--) {
      if (++counter[d] < outShape[d]) break;
      counter[d] = 0;
    }
  }
}

/** Concatenation along `axis`: the output is [outer, Σ sizes, inner]; each input fills its band of every outer row. */
export function concat(xs: readonly { data: TypedArray; shape: Shape }[], axis: number, outShape: Shape, out: TypedArray): void {
  let outer = 1;
  for (let d = 0; d < axis; d++) outer *= outShape[d];
  let inner = 1;
  for (let d = axis + 1; d < outShape.length; d++) inner *= outShape[d];
  const outRow = outShape[axis] * inner;
  let offset = 0;
  for (const { data, shape } of xs) {
    const band = shape[axis] * inner;
    for (let o = 0; o < outer; o++) out.set(data.subarray(o * band, (o + 1) * band), o * outRow + offset);
    offset += band;
  }
}

/** x viewed as [outer, rows, inner]; out [outer, count, inner]; an index outside [0, rows) gives zeros. */
export function gather(x: TypedArray, indices: Int32Array, outer: number, rows: number, inner: number, out: TypedArray): void {
  const count = indices.length;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < count; i++) {
      const r = indices[i];
      const dst = (o * count + i) * inner;
      if (r < 0 || r >= rows) continue; // out is zero-filled
      out.set(x.subarray((o * rows + r) * inner, (o * rows + r + 1) * inner), dst);
    }
  }
}

/**
 * dx [outer, rows, inner] (zero-filled) from dy [outer, count, inner]: every row sums the dy rows
 * whose index chose it, in increasing index position (the order the WGSL kernel sums them in).
 */
export function gatherBackward(dy: TypedArray, indices: Int32Array, outer: number, rows: number, inner: number, dx: TypedArray): void {
  const count = indices.length;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < count; i++) {
      const r = indices[i];
      if (r < 0 || r >= rows) continue;
      const src = (o * count + i) * inner;
      const dst = (o * rows + r) * inner;
      for (let k = 0; k < inner; k++) dx[dst + k] += dy[src + k];
    }
  }
}

export function oneHot(indices: Int32Array, depth: number, onValue: number, offValue: number, out: TypedArray): void {
  if (offValue !== 0) out.fill(offValue);
  for (let i = 0; i < indices.length; i++) {
    const c = indices[i];
    if (c >= 0 && c < depth) out[i * depth + c] = onValue;
  }
}
