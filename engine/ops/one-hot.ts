/** oneHot: int32 indices [...] -> [..., depth] of the backend's float type; an index outside [0, depth) gives a row of offValue. No gradient. */
import { getBackend } from '../runtime.js';
import { Tensor } from '../tensor.js';
import { fmt } from './validate.js';

export function oneHot(indicesIn: Tensor | ArrayLike<number>, depth: number, onValue = 1, offValue = 0): Tensor {
  const op = 'oneHot';
  if (!Number.isInteger(depth) || depth < 1) throw new Error(`${op}: depth must be a positive integer, got ${depth}`);
  if (indicesIn instanceof Tensor) {
    indicesIn.assertLive(op);
    if (indicesIn.dtype !== 'int32') throw new Error(`${op}: indices must be int32, got ${indicesIn.dtype} of shape ${fmt(indicesIn.shape)}`);
    const be = indicesIn.backend;
    return Tensor.fromHandle(be.kernels.oneHot(indicesIn.handle, depth, onValue, offValue, be.floatDType), be);
  }
  for (let i = 0; i < indicesIn.length; i++) {
    if (!Number.isInteger(indicesIn[i])) throw new Error(`${op}: index ${i} is ${indicesIn[i]}, expected an integer`);
  }
  const be = getBackend();
  const indices = be.upload(indicesIn, [indicesIn.length], 'int32');
  const out = be.kernels.oneHot(indices, depth, onValue, offValue, be.floatDType);
  be.release(indices.storage);
  return Tensor.fromHandle(out, be);
}
