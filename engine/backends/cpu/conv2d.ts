/**
 * 2-D convolution on the CPU by im2col + GEMM, in chunks of output rows so the
 * scratch panel stays small (about 64K elements, cache-sized) whatever the batch.
 *
 * A row of the im2col panel is one output position (n, oh, ow); its columns are
 * the taps (kh, kw, ic) in HWIO order, so the filter [kH, kW, inC, outC] is
 * already the GEMM's B matrix [kH*kW*inC, outC]. Taps outside the input
 * ('same' padding) are zeros.
 *
 *   forward:      y[rows, outC]   = col[rows, K] · W[K, outC] (+ bias, relu)
 *   filter grad:  dW[K, outC]    += col[rows, K]ᵀ · dy[rows, outC]
 *   input grad:   dcol[rows, K]   = dy[rows, outC] · W[K, outC]ᵀ, then col2im (scatter-add)
 */
import type { Conv2DGeometry } from '../backend.js';
import { gemm, transposeInto, type FloatArray } from './gemm.js';
import { scratch } from './scratch.js';

const PANEL_ELEMENTS = 1 << 16;

function chunkRows(g: Conv2DGeometry): number {
  const K = g.kH * g.kW * g.inC;
  return Math.max(4, Math.floor(PANEL_ELEMENTS / K) & ~3);
}

/** True when the im2col panel would equal x itself (1x1 filter, stride 1, no padding). */
function isPointwise(g: Conv2DGeometry): boolean {
  return g.kH === 1 && g.kW === 1 && g.strideH === 1 && g.strideW === 1 && g.padTop === 0 && g.padLeft === 0;
}

/** Fills col[0 .. count*K) with the im2col rows r0 .. r0+count. */
function im2col(x: FloatArray, g: Conv2DGeometry, r0: number, count: number, col: FloatArray): void {
  const { inH, inW, inC, outH, outW, kH, kW, strideH, strideW, padTop, padLeft } = g;
  const K = kH * kW * inC;
  const rowLen = kW * inC;
  let n = Math.floor(r0 / (outH * outW));
  let rem = r0 - n * outH * outW;
  let oh = Math.floor(rem / outW);
  let ow = rem - oh * outW;
  for (let r = 0; r < count; r++) {
    const base = r * K;
    const ih0 = oh * strideH - padTop;
    const iw0 = ow * strideW - padLeft;
    const fullW = iw0 >= 0 && iw0 + kW <= inW;
    for (let kh = 0; kh < kH; kh++) {
      const ih = ih0 + kh;
      const dst = base + kh * rowLen;
      if (ih < 0 || ih >= inH) {
        col.fill(0, dst, dst + rowLen);
        continue;
      }
      const src = ((n * inH + ih) * inW + iw0) * inC;
      if (fullW) {
        // The whole kW x inC strip is contiguous in NHWC.
        for (let t = 0; t < rowLen; t++) col[dst + t] = x[src + t];
      } else {
        for (let kw = 0; kw < kW; kw++) {
          const iw = iw0 + kw;
          const d = dst + kw * inC;
          if (iw < 0 || iw >= inW) {
            for (let c = 0; c < inC; c++) col[d + c] = 0;
          } else {
            const s = src + kw * inC;
            for (let c = 0; c < inC; c++) col[d + c] = x[s + c];
          }
        }
      }
    }
    if (++ow === outW) {
      ow = 0;
      if (++oh === outH) {
        oh = 0;
        n++;
      }
    }
  }
}

/** Adds the im2col rows r0 .. r0+count of dcol back into dx (overlapping taps sum). */
function col2imAdd(dcol: FloatArray, g: Conv2DGeometry, r0: number, count: number, dx: FloatArray): void {
  const { inH, inW, inC, outH, outW, kH, kW, strideH, strideW, padTop, padLeft } = g;
  const K = kH * kW * inC;
  const rowLen = kW * inC;
  let n = Math.floor(r0 / (outH * outW));
  let rem = r0 - n * outH * outW;
  let oh = Math.floor(rem / outW);
  let ow = rem - oh * outW;
  for (let r = 0; r < count; r++) {
    const base = r * K;
    const ih0 = oh * strideH - padTop;
    const iw0 = ow * strideW - padLeft;
    const fullW = iw0 >= 0 && iw0 + kW <= inW;
    for (let kh = 0; kh < kH; kh++) {
      const ih = ih0 + kh;
      if (ih < 0 || ih >= inH) continue;
      const src = base + kh * rowLen;
      const dst = ((n * inH + ih) * inW + iw0) * inC;
      if (fullW) {
        for (let t = 0; t < rowLen; t++) dx[dst + t] += dcol[src + t];
      } else {
        for (let kw = 0; kw < kW; kw++) {
          const iw = iw0 + kw;
          if (iw < 0 || iw >= inW) continue;
          const s = src + kw * inC;
          const d = dst + kw * inC;
          for (let c = 0; c < inC; c++) dx[d + c] += dcol[s + c];
        }
      }
    }
    if (++ow === outW) {
      ow = 0;
      if (++oh === outH) {
        oh = 0;
        n++;
      }
    }
  }
}

export function conv2dForward(x: FloatArray, w: FloatArray, bias: FloatArray | null, g: Conv2DGeometry, relu: boolean, y: FloatArray): void {
  const K = g.kH * g.kW * g.inC;
  const N = g.outC;
  const rows = g.batch * g.outH * g.outW;
  const pointwise = isPointwise(g);
  const chunk = chunkRows(g);
  const col = pointwise ? x : scratch(x, 'im2col', chunk * K);
  for (let r0 = 0; r0 < rows; r0 += chunk) {
    const count = Math.min(chunk, rows - r0);
    const o0 = r0 * N;
    const o1 = o0 + count * N;
    if (bias) {
      // A loop, not y.set(bias, o): a builtin call per row costs more than the copy.
      for (let o = o0; o < o1; o += N) for (let j = 0; j < N; j++) y[o + j] = bias[j];
    } else {
      y.fill(0, o0, o1);
    }
    if (pointwise) {
      gemm(count, N, K, x, r0 * K, K, 1, w, 0, N, y, o0, N);
    } else {
      im2col(x, g, r0, count, col);
      gemm(count, N, K, col, 0, K, 1, w, 0, N, y, o0, N);
    }
    if (relu) {
      // NaN stays NaN (as in TensorFlow): only values <= 0 become 0.
      for (let i = o0; i < o1; i++) if (y[i] <= 0) y[i] = 0;
    }
  }
}

/** dw must be zero-filled. */
export function conv2dBackpropFilter(x: FloatArray, dy: FloatArray, g: Conv2DGeometry, dw: FloatArray): void {
  const K = g.kH * g.kW * g.inC;
  const N = g.outC;
  const rows = g.batch * g.outH * g.outW;
  if (isPointwise(g)) {
    gemm(K, N, rows, x, 0, 1, K, dy, 0, N, dw, 0, N);
    return;
  }
  const chunk = chunkRows(g);
  const col = scratch(x, 'im2col', chunk * K);
  for (let r0 = 0; r0 < rows; r0 += chunk) {
    const count = Math.min(chunk, rows - r0);
    im2col(x, g, r0, count, col);
    // Aᵀ through strides: element (i, k) of colᵀ is col[k * K + i].
    gemm(K, N, count, col, 0, 1, K, dy, r0 * N, N, dw, 0, N);
  }
}

/** dx must be zero-filled. */
export function conv2dBackpropInput(dy: FloatArray, w: FloatArray, g: Conv2DGeometry, dx: FloatArray): void {
  const K = g.kH * g.kW * g.inC;
  const N = g.outC;
  const rows = g.batch * g.outH * g.outW;
  const wt = scratch(w, 'conv-wt', K * N);
  transposeInto(w, 0, K, N, wt, 0);
  if (isPointwise(g)) {
    gemm(rows, K, N, dy, 0, N, 1, wt, 0, K, dx, 0, K);
    return;
  }
  const chunk = chunkRows(g);
  const dcol = scratch(dy, 'col2im', chunk * K);
  for (let r0 = 0; r0 < rows; r0 += chunk) {
    const count = Math.min(chunk, rows - r0);
    dcol.fill(0, 0, count * K);
    gemm(count, K, N, dy, r0 * N, N, 1, wt, 0, K, dcol, 0, K);
    col2imAdd(dcol, g, r0, count, dx);
  }
}
