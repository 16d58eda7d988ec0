/**
 * The CPU twins of the optimizer kernels other than Adam (adam.ts), in place over flat arrays,
 * written in the order of their WGSL (shaders/sgd*.wgsl, rmsprop.wgsl, adagrad.wgsl,
 * clip_by_global_norm.wgsl). Formulas: the *StepScalars in backend.ts and engine/optim/.
 */
import type { AdagradStepScalars, RmspropStepScalars, SgdStepScalars } from '../backend.js';
import type { FloatArray } from './gemm.js';

export function sgd(param: FloatArray, grad: FloatArray, velocity: FloatArray | null, s: SgdStepScalars): void {
  const { learningRate: lr, momentum, nesterov, decay } = s;
  for (let i = 0, n = param.length; i < n; i++) {
    const g = grad[i];
    const w = param[i] - decay * param[i];
    if (velocity === null) {
      param[i] = w - lr * g;
      continue;
    }
    const vi = momentum * velocity[i] - lr * g;
    velocity[i] = vi;
    param[i] = nesterov ? w + (momentum * vi - lr * g) : w + vi;
  }
}

export function rmsprop(
  param: FloatArray, grad: FloatArray, velocity: FloatArray, mom: FloatArray | null, average: FloatArray | null, s: RmspropStepScalars,
): void {
  const { learningRate: lr, rho, momentum, epsilon, decay } = s;
  const c = 1 - rho;
  for (let i = 0, n = param.length; i < n; i++) {
    const g = grad[i];
    const w = param[i] - decay * param[i];
    const vel = rho * velocity[i] + c * g * g;
    velocity[i] = vel;
    let denominator = vel + epsilon;
    if (average !== null) {
      const a = rho * average[i] + c * g;
      average[i] = a;
      denominator = vel - a * a + epsilon;
    }
    const increment = (lr * g) / Math.sqrt(denominator);
    if (mom !== null) {
      const mi = momentum * mom[i] + increment;
      mom[i] = mi;
      param[i] = w - mi;
    } else {
      param[i] = w - increment;
    }
  }
}

export function adagrad(param: FloatArray, grad: FloatArray, accumulator: FloatArray, s: AdagradStepScalars): void {
  const { learningRate: lr, epsilon, decay } = s;
  for (let i = 0, n = param.length; i < n; i++) {
    const g = grad[i];
    const w = param[i] - decay * param[i];
    const a = accumulator[i] + g * g;
    accumulator[i] = a;
    param[i] = w - (lr * g) / Math.sqrt(a + epsilon);
  }
}

/** grad *= clipNorm / norm where norm = sqrt(normSquared) > clipNorm (a NaN norm leaves grad as it is, as the WGSL does). */
export function clipByGlobalNorm(grad: FloatArray, normSquared: number, clipNorm: number): void {
  const norm = Math.sqrt(normSquared);
  if (!(norm > clipNorm)) return;
  const factor = clipNorm / norm;
  for (let i = 0, n = grad.length; i < n; i++) grad[i] *= factor;
}
