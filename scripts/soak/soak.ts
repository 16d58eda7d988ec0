/**
 * The soak: many training steps through fit (with a validation pass every epoch), sampling at
 * each epoch end the backend's pool statistics (memory(): bytes held by live tensors, bytes
 * allocated including the pool) and the process RSS (after a full GC when node runs with
 * --expose-gc, as `npm run soak` does). After a warm-up, allocated bytes must not
 * grow, used bytes must be the same at every epoch end, and RSS must stay within 5%.
 *
 * The model has the tutorial CNN's layer types (conv, relu, pool, flatten, dense, softmax
 * cross-entropy, Adam) at a size that lets 10,000 steps run in minutes on SwiftShader.
 */
import type { Backend } from '../../engine/backends/backend.js';
import type { Callback } from '../../engine/nn/callbacks.js';
import { Conv2D, Dense, Flatten, MaxPooling2D } from '../../engine/nn/layers.js';
import { Sequential } from '../../engine/nn/sequential.js';
import { setBackend } from '../../engine/runtime.js';
import { loadFashionMnist } from '../../model/data/fashion-mnist.js';

export function soakCnn(seed = 1): Sequential {
  return new Sequential([
    new Conv2D({ filters: 8, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
    new MaxPooling2D({ poolSize: 2 }),
    new Conv2D({ filters: 8, kernelSize: 3, activation: 'relu' }),
    new MaxPooling2D({ poolSize: 2 }),
    new Flatten(),
    new Dense({ units: 32, activation: 'relu' }),
    new Dense({ units: 10 }),
  ], { seed });
}

export interface SoakSample {
  /** Steps done when sampled (an epoch end, after its validation pass). */
  step: number;
  usedBytes: number;
  allocatedBytes: number;
  rss: number;
  /** V8's heap: bytes of live JS objects (after the GC), and bytes V8 has reserved for it. */
  heapUsed: number;
  heapTotal: number;
}

export interface SoakOptions {
  backend: Backend;
  steps: number;
  batchSize?: number;
  /** Steps per epoch: the training subset is stepsPerEpoch * batchSize images. */
  stepsPerEpoch?: number;
  /** Validation images per epoch. */
  validation?: number;
  /** Steps before the memory must be flat (default: a tenth). */
  warmupSteps?: number;
  onSample?: (s: SoakSample) => void;
  /** The model trained (default soakCnn). */
  model?: () => Sequential;
}

export interface SoakResult {
  backend: string;
  steps: number;
  batchSize: number;
  warmupSteps: number;
  msPerStep: number;
  samples: SoakSample[];
  /** After the warm-up: growth of allocated bytes, distinct used-bytes values, RSS spread (max-min)/min. */
  allocatedGrowth: number;
  usedValues: number[];
  rssSpread: number;
  /** The same spread of V8's live heap (heapUsed): a JS-side leak shows here, allocator and heap reservations do not. */
  heapSpread: number;
  poolFlat: boolean;
  rssFlat: boolean;
}

export async function soak(o: SoakOptions): Promise<SoakResult> {
  const batchSize = o.batchSize ?? 8;
  const stepsPerEpoch = o.stepsPerEpoch ?? 100;
  if (o.steps % stepsPerEpoch !== 0) throw new Error(`soak: steps (${o.steps}) must be a multiple of stepsPerEpoch (${stepsPerEpoch})`);
  const warmupSteps = o.warmupSteps ?? Math.max(stepsPerEpoch, o.steps / 10);
  const data = loadFashionMnist({ limit: { train: stepsPerEpoch * batchSize, test: o.validation ?? 200 } });
  setBackend(o.backend);
  const model = (o.model ?? soakCnn)().compile({ metrics: ['accuracy'] });
  const samples: SoakSample[] = [];
  const sampler: Callback = {
    onEpochEnd(epoch) {
      o.backend.flush();
      // With --expose-gc, RSS is read after a full collection: retained memory, not garbage not yet collected.
      (globalThis as { gc?: () => void }).gc?.();
      const m = o.backend.memory();
      const p = process.memoryUsage();
      const s = { step: (epoch + 1) * stepsPerEpoch, usedBytes: m.usedBytes, allocatedBytes: m.allocatedBytes, rss: p.rss, heapUsed: p.heapUsed, heapTotal: p.heapTotal };
      samples.push(s);
      o.onSample?.(s);
    },
  };
  const started = performance.now();
  await model.fit(
    { values: data.train.images, shape: [data.train.count, 28, 28, 1] }, data.train.labels,
    {
      epochs: o.steps / stepsPerEpoch, batchSize, seed: 1, verbose: 0, callbacks: [sampler],
      validationData: [{ values: data.test.images, shape: [data.test.count, 28, 28, 1] }, data.test.labels],
    },
  );
  const msPerStep = (performance.now() - started) / o.steps;
  model.dispose();
  const after = samples.filter((s) => s.step >= warmupSteps);
  const allocatedGrowth = Math.max(...after.map((s) => s.allocatedBytes)) - after[0].allocatedBytes;
  const usedValues = [...new Set(after.map((s) => s.usedBytes))];
  const rss = after.map((s) => s.rss);
  const spread = (v: number[]) => (Math.max(...v) - Math.min(...v)) / Math.min(...v);
  const rssSpread = spread(rss);
  const heapSpread = spread(after.map((s) => s.heapUsed));
  return {
    backend: o.backend.describe(), steps: o.steps, batchSize, warmupSteps, msPerStep, samples,
    allocatedGrowth, usedValues, rssSpread, heapSpread,
    poolFlat: allocatedGrowth === 0 && usedValues.length === 1 && Number.isFinite(usedValues[0]),
    rssFlat: rssSpread <= 0.05,
  };
}
