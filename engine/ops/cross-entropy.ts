/**
 * Sparse softmax cross-entropy from logits, as Keras's
 * SparseCategoricalCrossentropy(from_logits=True): integer labels, the mean over
 * the batch, computed stably (log-sum-exp with the row maximum subtracted).
 * With `labelSmoothing` ε > 0 the target is (1 − ε)·onehot + ε/K (Keras's
 * CategoricalCrossentropy(label_smoothing=ε) on one-hot labels), through the per-row kernels
 * (softmaxCrossEntropyRows and its backward) and a mean; ε = 0 keeps the fused sparse kernels.
 * An empty batch is an error on every backend: the mean over no samples is undefined
 * (the CPU kernel would say 0, the GPU's 0 * (1/0) NaN).
 */
import { record } from '../autograd.js';
import { isGradEnabled } from '../runtime.js';
import { mean } from './reduce.js';
import { show } from '../nn/show.js';
import { Tensor } from '../tensor.js';
import { assertFloat, assertRank, assertSameBackend, fmt } from './validate.js';

/** Labels from the host are checked here: integers in [0, classes). */
export function labelsTensor(op: string, labels: Tensor | ArrayLike<number>, batch: number, classes: number, like: Tensor): Tensor {
  if (labels instanceof Tensor) {
    assertRank(op, 'labels', labels, 1, '[batch]');
    if (labels.dtype !== 'int32') throw new Error(`${op}: expected int32 labels, got ${labels.dtype} labels of shape ${fmt(labels.shape)}`);
    if (labels.shape[0] !== batch) throw new Error(`${op}: logits have batch ${batch} but labels have shape ${fmt(labels.shape)}`);
    if (labels.backend.readSync) checkLabelValues(op, labels.backend.readSync(labels.handle), classes);
    return labels;
  }
  if (labels.length !== batch) throw new Error(`${op}: logits have batch ${batch} but ${labels.length} labels were given`);
  checkLabelValues(op, labels, classes);
  return Tensor.fromHandle(like.backend.upload(labels, [batch], 'int32'), like.backend);
}

function checkLabelValues(op: string, values: ArrayLike<number>, classes: number): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v)) throw new Error(`${op}: label ${i} is ${show(v)}, expected an integer class index in [0, ${classes})`);
    if (v < 0 || v >= classes) throw new Error(`${op}: label ${i} is ${v}, out of range for ${classes} classes (expected 0..${classes - 1})`);
  }
}

/**
 * Per-row smoothed cross-entropy [N] from logits [N, C] and int32 labels on the same backend, with
 * its backward rule: softmaxCrossEntropyRows, then dlogits = dRow·(softmax − target). Shared by
 * sparseSoftmaxCrossEntropy's smoothing and losses.ts's softmaxCrossEntropy. Returns the probs
 * tensor too, which the caller frees when no gradient will be taken.
 */
export function smoothedCrossEntropyRows(op: string, logits: Tensor, labelT: Tensor, labelSmoothing: number): { rows: Tensor; probs: Tensor } {
  const k = logits.backend.kernels;
  const { rowLoss, probs } = k.softmaxCrossEntropyRows(logits.handle, labelT.handle, labelSmoothing);
  const probsT = Tensor.fromHandle(probs, logits.backend);
  const rows = record(op, rowLoss, [logits], (dRow) => [
    Tensor.fromHandle(k.softmaxCrossEntropyRowsBackward(probsT.handle, labelT.handle, labelSmoothing, dRow.handle), logits.backend),
  ], [probsT, labelT]);
  return { rows, probs: probsT };
}

export interface SparseSoftmaxCrossEntropyOptions {
  /** ε in [0, 1): the target becomes (1 − ε)·onehot + ε/K. */
  labelSmoothing?: number;
}

export function sparseSoftmaxCrossEntropy(logits: Tensor, labels: Tensor | ArrayLike<number>, options: SparseSoftmaxCrossEntropyOptions = {}): Tensor {
  const op = 'sparseSoftmaxCrossEntropy';
  assertRank(op, 'logits', logits, 2, '[batch, classes]');
  assertFloat(op, 'logits', logits);
  const [batch, classes] = logits.shape;
  if (batch === 0) throw new Error(`${op}: the batch is empty (logits ${fmt(logits.shape)}); the mean loss of no samples is undefined`);
  if (classes === 0) throw new Error(`${op}: logits ${fmt(logits.shape)} have no classes; expected at least one per row`);
  const smoothing = options.labelSmoothing ?? 0;
  if (typeof smoothing !== 'number' || !(smoothing >= 0 && smoothing < 1)) throw new Error(`${op}: labelSmoothing must be a number in [0, 1), got ${show(smoothing)}`);
  const labelT = labelsTensor(op, labels, batch, classes, logits);
  assertSameBackend(op, [logits, labelT]);
  if (smoothing > 0) {
    const { rows, probs } = smoothedCrossEntropyRows(op, logits, labelT, smoothing);
    const loss = mean(rows);
    if (!(isGradEnabled() && logits.requiresGrad)) {
      rows.dispose();
      probs.dispose();
      if (labelT !== labels) labelT.dispose();
    }
    return loss;
  }
  const k = logits.backend.kernels;
  const { loss, probs } = k.softmaxCrossEntropy(logits.handle, labelT.handle);
  if (!(isGradEnabled() && logits.requiresGrad)) {
    logits.backend.release(probs.storage);
    if (labelT !== labels) labelT.dispose();
    return record(op, loss, [logits], () => [null]);
  }
  const probsT = Tensor.fromHandle(probs, logits.backend);
  return record(
    op, loss, [logits],
    (dy) => [Tensor.fromHandle(k.softmaxCrossEntropyBackward(probsT.handle, labelT.handle, dy.handle), logits.backend)],
    [probsT, labelT],
  );
}
