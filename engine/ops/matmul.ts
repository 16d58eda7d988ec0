/** matmul of 2-D tensors (with optional transposes) and dense = x·W + b, W stored [in, out] as Keras does. */
import { record } from '../autograd.js';
import type { Tensor } from '../tensor.js';
import { add } from './binary.js';
import { assertFloat, assertRank, assertSameBackend, assertSameDType, fmt } from './validate.js';

export function matmul(a: Tensor, b: Tensor, transposeA = false, transposeB = false): Tensor {
  assertRank('matmul', 'a', a, 2);
  assertRank('matmul', 'b', b, 2);
  assertFloat('matmul', 'a', a);
  assertSameBackend('matmul', [a, b]);
  assertSameDType('matmul', [a, b]);
  const k1 = transposeA ? a.shape[0] : a.shape[1];
  const k2 = transposeB ? b.shape[1] : b.shape[0];
  if (k1 !== k2) {
    throw new Error(
      `matmul: inner dimensions differ: a ${fmt(a.shape)}${transposeA ? 'ᵀ' : ''} · b ${fmt(b.shape)}${transposeB ? 'ᵀ' : ''} (${k1} vs ${k2})`,
    );
  }
  const out = a.backend.kernels.matmul(a.handle, b.handle, transposeA, transposeB);
  return record('matmul', out, [a, b], (dy, needs) => {
    // C = op(A)·op(B): dA = dC·op(B)ᵀ (transposed back when A was), dB likewise.
    let da: Tensor | null = null;
    let db: Tensor | null = null;
    if (needs[0]) da = transposeA ? matmul(b, dy, transposeB, true) : matmul(dy, b, false, !transposeB);
    if (needs[1]) db = transposeB ? matmul(dy, a, true, transposeA) : matmul(a, dy, !transposeA, false);
    return [da, db];
  });
}

/** x [batch, in] · kernel [in, out] + bias [out]. */
export function dense(x: Tensor, kernel: Tensor, bias?: Tensor | null): Tensor {
  assertRank('dense', 'x', x, 2, '[batch, features]');
  assertRank('dense', 'kernel', kernel, 2, '[in, out]');
  if (x.shape[1] !== kernel.shape[0]) {
    throw new Error(`dense: x ${fmt(x.shape)} has ${x.shape[1]} features but the kernel ${fmt(kernel.shape)} expects ${kernel.shape[0]}`);
  }
  const y = matmul(x, kernel);
  if (!bias) return y;
  assertRank('dense', 'bias', bias, 1, '[out]');
  if (bias.shape[0] !== kernel.shape[1]) {
    throw new Error(`dense: bias ${fmt(bias.shape)} does not match the kernel's ${kernel.shape[1]} outputs`);
  }
  return add(y, bias);
}
