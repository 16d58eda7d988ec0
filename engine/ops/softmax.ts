/** softmax and logSoftmax over the last axis, computed stably; gradients built from element-wise ops. */
import { record } from '../autograd.js';
import type { Tensor } from '../tensor.js';
import { mul, sub } from './binary.js';
import { sum } from './reduce.js';
import { exp } from './unary.js';
import { assertFloat, fmt } from './validate.js';

function lastAxis(op: string, x: Tensor): number {
  assertFloat(op, 'x', x);
  if (x.rank < 1) throw new Error(`${op}: expected a tensor of rank >= 1, got shape ${fmt(x.shape)}`);
  return x.rank - 1;
}

export function softmax(x: Tensor): Tensor {
  const axis = lastAxis('softmax', x);
  const y: Tensor = record('softmax', x.backend.kernels.softmax(x.handle), [x], (dy) => {
    // dx = y * (dy - sum(dy * y))
    return [mul(y, sub(dy, sum(mul(dy, y), axis, true)))];
  });
  return y;
}

export function logSoftmax(x: Tensor): Tensor {
  const axis = lastAxis('logSoftmax', x);
  const y: Tensor = record('logSoftmax', x.backend.kernels.logSoftmax(x.handle), [x], (dy) => {
    // dx = dy - softmax(x) * sum(dy)
    return [sub(dy, mul(exp(y), sum(dy, axis, true)))];
  });
  return y;
}
