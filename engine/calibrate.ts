/**
 * The calibration behind `init({ backend: 'auto' })`: one small training step (a CNN of the
 * tutorial's layer kinds: two 3x3 convolutions with ReLU and 2x2 max-pooling, a dense layer,
 * cross-entropy, backward and Adam) timed on each candidate backend, the first step
 * (compilation, allocation) apart. The fastest step wins. Results are cached per adapter and
 * kernels version (tune-cache.ts), so a machine measures once.
 */
import { gradients } from './autograd.js';
import type { AdamStepScalars, Backend } from './backends/backend.js';
import { conv2d } from './ops/conv2d.js';
import { sparseSoftmaxCrossEntropy } from './ops/cross-entropy.js';
import { dense } from './ops/matmul.js';
import { maxPool2d } from './ops/maxpool2d.js';
import { flatten } from './ops/reshape.js';
import { Random } from './random.js';
import { getBackend, setBackend, tidy } from './runtime.js';
import { tensor, variable, zeros, type Tensor } from './tensor.js';

export interface CalibrationOptions {
  /** Images per calibration step (default 32). */
  batch?: number;
  /** Timed steps after the first (default 2); the fastest counts. */
  steps?: number;
}

export interface CalibrationTiming {
  /** The first step: pipeline compilation and allocation included. */
  firstMs: number;
  /** The fastest of the timed steps. */
  stepMs: number;
  batch: number;
}

/** Times the calibration step on `backend` (made current for the time of it, then restored). */
export async function timeCalibrationStep(backend: Backend, options: CalibrationOptions = {}): Promise<CalibrationTiming> {
  const batch = options.batch ?? 32;
  const steps = options.steps ?? 2;
  let previous: Backend | null = null;
  try {
    previous = getBackend();
  } catch {
    previous = null;
  }
  setBackend(backend);
  const rng = new Random(2);
  const x = tensor(Float32Array.from({ length: batch * 784 }, () => rng.next()), [batch, 28, 28, 1]);
  const y = tensor(Int32Array.from({ length: batch }, () => Math.floor(rng.next() * 10)), [batch], 'int32');
  // The tutorial's layer kinds written with the ops (the main entry has no layers: they are in
  // ./nn): 28x28x1 -> conv 16 -> pool -> conv 32 -> pool -> 5x5x32 -> dense 10, Glorot-uniform weights.
  const weight = (shape: number[], fanIn: number, fanOut: number) => {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    return variable(Float32Array.from({ length: shape.reduce((n, d) => n * d, 1) }, () => rng.uniform(-limit, limit)), shape);
  };
  const bias = (n: number) => variable(new Float32Array(n), [n]);
  const params = [weight([3, 3, 1, 16], 9, 144), bias(16), weight([3, 3, 16, 32], 144, 288), bias(32), weight([800, 10], 800, 10), bias(10)];
  const moments = params.map((p) => [zeros(p.shape), zeros(p.shape)]);
  try {
    let t = 0;
    const step = async () => {
      const t0 = performance.now();
      t += 1;
      // Adam with Keras's defaults (optim/adam.ts), one update per weight.
      const scalars: AdamStepScalars = { stepSize: (0.001 * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t), beta1: 0.9, beta2: 0.999, epsilon: 1e-7, decay: 0 };
      const loss = tidy(() => {
        let h = maxPool2d(conv2d(x, params[0], { bias: params[1], activation: 'relu' }), { poolSize: 2 });
        h = maxPool2d(conv2d(h, params[2], { bias: params[3], activation: 'relu' }), { poolSize: 2 });
        const l = sparseSoftmaxCrossEntropy(dense(flatten(h), params[4], params[5]), y);
        gradients(l, params).forEach((g, i) => backend.kernels.adam(params[i].handle, g.handle, moments[i][0].handle, moments[i][1].handle, scalars));
        return l;
      });
      backend.flush();
      await loss.data();
      loss.dispose();
      return performance.now() - t0;
    };
    const firstMs = await step();
    let stepMs = Infinity;
    for (let i = 0; i < steps; i++) stepMs = Math.min(stepMs, await step());
    return { firstMs, stepMs, batch };
  } finally {
    const all: Tensor[] = [x, y, ...params, ...moments.flat()];
    for (const t of all) t.dispose();
    if (previous) setBackend(previous);
  }
}
