/**
 * relu(x) = max(x, 0); its gradient passes dy where the output is positive.
 *
 * A max-pool over a ReLU output masks its gradient at the pooled size instead: the one input
 * a window routes its gradient to holds the window's maximum, so that input is positive exactly
 * when the pooled value is. Masking there (a quarter of the elements for 2x2 windows) and
 * skipping the full-size mask after the scatter gives the same bits. The two records below
 * carry that fact from maxPool2d's backward to the ReLU's (or fused conv+ReLU's) backward.
 */
import { record } from '../autograd.js';
import { Tensor } from '../tensor.js';
import { assertFloat } from './validate.js';

/** Tensors that are outputs of relu or of an op with a fused ReLU. */
const reluOutputs = new WeakSet<Tensor>();
/**
 * Gradients known to be zero wherever the ReLU output they are keyed to is not positive.
 * A gradient is a fresh tensor per use: one that autograd sums with another's is a new tensor,
 * with no entry here, so it is masked again.
 */
const maskedFor = new WeakMap<Tensor, Tensor>();

export function relu(x: Tensor): Tensor {
  assertFloat('relu', 'x', x);
  const y = record('relu', x.backend.kernels.unary(x.handle, 'relu'), [x], (dy) => [reluBackward(dy, y)]);
  return markReluOutput(y);
}

/** Marks `y` as a ReLU output (relu, or an op that fuses it); returns it. */
export function markReluOutput(y: Tensor): Tensor {
  reluOutputs.add(y);
  return y;
}

export function isReluOutput(x: Tensor): boolean {
  return reluOutputs.has(x);
}

/** Records that `dx` is already zero wherever the ReLU output `y` is not positive; returns it. */
export function markReluMasked(dx: Tensor, y: Tensor): Tensor {
  maskedFor.set(dx, y);
  return dx;
}

/** dy masked by y > 0 (dy itself when it is known to be masked already); also used by fused conv+relu. */
export function reluBackward(dy: Tensor, y: Tensor): Tensor {
  if (maskedFor.get(dy) === y) return dy;
  return Tensor.fromHandle(dy.backend.kernels.reluBackward(dy.handle, y.handle), dy.backend);
}
