/**
 * The calibration behind `init({ backend: 'auto' })`: one small training step (a CNN of the
 * tutorial's layer kinds: two 3x3 convolutions with ReLU and 2x2 max-pooling, a dense layer,
 * cross-entropy, backward and Adam) timed on each candidate backend, the first step
 * (compilation, allocation) apart. The fastest step wins. Results are cached per adapter and
 * kernels version (tune-cache.ts), so a machine measures once.
 */
import type { Backend } from './backends/backend.js';
import { Conv2D, Dense, Flatten, MaxPooling2D } from './nn/layers.js';
import { Sequential } from './nn/sequential.js';
import { trainStep } from './nn/train-step.js';
import { Adam } from './optim/adam.js';
import { Random } from './random.js';
import { getBackend, setBackend } from './runtime.js';
import { tensor } from './tensor.js';

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
  const model = new Sequential(
    [
      new Conv2D({ filters: 16, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
      new MaxPooling2D({ poolSize: 2 }),
      new Conv2D({ filters: 32, kernelSize: 3, activation: 'relu' }),
      new MaxPooling2D({ poolSize: 2 }),
      new Flatten(),
      new Dense({ units: 10 }),
    ],
    { seed: 1 },
  );
  const rng = new Random(2);
  const x = tensor(Float32Array.from({ length: batch * 784 }, () => rng.next()), [batch, 28, 28, 1]);
  const y = tensor(Int32Array.from({ length: batch }, () => Math.floor(rng.next() * 10)), [batch], 'int32');
  try {
    model.build();
    const opt = new Adam();
    const step = async () => {
      const t0 = performance.now();
      const loss = trainStep(model, opt, x, y);
      await loss.data();
      loss.dispose();
      return performance.now() - t0;
    };
    const firstMs = await step();
    let stepMs = Infinity;
    for (let i = 0; i < steps; i++) stepMs = Math.min(stepMs, await step());
    return { firstMs, stepMs, batch };
  } finally {
    x.dispose();
    y.dispose();
    model.dispose();
    if (previous) setBackend(previous);
  }
}
