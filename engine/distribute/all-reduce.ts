/**
 * The arithmetic of data-parallel training, apart from any worker: how a global
 * batch is cut into replica shares, and how the replicas' gradients become one.
 *
 * Each replica computes the mean loss over its own share and that loss's gradient.
 * The gradient of the mean over the whole batch is then the mean of the replicas'
 * gradients weighted by their shares: sum_r (n_r / n) * g_r. Summed in float64, in
 * replica order 0..N-1 (a fixed order, so every run of the same replicas rounds the
 * same way), and rounded to float32 once. One replica gets weight n/n = 1 exactly, so
 * its gradient passes through bit for bit.
 */
import { show } from '../nn/show.js';

/**
 * `replicas` as fit takes it: a positive integer, at most the batch size, so that
 * every replica has at least one sample of every full batch.
 */
export function checkReplicas(op: string, replicas: unknown, batchSize: number): number {
  if (typeof replicas !== 'number' || !Number.isInteger(replicas)) {
    throw new Error(`${op}: replicas must be a positive integer (the number of worker replicas), got ${show(replicas)}`);
  }
  if (replicas < 1) throw new Error(`${op}: replicas must be at least 1, got ${replicas}`);
  if (replicas > batchSize) {
    throw new Error(
      `${op}: replicas (${replicas}) is more than the batch size (${batchSize}); each replica takes a share of every batch, ` +
        `so use at most ${batchSize} replicas or a larger batchSize`,
    );
  }
  return replicas;
}

/**
 * Samples per replica for a batch of `count`: as equal as possible, the first
 * `count % replicas` replicas one more (256 over 3: 86, 85, 85). A last batch smaller
 * than the replica count leaves the later replicas without a share (0): they sit
 * the step out.
 */
export function splitBatch(count: number, replicas: number): number[] {
  const base = Math.floor(count / replicas);
  const extra = count % replicas;
  return Array.from({ length: replicas }, (_, r) => base + (r < extra ? 1 : 0));
}

/**
 * sum_r (counts[r] / total) * grads[r], in replica order, in float64, rounded to
 * float32 once. Replicas with a count of 0 contribute nothing (their grads entry is
 * ignored and may be null).
 */
export function weightedMean(grads: readonly (Float32Array | null)[], counts: readonly number[]): Float32Array {
  if (grads.length !== counts.length) throw new Error(`weightedMean: ${grads.length} gradients but ${counts.length} counts`);
  const total = counts.reduce((a, b) => a + b, 0);
  if (total <= 0) throw new Error(`weightedMean: the counts ${show([...counts])} sum to ${total}; expected at least one sample`);
  let length = -1;
  grads.forEach((g, r) => {
    if (counts[r] === 0) return;
    if (!g) throw new Error(`weightedMean: replica ${r + 1} has ${counts[r]} samples but no gradient`);
    if (length < 0) length = g.length;
    if (g.length !== length) throw new Error(`weightedMean: replica ${r + 1}'s gradient has ${g.length} values, expected ${length}`);
  });
  const sum = new Float64Array(length);
  for (let r = 0; r < grads.length; r++) {
    if (counts[r] === 0) continue;
    const g = grads[r]!;
    const w = counts[r] / total;
    for (let i = 0; i < length; i++) sum[i] += w * g[i];
  }
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = sum[i];
  return out;
}
