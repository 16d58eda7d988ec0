/**
 * The benchmark suites, environment-agnostic: the page (bench/page/main.ts) runs them with
 * navigator.gpu, `npm run bench:node` with Dawn. Output is one BenchResults object (schema below,
 * checked by validateResults).
 *
 * Measurement rules (issue 5):
 * - The first run (allocation, and for tfjs shader compilation) is reported separately as `firstMs`;
 *   one more warm-up run is excluded; then `reps` measured runs give median, min and max.
 * - On this engine's WebGPU backend, kernel and matmul figures are GPU time from timestamp-query
 *   (profiler.ts) where the device has the feature ('gpu-timestamp'), else wall time around the
 *   submitted work ('wall'). Whole steps and inference are always wall time (what a user waits).
 * - Throughput uses the operation counts in flops.ts.
 */
import type { Backend } from '../engine/backends/backend.js';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { GpuProfiler, type TimingSource } from '../engine/backends/webgpu/profiler.js';
import { pickFastest, timeVariants, variantCandidate, type TuneRow } from '../engine/backends/webgpu/tuner.js';
import type { TunedCall } from '../engine/backends/webgpu/webgpu-backend.js';
import type { VariantName } from '../engine/backends/webgpu/variants.js';
import { WebGPUBackend } from '../engine/backends/webgpu/webgpu-backend.js';
import { Random } from '../engine/random.js';
import { cnnKernelCases, type KernelCase } from './cnn-kernels.js';
import { matmulCount, throughput, type OpCount } from './flops.js';
import { summarise, type Timing } from './harness.js';
import { engineTimeline, tfjsTimeline, type Timeline } from './timeline.js';
import {
  engineInference, engineTrainer, precompileTrainerStep, syntheticBatch, tfjsInference, tfjsTrainer, type Batch, type TF,
} from './workloads.js';

export const SCHEMA = 'webgpu-tensor-engine-bench/1';

export type SuiteName = 'kernels' | 'matmul' | 'step' | 'inference' | 'timeline' | 'tune';
export const SUITES: readonly SuiteName[] = ['kernels', 'matmul', 'step', 'inference', 'timeline', 'tune'];
/** The suites run when none are named: 'tune' (minutes on a software adapter) only on request. */
export const DEFAULT_SUITES: readonly SuiteName[] = ['kernels', 'matmul', 'step', 'inference', 'timeline'];
/** This engine's backends, then TensorFlow.js's. */
export type BackendName = 'webgpu' | 'cpu' | 'tfjs-webgpu' | 'tfjs-cpu' | 'tfjs-wasm';
export const BACKENDS: readonly BackendName[] = ['webgpu', 'cpu', 'tfjs-webgpu', 'tfjs-cpu', 'tfjs-wasm'];

export interface BenchParams {
  suites: SuiteName[];
  backends: BackendName[];
  /** Batch sizes of the kernel suite. */
  batches: number[];
  /** Batch sizes of the training-step suite. */
  stepBatches: number[];
  /** Measured repetitions (after the first run and one warm-up). */
  reps: number;
  /** Images classified by the inference suite, and its batch size. */
  images: number;
  inferBatch: number;
  /** Square matmul sizes of the sweep. */
  sizes: number[];
  /** Batch of the per-kernel timeline of one training step. */
  timelineBatch: number;
  /** Only kernel cases whose name contains this (empty: all). */
  filter: string;
  /** Batch of the training step whose kernel shapes the tune suite times. */
  tuneBatch: number;
  /** Step suite: sweep the batch size (SWEEP_BATCHES, capped per backend by SWEEP_MAX_BATCH) instead of stepBatches. */
  sweep: boolean;
}

/** The batch sizes of `--sweep`. */
export const SWEEP_BATCHES: readonly number[] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];
/**
 * The largest swept batch per backend: TensorFlow.js's webgpu step takes about 30 s at 256 on
 * SwiftShader, its cpu step minutes at 256; tfjs-wasm cannot train this model.
 */
export const SWEEP_MAX_BATCH: Record<BackendName, number> = { webgpu: 512, cpu: 512, 'tfjs-webgpu': 256, 'tfjs-cpu': 32, 'tfjs-wasm': 0 };

export const DEFAULT_PARAMS: BenchParams = {
  suites: [...DEFAULT_SUITES],
  backends: [...BACKENDS],
  batches: [1, 32],
  stepBatches: [32],
  reps: 3,
  images: 500,
  inferBatch: 250,
  sizes: [64, 128, 256, 512],
  timelineBatch: 32,
  filter: '',
  tuneBatch: 256,
  sweep: false,
};

export interface AdapterReport {
  /** backend.describe() */
  name: string;
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
  features: string[];
  limits: Record<string, number>;
  timestampQuery: boolean;
  /** Pipeline compilation of every kernel at backend creation. */
  compileMs: number;
}

export interface ResultRow {
  suite: SuiteName;
  /** 'engine' (this one) or 'tfjs'. */
  engine: 'engine' | 'tfjs';
  backend: BackendName;
  name: string;
  batch: number | null;
  shapes: string;
  source: TimingSource;
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** The first run, allocation and (tfjs) compilation included; null where not measured. */
  firstMs: number | null;
  reps: number;
  /** Wall median beside a GPU-timestamp figure (submit and sync included). */
  wallMedianMs: number | null;
  flops: number | null;
  bytes: number | null;
  gflops: number | null;
  gbps: number | null;
  imagesPerSec: number | null;
  /** WebGPU step rows: the pool's high-water marks during one warm step (buffer-pool.ts). */
  memory?: { peakAllocatedBytes: number; peakTensorBytes: number } | null;
  /**
   * WebGPU step rows, the first batch: a start as the train CLI makes it, on a later device of
   * this page: the device, the traced step's pipelines (precompileFor), the first step, in ms.
   * A later device may find the driver's shader cache warm, so this is a lower bound.
   */
  start?: {
    deviceMs: number; precompileMs: number; firstMs: number; pipelines: number;
    /**
     * The lazy start: nothing precompiled, its first step compiling as it goes, on the page's
     * first device (made before any other, so no shader of the step is compiled yet: a cold start).
     */
    lazy: LazyStart | null;
  } | null;
}

export type { Timeline, TimelineEntry } from './timeline.js';

export interface BenchResults {
  schema: typeof SCHEMA;
  date: string;
  environment: 'browser' | 'node';
  userAgent: string;
  adapter: AdapterReport | null;
  tfjsVersion: string | null;
  params: BenchParams;
  results: ResultRow[];
  timelines: Timeline[];
  /** The tune suite: each tuned kernel's variants at the step's shapes, and the engine's matmul at the convolutions' GEMM shapes. */
  tuning?: TuneReport[];
  /** Suites or backends that could not run, and why. */
  errors: string[];
}

export interface TuneReport {
  adapter: string;
  batch: number;
  source: TimingSource;
  /** One row per (kernel, shape) of the step. */
  rows: TuneRow[];
  /** The matmul's variants at each convolution's GEMM shape (M, N, K). */
  matmulAtConvShapes: TuneRow[];
  /**
   * Target 2's figures: each conv kernel's chosen variant and the matmul's best variant at its
   * GEMM shape, timed in alternation (absent in reports written before 2026-12-03).
   */
  paired?: PairedConvMatmul[];
}

/** One conv kernel and the matmul at its GEMM shape, sampled in alternation: the best of each. */
export interface PairedConvMatmul {
  kernel: string;
  shape: string;
  gemm: { M: number; N: number; K: number };
  conv: { variant: VariantName; ms: number; gflops: number };
  matmul: { variant: VariantName; ms: number; gflops: number };
  rounds: number;
}

export interface SuiteContext {
  gpu: GPU | null;
  tf: TF | null;
  environment: 'browser' | 'node';
  userAgent: string;
  log?: (line: string) => void;
  /** Each row as it is measured (the page shows progress). */
  onResult?: (row: ResultRow) => void;
}

export function adapterReport(be: WebGPUBackend): AdapterReport {
  const i = be.adapterInfo;
  const limits: Record<string, number> = {};
  // GPUSupportedLimits' members are getters on the prototype: walk it.
  for (let o: object | null = be.device.limits; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const k of Object.getOwnPropertyNames(o)) {
      const v = (be.device.limits as unknown as Record<string, unknown>)[k];
      if (typeof v === 'number') limits[k] = v;
    }
  }
  return {
    name: be.describe(),
    vendor: i.vendor ?? '',
    architecture: i.architecture ?? '',
    device: i.device ?? '',
    description: i.description ?? '',
    isFallbackAdapter: be.isFallbackAdapter,
    features: [...be.device.features].map(String).sort(),
    limits,
    timestampQuery: be.device.features.has('timestamp-query'),
    compileMs: be.compileMs,
  };
}

const now = () => performance.now();

interface LazyStart {
  deviceMs: number;
  firstMs: number;
  pipelines: number;
}

/** One first step of the tutorial CNN on `be`, the trainer made in it, in ms. */
async function firstStep(be: WebGPUBackend, data: Batch): Promise<number> {
  const t = now();
  const tr = engineTrainer(be, data);
  await tr.step();
  const ms = now() - t;
  tr.dispose();
  tr.model.dispose();
  return ms;
}

/**
 * The lazy start: a fresh device with no precompile, its first step compiling its pipelines as
 * it goes (submitting before each; the slow-to-compile 16 x 16 convs wait for its read,
 * Gpu.ready). runSuites makes it before any other device, so it is a cold start.
 */
async function lazyStart(gpu: GPU, data: Batch): Promise<LazyStart> {
  const t0 = now();
  const lazy = await WebGPUBackend.create(gpu, { precompile: false });
  const deviceMs = now() - t0;
  try {
    const firstMs = await firstStep(lazy, data);
    return { deviceMs, firstMs, pipelines: lazy.pipelineCount };
  } finally {
    await lazy.warmed(); // a compile left running would outlive its device
    lazy.device.destroy();
  }
}

/**
 * ResultRow.start: a fresh device, the traced step's pipelines compiled, the first step (a later
 * device of the page: a lower bound), with the lazy start measured before.
 */
async function timedStart(gpu: GPU, data: Batch, lazy: LazyStart | null): Promise<NonNullable<ResultRow['start']>> {
  const t0 = now();
  const be = await WebGPUBackend.create(gpu, { precompile: false });
  const t1 = now();
  try {
    await precompileTrainerStep(be, data);
    const t2 = now();
    return { deviceMs: t1 - t0, precompileMs: t2 - t1, firstMs: await firstStep(be, data), pipelines: be.pipelineCount, lazy };
  } finally {
    be.device.destroy();
  }
}

function row(
  base: Pick<ResultRow, 'suite' | 'backend' | 'name' | 'batch' | 'shapes' | 'source'>,
  t: Timing,
  extra: { count?: OpCount; wall?: Timing | null; images?: number } = {},
): ResultRow {
  const tp = extra.count ? throughput(extra.count, t.median) : null;
  return {
    ...base,
    engine: base.backend.startsWith('tfjs') ? 'tfjs' : 'engine',
    medianMs: t.median, minMs: t.min, maxMs: t.max, firstMs: Number.isFinite(t.first) ? t.first : null, reps: t.runs.length,
    wallMedianMs: extra.wall ? extra.wall.median : null,
    flops: extra.count?.flops ?? null, bytes: extra.count?.bytes ?? null,
    gflops: tp ? tp.gflops : null, gbps: tp ? tp.gbps : null,
    imagesPerSec: extra.images ? (extra.images * 1000) / t.median : null,
  };
}

interface Engines {
  webgpu: WebGPUBackend | null;
  cpu: CpuBackend;
  profiler: GpuProfiler | null;
}

/** Times one kernel case on one of this engine's backends: GPU timestamps where available. */
async function timeCase(e: Engines, be: Backend, c: KernelCase, reps: number, rng: Random): Promise<{ t: Timing; wall: Timing | null; source: TimingSource }> {
  const prep = c.prepare(be, rng);
  const gpu = be instanceof WebGPUBackend ? be : null;
  const once = async (): Promise<number> => {
    const t0 = now();
    const outs = prep.run();
    if (gpu) await gpu.sync();
    const ms = now() - t0;
    outs.forEach((o) => be.release(o.storage));
    return ms;
  };
  try {
    const first = await once();
    const warm = await once(); // warm-up
    if (!gpu) {
      // Host kernels: repeat short ones inside each measured rep (browsers coarsen performance.now()
      // to 0.1 ms), and report the time per call.
      const inner = Math.max(1, Math.min(1000, Math.ceil(5 / Math.max(warm, 0.005))));
      const runs: number[] = [];
      for (let r = 0; r < reps; r++) {
        const t0 = now();
        for (let i = 0; i < inner; i++) prep.run().forEach((o) => be.release(o.storage));
        runs.push((now() - t0) / inner);
      }
      return { t: summarise(first, runs), wall: null, source: 'wall' };
    }
    const wall: number[] = [];
    const gpuMs: number[] = [];
    const prof = gpu && e.profiler && e.profiler.source === 'gpu-timestamp' ? e.profiler : null;
    for (let r = 0; r < reps; r++) {
      if (prof) gpu!.profiler = prof;
      try {
        wall.push(await once());
      } finally {
        if (gpu) gpu.profiler = null;
      }
      if (prof) gpuMs.push((await prof.collect()).reduce((s, d) => s + d.ms, 0));
    }
    if (prof) return { t: summarise(first, gpuMs), wall: summarise(first, wall), source: 'gpu-timestamp' };
    return { t: summarise(first, wall), wall: null, source: 'wall' };
  } finally {
    prep.dispose();
  }
}

async function timeAsync(fn: () => Promise<unknown>, reps: number): Promise<Timing> {
  let t0 = now();
  await fn();
  const first = now() - t0;
  await fn();
  const runs: number[] = [];
  for (let i = 0; i < reps; i++) {
    t0 = now();
    await fn();
    runs.push(now() - t0);
  }
  return summarise(first, runs);
}

async function tfSetBackend(tf: TF, name: string): Promise<void> {
  const ok = await tf.setBackend(name);
  if (!ok || tf.getBackend() !== name) throw new Error(`TensorFlow.js backend '${name}' did not initialise`);
  await tf.ready();
}

export async function runSuites(ctx: SuiteContext, params: BenchParams): Promise<BenchResults> {
  const log = ctx.log ?? (() => {});
  const results: ResultRow[] = [];
  const timelines: Timeline[] = [];
  const errors: string[] = [];
  const emit = (r: ResultRow) => {
    results.push(r);
    ctx.onResult?.(r);
    const tp = r.gflops !== null ? ` ${r.gflops.toFixed(2)} GFLOP/s` : r.imagesPerSec !== null ? ` ${r.imagesPerSec.toFixed(0)} img/s` : '';
    log(`${r.suite} ${r.backend} ${r.name}${r.batch !== null ? ` b${r.batch}` : ''}: ${r.medianMs.toFixed(3)} ms (${r.source})${tp}`);
  };
  const want = (b: BackendName) => params.backends.includes(b);
  const has = (s: SuiteName) => params.suites.includes(s);

  const guard = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      errors.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
      log(`FAILED ${what}: ${String(err)}`);
    }
  };

  let webgpu: WebGPUBackend | null = null;
  let adapter: AdapterReport | null = null;
  // The step suite's lazy start comes first, so that no device before it has compiled its shaders.
  let lazy: LazyStart | null = null;
  if (has('step') && want('webgpu') && ctx.gpu) {
    await guard('step webgpu lazy start', async () => {
      lazy = await lazyStart(ctx.gpu!, syntheticBatch((params.sweep ? [...SWEEP_BATCHES] : params.stepBatches)[0]));
    });
  }
  if (want('webgpu') || want('tfjs-webgpu')) {
    if (!ctx.gpu) errors.push('webgpu: no WebGPU API (navigator.gpu) in this environment');
    else {
      try {
        webgpu = await WebGPUBackend.create(ctx.gpu);
        adapter = adapterReport(webgpu);
        log(`adapter: ${adapter.name}; timestamp-query: ${adapter.timestampQuery}; per-pipeline compile times sum to ${adapter.compileMs.toFixed(0)} ms (compiled concurrently: not a wall time)`);
      } catch (e) {
        errors.push(`webgpu: ${String(e)}`);
      }
    }
  }
  const e: Engines = {
    webgpu: want('webgpu') ? webgpu : null,
    cpu: new CpuBackend('float32'),
    profiler: webgpu ? new GpuProfiler(webgpu.device) : null,
  };
  // Wait for the wasm GEMM's worker threads, so every measured run uses them.
  if (want('cpu')) await e.cpu.ready();
  const ours: [BackendName, Backend][] = [];
  if (e.webgpu) ours.push(['webgpu', e.webgpu]);
  if (want('cpu')) ours.push(['cpu', e.cpu]);
  const tfNames = (['tfjs-webgpu', 'tfjs-cpu', 'tfjs-wasm'] as const).filter(want);
  const tfs: BackendName[] = [];
  if (tfNames.length && !ctx.tf) errors.push('tfjs: TensorFlow.js is not loaded in this environment');
  else {
    for (const b of tfNames) {
      try {
        await tfSetBackend(ctx.tf!, b.slice(5));
        tfs.push(b);
      } catch (err) {
        errors.push(`${b}: ${String(err)}`);
      }
    }
  }

  // ---- every kernel at the CNN's shapes
  if (has('kernels')) {
    for (const [name, be] of ours) {
      for (const batch of params.batches) {
        const rng = new Random(7);
        for (const c of cnnKernelCases(batch)) {
          if (params.filter && !c.name.includes(params.filter)) continue;
          await guard(`kernels ${name} ${c.name} b${batch}`, async () => {
            const { t, wall, source } = await timeCase(e, be, c, params.reps, rng);
            emit(row({ suite: 'kernels', backend: name, name: c.name, batch, shapes: c.shapes, source }, t, { count: c.count, wall }));
          });
        }
      }
    }
  }

  // ---- matmul size sweep (the adapter's roofline), ours and tfjs
  if (has('matmul')) {
    for (const n of params.sizes) {
      const count = matmulCount(n, n, n);
      const rng = new Random(3);
      const a = Float32Array.from({ length: n * n }, () => rng.next() - 0.5);
      const b = Float32Array.from({ length: n * n }, () => rng.next() - 0.5);
      for (const [name, be] of ours) {
        await guard(`matmul ${name} ${n}`, async () => {
          const c: KernelCase = {
            name: `matmul ${n}`, layer: 'sweep', kernel: 'matmul', direction: 'fwd', shapes: `[${n},${n}]·[${n},${n}]`, count,
            prepare: (bk) => {
              const ta = bk.upload(a, [n, n], 'float32');
              const tb = bk.upload(b, [n, n], 'float32');
              return { run: () => [bk.kernels.matmul(ta, tb, false, false)], dispose: () => [ta, tb].forEach((t) => bk.release(t.storage)) };
            },
          };
          const { t, wall, source } = await timeCase(e, be, c, params.reps, rng);
          emit(row({ suite: 'matmul', backend: name, name: `${n}x${n}x${n}`, batch: null, shapes: c.shapes, source }, t, { count, wall }));
        });
      }
      for (const name of tfs) {
        await guard(`matmul ${name} ${n}`, async () => {
          const tf = ctx.tf!;
          await tfSetBackend(tf, name.slice(5));
          const ta = tf.tensor2d(a, [n, n]);
          const tb = tf.tensor2d(b, [n, n]);
          const t = await timeAsync(async () => {
            const c = tf.matMul(ta, tb);
            await c.data();
            c.dispose();
          }, params.reps);
          ta.dispose();
          tb.dispose();
          emit(row({ suite: 'matmul', backend: name, name: `${n}x${n}x${n}`, batch: null, shapes: `[${n},${n}]·[${n},${n}]`, source: 'wall' }, t, { count }));
        });
      }
    }
  }

  // ---- whole training step (or, with sweep, one per batch size up to each backend's cap)
  if (has('step')) {
    const batches = params.sweep ? [...SWEEP_BATCHES] : params.stepBatches;
    const fits = (b: BackendName, batch: number) => !params.sweep || batch <= SWEEP_MAX_BATCH[b];
    for (const batch of batches) {
      const data = syntheticBatch(batch);
      const base = { suite: 'step' as const, name: 'training step', batch, shapes: `[${batch},28,28,1]`, source: 'wall' as const };
      for (const [name, be] of ours) {
        if (!fits(name, batch)) continue;
        await guard(`step ${name} b${batch}`, async () => {
          // The pool keeps every size class it ever made: drop the other batches' buffers, so the
          // memory figure below is this batch's own.
          if (be instanceof WebGPUBackend) be.trim();
          const tr = engineTrainer(be, data);
          const t = await timeAsync(() => tr.step(), params.reps);
          let memory: ResultRow['memory'] = null;
          if (be instanceof WebGPUBackend) {
            be.resetPeakMemory();
            await tr.step();
            const m = be.memoryStats();
            memory = { peakAllocatedBytes: m.peakAllocatedBytes, peakTensorBytes: m.peakTensorBytes };
          }
          tr.dispose();
          tr.model.dispose();
          const start = be instanceof WebGPUBackend && batch === batches[0] && ctx.gpu ? await timedStart(ctx.gpu, data, lazy) : null;
          emit({ ...row({ ...base, backend: name }, t, { images: batch }), memory, start });
        });
      }
      for (const name of tfs) {
        if (!fits(name, batch)) continue;
        await guard(`step ${name} b${batch}`, async () => {
          await tfSetBackend(ctx.tf!, name.slice(5));
          const tr = tfjsTrainer(ctx.tf!, data);
          const t = await timeAsync(() => tr.step(), params.reps);
          tr.dispose();
          emit(row({ ...base, backend: name }, t, { images: batch }));
        });
      }
    }
  }

  // ---- inference on `images` images
  if (has('inference')) {
    const data = syntheticBatch(params.inferBatch, 2);
    const base = {
      suite: 'inference' as const, name: `inference ${params.images} images`, batch: params.inferBatch,
      shapes: `${params.images} x [28,28,1] in batches of ${params.inferBatch}`, source: 'wall' as const,
    };
    const reps = Math.max(1, Math.min(params.reps, 3));
    for (const [name, be] of ours) {
      await guard(`inference ${name}`, async () => {
        const tr = engineTrainer(be, data);
        const t = await timeAsync(() => engineInference(be, tr.model, data, params.images, params.inferBatch), reps);
        tr.dispose();
        tr.model.dispose();
        emit(row({ ...base, backend: name }, t, { images: params.images }));
      });
    }
    for (const name of tfs) {
      await guard(`inference ${name}`, async () => {
        await tfSetBackend(ctx.tf!, name.slice(5));
        const tr = tfjsTrainer(ctx.tf!, data);
        const t = await timeAsync(() => tfjsInference(ctx.tf!, tr.model, data, params.images, params.inferBatch), reps);
        tr.dispose();
        emit(row({ ...base, backend: name }, t, { images: params.images }));
      });
    }
  }

  // ---- per-kernel breakdown of one training step, this engine's and TensorFlow.js's (tf.profile)
  if (has('timeline')) {
    const batch = params.timelineBatch;
    const data = syntheticBatch(batch);
    for (const [name, be] of ours) {
      await guard(`timeline ${name}`, async () => {
        timelines.push(await engineTimeline(name, be, data, e.profiler));
        log(`timeline ${name} b${batch}: ${timelines[timelines.length - 1].dispatches.length} dispatches`);
      });
    }
    for (const name of tfs) {
      if (name === 'tfjs-wasm') continue; // no Conv2DBackpropFilter: it cannot train this model
      await guard(`timeline ${name}`, async () => {
        await tfSetBackend(ctx.tf!, name.slice(5));
        timelines.push(await tfjsTimeline(ctx.tf!, name, data));
        log(`timeline ${name} b${batch}: ${timelines[timelines.length - 1].dispatches.length} kernels`);
      });
    }
  }

  // ---- every variant of the tuned kernels at the step's shapes (variants.ts, tuner.ts)
  const tuning: TuneReport[] = [];
  if (has('tune')) {
    await guard('tune', async () => {
      if (!ctx.gpu) throw new Error('no WebGPU API (navigator.gpu) in this environment');
      tuning.push(await tuneSuite(ctx.gpu, params.tuneBatch, log, params.filter));
    });
  }

  e.profiler?.destroy();
  return {
    schema: SCHEMA,
    date: new Date().toISOString(),
    environment: ctx.environment,
    userAgent: ctx.userAgent,
    adapter,
    tfjsVersion: ctx.tf ? ctx.tf.version.tfjs : null,
    params,
    results,
    timelines,
    ...(tuning.length ? { tuning } : {}),
    errors,
  };
}

/**
 * Times every variant of each tuned kernel a training step at `batch` calls, on a backend of its
 * own (so the other suites keep the default choices), then the engine's matmul, every variant,
 * at each convolution's GEMM shape (issue 11, target 2: a conv kernel against the matmul at the
 * same M, N, K).
 */
async function tuneSuite(gpu: GPU, batch: number, log: (l: string) => void, filter: string): Promise<TuneReport> {
  const be = await WebGPUBackend.create(gpu);
  try {
    const tr = engineTrainer(be, syntheticBatch(batch));
    await tr.step(); // allocation and the default variants' first runs
    // --filter keeps the (kernel, shape) pairs whose "kernel shape" contains it (`conv`: the
    // convolutions, then the matmul at their GEMM shapes).
    const calls = be.recordShapes(() => tr.stepNoWait()).filter((c) => `${c.kernel} ${c.shape}`.includes(filter));
    await be.sync();
    tr.dispose();
    tr.model.dispose();
    log(`tune: ${calls.length} (kernel, shape) pairs in a step at batch ${batch} on ${be.describe()}`);
    const rows = await timeVariants(be, calls, { log });
    const shapes = new Map<string, { M: number; N: number; K: number }>();
    for (const r of rows) if (r.gemm && r.kernel !== 'matmul') shapes.set(gemmShapeKey(r.gemm), r.gemm);
    const mmCalls = be.recordShapes(() => {
      for (const { M, N, K } of shapes.values()) {
        const a = be.fill([M, K], 'float32', 0.5);
        const b = be.fill([K, N], 'float32', 0.5);
        be.release(be.kernels.matmul(a, b, false, false).storage);
        be.release(a.storage);
        be.release(b.storage);
      }
    });
    await be.sync();
    const matmulAtConvShapes = await timeVariants(be, mmCalls, { log });
    const paired = await pairConvWithMatmul(be, rows, calls, matmulAtConvShapes, mmCalls, log);
    return { adapter: be.describe(), batch, source: rows[0]?.source ?? 'wall', rows, matmulAtConvShapes, paired };
  } finally {
    be.device.destroy();
  }
}

/** The shape string the tuner records for the matmul at this GEMM (M x K x N). */
export function gemmShapeKey(g: { M: number; N: number; K: number }): string {
  return `${g.M}x${g.K}x${g.N}`;
}

/** Rounds of the paired timing: each takes one sample of the conv kernel, then one of the matmul. */
const PAIRED_ROUNDS = 9;

/**
 * Times each conv kernel's chosen variant against the matmul's best variant at its GEMM shape,
 * in alternation (conv, matmul, conv, ...; the best sample of each), so a change of the
 * machine's speed between the variant tables' passes, minutes apart, cannot move the ratio.
 * On lavapipe the two passes' matmul figures at one shape moved by up to 1.7x (README, target 2).
 */
async function pairConvWithMatmul(
  be: WebGPUBackend, rows: readonly TuneRow[], calls: readonly TunedCall[],
  mmRows: readonly TuneRow[], mmCalls: readonly TunedCall[], log: (l: string) => void,
): Promise<PairedConvMatmul[]> {
  const out: PairedConvMatmul[] = [];
  for (const r of rows) {
    if (r.kernel === 'matmul' || r.kernel === 'sum' || !r.gemm) continue;
    const mmShape = gemmShapeKey(r.gemm);
    const mmRow = mmRows.find((m) => m.shape === mmShape);
    const convCall = calls.find((c) => c.kernel === r.kernel && c.shape === r.shape);
    const mmCall = mmCalls.find((c) => c.shape === mmShape);
    if (!mmRow || !convCall || !mmCall) continue;
    const convReplay = convCall.replay();
    const mmReplay = mmCall.replay();
    try {
      // prune Infinity: both are sampled every round, however far apart they are.
      const pick = await pickFastest([
        variantCandidate(be, 'conv', convCall.kernel, r.chosen, convReplay),
        variantCandidate(be, 'matmul', mmCall.kernel, mmRow.chosen, mmReplay),
      ], { rounds: PAIRED_ROUNDS, prune: Infinity });
      if (pick.failed.conv || pick.failed.matmul) throw new Error(`paired timing of ${r.kernel} ${r.shape}: ${pick.failed.conv ?? pick.failed.matmul}`);
      const figures = (variant: VariantName, ms: number, flops: number) => ({ variant, ms, gflops: flops / (ms * 1e6) });
      const p: PairedConvMatmul = {
        kernel: r.kernel, shape: r.shape, gemm: r.gemm, rounds: PAIRED_ROUNDS,
        conv: figures(r.chosen, pick.msPerRun.conv, convReplay.flops),
        matmul: figures(mmRow.chosen, pick.msPerRun.matmul, mmReplay.flops),
      };
      out.push(p);
      log(`paired: ${r.kernel} ${r.shape} (${r.chosen}) ${p.conv.gflops.toFixed(2)} GFLOP/s, matmul ${mmShape} (${mmRow.chosen}) ${p.matmul.gflops.toFixed(2)}: ${(100 * p.conv.gflops / p.matmul.gflops).toFixed(0)}%`);
    } finally {
      convReplay.dispose();
      mmReplay.dispose();
    }
  }
  return out;
}

/** Parses URL-style parameters (suites=kernels,step&backends=webgpu,cpu&batches=1,32&reps=3...). */
export function parseParams(get: (key: string) => string | null): BenchParams {
  const list = (k: string) => get(k)?.split(',').map((s) => s.trim()).filter(Boolean);
  const nums = (k: string, d: number[]) => list(k)?.map(Number).filter((n) => Number.isInteger(n) && n > 0) ?? d;
  const num = (k: string, d: number) => {
    const v = Number(get(k));
    return get(k) !== null && Number.isInteger(v) && v > 0 ? v : d;
  };
  const suites = (list('suites') ?? DEFAULT_PARAMS.suites).filter((s): s is SuiteName => (SUITES as readonly string[]).includes(s));
  const backends = (list('backends') ?? DEFAULT_PARAMS.backends).filter((b): b is BackendName => (BACKENDS as readonly string[]).includes(b));
  return {
    suites, backends,
    batches: nums('batches', DEFAULT_PARAMS.batches),
    stepBatches: nums('stepBatches', DEFAULT_PARAMS.stepBatches),
    reps: num('reps', DEFAULT_PARAMS.reps),
    images: num('images', DEFAULT_PARAMS.images),
    inferBatch: num('inferBatch', DEFAULT_PARAMS.inferBatch),
    sizes: nums('sizes', DEFAULT_PARAMS.sizes),
    timelineBatch: num('timelineBatch', DEFAULT_PARAMS.timelineBatch),
    filter: get('filter') ?? '',
    tuneBatch: num('tuneBatch', DEFAULT_PARAMS.tuneBatch),
    sweep: ['1', 'true', ''].includes(get('sweep') ?? 'no'),
  };
}

/** Checks the shape of a BenchResults object; returns the problems (empty when well-formed). */
export function validateResults(r: unknown): string[] {
  const p: string[] = [];
  const o = r as Partial<BenchResults>;
  if (!o || typeof o !== 'object') return ['not an object'];
  if (o.schema !== SCHEMA) p.push(`schema is ${String(o.schema)}`);
  if (typeof o.date !== 'string' || Number.isNaN(Date.parse(o.date))) p.push('date');
  if (o.environment !== 'browser' && o.environment !== 'node') p.push('environment');
  if (!Array.isArray(o.results)) p.push('results is not an array');
  if (!Array.isArray(o.timelines)) p.push('timelines is not an array');
  if (!Array.isArray(o.errors)) p.push('errors is not an array');
  if (o.adapter !== null && o.adapter !== undefined) {
    const a = o.adapter;
    if (typeof a.name !== 'string' || typeof a.isFallbackAdapter !== 'boolean' || !Array.isArray(a.features) || typeof a.limits !== 'object') {
      p.push('adapter fields');
    }
  }
  for (const [i, x] of (o.results ?? []).entries()) {
    const bad = (f: string) => p.push(`results[${i}].${f}`);
    if (!(SUITES as readonly string[]).includes(x.suite)) bad('suite');
    if (!(BACKENDS as readonly string[]).includes(x.backend)) bad('backend');
    if (x.source !== 'gpu-timestamp' && x.source !== 'wall') bad('source');
    for (const k of ['medianMs', 'minMs', 'maxMs'] as const) if (!(typeof x[k] === 'number' && x[k] >= 0 && Number.isFinite(x[k]))) bad(k);
    if (!(x.minMs <= x.medianMs && x.medianMs <= x.maxMs)) bad('min <= median <= max');
    if (!(Number.isInteger(x.reps) && x.reps > 0)) bad('reps');
    if (typeof x.name !== 'string') bad('name');
  }
  for (const [i, t] of (o.timelines ?? []).entries()) {
    if (!Array.isArray(t.dispatches) || t.dispatches.some((d) => typeof d.kernel !== 'string' || !(d.ms >= 0))) p.push(`timelines[${i}].dispatches`);
  }
  return p;
}
