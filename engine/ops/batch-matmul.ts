/**
 * Batched matmul: a [...batchA, M, K] · b [...batchB, K, N] with the batch axes broadcast
 * (NumPy's matmul); either operand may be transposed in its last two axes. The gradient has
 * the 2-D rule's form per batch element, summed back over the batch axes an operand was
 * broadcast along.
 */
import { record } from '../autograd.js';
import type { Tensor } from '../tensor.js';
import { broadcastShapes } from './geometry.js';
import { sumToShape } from './util.js';
import { assertFloat, assertSameBackend, assertSameDType, fmt } from './validate.js';

export function batchMatmul(a: Tensor, b: Tensor, transposeA = false, transposeB = false): Tensor {
  const op = 'batchMatmul';
  assertFloat(op, 'a', a);
  assertFloat(op, 'b', b);
  assertSameBackend(op, [a, b]);
  assertSameDType(op, [a, b]);
  if (a.rank < 2 || b.rank < 2) {
    throw new Error(`${op}: expected a and b of rank >= 2 ([...batch, rows, cols]), got a ${fmt(a.shape)} and b ${fmt(b.shape)}`);
  }
  const [a0, a1] = a.shape.slice(-2);
  const [b0, b1] = b.shape.slice(-2);
  const M = transposeA ? a1 : a0;
  const K = transposeA ? a0 : a1;
  const K2 = transposeB ? b1 : b0;
  const N = transposeB ? b0 : b1;
  if (K !== K2) {
    throw new Error(
      `${op}: inner dimensions differ: a ${fmt(a.shape)}${transposeA ? 'ᵀ' : ''} · b ${fmt(b.shape)}${transposeB ? 'ᵀ' : ''} (${K} vs ${K2})`,
    );
  }
  const batch = broadcastShapes(op, a.shape.slice(0, -2), b.shape.slice(0, -2));
  const outShape = [...batch, M, N];
  const out = a.backend.kernels.batchMatmul(a.handle, b.handle, transposeA, transposeB, outShape);
  return record(op, out, [a, b], (dy, needs) => {
    let da: Tensor | null = null;
    let db: Tensor | null = null;
    if (needs[0]) da = sumToShape(transposeA ? batchMatmul(b, dy, transposeB, true) : batchMatmul(dy, b, false, !transposeB), a.shape);
    if (needs[1]) db = sumToShape(transposeB ? batchMatmul(dy, a, true, transposeA) : batchMatmul(a, dy, !transposeA, false), b.shape);
    return [da, db];
  });
}
