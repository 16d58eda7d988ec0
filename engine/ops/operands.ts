/** Operand checks shared by the broadcasting ops (add/sub/mul/div, binary math, comparisons, where). */
import type { Tensor } from '../tensor.js';
import { broadcastShapes } from './geometry.js';
import { asTensor } from './util.js';
import { assertFloat, assertSameBackend, assertSameDType } from './validate.js';

/**
 * Two operands (numbers become scalars of the other's dtype) on one backend with one dtype,
 * float unless `allowInt`, and their broadcast shape.
 */
export function broadcastOperands(
  op: string, aIn: Tensor | number, bIn: Tensor | number, allowInt = false,
): { a: Tensor; b: Tensor; outShape: number[] } {
  const like = typeof aIn === 'number' ? bIn : aIn;
  if (typeof like === 'number') throw new Error(`${op}: at least one argument must be a tensor`);
  const a = asTensor(aIn, like);
  const b = asTensor(bIn, like);
  a.assertLive(op);
  b.assertLive(op);
  assertSameBackend(op, [a, b]);
  if (!allowInt) {
    assertFloat(op, 'a', a);
    assertFloat(op, 'b', b);
  }
  assertSameDType(op, [a, b]);
  return { a, b, outShape: broadcastShapes(op, a.shape, b.shape) };
}
