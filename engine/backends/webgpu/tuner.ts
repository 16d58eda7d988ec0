/**
 * The autotuner: for the shapes a model uses, time each variant of each tuned kernel
 * (variants.ts) on this adapter, keep the fastest, and remember the choice per adapter.
 *
 * How it times, so that a coarse timer still ranks (a browser quantises performance.now() and
 * GPU timestamps to 0.1 ms):
 * - a warm-up run of each candidate first (pipeline compilation, first allocations);
 * - then the number of repetitions is raised until one sample of a candidate lasts at least
 *   `minSampleMs` (default 20 ms, i.e. 200 ticks of a 0.1 ms clock, so a tick is 0.5% of it);
 *   a sample records all its repetitions in one encoder, one submit, and the backend's
 *   timestamp writes bracket the whole batch (timeGpu below), or, without
 *   timestamp-query, the clock brackets the submit and its completion;
 * - `rounds` samples per candidate, taken in turns (load changes hit all alike); the minimum
 *   time per repetition counts, since noise only ever adds time. A candidate already `prune`
 *   times (default 2) slower than the best is not sampled again: it cannot win, and on a
 *   software adapter a slow variant of a big kernel costs seconds a sample.
 *
 * `pickFastest` is the ranking alone, over any candidates and clock (test/tuner.test.ts gives it
 * fake variants under a quantised clock); `tuneBackend` applies it to a backend's tuned calls;
 * tune-cache.ts keeps the choices per adapter and engine version.
 */
import { Usage } from './buffer-pool.js';
import { adapterKey, cacheGet, cacheSet, type TuneStore } from './tune-cache.js';
import type { TunedCall, WebGPUBackend } from './webgpu-backend.js';
import { isTunedKernel, isVariantName, type TunedKernel, type VariantChoices, type VariantName } from './variants.js';

export interface Candidate {
  readonly name: string;
  /**
   * Runs the work `reps` times and waits for it; returns the GPU time of the batch in ms where
   * the device measured it (timestamp-query), else null, and the tuner's clock is used.
   */
  run(reps: number): Promise<number | null>;
}

export interface PickOptions {
  /** Milliseconds; default performance.now. */
  clock?: () => number;
  /** How long one sample must last at least (default 20 ms). */
  minSampleMs?: number;
  /** Samples per candidate after calibration (default 3). */
  rounds?: number;
  /** Most repetitions in one sample (default 2048). */
  maxReps?: number;
  /** Stop sampling a candidate this many times slower than the best so far (default 2). */
  prune?: number;
}

export interface Pick {
  /** The fastest candidate that ran. */
  readonly best: string;
  /** Per candidate: the best time of one repetition (ms), Infinity where it failed. */
  readonly msPerRun: Readonly<Record<string, number>>;
  /** Repetitions per sample, per candidate. */
  readonly reps: Readonly<Record<string, number>>;
  /** Per candidate that failed (a compile error, a lost device...): why. */
  readonly failed: Readonly<Record<string, string>>;
}

/** Ranks the candidates by time per repetition; see the file comment for how. */
export async function pickFastest(candidates: readonly Candidate[], options: PickOptions = {}): Promise<Pick> {
  if (candidates.length === 0) throw new Error('tuner: no candidates to pick from');
  const clock = options.clock ?? (() => performance.now());
  const minSampleMs = options.minSampleMs ?? 20;
  const rounds = options.rounds ?? 3;
  const maxReps = options.maxReps ?? 2048;
  const prune = options.prune ?? 2;
  const msPerRun: Record<string, number> = {};
  const reps: Record<string, number> = {};
  const failed: Record<string, string> = {};
  const sample = async (c: Candidate, n: number): Promise<number> => {
    const t0 = clock();
    const gpuMs = await c.run(n);
    const wall = clock() - t0;
    return gpuMs ?? wall;
  };
  const live: Candidate[] = [];
  for (const c of candidates) {
    try {
      await c.run(1); // warm-up: compilation and first allocations
      let n = 1;
      for (;;) {
        const t = await sample(c, n);
        if (t >= minSampleMs || n >= maxReps) {
          msPerRun[c.name] = t / n;
          break;
        }
        // Aim 20% past the target; a sample that read 0 (shorter than a tick) grows 8x.
        n = Math.min(maxReps, t > 0 ? Math.max(n + 1, Math.ceil((n * minSampleMs * 1.2) / t)) : n * 8);
      }
      reps[c.name] = n;
      live.push(c);
    } catch (e) {
      failed[c.name] = e instanceof Error ? e.message : String(e);
      msPerRun[c.name] = Infinity;
    }
  }
  for (let r = 0; r < rounds; r++) {
    const best = Math.min(...live.map((c) => msPerRun[c.name]));
    for (const c of live) {
      if (msPerRun[c.name] > prune * best) continue;
      try {
        msPerRun[c.name] = Math.min(msPerRun[c.name], (await sample(c, reps[c.name])) / reps[c.name]);
      } catch (e) {
        failed[c.name] = e instanceof Error ? e.message : String(e);
        msPerRun[c.name] = Infinity;
      }
    }
  }
  const ranked = live.filter((c) => Number.isFinite(msPerRun[c.name])).sort((a, b) => msPerRun[a.name] - msPerRun[b.name]);
  if (ranked.length === 0) throw new Error(`tuner: every candidate failed: ${Object.entries(failed).map(([k, v]) => `${k}: ${v}`).join('; ')}`);
  return { best: ranked[0].name, msPerRun, reps, failed };
}

/** One tuned (kernel, shape): each variant's time and GFLOP/s, and the choice. */
export interface TuneRow {
  readonly kernel: TunedKernel;
  readonly shape: string;
  readonly flops: number;
  readonly gemm: { M: number; N: number; K: number } | null;
  readonly variants: Readonly<Partial<Record<VariantName, { ms: number; gflops: number } | { failed: string }>>>;
  readonly chosen: VariantName;
  /** 'gpu-timestamp' or 'wall', as the samples were timed. */
  readonly source: 'gpu-timestamp' | 'wall';
}

export interface TuneOptions extends PickOptions {
  /** Where each choice is logged (default console.info; () => {} silences). */
  log?: (line: string) => void;
  /** Tune shapes that already have a choice again (default false: they are kept). */
  retune?: boolean;
  /** Only these kernels (default all tuned ones). */
  kernels?: readonly TunedKernel[];
  /** Only these variants (default all the device can run). */
  variants?: readonly VariantName[];
}

/** Each backend's timestamp query set and its resolve buffer, made on the first timeGpu. */
const timers = new WeakMap<WebGPUBackend, { querySet: GPUQuerySet; resolve: GPUBuffer }>();

/**
 * Records `fn`'s launches between two timestamp writes (where the device has
 * `timestamp-query`), submits them and waits: returns the GPU time between the two in ms, or
 * null without timestamps. The tuner times whole batches this way, never single dispatches,
 * so a timer quantised to 0.1 ms (as browsers quantise timestamps) still ranks.
 */
export async function timeGpu(backend: WebGPUBackend, fn: () => void): Promise<number | null> {
  await backend.sync();
  const device = backend.device;
  if (!device.features.has('timestamp-query')) {
    fn();
    await backend.sync();
    return null;
  }
  let timer = timers.get(backend);
  if (!timer) {
    timer = {
      querySet: device.createQuerySet({ label: 'tuner timestamps', type: 'timestamp', count: 2 }),
      resolve: device.createBuffer({ label: 'tuner timestamps resolve', size: 16, usage: 0x200 /* GPUBufferUsage.QUERY_RESOLVE */ | Usage.COPY_SRC }),
    };
    timers.set(backend, timer);
  }
  const { querySet, resolve } = timer;
  backend.commandEncoder().beginComputePass({ label: 'tuner start', timestampWrites: { querySet, beginningOfPassWriteIndex: 0 } }).end();
  fn();
  const enc = backend.commandEncoder();
  enc.beginComputePass({ label: 'tuner end', timestampWrites: { querySet, endOfPassWriteIndex: 1 } }).end();
  enc.resolveQuerySet(querySet, 0, 2, resolve, 0);
  // The two 64-bit timestamps, read back as four 32-bit words.
  const words = await backend.read({ storage: { buffer: resolve, byteOffset: 0, byteSize: 16, owned: false }, shape: [4], dtype: 'int32' });
  const [t0, t1] = new BigInt64Array(words.buffer, words.byteOffset, 2);
  return Number(t1 - t0) / 1e6;
}

/** A candidate that runs `replay` `reps` times with `variant` forced for `kernel`, timed by timeGpu. */
export function variantCandidate(backend: WebGPUBackend, name: string, kernel: TunedKernel, variant: VariantName, replay: { run(): void }): Candidate {
  return {
    name,
    run: (reps) => timeGpu(backend, () => backend.withVariant(kernel, variant, () => {
      for (let i = 0; i < reps; i++) replay.run();
    })),
  };
}

/** Times the variants of each call and returns a row per (kernel, shape); the backend's choices are not changed. */
export async function timeVariants(backend: WebGPUBackend, calls: readonly TunedCall[], options: TuneOptions = {}): Promise<TuneRow[]> {
  const log = options.log ?? ((l: string) => console.info(l));
  const variants = (options.variants ?? backend.availableVariants()).filter((v) => backend.availableVariants().includes(v));
  const source = backend.device.features.has('timestamp-query') ? 'gpu-timestamp' as const : 'wall' as const;
  const rows: TuneRow[] = [];
  for (const call of calls) {
    if (options.kernels && !options.kernels.includes(call.kernel)) continue;
    const replay = call.replay();
    try {
      const candidates = variants.map((v) => variantCandidate(backend, v, call.kernel, v, replay));
      const pick = await pickFastest(candidates, options);
      const out: Partial<Record<VariantName, { ms: number; gflops: number } | { failed: string }>> = {};
      for (const v of variants) {
        const ms = pick.msPerRun[v];
        out[v] = pick.failed[v] !== undefined ? { failed: pick.failed[v] } : { ms, gflops: replay.flops / (ms * 1e6) };
      }
      const chosen = pick.best as VariantName;
      rows.push({ kernel: call.kernel, shape: call.shape, flops: replay.flops, gemm: replay.gemm ?? null, variants: out, chosen, source });
      const figures = variants.map((v) => {
        const f = out[v]!;
        return 'failed' in f ? `${v} failed` : `${v} ${f.ms.toFixed(3)} ms (${f.gflops.toFixed(2)} GFLOP/s)`;
      }).join(', ');
      log(`tuner: ${call.kernel} ${call.shape}: ${figures} -> ${chosen}`);
    } finally {
      replay.dispose();
    }
  }
  return rows;
}

/**
 * Tunes the kernels `workload` calls: records their shapes (the workload runs once, recorded and
 * submitted), times every variant of each shape not tuned yet, and sets the fastest as the
 * backend's choice. Returns the rows and the choices made.
 */
export async function tuneBackend(backend: WebGPUBackend, workload: () => void, options: TuneOptions = {}): Promise<{ rows: TuneRow[]; choices: VariantChoices; ms: number }> {
  const t0 = performance.now();
  // The workload's pipelines compile concurrently first (with the choices already in force), so
  // recording it below compiles nothing synchronously.
  await backend.precompileFor(workload);
  const calls = backend.recordShapes(workload);
  await backend.sync();
  const have = backend.choices;
  const todo = options.retune ? calls : calls.filter((c) => have[c.kernel]?.[c.shape] === undefined);
  const rows = await timeVariants(backend, todo, options);
  const choices: VariantChoices = {};
  for (const r of rows) (choices[r.kernel] ??= {})[r.shape] = r.chosen;
  backend.setChoices(choices);
  return { rows, choices, ms: performance.now() - t0 };
}

/** The choices of a cached value that still make sense (known kernels and variants), or null. */
function cachedChoices(v: unknown): VariantChoices | null {
  if (!v || typeof v !== 'object') return null;
  const out: VariantChoices = {};
  for (const [k, byShape] of Object.entries(v as Record<string, unknown>)) {
    if (!isTunedKernel(k) || !byShape || typeof byShape !== 'object') continue;
    const shapes = Object.entries(byShape as Record<string, unknown>).filter((e): e is [string, VariantName] => isVariantName(e[1]));
    if (shapes.length) out[k] = Object.fromEntries(shapes);
  }
  return out;
}

/**
 * tuneBackend with the cache (tune-cache.ts): choices cached for this adapter and kernels
 * version (memory, then `store`) are applied first; only shapes without a choice are timed, and
 * the merged choices are cached again. `cachedShapes` counts the shapes the cache answered.
 */
export async function tuneWithCache(
  backend: WebGPUBackend, workload: () => void, options: TuneOptions & { store?: TuneStore | null } = {},
): Promise<{ rows: TuneRow[]; choices: VariantChoices; ms: number; cachedShapes: number; key: string }> {
  const log = options.log ?? ((l: string) => console.info(l));
  const key = `tune|${adapterKey(backend.adapterInfo)}`;
  const cached = cachedChoices(await cacheGet(key, options.store, log));
  let cachedShapes = 0;
  if (cached && !options.retune) {
    backend.setChoices(cached);
    cachedShapes = Object.values(cached).reduce((n, byShape) => n + Object.keys(byShape ?? {}).length, 0);
    log(`tuner: ${cachedShapes} cached choices for ${backend.describe()}${options.store ? ` (${options.store.where})` : ' (memory)'}`);
  }
  const r = await tuneBackend(backend, workload, { ...options, log });
  if (r.rows.length) {
    await cacheSet(key, backend.choices, options.store, log);
    log(`tuner: tuned ${r.rows.length} shapes in ${(r.ms / 1000).toFixed(1)} s`);
  }
  return { ...r, cachedShapes, key };
}
