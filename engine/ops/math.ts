/**
 * Element-wise math on the unaryMath kernel family: sqrt, rsqrt, square, abs, sign and clip.
 * Each gradient is dy·f'(x) from the family's backward kernel (unaryMathBackward); sign has
 * no gradient. Activations (activations.ts) share `unaryMathOp`.
 */
import { record } from '../autograd.js';
import type { UnaryMathOp } from '../backends/backend.js';
import { Tensor } from '../tensor.js';
import { assertFloat } from './validate.js';

/** y = op(x) on the unaryMath kernel; backward dy·op'(x) unless the op has no gradient. */
export function unaryMathOp(name: string, op: UnaryMathOp, x: Tensor, alpha = 0, beta = 0, differentiable = true): Tensor {
  assertFloat(name, 'x', x);
  const k = x.backend.kernels;
  return record(name, k.unaryMath(x.handle, op, alpha, beta), [x], (dy) => [
    differentiable ? Tensor.fromHandle(k.unaryMathBackward(dy.handle, x.handle, op, alpha, beta), x.backend) : null,
  ]);
}

export const sqrt = (x: Tensor): Tensor => unaryMathOp('sqrt', 'sqrt', x);
/** 1 / sqrt(x). */
export const rsqrt = (x: Tensor): Tensor => unaryMathOp('rsqrt', 'rsqrt', x);
export const square = (x: Tensor): Tensor => unaryMathOp('square', 'square', x);
/** |x|; its gradient is sign(x) (0 at 0, as TensorFlow). */
export const abs = (x: Tensor): Tensor => unaryMathOp('abs', 'abs', x);
/** -1, 0 or 1; no gradient. */
export const sign = (x: Tensor): Tensor => unaryMathOp('sign', 'sign', x, 0, 0, false);

/** min(max(x, lo), hi); the gradient passes where lo <= x <= hi (TensorFlow's clipByValue). */
export function clip(x: Tensor, lo: number, hi: number): Tensor {
  if (!(lo <= hi)) throw new Error(`clip: min ${lo} must not exceed max ${hi} (x ${`[${x.shape.join(', ')}]`})`);
  return unaryMathOp('clip', 'clip', x, lo, hi);
}
