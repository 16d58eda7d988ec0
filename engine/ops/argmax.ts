/**
 * argmax (the last axis has its own kernel, any other axis uses the reduce kernel) and
 * correct-prediction counting; neither has a gradient.
 * One rule on every backend for the last axis: a row's first NaN counts as its maximum (NaN
 * propagates, as NumPy's and PyTorch's argmax do); a row without NaN gives its first maximum.
 */
import { Tensor } from '../tensor.js';
import { argmaxAlong } from './reductions.js';
import { assertFloat, assertRank, fmt } from './validate.js';

/** Index (int32) of the first maximum along `axis` (default the last, which has its own kernel). */
export function argmax(x: Tensor, axis = -1): Tensor {
  assertFloat('argmax', 'x', x);
  if (x.rank < 1) throw new Error(`argmax: expected a tensor of rank >= 1, got shape ${fmt(x.shape)}`);
  if (x.shape[x.rank - 1] === 0) throw new Error(`argmax: the last axis of x ${fmt(x.shape)} is empty; expected at least one value per row`);
  if (axis !== -1 && axis !== x.rank - 1) return argmaxAlong(x, axis);
  return Tensor.fromHandle(x.backend.kernels.argmax(x.handle), x.backend);
}

/** How many rows of logits [N, C] have their first maximum at labels [N] (int32 scalar). */
export function countCorrect(logits: Tensor, labels: Tensor): Tensor {
  assertRank('countCorrect', 'logits', logits, 2, '[batch, classes]');
  assertRank('countCorrect', 'labels', labels, 1, '[batch]');
  if (labels.dtype !== 'int32') throw new Error(`countCorrect: expected int32 labels, got ${labels.dtype}`);
  if (labels.shape[0] !== logits.shape[0]) {
    throw new Error(`countCorrect: logits ${fmt(logits.shape)} and labels ${fmt(labels.shape)} differ in batch size`);
  }
  if (logits.shape[1] === 0) throw new Error(`countCorrect: logits ${fmt(logits.shape)} have no classes; expected at least one per row`);
  return Tensor.fromHandle(logits.backend.kernels.countCorrect(logits.handle, labels.handle), logits.backend);
}
