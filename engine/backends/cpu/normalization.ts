/**
 * Batch norm and layer norm on the CPU, fused: x is viewed as rows [R, C] (C the last axis).
 * Batch norm normalises each column with its given mean and variance; layer norm each row with
 * its own, computed in two passes. Sums run in float64.
 */
import type { FloatArray } from './gemm.js';

export function batchNorm(
  x: FloatArray, mean: FloatArray, variance: FloatArray, scale: FloatArray, offset: FloatArray, epsilon: number, y: FloatArray,
): void {
  const C = mean.length;
  const rstd = Float64Array.from(variance, (v) => 1 / Math.sqrt(v + epsilon));
  for (let i = 0, n = x.length; i < n; i += C) {
    for (let c = 0; c < C; c++) y[i + c] = (x[i + c] - mean[c]) * rstd[c] * scale[c] + offset[c];
  }
}

/** Column sums Σdy and Σdy·x̂ over the rows, then dx (see KernelSignatures.batchNormBackward). */
export function batchNormBackward(
  dy: FloatArray, x: FloatArray, mean: FloatArray, variance: FloatArray, scale: FloatArray, epsilon: number, training: boolean,
  dx: FloatArray, dScale: FloatArray, dOffset: FloatArray,
): void {
  const C = mean.length;
  const n = x.length;
  const R = C === 0 ? 0 : n / C;
  const rstd = Float64Array.from(variance, (v) => 1 / Math.sqrt(v + epsilon));
  const sumDy = new Float64Array(C);
  const sumDyXhat = new Float64Array(C);
  for (let i = 0; i < n; i += C) {
    for (let c = 0; c < C; c++) {
      const d = dy[i + c];
      sumDy[c] += d;
      sumDyXhat[c] += d * (x[i + c] - mean[c]) * rstd[c];
    }
  }
  for (let i = 0; i < n; i += C) {
    for (let c = 0; c < C; c++) {
      const k = scale[c] * rstd[c];
      if (training) {
        const xhat = (x[i + c] - mean[c]) * rstd[c];
        dx[i + c] = (k / R) * (R * dy[i + c] - sumDy[c] - xhat * sumDyXhat[c]);
      } else {
        dx[i + c] = dy[i + c] * k;
      }
    }
  }
  dScale.set(sumDyXhat);
  dOffset.set(sumDy);
}

/** stats holds (mean, rstd) per row, interleaved. */
export function layerNorm(x: FloatArray, scale: FloatArray, offset: FloatArray, epsilon: number, y: FloatArray, stats: FloatArray): void {
  const C = scale.length;
  for (let r = 0, i = 0; 2 * r < stats.length; r++, i += C) {
    let s = 0;
    for (let c = 0; c < C; c++) s += x[i + c];
    const mu = s / C;
    let q = 0;
    for (let c = 0; c < C; c++) q += (x[i + c] - mu) * (x[i + c] - mu);
    const inv = 1 / Math.sqrt(q / C + epsilon);
    for (let c = 0; c < C; c++) y[i + c] = (x[i + c] - mu) * inv * scale[c] + offset[c];
    stats[2 * r] = mu;
    stats[2 * r + 1] = inv;
  }
}

/** g = dy·scale; dx = rstd·(g − mean(g) − x̂·mean(g·x̂)) per row; dScale = Σ_rows dy·x̂, dOffset = Σ_rows dy. */
export function layerNormBackward(
  dy: FloatArray, x: FloatArray, stats: FloatArray, scale: FloatArray, dx: FloatArray, dScale: FloatArray, dOffset: FloatArray,
): void {
  const C = scale.length;
  const sScale = new Float64Array(C);
  const sOffset = new Float64Array(C);
  for (let r = 0, i = 0; 2 * r < stats.length; r++, i += C) {
    const mu = stats[2 * r];
    const inv = stats[2 * r + 1];
    let sg = 0;
    let sgx = 0;
    for (let c = 0; c < C; c++) {
      const xhat = (x[i + c] - mu) * inv;
      const g = dy[i + c] * scale[c];
      sg += g;
      sgx += g * xhat;
      sScale[c] += dy[i + c] * xhat;
      sOffset[c] += dy[i + c];
    }
    for (let c = 0; c < C; c++) {
      const xhat = (x[i + c] - mu) * inv;
      dx[i + c] = inv * (dy[i + c] * scale[c] - sg / C - (xhat * sgx) / C);
    }
  }
  dScale.set(sScale);
  dOffset.set(sOffset);
}
