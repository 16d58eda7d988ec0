/**
 * Average pooling over NHWC windows on the CPU. Each window averages the taps that lie inside
 * the input (TensorFlow's rule for 'same' padding: padded taps are not counted); backward
 * spreads each dy evenly over those taps.
 */
import type { Pool2DGeometry } from '../backend.js';
import type { FloatArray } from './gemm.js';

export function avgPool2d(x: FloatArray, g: Pool2DGeometry, y: FloatArray): void {
  const { batch, inH, inW, channels: C, outH, outW, poolH, poolW, strideH, strideW, padTop, padLeft } = g;
  const acc = new Float64Array(C);
  let o = 0;
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < outH; oh++) {
      const h0 = Math.max(0, oh * strideH - padTop);
      const h1 = Math.min(inH, oh * strideH - padTop + poolH);
      for (let ow = 0; ow < outW; ow++, o += C) {
        const w0 = Math.max(0, ow * strideW - padLeft);
        const w1 = Math.min(inW, ow * strideW - padLeft + poolW);
        acc.fill(0);
        for (let h = h0; h < h1; h++) {
          for (let w = w0; w < w1; w++) {
            const p = ((n * inH + h) * inW + w) * C;
            for (let c = 0; c < C; c++) acc[c] += x[p + c];
          }
        }
        const inv = 1 / ((h1 - h0) * (w1 - w0));
        for (let c = 0; c < C; c++) y[o + c] = acc[c] * inv;
      }
    }
  }
}

/** dx must be zero-filled. */
export function avgPool2dBackward(dy: FloatArray, g: Pool2DGeometry, dx: FloatArray): void {
  const { batch, inH, inW, channels: C, outH, outW, poolH, poolW, strideH, strideW, padTop, padLeft } = g;
  let o = 0;
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < outH; oh++) {
      const h0 = Math.max(0, oh * strideH - padTop);
      const h1 = Math.min(inH, oh * strideH - padTop + poolH);
      for (let ow = 0; ow < outW; ow++, o += C) {
        const w0 = Math.max(0, ow * strideW - padLeft);
        const w1 = Math.min(inW, ow * strideW - padLeft + poolW);
        const inv = 1 / ((h1 - h0) * (w1 - w0));
        for (let h = h0; h < h1; h++) {
          for (let w = w0; w < w1; w++) {
            const p = ((n * inH + h) * inW + w) * C;
            for (let c = 0; c < C; c++) dx[p + c] += dy[o + c] * inv;
          }
        }
      }
    }
  }
}
