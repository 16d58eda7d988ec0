/**
 * Activations on the unaryMath kernel family: sigmoid, tanh, gelu (tanh and erf forms),
 * softplus, leakyRelu and elu. Gradients come from the family's backward kernel.
 */
import type { Tensor } from '../tensor.js';
import { unaryMathOp } from './math.js';

export const sigmoid = (x: Tensor): Tensor => unaryMathOp('sigmoid', 'sigmoid', x);
export const tanh = (x: Tensor): Tensor => unaryMathOp('tanh', 'tanh', x);

export interface GeluOptions {
  /** true: the tanh approximation 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))); false (default, as Keras): 0.5x(1 + erf(x/√2)). */
  approximate?: boolean;
}

export function gelu(x: Tensor, options: GeluOptions = {}): Tensor {
  return options.approximate ? unaryMathOp('gelu', 'geluTanh', x) : unaryMathOp('gelu', 'geluErf', x);
}

/** log(1 + exp(x)), computed as max(x, 0) + log(1 + exp(-|x|)). */
export const softplus = (x: Tensor): Tensor => unaryMathOp('softplus', 'softplus', x);

/** x for x > 0, alpha·x otherwise (TensorFlow.js's default alpha 0.2). */
export function leakyRelu(x: Tensor, alpha = 0.2): Tensor {
  if (!Number.isFinite(alpha)) throw new Error(`leakyRelu: alpha must be a finite number, got ${alpha}`);
  return unaryMathOp('leakyRelu', 'leakyRelu', x, alpha);
}

/** x for x > 0, alpha·(exp(x) − 1) otherwise. */
export function elu(x: Tensor, alpha = 1): Tensor {
  if (!Number.isFinite(alpha)) throw new Error(`elu: alpha must be a finite number, got ${alpha}`);
  return unaryMathOp('elu', 'elu', x, alpha);
}
