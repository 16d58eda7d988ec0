/**
 * The timeline suite's two recorders: one training step of the tutorial CNN, each kernel with
 * its time, output shape, pass and layer (bench/layer-map.ts), on this engine (WebGPU dispatches
 * with GPU timestamps, or CPU kernel calls timed on the host) and on TensorFlow.js (`tf.profile`).
 *
 * The step is the one the step suite times, run in its phases so each kernel's pass is known:
 * - this engine: what trainStep does (engine/nn/train-step.ts: model.apply, the sparse softmax
 *   cross-entropy, gradients, Adam's applyGradients inside one tidy, one submit), with a marker
 *   between the phases;
 * - TensorFlow.js: what trainOnBatch does (optimizer.minimize: tf.variableGrads of the loss,
 *   then applyGradients), as two tf.profile calls. The forward kernels are the first ones of
 *   variableGrads: the loss function counts the kernels tf.profile has recorded when model.apply
 *   returns and when the loss is computed, which marks where the forward and the loss end.
 */
import type { Backend, TensorData } from '../engine/backends/backend.js';
import type { GpuProfiler, TimingSource } from '../engine/backends/webgpu/profiler.js';
import { WebGPUBackend } from '../engine/backends/webgpu/webgpu-backend.js';
import { gradients } from '../engine/autograd.js';
import { trainStep } from '../engine/nn/train-step.js';
import { sparseSoftmaxCrossEntropy } from '../engine/ops/cross-entropy.js';
import { Adam } from '../engine/optim/adam.js';
import { setBackend, tidy } from '../engine/runtime.js';
import { tensor } from '../engine/tensor.js';
import { tutorialCnn } from '../model/cnn.js';
import { attributeLayers, cnnLayerShapes, type KernelCall, type Pass, type Phase } from './layer-map.js';
import { tfjsTrainer, type Batch, type TF } from './workloads.js';

export type TimelineSource = TimingSource | 'tf.profile';

export interface TimelineEntry {
  /** Order in the step. */
  index: number;
  /** WGSL kernel (WebGPU), kernel-table entry (CPU) or TensorFlow.js kernel name. */
  kernel: string;
  /** The kernel-table call that issued a WebGPU dispatch (null: the backend's own, e.g. a fill). */
  op: string | null;
  workgroups: number;
  ms: number;
  /** Start within the step (GPU timestamps), or the sum of the earlier kernels' times. */
  startMs: number;
  source: TimelineSource;
  /** Output shape of the kernel call. */
  shape: number[] | null;
  pass: Pass;
  layer: string;
}

export interface Timeline {
  backend: string;
  batch: number;
  source: TimelineSource;
  /** Sum of the kernel times. */
  totalMs: number;
  /** Wall time of the profiled step (profiling overhead included). */
  wallMs: number;
  dispatches: TimelineEntry[];
  /** Anything the recorder could not match (empty when the attribution is exact by its rules). */
  notes: string[];
}

const now = () => performance.now();

interface Call extends KernelCall {
  name: string;
  /** Backend dispatch counter before and after the call (WebGPU). */
  d0: number;
  d1: number;
  ms: number;
  start: number;
}

function shapeOf(result: unknown, args: unknown[]): number[] | null {
  const isData = (v: unknown): v is TensorData => !!v && typeof v === 'object' && Array.isArray((v as TensorData).shape);
  if (isData(result)) return [...result.shape];
  if (Array.isArray(result) && isData(result[0])) return [...result[0].shape];
  if (result && typeof result === 'object') for (const v of Object.values(result)) if (isData(v)) return [...v.shape];
  // Kernels that write in place (copyInto, adam): the shape of what they were given.
  const arg = args.find(isData);
  return arg ? [...arg.shape] : null;
}

/** Wraps the kernel table: each top-level call is recorded with its phase, output shape and dispatches. */
function recordCalls(be: Backend, phase: () => Phase): { calls: Call[]; restore: () => void } {
  const table = be.kernels as unknown as Record<string, (...a: unknown[]) => unknown>;
  const originals = { ...table };
  const calls: Call[] = [];
  const dispatches = () => (be instanceof WebGPUBackend ? be.dispatchCount : 0);
  let depth = 0;
  for (const k of Object.keys(originals)) {
    table[k] = (...args: unknown[]) => {
      if (depth > 0) return originals[k](...args);
      depth++;
      const d0 = dispatches();
      const t0 = now();
      try {
        const r = originals[k](...args);
        calls.push({ name: k, phase: phase(), shape: shapeOf(r, args), d0, d1: dispatches(), ms: now() - t0, start: t0 });
        return r;
      } finally {
        depth--;
      }
    };
  }
  return { calls, restore: () => Object.assign(table, originals) };
}

/** One step of this engine, profiled: WebGPU dispatches (with `profiler`) or CPU kernel calls. */
export async function engineTimeline(name: string, be: Backend, data: Batch, profiler: GpuProfiler | null): Promise<Timeline> {
  setBackend(be);
  const model = tutorialCnn(1);
  model.build();
  const opt = new Adam();
  const x = tensor(data.images, [data.batch, 28, 28, 1]);
  const y = tensor(data.labels, [data.batch], 'int32');
  try {
    for (let i = 0; i < 2; i++) {
      // The first step (allocation, lazy pipelines), then a warm-up.
      const l = trainStep(model, opt, x, y);
      await l.data();
      l.dispose();
    }
    let phase: Phase = 'forward';
    const gpu = be instanceof WebGPUBackend ? be : null;
    const prof = gpu ? profiler : null;
    if (gpu && !prof) throw new Error(`timeline ${name}: no GPU profiler`);
    prof?.reset();
    const base = gpu ? gpu.dispatchCount : 0;
    const { calls, restore } = recordCalls(be, () => phase);
    if (gpu) gpu.profiler = prof;
    const t0 = now();
    try {
      // trainStepWithMetrics (engine/nn/train-step.ts), with the phases marked.
      const loss = tidy(() => {
        phase = 'forward';
        const logits = model.apply(x);
        phase = 'loss';
        const l = sparseSoftmaxCrossEntropy(logits, y);
        phase = 'backward';
        const grads = gradients(l, model.parameters);
        phase = 'update';
        opt.applyGradients(model.store, grads);
        return l;
      });
      be.flush();
      await loss.data();
      loss.dispose();
    } finally {
      if (gpu) gpu.profiler = null;
      restore();
    }
    const wallMs = now() - t0;
    const layers = cnnLayerShapes(data.batch);
    const who = attributeLayers(calls, layers);
    const notes: string[] = [];
    let entries: TimelineEntry[];
    if (!gpu) {
      const origin = calls[0]?.start ?? 0;
      entries = calls.map((c, i) => ({
        index: i, kernel: c.name, op: c.name, workgroups: 0, ms: c.ms, startMs: c.start - origin, source: 'wall' as const,
        shape: c.shape ? [...c.shape] : null, ...who[i],
      }));
    } else {
      const records = await prof!.collect();
      let c = 0;
      entries = records.map((r, i) => {
        const at = base + i;
        while (c < calls.length && calls[c].d1 <= at) c++;
        // A dispatch outside every kernel-table call (the backend's own fills) goes with the next call.
        const ci = Math.min(c, calls.length - 1);
        const call = calls[ci];
        const inside = call && call.d0 <= at && at < call.d1;
        return {
          index: i, kernel: r.kernel, op: inside ? call.name : null, workgroups: r.workgroups, ms: r.ms, startMs: r.startMs, source: r.source,
          shape: call?.shape ? [...call.shape] : null, ...(call ? who[ci] : { pass: 'update' as const, layer: 'unknown' }),
        };
      });
      const missing = gpu.dispatchCount - base - records.length;
      if (missing !== 0) notes.push(`${missing} dispatches were not profiled`);
    }
    return { backend: name, batch: data.batch, source: entries[0]?.source ?? 'wall', totalMs: entries.reduce((s, e) => s + e.ms, 0), wallMs, dispatches: entries, notes };
  } finally {
    x.dispose();
    y.dispose();
    opt.dispose();
    model.dispose();
  }
}

type TfTensor = import('@tensorflow/tfjs').Tensor;
interface TfKernel {
  name: string;
  outputShapes: number[][];
  kernelTimeMs: number | { error: string } | Promise<number | { error: string }>;
}

/** One TensorFlow.js step on its current backend, profiled with tf.profile kernel by kernel. */
export async function tfjsTimeline(tf: TF, name: string, data: Batch): Promise<Timeline> {
  const tr = tfjsTrainer(tf, data);
  const x = tf.tensor4d(data.images, [data.batch, 28, 28, 1]);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(data.labels, 'int32'), 10));
  try {
    await tr.step(); // first step (shader compilation, the optimizer's slots)
    await tr.step(); // warm-up
    const model = tr.model;
    const optimizer = model.optimizer as unknown as { applyGradients(g: Record<string, TfTensor>): void };
    const vars = model.trainableWeights.map((w) => w.read() as import('@tensorflow/tfjs').Variable);
    const lossOf = (logits: TfTensor) => tf.losses.softmaxCrossEntropy(y, logits) as import('@tensorflow/tfjs').Scalar;
    const apply = () => model.apply(x, { training: true }) as TfTensor;
    // tf.profile's record of this run, read while it runs to mark where the forward and the
    // loss end (tf.engine().state.activeProfile, the object tf.profile returns).
    const recorded = () => (tf.engine().state.activeProfile.kernels as unknown[]).length;
    let nModel = -1;
    let nFwd = -1;
    let grads: Record<string, TfTensor> = {};
    const t0 = now();
    const gradKernels = (await tf.profile(() => {
      const r = tf.variableGrads(() => {
        const logits = apply();
        nModel = recorded();
        const l = lossOf(logits);
        nFwd = recorded();
        return l;
      }, vars);
      grads = r.grads;
      r.value.dispose();
    })).kernels as unknown as TfKernel[];
    // profile() returns one shared object: its kernel list was taken before this next call.
    const updateKernels = (await tf.profile(() => optimizer.applyGradients(grads))).kernels as unknown as TfKernel[];
    const wallMs = now() - t0;
    Object.values(grads).forEach((g) => g.dispose());

    const notes: string[] = [];
    if (!(nModel >= 0 && nFwd >= nModel)) throw new Error(`tfjs timeline: the forward pass was not marked (${nModel}, ${nFwd})`);
    const all = [
      ...gradKernels.map((k, i): [TfKernel, Phase] => [k, i < nModel ? 'forward' : i < nFwd ? 'loss' : 'backward']),
      ...updateKernels.map((k): [TfKernel, Phase] => [k, 'update']),
    ].filter(([k]) => !k.name.endsWith('__op')); // scope records of custom-gradient ops: their kernels are listed too
    const calls = all.map(([k, phase]) => ({ phase, shape: k.outputShapes?.[0] ?? null }));
    const who = attributeLayers(calls, cnnLayerShapes(data.batch));
    let start = 0;
    let untimed = 0;
    const entries: TimelineEntry[] = [];
    for (const [i, [k]] of all.entries()) {
      const t = await k.kernelTimeMs;
      const ms = typeof t === 'number' && Number.isFinite(t) ? t : (untimed++, 0);
      entries.push({ index: i, kernel: k.name, op: null, workgroups: 0, ms, startMs: start, source: 'tf.profile', shape: calls[i].shape ? [...calls[i].shape!] : null, ...who[i] });
      start += ms;
    }
    if (untimed) notes.push(`${untimed} kernels had no time from tf.profile`);
    return { backend: name, batch: data.batch, source: 'tf.profile', totalMs: start, wallMs, dispatches: entries, notes };
  } finally {
    x.dispose();
    y.dispose();
    tr.dispose();
  }
}
