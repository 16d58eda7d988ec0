/** reshape and flatten share storage; the gradient reshapes back. */
import type { Shape } from '../backends/backend.js';
import { sizeOf } from '../backends/backend.js';
import type { Tensor } from '../tensor.js';
import { reshapeShared } from './util.js';
import { fmt } from './validate.js';

/** New shape for the same values; one dimension may be -1 (inferred). */
export function reshape(x: Tensor, shape: Shape): Tensor {
  x.assertLive('reshape');
  const inferred = shape.filter((d) => d === -1).length;
  if (inferred > 1 || shape.some((d) => !Number.isInteger(d) || d < -1)) {
    throw new Error(`reshape: invalid target shape ${fmt(shape)} (integers >= 0, at most one -1)`);
  }
  let target = [...shape];
  if (inferred === 1) {
    const known = sizeOf(shape.filter((d) => d !== -1));
    if (known === 0 || x.size % known !== 0) {
      throw new Error(`reshape: cannot reshape ${fmt(x.shape)} (${x.size} values) to ${fmt(shape)}`);
    }
    target = shape.map((d) => (d === -1 ? x.size / known : d));
  }
  if (sizeOf(target) !== x.size) {
    throw new Error(`reshape: cannot reshape ${fmt(x.shape)} (${x.size} values) to ${fmt(shape)} (${sizeOf(target)} values)`);
  }
  return reshapeShared('reshape', x, target);
}

/** [batch, ...] -> [batch, product of the rest], as Keras's Flatten. */
export function flatten(x: Tensor): Tensor {
  if (x.rank < 1) throw new Error(`flatten: expected a tensor with a batch axis, got shape ${fmt(x.shape)}`);
  return reshapeShared('flatten', x, [x.shape[0], x.size / Math.max(1, x.shape[0])]);
}
