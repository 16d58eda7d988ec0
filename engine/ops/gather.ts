/**
 * gather (an embedding lookup when axis = 0): rows of x picked by int32 indices. Its gradient is
 * a scatter-add done deterministically: each row of dx sums, in index order, the dy rows whose
 * index chose it (gatherBackward), so there are no float atomics and the bits never vary.
 */
import { record } from '../autograd.js';
import { Tensor } from '../tensor.js';
import { assertSameBackend, fmt } from './validate.js';

export function gather(x: Tensor, indicesIn: Tensor | ArrayLike<number>, axis = 0): Tensor {
  const op = 'gather';
  x.assertLive(op);
  if (!Number.isInteger(axis) || axis < -x.rank || axis >= x.rank) {
    throw new Error(`${op}: axis ${axis} is out of range for x ${fmt(x.shape)} (rank ${x.rank})`);
  }
  const a = axis < 0 ? axis + x.rank : axis;
  const rows = x.shape[a];
  let indices: Tensor;
  if (indicesIn instanceof Tensor) {
    indicesIn.assertLive(op);
    if (indicesIn.dtype !== 'int32') throw new Error(`${op}: indices must be int32, got ${indicesIn.dtype} of shape ${fmt(indicesIn.shape)}`);
    assertSameBackend(op, [x, indicesIn]);
    indices = indicesIn;
    if (indices.backend.readSync) checkIndices(op, indices.backend.readSync(indices.handle), rows, x);
  } else {
    checkIndices(op, indicesIn, rows, x);
    indices = Tensor.fromHandle(x.backend.upload(indicesIn, [indicesIn.length], 'int32'), x.backend);
  }
  const k = x.backend.kernels;
  const y = record(op, k.gather(x.handle, indices.handle, a), [x], (dy) => [
    Tensor.fromHandle(k.gatherBackward(dy.handle, indices.handle, a, x.shape), x.backend),
  ], [indices]);
  // Indices uploaded here live as long as the grad node needs them, and no longer.
  if (!y.node && indices !== indicesIn) indices.dispose();
  return y;
}

function checkIndices(op: string, values: ArrayLike<number>, rows: number, x: Tensor): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v < 0 || v >= rows) {
      throw new Error(`${op}: index ${i} is ${v}, outside [0, ${rows}) for x ${fmt(x.shape)}`);
    }
  }
}
