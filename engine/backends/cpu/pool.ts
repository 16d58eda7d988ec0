/**
 * Max pooling over NHWC windows on the CPU. Each output records the flat NHWC
 * index into x of the first maximum of its window (scan order kh, then kw: the
 * smallest flat index among ties, TensorFlow's rule); taps outside the input
 * ('same' padding) are ignored. Backward scatter-adds dy to those indices, so
 * overlapping windows that share a maximum sum their gradients.
 */
import type { Pool2DGeometry } from '../backend.js';
import { windowsInside } from '../../ops/geometry.js';
import type { FloatArray } from './gemm.js';

export function maxPool2d(x: FloatArray, g: Pool2DGeometry, y: FloatArray, argmax: Int32Array): void {
  if (g.poolH === 2 && g.poolW === 2 && windowsInside(g, 2, 2)) {
    maxPool2x2(x, g, y, argmax);
    return;
  }
  const { inH, inW, channels: C } = g;
  forEachWindow(g, (n, o, h0, h1, w0, w1) => {
    // The first valid tap initialises the running maxima of all channels.
    const first = ((n * inH + h0) * inW + w0) * C;
    for (let c = 0; c < C; c++) {
      y[o + c] = x[first + c];
      argmax[o + c] = first + c;
    }
    for (let h = h0; h < h1; h++) {
      for (let w = h === h0 ? w0 + 1 : w0; w < w1; w++) {
        const p = ((n * inH + h) * inW + w) * C;
        for (let c = 0; c < C; c++) {
          const v = x[p + c];
          if (v > y[o + c]) {
            y[o + c] = v;
            argmax[o + c] = p + c;
          }
        }
      }
    }
  });
}

/**
 * The window loop of the pooling kernels (max and average): for each output pixel, in NHWC
 * order, calls visit(n, o, h0, h1, w0, w1) with its batch n, the flat index o of its channel 0
 * in y, and its window's rows [h0, h1) and columns [w0, w1), clipped to the input.
 */
export function forEachWindow(g: Pool2DGeometry, visit: (n: number, o: number, h0: number, h1: number, w0: number, w1: number) => void): void {
  const { batch, inH, inW, channels: C, outH, outW, poolH, poolW, strideH, strideW, padTop, padLeft } = g;
  let o = 0;
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < outH; oh++) {
      const h0 = Math.max(0, oh * strideH - padTop);
      const h1 = Math.min(inH, oh * strideH - padTop + poolH);
      for (let ow = 0; ow < outW; ow++, o += C) {
        visit(n, o, h0, h1, Math.max(0, ow * strideW - padLeft), Math.min(inW, ow * strideW - padLeft + poolW));
      }
    }
  }
}

/**
 * The tutorial's case, 2x2 windows inside the input: the four taps of a
 * window are compared in scan order, so the first maximum wins as above. About
 * five times faster than the general loop, which keeps running maxima in y.
 */
function maxPool2x2(x: FloatArray, g: Pool2DGeometry, y: FloatArray, argmax: Int32Array): void {
  const { batch, inH, inW, channels: C, outH, outW, strideH, strideW } = g;
  const rowStep = inW * C;
  let o = 0;
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < outH; oh++) {
      const rowBase = (n * inH + oh * strideH) * rowStep;
      for (let ow = 0; ow < outW; ow++) {
        const p00 = rowBase + ow * strideW * C;
        const p10 = p00 + rowStep;
        for (let c = 0; c < C; c++, o++) {
          let at = p00 + c;
          let best = x[at];
          let v = x[at + C];
          if (v > best) {
            best = v;
            at = p00 + C + c;
          }
          v = x[p10 + c];
          if (v > best) {
            best = v;
            at = p10 + c;
          }
          v = x[p10 + C + c];
          if (v > best) {
            best = v;
            at = p10 + C + c;
          }
          y[o] = best;
          argmax[o] = at;
        }
      }
    }
  }
}

/** dx must be zero-filled. */
export function maxPool2dBackward(dy: FloatArray, argmax: Int32Array, dx: FloatArray): void {
  for (let i = 0, n = dy.length; i < n; i++) dx[argmax[i]] += dy[i];
}
