/** neg, exp, log and scale: element-wise ops and their derivatives. */
import { record } from '../autograd.js';
import type { Tensor } from '../tensor.js';
import { div, mul } from './binary.js';
import { assertFloat } from './validate.js';

export function neg(x: Tensor): Tensor {
  assertFloat('neg', 'x', x);
  return record('neg', x.backend.kernels.unary(x.handle, 'neg'), [x], (dy) => [neg(dy)]);
}

export function exp(x: Tensor): Tensor {
  assertFloat('exp', 'x', x);
  const y = record('exp', x.backend.kernels.unary(x.handle, 'exp'), [x], (dy) => [mul(dy, y)]);
  return y;
}

export function log(x: Tensor): Tensor {
  assertFloat('log', 'x', x);
  return record('log', x.backend.kernels.unary(x.handle, 'log'), [x], (dy) => [div(dy, x)]);
}

/** x * factor for a host number (no scalar tensor upload). */
export function scale(x: Tensor, factor: number): Tensor {
  assertFloat('scale', 'x', x);
  return record('scale', x.backend.kernels.scale(x.handle, factor), [x], (dy) => [scale(dy, factor)]);
}
