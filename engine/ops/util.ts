/** Small helpers the ops share: turning numbers into tensors, summing a gradient back to a broadcast input. */
import { record } from '../autograd.js';
import type { Shape } from '../backends/backend.js';
import { Tensor } from '../tensor.js';
import { broadcastReductionAxes, sameShape } from './geometry.js';

/** A number becomes a scalar tensor on `like`'s backend and dtype. */
export function asTensor(x: Tensor | number, like: Tensor): Tensor {
  if (typeof x !== 'number') return x;
  return Tensor.fromHandle(like.backend.upload([x], [], like.dtype), like.backend);
}

export { sameShape } from './geometry.js';

/** Sums `dy` over the axes along which a tensor of `shape` was broadcast (the gradient of broadcasting). */
export function sumToShape(dy: Tensor, shape: Shape): Tensor {
  if (sameShape(dy.shape, shape)) return dy;
  const axes = broadcastReductionAxes(shape, dy.shape);
  return Tensor.fromHandle(dy.backend.kernels.sum(dy.handle, axes, shape), dy.backend);
}

/** Re-labels a tensor's shape without copying (the result shares x's storage); differentiable. */
export function reshapeShared(op: string, x: Tensor, shape: Shape): Tensor {
  const out = Tensor.sharing(x, { storage: x.handle.storage, shape: [...shape], dtype: x.dtype });
  return record(op, out, [x], (dy) => [reshapeShared(op, dy, x.shape)]);
}
