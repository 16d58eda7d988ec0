/**
 * cast between float32, float64 and int32. Float to int32 rounds toward zero and saturates
 * (NaN gives 0), as WGSL's conversion does. Between float dtypes the gradient casts back;
 * an int32 result has none.
 */
import { record } from '../autograd.js';
import type { DType } from '../backends/backend.js';
import { Tensor } from '../tensor.js';
import { fmt } from './validate.js';

const DTYPES: readonly DType[] = ['float32', 'float64', 'int32'];

export function cast(x: Tensor, dtype: DType): Tensor {
  x.assertLive('cast');
  if (!DTYPES.includes(dtype)) throw new Error(`cast: unknown dtype '${dtype as string}' for x ${fmt(x.shape)} (expected ${DTYPES.join(', ')})`);
  if (dtype === x.dtype) return x;
  const out = x.backend.kernels.cast(x.handle, dtype);
  if (dtype === 'int32' || x.dtype === 'int32') return Tensor.fromHandle(out, x.backend);
  return record('cast', out, [x], (dy) => [cast(dy, x.dtype)]);
}
