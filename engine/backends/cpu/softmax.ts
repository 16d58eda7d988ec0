/** Softmax, log-softmax and sparse softmax cross-entropy over the last axis, computed stably (row maximum subtracted). */
import type { FloatArray } from './gemm.js';

export function softmax(x: FloatArray, cols: number, y: FloatArray): void {
  for (let off = 0, n = x.length; off < n; off += cols) {
    let max = -Infinity;
    for (let c = 0; c < cols; c++) if (x[off + c] > max) max = x[off + c];
    let s = 0;
    for (let c = 0; c < cols; c++) {
      const e = Math.exp(x[off + c] - max);
      y[off + c] = e;
      s += e;
    }
    const inv = 1 / s;
    for (let c = 0; c < cols; c++) y[off + c] *= inv;
  }
}

export function logSoftmax(x: FloatArray, cols: number, y: FloatArray): void {
  for (let off = 0, n = x.length; off < n; off += cols) {
    let max = -Infinity;
    for (let c = 0; c < cols; c++) if (x[off + c] > max) max = x[off + c];
    let s = 0;
    for (let c = 0; c < cols; c++) s += Math.exp(x[off + c] - max);
    const shift = max + Math.log(s);
    for (let c = 0; c < cols; c++) y[off + c] = x[off + c] - shift;
  }
}

/** Fills probs and returns the mean over rows of -log softmax(logits)[label]. */
export function softmaxCrossEntropy(logits: FloatArray, labels: Int32Array, classes: number, probs: FloatArray): number {
  const rows = labels.length;
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const off = r * classes;
    let max = -Infinity;
    for (let c = 0; c < classes; c++) if (logits[off + c] > max) max = logits[off + c];
    let s = 0;
    for (let c = 0; c < classes; c++) {
      const e = Math.exp(logits[off + c] - max);
      probs[off + c] = e;
      s += e;
    }
    const inv = 1 / s;
    for (let c = 0; c < classes; c++) probs[off + c] *= inv;
    // -log p[label] = log(sum) - (logit[label] - max)
    total += Math.log(s) - (logits[off + labels[r]] - max);
  }
  return rows > 0 ? total / rows : 0;
}

/** dlogits = (probs - onehot(labels)) * dLoss / N. */
export function softmaxCrossEntropyBackward(probs: FloatArray, labels: Int32Array, classes: number, dLoss: number, dx: FloatArray): void {
  const rows = labels.length;
  const f = rows > 0 ? dLoss / rows : 0;
  for (let i = 0, n = probs.length; i < n; i++) dx[i] = probs[i] * f;
  for (let r = 0; r < rows; r++) dx[r * classes + labels[r]] -= f;
}
