/**
 * pow, maximum, minimum and squaredDifference on the binaryMath kernel family, with NumPy
 * broadcasting. Gradients are built from other ops (so they stay on the backend) and summed
 * back over broadcast axes:
 * - pow: da = dy·b·a^(b−1), db = dy·a^b·log(a) where a > 0 (0 elsewhere, as TensorFlow);
 * - maximum: dy goes to a where a >= b, to b elsewhere; minimum: to a where a <= b (TensorFlow's tie rule);
 * - squaredDifference: da = 2(a − b)·dy = −db.
 */
import { record } from '../autograd.js';
import type { BinaryMathOp } from '../backends/backend.js';
import { Tensor } from '../tensor.js';
import { sigmoid } from './activations.js';
import { mul, sub } from './binary.js';
import { cast } from './cast.js';
import { greater, greaterEqual, lessEqual } from './compare.js';
import { abs } from './math.js';
import { broadcastOperands } from './operands.js';
import { log, scale } from './unary.js';
import { sumToShape } from './util.js';
import { where } from './where.js';

function binaryMathOp(op: BinaryMathOp, aIn: Tensor | number, bIn: Tensor | number): { a: Tensor; b: Tensor; out: Tensor['handle'] } {
  const { a, b, outShape } = broadcastOperands(op, aIn, bIn);
  return { a, b, out: a.backend.kernels.binaryMath(a.handle, b.handle, op, outShape) };
}

export function pow(aIn: Tensor | number, bIn: Tensor | number): Tensor {
  const { a, b, out } = binaryMathOp('pow', aIn, bIn);
  const y: Tensor = record('pow', out, [a, b], (dy, needs) => [
    needs[0] ? sumToShape(mul(dy, mul(b, pow(a, sub(b, 1)))), a.shape) : null,
    needs[1] ? sumToShape(mul(dy, mul(y, where(greater(a, 0), log(abs(a)), 0))), b.shape) : null,
  ]);
  return y;
}

function selectGradient(op: 'maximum' | 'minimum', aIn: Tensor | number, bIn: Tensor | number): Tensor {
  const { a, b, out } = binaryMathOp(op, aIn, bIn);
  return record(op, out, [a, b], (dy, needs) => {
    const toA = cast(op === 'maximum' ? greaterEqual(a, b) : lessEqual(a, b), dy.dtype);
    const da = mul(dy, toA);
    return [needs[0] ? sumToShape(da, a.shape) : null, needs[1] ? sumToShape(sub(dy, da), b.shape) : null];
  });
}

export const maximum = (a: Tensor | number, b: Tensor | number): Tensor => selectGradient('maximum', a, b);
export const minimum = (a: Tensor | number, b: Tensor | number): Tensor => selectGradient('minimum', a, b);

/** (a − b)². */
export function squaredDifference(aIn: Tensor | number, bIn: Tensor | number): Tensor {
  const { a, b, out } = binaryMathOp('squaredDifference', aIn, bIn);
  return record('squaredDifference', out, [a, b], (dy, needs) => {
    const da = mul(dy, scale(sub(a, b), 2));
    return [needs[0] ? sumToShape(da, a.shape) : null, needs[1] ? sumToShape(scale(da, -1), b.shape) : null];
  });
}

/** Element-wise binary cross-entropy from logits: max(a, 0) − a·b + log(1 + exp(−|a|)); da = dy·(sigmoid(a) − b), db = −dy·a. */
export function sigmoidCrossEntropyElements(logits: Tensor, labels: Tensor): Tensor {
  const { a, b, out } = binaryMathOp('sigmoidCrossEntropy', logits, labels);
  return record('sigmoidCrossEntropy', out, [a, b], (dy, needs) => [
    needs[0] ? sumToShape(mul(dy, sub(sigmoid(a), b)), a.shape) : null,
    needs[1] ? sumToShape(scale(mul(dy, a), -1), b.shape) : null,
  ]);
}
