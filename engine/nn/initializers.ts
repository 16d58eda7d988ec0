/**
 * Keras's default initialisers: Glorot-uniform kernels, zero biases, ones for BatchNormalization's
 * gamma and moving variance, uniform in [-0.05, 0.05] for Embedding (Keras's RandomUniform default).
 */
import type { Shape } from '../backends/backend.js';
import { sizeOf } from '../backends/backend.js';
import type { Random } from '../random.js';

export type Initializer = 'glorotUniform' | 'zeros' | 'ones' | 'randomUniform';

/** Fan-in and fan-out as Keras computes them: dense [in, out]; conv [kh, kw, in, out] times the receptive field. */
export function fans(shape: Shape): { fanIn: number; fanOut: number } {
  if (shape.length === 2) return { fanIn: shape[0], fanOut: shape[1] };
  if (shape.length >= 3) {
    const receptive = sizeOf(shape.slice(0, -2));
    return { fanIn: receptive * shape[shape.length - 2], fanOut: receptive * shape[shape.length - 1] };
  }
  const n = sizeOf(shape);
  return { fanIn: n, fanOut: n };
}

export function initialValues(init: Initializer, shape: Shape, rng: Random): Float64Array {
  const out = new Float64Array(sizeOf(shape));
  if (init === 'zeros') return out;
  if (init === 'ones') return out.fill(1);
  if (init === 'randomUniform') {
    for (let i = 0; i < out.length; i++) out[i] = rng.uniform(-0.05, 0.05);
    return out;
  }
  const { fanIn, fanOut } = fans(shape);
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  for (let i = 0; i < out.length; i++) out[i] = rng.uniform(-limit, limit);
  return out;
}
