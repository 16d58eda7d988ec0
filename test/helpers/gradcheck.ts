/**
 * Finite-difference gradient checks: the analytic gradient (autograd) against a
 * central difference (f(x + h) - f(x - h)) / 2h, element by element, in float64
 * on the CPU backend. Tests compare the worst relative error to a bound.
 */
import { grad } from '../../engine/autograd.js';
import { noGrad, tidy } from '../../engine/runtime.js';
import { Tensor, tensor } from '../../engine/tensor.js';
import { mul } from '../../engine/ops/binary.js';
import { sum } from '../../engine/ops/reduce.js';
import type { Shape } from '../../engine/backends/backend.js';
import { sizeOf } from '../../engine/backends/backend.js';
import type { Rng } from './rng.js';

export interface GradInput {
  values: Float64Array;
  shape: Shape;
}

export interface GradCheckResult {
  /** max over elements of |analytic - numeric| / max(|analytic|, |numeric|, floor). */
  maxRelError: number;
  /** Where the worst element was, for the failure message. */
  worst: string;
  /** How many elements were compared. */
  checked: number;
}

export interface GradCheckOptions {
  /** Finite-difference step. */
  h?: number;
  /** Denominator floor, so gradients that are exactly 0 compare absolutely. */
  floor?: number;
}

/**
 * Checks the gradient of the scalar f(...inputs) with respect to every input.
 * f must be deterministic and build its graph only from its arguments (plus constants).
 */
export function gradcheck(f: (...xs: Tensor[]) => Tensor, inputs: readonly GradInput[], options: GradCheckOptions = {}): GradCheckResult {
  const h = options.h ?? 1e-5;
  const floor = options.floor ?? 1e-3;
  const analytic = tidy(() => {
    const xs = inputs.map((x) => tensor(x.values, x.shape));
    return grad(f)(...xs).map((g) => Float64Array.from(g.dataSync()));
  });
  const evaluate = (values: Float64Array[]): number =>
    noGrad(() =>
      tidy(() => {
        const y = f(...values.map((v, i) => tensor(v, inputs[i].shape)));
        if (y.size !== 1) throw new Error(`gradcheck: f must return a scalar, got shape [${y.shape}]`);
        return y.dataSync()[0];
      }),
    );
  const current = inputs.map((x) => Float64Array.from(x.values));
  let maxRelError = 0;
  let worst = 'none';
  let checked = 0;
  inputs.forEach((input, k) => {
    if (analytic[k].length !== sizeOf(input.shape)) throw new Error(`gradcheck: gradient ${k} has the wrong size`);
    for (let i = 0; i < input.values.length; i++) {
      const x0 = current[k][i];
      current[k][i] = x0 + h;
      const plus = evaluate(current);
      current[k][i] = x0 - h;
      const minus = evaluate(current);
      current[k][i] = x0;
      const numeric = (plus - minus) / (2 * h);
      const a = analytic[k][i];
      const rel = Math.abs(a - numeric) / Math.max(Math.abs(a), Math.abs(numeric), floor);
      checked++;
      if (!(rel <= maxRelError)) {
        maxRelError = Number.isNaN(rel) ? Infinity : rel;
        worst = `input ${k} [${input.shape}] element ${i}: analytic ${a}, numeric ${numeric}`;
      }
    }
  });
  return { maxRelError, worst, checked };
}

/** A scalar loss from a tensor of any shape: sum(y * w) for fixed random weights w (made once per shape). */
export function weightedSum(rng: Rng): (y: Tensor) => Tensor {
  const weights = new Map<string, Float64Array>();
  return (y: Tensor) => {
    const key = y.shape.join('x');
    let w = weights.get(key);
    if (!w) {
      w = rng.values(y.size, -1, 1);
      weights.set(key, w);
    }
    return sum(mul(y, tensor(w, y.shape)));
  };
}
