/** sum and mean over axes; the gradient broadcasts dy back over the reduced axes. */
import { record } from '../autograd.js';
import type { Shape } from '../backends/backend.js';
import { Tensor } from '../tensor.js';
import { scale } from './unary.js';
import { reshapeShared } from './util.js';
import { assertFloat, fmt } from './validate.js';

/** Sorted, unique, non-negative axes; undefined means all. */
export function normalizeAxes(op: string, shape: Shape, axis?: number | readonly number[]): number[] {
  const rank = shape.length;
  const list = axis === undefined ? shape.map((_, i) => i) : typeof axis === 'number' ? [axis] : [...axis];
  const out = list.map((a) => {
    if (!Number.isInteger(a) || a < -rank || a >= rank) {
      throw new Error(`${op}: axis ${a} is out of range for shape ${fmt(shape)} (rank ${rank})`);
    }
    return a < 0 ? a + rank : a;
  });
  return [...new Set(out)].sort((p, q) => p - q);
}

export function reducedShape(shape: Shape, axes: readonly number[], keepDims: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepDims) out.push(1);
  });
  return out;
}

/** dy (reduced shape) broadcast back to the input's shape. */
function broadcastBack(dy: Tensor, inShape: Shape, axes: readonly number[]): Tensor {
  const kept = reshapeShared('sum', dy, reducedShape(inShape, axes, true));
  const zeros = Tensor.fromHandle(dy.backend.fill(inShape, dy.dtype, 0), dy.backend);
  return Tensor.fromHandle(dy.backend.kernels.binary(kept.handle, zeros.handle, 'add', inShape), dy.backend);
}

export function sum(x: Tensor, axis?: number | readonly number[], keepDims = false): Tensor {
  assertFloat('sum', 'x', x);
  const axes = normalizeAxes('sum', x.shape, axis);
  const outShape = reducedShape(x.shape, axes, keepDims);
  const out = x.backend.kernels.sum(x.handle, axes, outShape);
  return record('sum', out, [x], (dy) => [broadcastBack(dy, x.shape, axes)]);
}

export function mean(x: Tensor, axis?: number | readonly number[], keepDims = false): Tensor {
  const axes = normalizeAxes('mean', x.shape, axis);
  const count = axes.reduce((n, a) => n * x.shape[a], 1);
  return scale(sum(x, axes, keepDims), 1 / count);
}
