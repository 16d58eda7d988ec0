/**
 * where(cond, a, b): a where cond is nonzero, b elsewhere, all three broadcast together. cond is
 * int32 (a comparison's result); a and b share a dtype (numbers take the other's). The gradient
 * routes dy to a where cond holds and to b elsewhere, summed back over broadcast axes.
 */
import { record } from '../autograd.js';
import { Tensor } from '../tensor.js';
import { broadcastShapes } from './geometry.js';
import { broadcastOperands } from './operands.js';
import { asTensor, sumToShape } from './util.js';
import { assertSameBackend, fmt } from './validate.js';

export function where(cond: Tensor, aIn: Tensor | number, bIn: Tensor | number): Tensor {
  const op = 'where';
  cond.assertLive(op);
  if (cond.dtype !== 'int32') {
    throw new Error(`where: the condition must be int32 (0/1, as comparisons return), got ${cond.dtype} of shape ${fmt(cond.shape)}`);
  }
  const { a, b, outShape: abShape } = broadcastOperands(op, aIn, bIn, true);
  assertSameBackend(op, [cond, a, b]);
  const outShape = broadcastShapes(op, cond.shape, abShape);
  const k = a.backend.kernels;
  return record(op, k.where(cond.handle, a.handle, b.handle, outShape), [a, b], (dy, needs) => {
    const zero = asTensor(0, dy);
    const route = (first: Tensor, second: Tensor) => Tensor.fromHandle(k.where(cond.handle, first.handle, second.handle, dy.shape), dy.backend);
    return [needs[0] ? sumToShape(route(dy, zero), a.shape) : null, needs[1] ? sumToShape(route(zero, dy), b.shape) : null];
  });
}
