/**
 * Average pooling over NHWC windows on the CPU. Each window averages the taps that lie inside
 * the input (TensorFlow's rule for 'same' padding: padded taps are not counted); backward
 * spreads each dy evenly over those taps.
 */
import type { Pool2DGeometry } from '../backend.js';
import type { FloatArray } from './gemm.js';
import { forEachWindow } from './pool.js';

export function avgPool2d(x: FloatArray, g: Pool2DGeometry, y: FloatArray): void {
  const { inH, inW, channels: C } = g;
  const acc = new Float64Array(C);
  forEachWindow(g, (n, o, h0, h1, w0, w1) => {
    acc.fill(0);
    for (let h = h0; h < h1; h++) {
      for (let w = w0; w < w1; w++) {
        const p = ((n * inH + h) * inW + w) * C;
        for (let c = 0; c < C; c++) acc[c] += x[p + c];
      }
    }
    const inv = 1 / ((h1 - h0) * (w1 - w0));
    for (let c = 0; c < C; c++) y[o + c] = acc[c] * inv;
  });
}

/** dx must be zero-filled. */
export function avgPool2dBackward(dy: FloatArray, g: Pool2DGeometry, dx: FloatArray): void {
  const { inH, inW, channels: C } = g;
  forEachWindow(g, (n, o, h0, h1, w0, w1) => {
    const inv = 1 / ((h1 - h0) * (w1 - w0));
    for (let h = h0; h < h1; h++) {
      for (let w = w0; w < w1; w++) {
        const p = ((n * inH + h) * inW + w) * C;
        for (let c = 0; c < C; c++) dx[p + c] += dy[o + c] * inv;
      }
    }
  });
}
