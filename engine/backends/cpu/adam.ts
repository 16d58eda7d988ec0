/** Keras's Adam step, in place over flat arrays (see AdamStepScalars in backend.ts). */
import type { AdamStepScalars } from '../backend.js';
import type { FloatArray } from './gemm.js';

export function adam(param: FloatArray, grad: FloatArray, m: FloatArray, v: FloatArray, s: AdamStepScalars): void {
  const { stepSize, beta1, beta2, epsilon, decay } = s;
  const c1 = 1 - beta1;
  const c2 = 1 - beta2;
  for (let i = 0, n = param.length; i < n; i++) {
    const g = grad[i];
    const mi = beta1 * m[i] + c1 * g;
    const vi = beta2 * v[i] + c2 * g * g;
    m[i] = mi;
    v[i] = vi;
    const w = param[i] - decay * param[i];
    param[i] = w - (stepSize * mi) / (Math.sqrt(vi) + epsilon);
  }
}
