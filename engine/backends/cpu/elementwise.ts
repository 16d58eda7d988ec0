/** Element-wise kernels of the CPU backend: unary ops, scale, broadcasting binary ops, relu's backward. */
import type { BinaryOp, Shape, UnaryOp } from '../backend.js';
import type { FloatArray } from './gemm.js';
import { broadcastStrides } from '../../ops/geometry.js';

export function unary(x: FloatArray, op: UnaryOp, y: FloatArray): void {
  const n = x.length;
  switch (op) {
    case 'neg':
      for (let i = 0; i < n; i++) y[i] = -x[i];
      return;
    case 'exp':
      for (let i = 0; i < n; i++) y[i] = Math.exp(x[i]);
      return;
    case 'log':
      for (let i = 0; i < n; i++) y[i] = Math.log(x[i]);
      return;
    case 'relu':
      // NaN stays NaN (as in TensorFlow's relu): only values <= 0 become 0.
      for (let i = 0; i < n; i++) {
        const v = x[i];
        y[i] = v <= 0 ? 0 : v;
      }
      return;
  }
}

export function scale(x: FloatArray, factor: number, y: FloatArray): void {
  for (let i = 0, n = x.length; i < n; i++) y[i] = x[i] * factor;
}

export function reluBackward(dy: FloatArray, y: FloatArray, dx: FloatArray): void {
  for (let i = 0, n = dy.length; i < n; i++) dx[i] = y[i] > 0 ? dy[i] : 0;
}

/**
 * out = a op b with NumPy broadcasting to `outShape`. Both inputs are read
 * through strides (0 along broadcast axes); adjacent axes that are contiguous
 * for both inputs are merged, so the common cases (same shapes, a scalar, a
 * bias along the last axis) become one or two flat loops.
 */
export function binary(a: FloatArray, aShape: Shape, b: FloatArray, bShape: Shape, op: BinaryOp, outShape: Shape, out: FloatArray): void {
  const total = out.length;
  if (total === 0) return;
  const rank = outShape.length;
  // Per-axis sizes and strides of a and b in the output's frame.
  const sizes: number[] = [];
  const sa: number[] = [];
  const sb: number[] = [];
  const fa = broadcastStrides(aShape, rank);
  const fb = broadcastStrides(bShape, rank);
  for (let i = 0; i < rank; i++) {
    if (outShape[i] === 1) continue;
    const last = sizes.length - 1;
    if (last >= 0 && sa[last] === fa[i] * outShape[i] && sb[last] === fb[i] * outShape[i]) {
      sizes[last] *= outShape[i];
      sa[last] = fa[i];
      sb[last] = fb[i];
    } else {
      sizes.push(outShape[i]);
      sa.push(fa[i]);
      sb.push(fb[i]);
    }
  }
  if (sizes.length === 0) {
    sizes.push(1);
    sa.push(0);
    sb.push(0);
  }
  const d = sizes.length - 1;
  const inner = sizes[d];
  const innerA = sa[d];
  const innerB = sb[d];
  const counter = new Array<number>(d).fill(0);
  let pa = 0;
  let pb = 0;
  for (let po = 0; po < total; po += inner) {
    binaryRow(op, inner, a, pa, innerA, b, pb, innerB, out, po);
    // Advance the odometer over the outer axes.
    for (let ax = d - 1; ax >= 0; ax--) {
      pa += sa[ax];
      pb += sb[ax];
      if (++counter[ax] < sizes[ax]) break;
      counter[ax] = 0;
      pa -= sa[ax] * sizes[ax];
      pb -= sb[ax] * sizes[ax];
    }
  }
}

function binaryRow(
  op: BinaryOp, n: number, a: FloatArray, pa: number, sa: number, b: FloatArray, pb: number, sb: number, out: FloatArray, po: number,
): void {
  if (sa === 1 && sb === 1) {
    switch (op) {
      case 'add': for (let j = 0; j < n; j++) out[po + j] = a[pa + j] + b[pb + j]; return;
      case 'sub': for (let j = 0; j < n; j++) out[po + j] = a[pa + j] - b[pb + j]; return;
      case 'mul': for (let j = 0; j < n; j++) out[po + j] = a[pa + j] * b[pb + j]; return;
      case 'div': for (let j = 0; j < n; j++) out[po + j] = a[pa + j] / b[pb + j]; return;
    }
  }
  if (sa === 1 && sb === 0) {
    const v = b[pb];
    switch (op) {
      case 'add': for (let j = 0; j < n; j++) out[po + j] = a[pa + j] + v; return;
      case 'sub': for (let j = 0; j < n; j++) out[po + j] = a[pa + j] - v; return;
      case 'mul': for (let j = 0; j < n; j++) out[po + j] = a[pa + j] * v; return;
      case 'div': for (let j = 0; j < n; j++) out[po + j] = a[pa + j] / v; return;
    }
  }
  if (sa === 0 && sb === 1) {
    const u = a[pa];
    switch (op) {
      case 'add': for (let j = 0; j < n; j++) out[po + j] = u + b[pb + j]; return;
      case 'sub': for (let j = 0; j < n; j++) out[po + j] = u - b[pb + j]; return;
      case 'mul': for (let j = 0; j < n; j++) out[po + j] = u * b[pb + j]; return;
      case 'div': for (let j = 0; j < n; j++) out[po + j] = u / b[pb + j]; return;
    }
  }
  switch (op) {
    case 'add': for (let j = 0; j < n; j++) out[po + j] = a[pa + j * sa] + b[pb + j * sb]; return;
    case 'sub': for (let j = 0; j < n; j++) out[po + j] = a[pa + j * sa] - b[pb + j * sb]; return;
    case 'mul': for (let j = 0; j < n; j++) out[po + j] = a[pa + j * sa] * b[pb + j * sb]; return;
    case 'div': for (let j = 0; j < n; j++) out[po + j] = a[pa + j * sa] / b[pb + j * sb]; return;
  }
}
