/** concat and stack along an axis; the gradient of each input is its slice of dy. */
import { record } from '../autograd.js';
import type { Tensor } from '../tensor.js';
import { expandDims, slice } from './shape.js';
import { assertSameBackend, assertSameDType, fmt } from './validate.js';

export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  const op = 'concat';
  if (xs.length === 0) throw new Error(`${op}: needs at least one tensor`);
  xs.forEach((x) => x.assertLive(op));
  assertSameBackend(op, xs);
  assertSameDType(op, xs);
  const rank = xs[0].rank;
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new Error(`${op}: axis ${axis} is out of range for shape ${fmt(xs[0].shape)} (rank ${rank})`);
  }
  const a = axis < 0 ? axis + rank : axis;
  for (const x of xs) {
    if (x.rank !== rank || x.shape.some((d, i) => i !== a && d !== xs[0].shape[i])) {
      throw new Error(`${op}: shapes ${xs.map((t) => fmt(t.shape)).join(', ')} must agree on every axis but ${a}`);
    }
  }
  if (xs.length === 1) return xs[0];
  const outShape = [...xs[0].shape];
  outShape[a] = xs.reduce((n, x) => n + x.shape[a], 0);
  const out = xs[0].backend.kernels.concat(xs.map((x) => x.handle), a, outShape);
  return record(op, out, xs, (dy, needs) => {
    let start = 0;
    return xs.map((x, i) => {
      const begin = x.shape.map((_, d) => (d === a ? start : 0));
      start += x.shape[a];
      return needs[i] ? slice(dy, begin, x.shape) : null;
    });
  });
}

/** Stacks tensors of one shape along a new axis. */
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new Error('stack: needs at least one tensor');
  for (const x of xs) {
    x.assertLive('stack');
    if (x.rank !== xs[0].rank || x.shape.some((d, i) => d !== xs[0].shape[i])) {
      throw new Error(`stack: shapes ${xs.map((t) => fmt(t.shape)).join(', ')} must be equal`);
    }
  }
  const rank = xs[0].rank + 1;
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new Error(`stack: axis ${axis} is out of range for stacking shape ${fmt(xs[0].shape)} (expected [${-rank}, ${rank - 1}])`);
  }
  return concat(xs.map((x) => expandDims(x, axis)), axis < 0 ? axis + rank : axis);
}
