/**
 * The soak: many training steps through fit (with a validation pass every epoch), sampling at
 * each epoch end the backend's pool statistics (memory(): bytes held by live tensors, bytes
 * allocated including the pool) and the process RSS, with the process at rest (settle(): the GPU
 * queue drained, two full GCs when node runs with --expose-gc, as `npm run soak` does, and RSS
 * polled until it stops moving). After a warm-up (the first tenth of the steps), allocated
 * bytes must not grow, used bytes must be the same at every epoch end, and RSS must stay flat
 * within 5%: every RSS sample after the warm-up lies in a band whose width, max - min, is at most
 * 5% of the smallest of them (rssBand). Its growth (rssGrowth) is reported beside it, with the
 * parts of RSS the swing lives in.
 *
 * The model has the tutorial CNN's layer types (conv, relu, pool, flatten, dense, softmax
 * cross-entropy, Adam) at a size that lets 10,000 steps run in minutes on SwiftShader.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { getHeapSpaceStatistics } from 'node:v8';
import type { Backend } from '../../engine/backends/backend.js';
import { WebGPUBackend } from '../../engine/backends/webgpu/webgpu-backend.js';
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
   * V8's heap spaces after the GC (v8.getHeapSpaceStatistics): per space, the bytes reserved
   * (space_size) and the bytes resident of them (physical_space_size). Says which space a
   * swing of heapTotal lives in: new space (sized by V8 from the survival rate), old space, ...
   */
  heapSpaces: Record<string, { size: number; physical: number }>;
  /**
   * RSS split as Linux's /proc/self/status does: anonymous pages (the heaps: malloc, V8, the
   * driver's device memory and JIT code) and file-backed pages (mapped libraries and files,
   * which the kernel drops and reads back as other processes need memory), and shared memory
   * (lavapipe's device memory is a memfd). NaN off Linux.
   */
  rssAnon: number;
  rssFile: number;
  rssShmem: number;
  /** How long settle() polled before RSS stopped moving (REST_MAX_MS: it had not stopped). */
  restMs: number;
  /** The machine's 1-minute load average when sampled (the soak's times depend on it). */
  load1: number;
  /** WebGPU: bind groups and read staging buffers created so far (flat once warm); NaN on the CPU. */
  bindGroupsCreated: number;
  stagingCreated: number;
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
  /** (max - min) / min of RSS after the warm-up: the band RSS stays in, judged against RSS_BAND_LIMIT. */
  rssBand: number;
  /** min, median and max of RSS after the warm-up, in bytes. */
  rssMin: number;
  rssMedian: number;
  rssMax: number;
  /** The same spread of V8's live heap (heapUsed): a JS-side leak shows here, allocator and heap reservations do not. */
  heapSpread: number;
  poolFlat: boolean;
  /** rssBand <= RSS_BAND_LIMIT: the "RSS flat within 5%". */
  rssFlat: boolean;
  /** Native objects the WebGPU backend reuses (bind groups, read staging buffers), at the end; absent on the CPU. */
  reuse?: ReturnType<WebGPUBackend['reuseStats']>;
  /** The glibc malloc tunables set in the environment (MALLOC_ARENA_MAX, ...), which move RSS: see the README. */
  mallocEnv: Record<string, string>;
  /** Node's own flags (process.execArgv: npm run soak's --expose-gc --no-memory-reducer), which also move RSS. */
  nodeFlags: string[];
}

/** The soak's RSS criterion: after the warm-up, max - min of RSS at most 5% of its min. */
export const RSS_BAND_LIMIT = 0.05;

export function median(v: readonly number[]): number {
  const sorted = [...v].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median-of-fifths growth of `values` (in sample order): see SoakResult.rssGrowth. */
export function growthOf(values: readonly number[]): number {
  const fifth = Math.max(1, Math.floor(values.length / 5));
  return median(values.slice(-fifth)) / median(values.slice(0, fifth)) - 1;
}

/** (max - min) / min of `values`: the width of the band they lie in, relative to its floor. */
export function bandOf(values: readonly number[]): number {
  return (Math.max(...values) - Math.min(...values)) / Math.min(...values);
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
  let samplingMs = 0;
  const sampler: Callback = {
    async onEpochEnd(epoch) {
      const t0 = performance.now();
      const restMs = await settle(o.backend);
      const m = o.backend.memory();
      const reuse = o.backend instanceof WebGPUBackend ? o.backend.reuseStats() : null;
      const p = process.memoryUsage();
      const s: SoakSample = {
        step: (epoch + 1) * stepsPerEpoch, usedBytes: m.usedBytes, allocatedBytes: m.allocatedBytes, rss: p.rss,
        heapUsed: p.heapUsed, heapTotal: p.heapTotal, external: p.external, arrayBuffers: p.arrayBuffers, heapSpaces: heapSpaces(), ...rssParts(), restMs, load1: loadavg()[0],
        bindGroupsCreated: reuse?.bindGroups.created ?? NaN, stagingCreated: reuse?.staging.created ?? NaN,
      };
      samples.push(s);
      o.onSample?.(s);
      samplingMs += performance.now() - t0;
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
  const msPerStep = (performance.now() - started - samplingMs) / o.steps;
  model.dispose();
  const after = samples.filter((s) => s.step >= warmupSteps);
  const allocatedGrowth = Math.max(...after.map((s) => s.allocatedBytes)) - after[0].allocatedBytes;
  const usedValues = [...new Set(after.map((s) => s.usedBytes))];
  const rss = after.map((s) => s.rss);
  const rssBand = bandOf(rss);
  return {
    backend: o.backend.describe(), steps: o.steps, batchSize, warmupSteps, msPerStep, samples,
    allocatedGrowth, usedValues, rssGrowth: growthOf(rss), rssBand,
    rssMin: Math.min(...rss), rssMedian: median(rss), rssMax: Math.max(...rss),
    heapSpread: bandOf(after.map((s) => s.heapUsed)),
    poolFlat: allocatedGrowth === 0 && usedValues.length === 1 && Number.isFinite(usedValues[0]),
    rssFlat: rssBand <= RSS_BAND_LIMIT,
    reuse: o.backend instanceof WebGPUBackend ? o.backend.reuseStats() : undefined,
    ...runSettings(),
  };
}

function heapSpaces(): SoakSample['heapSpaces'] {
  return Object.fromEntries(getHeapSpaceStatistics().map((h) => [h.space_name, { size: h.space_size, physical: h.physical_space_size }]));
}

/** The settings of this process that move RSS: glibc's malloc tunables and node's own flags (tsx's loader hooks left out). */
export function runSettings(): Pick<SoakResult, 'mallocEnv' | 'nodeFlags'> {
  return {
    mallocEnv: Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('MALLOC_')) as [string, string][]),
    nodeFlags: process.execArgv.filter((f) => f.startsWith('--') && !f.startsWith('--import') && !f.startsWith('--require')),
  };
}

/** How long settle() waits between its two collections, for V8's concurrent sweeper and the finalizers. */
export const SETTLE_MS = 100;
/** After the collections, settle() polls RSS this often until it stops moving... */
export const REST_POLL_MS = 100;
/** ...that is, until two polls in a row differ by at most this many bytes... */
export const REST_TOLERANCE_BYTES = 64 * 1024;
/** ...or this long has passed (then the sample says so: SoakSample.restMs is this value). */
export const REST_MAX_MS = 3000;

/**
 * Brings the process to rest before a sample, so that RSS shows the memory retained, not the
 * moment's garbage: the GPU queue drained (no driver work in flight), a full GC (with
 * --expose-gc), a pause, a second full GC, and then RSS polled until it stops moving. The pause
 * and the second GC matter on WebGPU: Dawn's JS wrappers (the single-use encoders, passes and
 * command buffers of every submit) free their native objects in weak callbacks that run after
 * the GC that found them dead, and V8 sweeps and releases the old space's pages on concurrent
 * threads after the GC returns. Sampled right after one GC, V8's old space held 12-27 MiB for
 * 11 MiB of live objects, and RSS moved by 6.7% in 2,000 SwiftShader steps. The polling matters
 * on SwiftShader: right after the second GC, RSS was still 4-8 MiB above where it stood 500 ms
 * and 2 s later (which agreed to 0.1 MiB), as those frees reached the allocator; a sample taken
 * then caught a random part of that fall (README, "Soak"). Returns the milliseconds polled.
 */
export async function settle(backend: Backend): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  backend.flush();
  if (backend instanceof WebGPUBackend) await backend.sync();
  gc?.();
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  gc?.();
  const started = performance.now();
  let last = process.memoryUsage.rss();
  for (;;) {
    await new Promise((r) => setTimeout(r, REST_POLL_MS));
    const now = process.memoryUsage.rss();
    const waited = performance.now() - started;
    if (Math.abs(now - last) <= REST_TOLERANCE_BYTES) return waited;
    if (waited >= REST_MAX_MS) return REST_MAX_MS;
    last = now;
  }
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
