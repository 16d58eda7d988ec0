/**
 * Per-row softmax cross-entropy with label smoothing on the CPU. Row r with label l has the
 * target t = (1 - s)·onehot(l) + s/C; its loss is logSumExp(x_r) − Σ_c t_c·x_rc, computed with
 * the row maximum subtracted. Backward: dx_rc = dRow_r · (p_rc − t_c). (Class weights scale the
 * rows in the op, engine/ops/losses.ts.)
 */
import type { FloatArray } from './gemm.js';

export function softmaxCrossEntropyRows(
  logits: FloatArray, labels: Int32Array, smoothing: number, classes: number, rowLoss: FloatArray, probs: FloatArray,
): void {
  const off = smoothing / classes;
  for (let r = 0; r < labels.length; r++) {
    const base = r * classes;
    const label = labels[r];
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[base + c]);
    let s = 0;
    for (let c = 0; c < classes; c++) {
      const e = Math.exp(logits[base + c] - max);
      probs[base + c] = e;
      s += e;
    }
    const inv = 1 / s;
    const lse = Math.log(s);
    let loss = 0;
    for (let c = 0; c < classes; c++) {
      probs[base + c] *= inv;
      const t = (c === label ? 1 - smoothing : 0) + off;
      loss += t * (lse - (logits[base + c] - max));
    }
    rowLoss[r] = loss;
  }
}

export function softmaxCrossEntropyRowsBackward(
  probs: FloatArray, labels: Int32Array, smoothing: number, classes: number, dRow: FloatArray, dx: FloatArray,
): void {
  const off = smoothing / classes;
  for (let r = 0; r < labels.length; r++) {
    const base = r * classes;
    const label = labels[r];
    const f = dRow[r];
    for (let c = 0; c < classes; c++) {
      const t = (c === label ? 1 - smoothing : 0) + off;
      dx[base + c] = f * (probs[base + c] - t);
    }
  }
}
