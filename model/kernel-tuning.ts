/**
 * Tuning the WebGPU kernel variants for the shapes of one training step (engine/backends/webgpu/
 * tuner.ts), once per adapter, model shape and batch size: the choices are cached in a file
 * (tuningCachePath()), so a later run starts from them at no cost. `npm run train` tunes for its
 * recipe's model, `npm run tune` for each trial's batch size.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { tuneWithCache } from '../engine/backends/webgpu/tuner.js';
import type { WebGPUBackend } from '../engine/backends/webgpu/webgpu-backend.js';
import { trainStep } from '../engine/nn/train-step.js';
import { Adam } from '../engine/optim/adam.js';
import { tensor, zeros } from '../engine/tensor.js';
import { fileStore } from '../node/tune-store.js';
import type { LayersModel } from './saved-model.js';

/** Where measured choices are kept between runs: WEBGPU_ENGINE_CACHE, else ~/.cache/webgpu-tensor-engine/tuning.json. */
export function tuningCachePath(): string {
  return process.env.WEBGPU_ENGINE_CACHE ?? join(homedir(), '.cache', 'webgpu-tensor-engine', 'tuning.json');
}

/**
 * Runs `fn` with one training step of a throwaway `build()` model (on zeros: 28x28x1 images,
 * label 0) at `batchSize`, to be traced, recorded or run; the probe is disposed after.
 */
async function withProbeStep<R>(build: () => LayersModel, batchSize: number, fn: (step: () => void) => Promise<R>): Promise<R> {
  const probe = build();
  probe.build();
  const x = zeros([batchSize, 28, 28, 1]);
  const y = tensor(new Int32Array(batchSize), [batchSize], 'int32');
  try {
    return await fn(() => trainStep(probe, new Adam(), x, y).dispose());
  } finally {
    x.dispose();
    y.dispose();
    probe.dispose();
  }
}

/**
 * Times the variants of every tuned kernel a training step of `build()`'s model (on 28x28x1
 * images) launches at `batchSize`, keeps the fastest per shape in force on `backend` and in the
 * cache file; shapes already cached are not timed again. The probe model is disposed.
 */
export async function tuneKernelsForStep(backend: WebGPUBackend, build: () => LayersModel, batchSize: number, log: (line: string) => void): Promise<void> {
  await withProbeStep(build, batchSize, async (step) => {
    const r = await tuneWithCache(backend, step, { store: fileStore(tuningCachePath()), log });
    if (r.rows.length) log(`tuned ${r.rows.length} kernel shapes in ${(r.ms / 1000).toFixed(1)} s (once per adapter; cached in ${tuningCachePath()})`);
  });
}

/**
 * Readies `backend` for training `build()`'s model at `batchSize`: with `tune`, the tuned
 * variants (tuneKernelsForStep, which compiles the step's programs first); in any case the
 * pipelines of just the programs one step launches, compiled concurrently
 * (WebGPUBackend.precompileFor), so the first step compiles nothing. On a backend made with
 * `precompile: false` this is what keeps the first step within 2x a warm one on SwiftShader.
 */
export async function prepareKernelsForStep(
  backend: WebGPUBackend, build: () => LayersModel, batchSize: number, options: { tune: boolean; log: (line: string) => void },
): Promise<void> {
  if (options.tune) return tuneKernelsForStep(backend, build, batchSize, options.log);
  const t0 = performance.now();
  const n = await withProbeStep(build, batchSize, (step) => backend.precompileFor(step));
  options.log(`engine: compiled the ${n} programs of a training step in ${(performance.now() - t0).toFixed(0)} ms`);
}
