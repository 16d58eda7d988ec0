/** add, sub, mul, div with NumPy broadcasting; each gradient is summed back over the broadcast axes. */
import { record } from '../autograd.js';
import type { BinaryOp } from '../backends/backend.js';
import type { Tensor } from '../tensor.js';
import { broadcastOperands } from './operands.js';
import { sumToShape } from './util.js';

function binary(op: BinaryOp, aIn: Tensor | number, bIn: Tensor | number): Tensor {
  const { a, b, outShape } = broadcastOperands(op, aIn, bIn);
  const out = a.backend.kernels.binary(a.handle, b.handle, op, outShape);
  return record(op, out, [a, b], (dy, needs) => {
    switch (op) {
      case 'add':
        return [needs[0] ? sumToShape(dy, a.shape) : null, needs[1] ? sumToShape(dy, b.shape) : null];
      case 'sub':
        return [needs[0] ? sumToShape(dy, a.shape) : null, needs[1] ? neg(sumToShape(dy, b.shape)) : null];
      case 'mul':
        return [needs[0] ? sumToShape(mul(dy, b), a.shape) : null, needs[1] ? sumToShape(mul(dy, a), b.shape) : null];
      case 'div':
        // d(a/b)/db = -a / b^2
        return [
          needs[0] ? sumToShape(div(dy, b), a.shape) : null,
          needs[1] ? sumToShape(neg(div(mul(dy, a), mul(b, b))), b.shape) : null,
        ];
    }
  });
}

export const add = (a: Tensor | number, b: Tensor | number): Tensor => binary('add', a, b);
export const sub = (a: Tensor | number, b: Tensor | number): Tensor => binary('sub', a, b);
export const mul = (a: Tensor | number, b: Tensor | number): Tensor => binary('mul', a, b);
export const div = (a: Tensor | number, b: Tensor | number): Tensor => binary('div', a, b);

// Imported late to avoid a cycle at module-evaluation time (unary.ts imports binary.ts).
import { neg } from './unary.js';
