/**
 * Comparisons with broadcasting. There is no bool dtype: a comparison returns int32 0/1, the
 * dtype `where` takes as its condition and `cast` turns into a float mask. Float or int32
 * operands (one dtype); no gradient.
 */
import type { CompareOp } from '../backends/backend.js';
import { Tensor } from '../tensor.js';
import { broadcastOperands } from './operands.js';

function compareOp(op: CompareOp, aIn: Tensor | number, bIn: Tensor | number): Tensor {
  const { a, b, outShape } = broadcastOperands(op, aIn, bIn, true);
  return Tensor.fromHandle(a.backend.kernels.compare(a.handle, b.handle, op, outShape), a.backend);
}

export const equal = (a: Tensor | number, b: Tensor | number): Tensor => compareOp('equal', a, b);
export const notEqual = (a: Tensor | number, b: Tensor | number): Tensor => compareOp('notEqual', a, b);
export const less = (a: Tensor | number, b: Tensor | number): Tensor => compareOp('less', a, b);
export const lessEqual = (a: Tensor | number, b: Tensor | number): Tensor => compareOp('lessEqual', a, b);
export const greater = (a: Tensor | number, b: Tensor | number): Tensor => compareOp('greater', a, b);
export const greaterEqual = (a: Tensor | number, b: Tensor | number): Tensor => compareOp('greaterEqual', a, b);
