/** relu(x) = max(x, 0); its gradient passes dy where the output is positive. */
import { record } from '../autograd.js';
import { Tensor } from '../tensor.js';
import { assertFloat } from './validate.js';

export function relu(x: Tensor): Tensor {
  assertFloat('relu', 'x', x);
  const y = record('relu', x.backend.kernels.unary(x.handle, 'relu'), [x], (dy) => [reluBackward(dy, y)]);
  return y;
}

/** dy masked by y > 0; also used by fused conv+relu. */
export function reluBackward(dy: Tensor, y: Tensor): Tensor {
  return Tensor.fromHandle(dy.backend.kernels.reluBackward(dy.handle, y.handle), dy.backend);
}
