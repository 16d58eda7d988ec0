/**
 * The soak: many training steps through fit (with a validation pass every epoch), sampling at
 * each epoch end the backend's pool statistics (memory(): bytes held by live tensors, bytes
 * allocated including the pool) and the process RSS (after a full GC when node runs with
 * --expose-gc, as `npm run soak` does). After a warm-up, allocated bytes must not
 * grow, used bytes must be the same at every epoch end, and RSS must not grow by more than 5%
 * (rssGrowth; its swing, rssSpread, is reported with the parts of RSS that make it).
 *
 * The model has the tutorial CNN's layer types (conv, relu, pool, flatten, dense, softmax
 * cross-entropy, Adam) at a size that lets 10,000 steps run in minutes on SwiftShader.
 */
import { readFileSync } from 'node:fs';
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
  /** Memory of C++ objects bound to JS (Dawn's wrappers among them) and of ArrayBuffers. */
  external: number;
  arrayBuffers: number;
  /**
   * RSS split as Linux's /proc/self/status does: anonymous pages (the heaps: malloc, V8, the
   * driver's device memory and JIT code) and file-backed pages (mapped libraries and files,
   * which the kernel drops and reads back as other processes need memory), and shared memory
   * (lavapipe's device memory is a memfd). NaN off Linux.
   */
  rssAnon: number;
  rssFile: number;
  rssShmem: number;
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
  /** After the warm-up: growth of allocated bytes, distinct used-bytes values. */
  allocatedGrowth: number;
  usedValues: number[];
  /**
   * RSS growth after the warm-up: the median of the last fifth of the samples over the median
   * of the first fifth, minus 1. Retained memory (a leak) shows here; the swing of memory that
   * is freed and reused (below) does not, and a single spike moves a median little.
   */
  rssGrowth: number;
  /** (max - min) / min of RSS after the warm-up: the swing, reported, not judged. */
  rssSpread: number;
  /** The same spread of V8's live heap (heapUsed): a JS-side leak shows here, allocator and heap reservations do not. */
  heapSpread: number;
  poolFlat: boolean;
  /** rssGrowth <= RSS_GROWTH_LIMIT. */
  rssFlat: boolean;
}

/** The soak's RSS criterion: at most 5% growth from the start of the measured run to its end. */
export const RSS_GROWTH_LIMIT = 0.05;

/** Median-of-fifths growth of `values` (in sample order): see SoakResult.rssGrowth. */
export function growthOf(values: readonly number[]): number {
  const fifth = Math.max(1, Math.floor(values.length / 5));
  const median = (v: readonly number[]) => {
    const sorted = [...v].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  };
  return median(values.slice(-fifth)) / median(values.slice(0, fifth)) - 1;
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
      const s: SoakSample = {
        step: (epoch + 1) * stepsPerEpoch, usedBytes: m.usedBytes, allocatedBytes: m.allocatedBytes, rss: p.rss,
        heapUsed: p.heapUsed, heapTotal: p.heapTotal, external: p.external, arrayBuffers: p.arrayBuffers, ...rssParts(),
      };
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
  const rssGrowth = growthOf(rss);
  const heapSpread = spread(after.map((s) => s.heapUsed));
  return {
    backend: o.backend.describe(), steps: o.steps, batchSize, warmupSteps, msPerStep, samples,
    allocatedGrowth, usedValues, rssGrowth, rssSpread, heapSpread,
    poolFlat: allocatedGrowth === 0 && usedValues.length === 1 && Number.isFinite(usedValues[0]),
    rssFlat: rssGrowth <= RSS_GROWTH_LIMIT,
  };
}

/** RssAnon, RssFile and RssShmem of /proc/self/status, in bytes (NaN where there is no such file). */
export function rssParts(): { rssAnon: number; rssFile: number; rssShmem: number } {
  let status = '';
  try {
    status = readFileSync('/proc/self/status', 'utf8');
  } catch {
    return { rssAnon: NaN, rssFile: NaN, rssShmem: NaN };
  }
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rssAnon: kib('RssAnon'), rssFile: kib('RssFile'), rssShmem: kib('RssShmem') };
}
