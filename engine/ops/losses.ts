/**
 * Losses beyond the tutorial's sparse cross-entropy, each the mean over the batch (Keras's
 * 'sum_over_batch_size'):
 * - softmaxCrossEntropy: from logits [N, C] and int32 labels [N], with label smoothing (the
 *   target is (1 − s)·onehot + s/C, Keras's CategoricalCrossentropy(label_smoothing)) and
 *   class weights (row r weighs weights[label_r], Keras's class_weight; the mean still divides
 *   by N). One kernel gives the per-row losses and softmax, its backward kernel dlogits; the
 *   weights are a gather of weights[label] multiplied into the rows.
 * - sigmoidCrossEntropy: binary cross-entropy from logits, element-wise (stable form), mean over
 *   every element (Keras's BinaryCrossentropy(from_logits=True)).
 * - meanSquaredError: mean of (prediction − target)².
 */
import { isGradEnabled } from '../runtime.js';
import { Tensor } from '../tensor.js';
import { sigmoidCrossEntropyElements, squaredDifference } from './binary-math.js';
import { mul } from './binary.js';
import { labelsTensor, smoothedCrossEntropyRows } from './cross-entropy.js';
import { gather } from './gather.js';
import { mean } from './reduce.js';
import { sameShape } from './util.js';
import { assertFloat, assertRank, assertSameBackend, assertSameDType, fmt } from './validate.js';

export interface SoftmaxCrossEntropyOptions {
  /** s in [0, 1]: the target becomes (1 − s)·onehot + s/C. */
  labelSmoothing?: number;
  /** [C] weights; row r counts weights[label_r] times. */
  classWeights?: Tensor | ArrayLike<number> | null;
}

export function softmaxCrossEntropy(logits: Tensor, labels: Tensor | ArrayLike<number>, options: SoftmaxCrossEntropyOptions = {}): Tensor {
  const op = 'softmaxCrossEntropy';
  assertRank(op, 'logits', logits, 2, '[batch, classes]');
  assertFloat(op, 'logits', logits);
  const [batch, classes] = logits.shape;
  const smoothing = options.labelSmoothing ?? 0;
  if (!(smoothing >= 0 && smoothing <= 1)) throw new Error(`${op}: labelSmoothing must be in [0, 1], got ${smoothing}`);
  const labelT = labelsTensor(op, labels, batch, classes, logits);
  let weights: Tensor | null = null;
  const w = options.classWeights;
  if (w instanceof Tensor) {
    w.assertLive(op);
    if (w.rank !== 1 || w.shape[0] !== classes) throw new Error(`${op}: classWeights ${fmt(w.shape)} must be [${classes}] for logits ${fmt(logits.shape)}`);
    assertSameDType(op, [logits, w]);
    weights = w;
  } else if (w) {
    if (w.length !== classes) throw new Error(`${op}: ${w.length} classWeights given for logits ${fmt(logits.shape)} with ${classes} classes`);
    weights = Tensor.fromHandle(logits.backend.upload(w, [classes], logits.dtype), logits.backend);
  }
  assertSameBackend(op, weights ? [logits, labelT, weights] : [logits, labelT]);
  const { rows, probs: probsT } = smoothedCrossEntropyRows(op, logits, labelT, smoothing);
  // Class weights scale each row by weights[label] (a gather), before the mean over N.
  const rowWeights = weights ? gather(weights, labelT) : null;
  const weighted = rowWeights ? mul(rows, rowWeights) : rows;
  const loss = mean(weighted);
  if (!(isGradEnabled() && logits.requiresGrad)) {
    rows.dispose();
    probsT.dispose();
    rowWeights?.dispose();
    if (weighted !== rows) weighted.dispose();
    if (labelT !== labels) labelT.dispose();
    if (weights && weights !== w) weights.dispose();
  }
  return loss;
}

function pairCheck(op: string, a: Tensor, b: Tensor, aName: string, bName: string): void {
  assertFloat(op, aName, a);
  assertFloat(op, bName, b);
  assertSameBackend(op, [a, b]);
  assertSameDType(op, [a, b]);
  if (!sameShape(a.shape, b.shape)) throw new Error(`${op}: ${aName} ${fmt(a.shape)} and ${bName} ${fmt(b.shape)} must have the same shape`);
}

/** Binary cross-entropy from logits, labels in [0, 1] of the logits' shape. */
export function sigmoidCrossEntropy(logits: Tensor, labels: Tensor): Tensor {
  pairCheck('sigmoidCrossEntropy', logits, labels, 'logits', 'labels');
  return mean(sigmoidCrossEntropyElements(logits, labels));
}

export function meanSquaredError(predictions: Tensor, targets: Tensor): Tensor {
  pairCheck('meanSquaredError', predictions, targets, 'predictions', 'targets');
  return mean(squaredDifference(predictions, targets));
}
