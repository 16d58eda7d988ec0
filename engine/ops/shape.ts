/**
 * Shape ops. Those that move values are gathers by an index map (one kernel, copyIndexMap):
 * transpose, slice, pad, tile and broadcastTo. squeeze and expandDims only relabel the shape
 * and share storage. Each gradient is another shape op or a sum:
 * transpose ↔ the inverse permutation, slice ↔ pad with zeros, pad ↔ slice, tile → a sum over
 * the repeats, broadcastTo → a sum over the broadcast axes.
 */
import { record } from '../autograd.js';
import type { IndexMap, IndexMapAxis, Shape } from '../backends/backend.js';
import { sizeOf } from '../backends/backend.js';
import { Tensor } from '../tensor.js';
import { stridesOf } from './geometry.js';
import { sum } from './reduce.js';
import { reshapeShared, sameShape, sumToShape } from './util.js';
import { fmt } from './validate.js';

function gatherByMap(x: Tensor, map: IndexMap): Tensor['handle'] {
  return x.backend.kernels.copyIndexMap(x.handle, map);
}

function checkAxis(op: string, x: Tensor, axis: number, rankPlus = 0): number {
  const rank = x.rank + rankPlus;
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new Error(`${op}: axis ${axis} is out of range for shape ${fmt(x.shape)} (expected an integer in [${-rank}, ${rank - 1}])`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Permutes the axes: output axis d is input axis perm[d] (default: reversed). */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  const op = 'transpose';
  x.assertLive(op);
  const p = perm ? [...perm] : x.shape.map((_, i) => x.rank - 1 - i);
  const sorted = [...p].sort((u, v) => u - v);
  if (p.length !== x.rank || sorted.some((v, i) => v !== i)) {
    throw new Error(`${op}: perm [${p.join(', ')}] is not a permutation of the ${x.rank} axes of x ${fmt(x.shape)}`);
  }
  const strides = stridesOf(x.shape);
  const axes: IndexMapAxis[] = p.map((a) => ({ start: 0, step: 1, inDim: x.shape[a], inStride: strides[a], wrap: false }));
  const outShape = p.map((a) => x.shape[a]);
  const inverse = new Array<number>(p.length);
  p.forEach((a, d) => (inverse[a] = d));
  return record(op, gatherByMap(x, { outShape, axes, padValue: 0 }), [x], (dy) => [transpose(dy, inverse)]);
}

/** x[begin[d] : begin[d] + size[d]] on every axis; size -1 means to the end. */
export function slice(x: Tensor, begin: readonly number[], size?: readonly number[]): Tensor {
  const op = 'slice';
  x.assertLive(op);
  if (begin.length !== x.rank || (size && size.length !== x.rank)) {
    throw new Error(`${op}: begin [${begin.join(', ')}]${size ? ` and size [${size.join(', ')}]` : ''} need one entry per axis of x ${fmt(x.shape)}`);
  }
  const sizes = x.shape.map((d, i) => {
    const s = size ? size[i] : -1;
    return s === -1 ? d - begin[i] : s;
  });
  x.shape.forEach((d, i) => {
    if (!Number.isInteger(begin[i]) || !Number.isInteger(sizes[i]) || begin[i] < 0 || sizes[i] < 0 || begin[i] + sizes[i] > d) {
      throw new Error(
        `${op}: begin [${begin.join(', ')}] size [${sizes.join(', ')}] falls outside x ${fmt(x.shape)} (axis ${i}: ${begin[i]} + ${sizes[i]} > ${d})`,
      );
    }
  });
  const strides = stridesOf(x.shape);
  const axes: IndexMapAxis[] = x.shape.map((d, i) => ({ start: begin[i], step: 1, inDim: d, inStride: strides[i], wrap: false }));
  return record(op, gatherByMap(x, { outShape: sizes, axes, padValue: 0 }), [x], (dy) => [
    pad(dy, x.shape.map((d, i) => [begin[i], d - begin[i] - sizes[i]] as [number, number])),
  ]);
}

/** Constant padding: paddings[d] = [before, after] elements on axis d. */
export function pad(x: Tensor, paddings: readonly (readonly [number, number])[], value = 0): Tensor {
  const op = 'pad';
  x.assertLive(op);
  if (paddings.length !== x.rank || paddings.some((pp) => pp.length !== 2 || pp.some((v) => !Number.isInteger(v) || v < 0))) {
    throw new Error(`${op}: paddings ${JSON.stringify(paddings)} must hold one [before, after] pair of non-negative integers per axis of x ${fmt(x.shape)}`);
  }
  const strides = stridesOf(x.shape);
  const outShape = x.shape.map((d, i) => paddings[i][0] + d + paddings[i][1]);
  const axes: IndexMapAxis[] = x.shape.map((d, i) => ({ start: -paddings[i][0], step: 1, inDim: d, inStride: strides[i], wrap: false }));
  return record(op, gatherByMap(x, { outShape, axes, padValue: value }), [x], (dy) => [
    slice(dy, paddings.map((pp) => pp[0]), x.shape),
  ]);
}

/** Repeats x reps[d] times along axis d. */
export function tile(x: Tensor, reps: readonly number[]): Tensor {
  const op = 'tile';
  x.assertLive(op);
  if (reps.length !== x.rank || reps.some((r) => !Number.isInteger(r) || r < 1)) {
    throw new Error(`${op}: reps [${reps.join(', ')}] must hold one positive integer per axis of x ${fmt(x.shape)}`);
  }
  const strides = stridesOf(x.shape);
  const outShape = x.shape.map((d, i) => d * reps[i]);
  const axes: IndexMapAxis[] = x.shape.map((d, i) => ({ start: 0, step: 1, inDim: d, inStride: strides[i], wrap: true }));
  return record(op, gatherByMap(x, { outShape, axes, padValue: 0 }), [x], (dy) => {
    // dy [r0*d0, r1*d1, ...] viewed as [r0, d0, r1, d1, ...]: sum over the repeat axes.
    const split = reshapeShared(op, dy, x.shape.flatMap((d, i) => [reps[i], d]));
    return [sum(split, x.shape.map((_, i) => 2 * i))];
  });
}

/**
 * NumPy broadcasting of x to `shape`. Where only leading axes of size 1 are added this is a view
 * (shared storage); otherwise the values are copied by the index-map kernel.
 */
export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  const op = 'broadcastTo';
  x.assertLive(op);
  const rank = shape.length;
  const lead = rank - x.rank;
  const bad = lead < 0 || x.shape.some((d, i) => d !== 1 && d !== shape[lead + i]) || shape.some((d) => !Number.isInteger(d) || d < 0);
  if (bad) throw new Error(`${op}: x ${fmt(x.shape)} cannot be broadcast to ${fmt(shape)}`);
  if (sameShape(x.shape, shape)) return x;
  if (sizeOf(shape) === x.size) return reshapeShared(op, x, shape);
  const strides = stridesOf(x.shape);
  const axes: IndexMapAxis[] = shape.map((_, d) => {
    const j = d - lead;
    const size = j < 0 ? 1 : x.shape[j];
    return size === 1 ? { start: 0, step: 0, inDim: 1, inStride: 0, wrap: false } : { start: 0, step: 1, inDim: size, inStride: strides[j], wrap: false };
  });
  return record(op, gatherByMap(x, { outShape: [...shape], axes, padValue: 0 }), [x], (dy) => [sumToShape(dy, x.shape)]);
}

/** Removes axes of size 1 (the given ones, or all). */
export function squeeze(x: Tensor, axis?: number | readonly number[]): Tensor {
  const op = 'squeeze';
  x.assertLive(op);
  const list = axis === undefined ? x.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : (typeof axis === 'number' ? [axis] : [...axis]).map((a) => checkAxis(op, x, a));
  for (const a of list) {
    if (x.shape[a] !== 1) throw new Error(`${op}: axis ${a} of x ${fmt(x.shape)} has size ${x.shape[a]}, not 1`);
  }
  return reshapeShared(op, x, x.shape.filter((_, i) => !list.includes(i)));
}

/** Inserts an axis of size 1 at `axis` (in [-rank-1, rank]). */
export function expandDims(x: Tensor, axis = 0): Tensor {
  const op = 'expandDims';
  x.assertLive(op);
  const a = checkAxis(op, x, axis, 1);
  const shape = [...x.shape];
  shape.splice(a, 0, 1);
  return reshapeShared(op, x, shape);
}
