/**
 * Reductions over any axes with keepDims, on the general reduce kernel (max, min, logSumExp,
 * argmax, argmin) and the moments kernel (mean and variance in one two-pass kernel).
 * Gradients, with k the reduced result kept as size-1 axes:
 * - max/min: dy shared equally among the elements equal to the extreme (TensorFlow's rule);
 * - logSumExp: dy·exp(x − k); variance: dy·2(x − mean)/n;
 * - argmax/argmin: none (int32).
 */
import { record } from '../autograd.js';
import type { ReduceOp } from '../backends/backend.js';
import { Tensor } from '../tensor.js';
import { div, mul, sub } from './binary.js';
import { cast } from './cast.js';
import { equal } from './compare.js';
import { normalizeAxes, reducedShape, sum } from './reduce.js';
import { broadcastTo } from './shape.js';
import { exp, scale } from './unary.js';
import { reshapeShared } from './util.js';
import { assertFloat, fmt } from './validate.js';

type Axes = number | readonly number[];

function prepare(op: string, x: Tensor, axis: Axes | undefined, keepDims: boolean) {
  assertFloat(op, 'x', x);
  const axes = normalizeAxes(op, x.shape, axis);
  const count = axes.reduce((n, a) => n * x.shape[a], 1);
  if (count === 0) throw new Error(`${op}: reducing x ${fmt(x.shape)} over axes [${axes.join(', ')}] has no elements`);
  return { axes, outShape: reducedShape(x.shape, axes, keepDims), kept: reducedShape(x.shape, axes, true), count };
}

function extreme(op: 'max' | 'min', x: Tensor, axis?: Axes, keepDims = false): Tensor {
  const { axes, outShape, kept } = prepare(op, x, axis, keepDims);
  const y: Tensor = record(op, x.backend.kernels.reduce(x.handle, op, axes, outShape), [x], (dy) => {
    const hits = cast(equal(x, reshapeShared(op, y, kept)), x.dtype);
    return [mul(div(reshapeShared(op, dy, kept), sum(hits, axes, true)), hits)];
  });
  return y;
}

export const max = (x: Tensor, axis?: Axes, keepDims = false): Tensor => extreme('max', x, axis, keepDims);
export const min = (x: Tensor, axis?: Axes, keepDims = false): Tensor => extreme('min', x, axis, keepDims);

/** log(Σ exp(x)) over the axes, computed with the maximum subtracted. */
export function logSumExp(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  const op = 'logSumExp';
  const { axes, outShape, kept } = prepare(op, x, axis, keepDims);
  const y: Tensor = record(op, x.backend.kernels.reduce(x.handle, op, axes, outShape), [x], (dy) => [
    mul(reshapeShared(op, dy, kept), exp(sub(x, reshapeShared(op, y, kept)))),
  ]);
  return y;
}

/** Mean and (biased, as tf.moments) variance over the axes, from one kernel; both differentiable. */
export function moments(x: Tensor, axis?: Axes, keepDims = false): { mean: Tensor; variance: Tensor } {
  const op = 'moments';
  const { axes, outShape, kept, count } = prepare(op, x, axis, keepDims);
  const { mean: m, variance: v } = x.backend.kernels.moments(x.handle, axes, outShape);
  const mean = record('moments mean', m, [x], (dy) => [scale(broadcastTo(reshapeShared(op, dy, kept), x.shape), 1 / count)]);
  const variance = record('moments variance', v, [x], (dy) => [
    mul(reshapeShared(op, dy, kept), scale(sub(x, reshapeShared(op, mean, kept)), 2 / count)),
  ], [mean]);
  return { mean, variance };
}

export function variance(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  return moments(x, axis, keepDims).variance;
}

function argExtreme(op: 'argmax' | 'argmin', x: Tensor, axis: number): Tensor {
  const { axes, outShape } = prepare(op, x, axis, false);
  return Tensor.fromHandle(x.backend.kernels.reduce(x.handle, op as ReduceOp, axes, outShape), x.backend);
}

/** Index (int32) of the first minimum along `axis` (default: the last). */
export function argmin(x: Tensor, axis = -1): Tensor {
  return argExtreme('argmin', x, axis);
}

/** Index (int32) of the first maximum along `axis`; argmax.ts calls this for axes other than the last. */
export function argmaxAlong(x: Tensor, axis: number): Tensor {
  return argExtreme('argmax', x, axis);
}
