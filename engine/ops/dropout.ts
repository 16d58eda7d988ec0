/**
 * Inverted dropout: each element is kept with probability 1 − rate and scaled by 1/(1 − rate).
 * The mask comes from a counter-based hash of (seed, element index) (engine/counter-hash.ts),
 * so the same seed drops the same elements on every backend, and the backward pass recomputes
 * the mask from the seed instead of storing it: dx = dropout(dy) with the same seed.
 */
import { record } from '../autograd.js';
import { Tensor } from '../tensor.js';
import { assertFloat, fmt } from './validate.js';

export function dropout(x: Tensor, rate: number, seed: number): Tensor {
  const op = 'dropout';
  assertFloat(op, 'x', x);
  if (!(rate >= 0 && rate < 1)) throw new Error(`${op}: rate must be in [0, 1), got ${rate} (x ${fmt(x.shape)})`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`${op}: seed must be an integer in [0, 2^32), got ${seed}`);
  if (rate === 0) return x;
  const k = x.backend.kernels;
  return record(op, k.dropout(x.handle, rate, seed), [x], (dy) => [Tensor.fromHandle(k.dropout(dy.handle, rate, seed), x.backend)]);
}
