/**
 * Keras-style training on host data: fit, evaluate, predict. Batches are cut
 * from host arrays and uploaded per step; metrics stay on the device and are
 * read in groups (every `readEvery` steps), so a GPU step is never waited on
 * just to print a number.
 */
import type { TypedArray } from '../backends/backend.js';
import { countCorrect } from '../ops/argmax.js';
import { type Augmentation, batchAugmenter } from '../ops/augment.js';
import { sparseSoftmaxCrossEntropy } from '../ops/cross-entropy.js';
import { add } from '../ops/binary.js';
import type { Optimizer } from '../optim/optimizer.js';
import { getOptimizer, type OptimizerName } from '../optim/registry.js';
import { Random } from '../random.js';
import { noGrad, tidy } from '../runtime.js';
import { scalar, Tensor, tensor } from '../tensor.js';
import type { ReplicaPool } from '../distribute/replica-pool.js';
import { show } from './show.js';
import { describeData } from './describe-data.js';
import { type Callback, type EpochLogs, History, type TrainingContext } from './callbacks.js';
import { type DeviceFallbackReport, type DeviceLostPolicy, fitGuardingDevice } from './device-fallback.js';
import type { Sequential } from './sequential.js';
import type { TrainableModel } from './trainable-model.js';
import { trainStepWithMetrics } from './train-step.js';

/** Samples on the host: `values` holds shape[0] samples of shape.slice(1). */
export interface HostData {
  readonly values: Float32Array;
  readonly shape: readonly number[];
}

export interface CompileOptions {
  /** A name with Keras's defaults ('adam', the default; 'sgd', 'rmsprop', 'adamw', 'adagrad'), or an Optimizer (new SGD({ momentum: 0.9 })). */
  optimizer?: OptimizerName | Optimizer;
  loss?: 'sparseCategoricalCrossentropy';
  metrics?: 'accuracy'[];
  /**
   * Label smoothing ε in [0, 1) for the sparse cross-entropy: the target becomes
   * (1 − ε)·onehot + ε/K, Keras's CategoricalCrossentropy(label_smoothing=ε) on one-hot labels.
   * Like Keras, every loss fit and evaluate report (val_loss too) is then the smoothed one.
   */
  labelSmoothing?: number;
}

/** Reports progress; the Node CLI passes a terminal progress bar, the default prints lines. */
export interface ProgressReporter {
  epochBegin(epoch: number, epochs: number, steps: number): void;
  /** Running means so far in the epoch, after `step` steps (1-based). */
  batchEnd(step: number, logs: EpochLogs): void;
  epochEnd(epoch: number, logs: EpochLogs, seconds: number): void;
}

export interface FitOptions {
  epochs?: number;
  batchSize?: number;
  validationData?: [HostData, ArrayLike<number>];
  shuffle?: boolean;
  /** Seed of the per-epoch shuffles (epoch e uses seed + e, so a resumed run shuffles the same). */
  seed?: number;
  callbacks?: Callback[];
  /** 0 silent, 1 progress within epochs, 2 one line per epoch. */
  verbose?: 0 | 1 | 2;
  initialEpoch?: number;
  /** Read device metrics every this many steps (default 10). */
  readEvery?: number;
  progress?: ProgressReporter;
  /** A lost WebGPU device: 'throw' (default), or 'cpu' to continue there from the last epoch end (device-fallback.ts). */
  onDeviceLost?: DeviceLostPolicy;
  /** Told when training moved to the CPU (default: a line on console.warn). */
  onFallback?: (report: DeviceFallbackReport) => void;
  /**
   * Data-parallel replicas (tf.distribute's MirroredStrategy): this many workers, each with a
   * CPU backend, take equal shares of every batch, and their gradients are averaged, weighted
   * by share, before one optimizer update on this model (engine/distribute/replica-pool.ts).
   * A positive integer, at most batchSize. Unset: no workers, the step runs on this thread.
   */
  replicas?: number;
  /** On-device augmentation of each training batch, keyed by (seed, epoch, step) (engine/ops/augment.ts); never of validationData. */
  augment?: Augmentation;
}

export interface Compiled {
  optimizer: Optimizer;
  accuracy: boolean;
  /** CompileOptions.labelSmoothing (0: the plain sparse cross-entropy). */
  labelSmoothing?: number;
}

/**
 * Keras-like lines: "Epoch e/E", then with `everySteps` a line every that many steps
 * (at the next read of the metrics, see FitOptions.readEvery), and one line per epoch.
 * Printed from the training loop itself, so it works without a terminal (CI, a log file),
 * where a timer-driven progress bar would wait for a step that never yields.
 */
export function lineReporter(print: (line: string) => void = console.log, options: { everySteps?: number } = {}): ProgressReporter {
  const every = options.everySteps ?? 0;
  if (!Number.isInteger(every) || every < 0) throw new Error(`lineReporter: everySteps must be an integer >= 0, got ${show(every)}`);
  let steps = 0;
  let started = 0;
  let printedAt = 0;
  return {
    epochBegin(epoch, epochs, n) {
      steps = n;
      started = performance.now();
      printedAt = 0;
      print(`Epoch ${epoch + 1}/${epochs}`);
    },
    batchEnd(step, logs) {
      if (every === 0 || step >= steps || step - printedAt < every) return;
      printedAt = step;
      const seconds = (performance.now() - started) / 1000;
      print(`${String(step).padStart(String(steps).length)}/${steps} - ${seconds.toFixed(0)}s - ${formatLogs(logs)}`);
    },
    epochEnd(_epoch, logs, seconds) {
      print(`${steps}/${steps} - ${seconds.toFixed(0)}s - ${formatLogs(logs)}`);
    },
  };
}

/** Steps between progress lines of fit's default reporter at verbose 1. */
export const DEFAULT_PROGRESS_EVERY = 50;

export function formatLogs(logs: EpochLogs): string {
  return Object.entries(logs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${(v as number).toFixed(4)}`)
    .join(' - ');
}

function positiveInteger(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new Error(`${op}: ${name} must be a positive integer, got ${show(v)}`);
  return v;
}

function nonNegativeInteger(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new Error(`${op}: ${name} must be an integer >= 0, got ${show(v)}`);
  return v;
}

/** Host samples checked against the model's input shape. `what` names x ('x', or 'validationData x'). */
function hostSamples(op: string, what: string, x: unknown, model: TrainableModel): { values: Float32Array; n: number } {
  const want = model.inputShape;
  const expected = `${op}: expected ${what} as { values, shape } with values a Float32Array and shape [n, ${want.join(', ')}]`;
  if (x === null || typeof x !== 'object' || x instanceof Tensor || Array.isArray(x) || ArrayBuffer.isView(x)) {
    const per = want.reduce((a, b) => a * b, 1);
    const len = (x as ArrayLike<number> | null)?.length;
    const wrap = (Array.isArray(x) || ArrayBuffer.isView(x)) && typeof len === 'number' && len % per === 0
      ? `; wrap it: { values, shape: [${len / per}, ${want.join(', ')}] }` : '';
    throw new Error(`${expected}, got ${x instanceof Tensor ? `a Tensor of shape [${x.shape.join(', ')}]` : describeData(x)}${wrap}`);
  }
  const { values, shape } = x as { values?: unknown; shape?: unknown };
  if (!Array.isArray(shape) || shape.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 0)) {
    throw new Error(`${op}: ${what}.shape must be an array of non-negative integers, got ${show(shape)}`);
  }
  const sample = shape.slice(1);
  if (sample.length !== want.length || sample.some((d, i) => d !== want[i])) {
    throw new Error(`${op}: expected ${what} of shape [n, ${want.join(', ')}], got [${shape.join(', ')}]`);
  }
  if (!(values instanceof Float32Array)) {
    const hint = Array.isArray(values) || ArrayBuffer.isView(values) ? ' (convert it once: Float32Array.from(values))' : '';
    throw new Error(`${op}: ${what}.values must be a Float32Array, got ${describeData(values)}${hint}`);
  }
  const n = shape[0];
  if (values.length !== n * sample.reduce((a, b) => a * b, 1)) {
    throw new Error(`${op}: ${what} has ${values.length} values but shape [${shape.join(', ')}]`);
  }
  if (n === 0) throw new Error(`${op}: ${what} has 0 samples; expected at least one`);
  return { values, n };
}

/**
 * Host labels validated BEFORE conversion, so 1.5, NaN, '2' or 2^32 + 1 never become another
 * class through an Int32Array: each must be an integer in [0, classes). Errors give the index
 * in the caller's array (not in a shuffled batch). `what` is 'y' or 'validationData y'.
 */
function hostLabels(op: string, what: string, y: unknown, n: number, classes: number): Int32Array {
  const arrayLike = (Array.isArray(y) || ArrayBuffer.isView(y)) && !(y instanceof DataView);
  if (!arrayLike) {
    throw new Error(`${op}: expected ${what} as an array of ${n} integer labels (Int32Array, Uint8Array or number[]), got ${describeData(y)}`);
  }
  const labels = y as ArrayLike<unknown>;
  if (labels.length !== n) {
    const xs = what === 'y' ? 'x' : what.replace(/ y$/, ' x');
    throw new Error(`${op}: ${xs} has ${n} samples but ${what} has ${labels.length} labels`);
  }
  for (let i = 0; i < n; i++) {
    const v = labels[i];
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      throw new Error(`${op}: label ${what}[${i}] is ${show(v)}, expected an integer class index in [0, ${classes})`);
    }
    if (v < 0 || v >= classes) throw new Error(`${op}: label ${what}[${i}] is ${v}, out of range for ${classes} classes (expected 0..${classes - 1})`);
  }
  return y instanceof Int32Array ? y : Int32Array.from(labels as ArrayLike<number>);
}

interface CheckedData {
  values: Float32Array;
  n: number;
  /** Samples' shape without the batch axis. */
  sample: number[];
  labels: Int32Array;
}

function checkData(op: string, what: '' | 'validationData ', x: unknown, y: unknown, model: TrainableModel): CheckedData {
  const { values, n } = hostSamples(op, `${what}x`, x, model);
  const out = model.outputShape;
  // Dense maps the last axis of any input (as Keras's), so a forgotten Flatten shows here.
  if (out.length !== 1) {
    throw new Error(`${op}: the model's output is [${out.join(', ')}] per sample; sparse categorical cross-entropy takes logits [classes] (a Flatten before the last Dense?)`);
  }
  const classes = out[0];
  return { values, n, sample: model.inputShape, labels: hostLabels(op, `${what}y`, y, n, classes) };
}

/** Samples `order[start..end)` gathered into host arrays. */
function hostBatch(d: CheckedData, order: Int32Array | null, start: number, end: number): { xs: Float32Array; ys: Int32Array } {
  const per = d.values.length / d.n;
  const count = end - start;
  const xs = new Float32Array(count * per);
  const ys = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const src = order ? order[start + i] : start + i;
    xs.set(d.values.subarray(src * per, (src + 1) * per), i * per);
    ys[i] = d.labels[src];
  }
  return { xs, ys };
}

/** Uploads samples `order[start..end)` as a batch. */
function batchTensors(d: CheckedData, order: Int32Array | null, start: number, end: number): [Tensor, Tensor] {
  const { xs, ys } = hostBatch(d, order, start, end);
  return [tensor(xs, [end - start, ...d.sample]), tensor(ys, [end - start], 'int32')];
}

/**
 * Lets the host's event loop run (timers, messages, a page's input). On the CPU backend every
 * `await` in fit resolves as a microtask, so without this a whole epoch would hold the thread:
 * a worker could not answer its parent (vitest's RPC times out after 60 s), and a page would freeze.
 */
function yieldToHost(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

async function readAll(ts: readonly Tensor[]): Promise<number[]> {
  const values = await Promise.all(ts.map((t) => t.data()));
  ts.forEach((t) => t.dispose());
  return values.map((v: TypedArray) => v[0]);
}

// Loaded only by fit({ replicas }). The specifier is a variable so that bundlers leave the import
// alone and the single-file bundles do not carry the replica code (test/bundle-size.test.ts).
const REPLICA_POOL = '../distribute/replica-pool.js';

async function startReplicas(...args: Parameters<typeof ReplicaPool.start>): Promise<ReplicaPool> {
  let pool: typeof import('../distribute/replica-pool.js');
  try {
    pool = (await import(/* @vite-ignore */ REPLICA_POOL)) as typeof import('../distribute/replica-pool.js');
  } catch (e) {
    throw new Error(
      `fit: replicas need the replica code (${REPLICA_POOL}), which could not be loaded (${(e as Error).message}); ` +
        'the single-file bundles (engine.min.js) do not carry it: import the package\'s modules instead',
    );
  }
  return pool.ReplicaPool.start(...args);
}

/** Keras's fit, guarded against a lost WebGPU device (see FitOptions.onDeviceLost). */
export function fit(model: TrainableModel, compiled: Compiled, x: HostData, y: ArrayLike<number>, options: FitOptions = {}): Promise<History> {
  return fitGuardingDevice(model, compiled, x, y, options, fitLoop);
}

async function fitLoop(
  model: TrainableModel,
  compiled: Compiled,
  x: HostData,
  y: ArrayLike<number>,
  options: FitOptions = {},
): Promise<History> {
  const op = 'fit';
  const data = checkData(op, '', x, y, model);
  const n = data.n;
  const epochs = nonNegativeInteger(op, 'epochs', options.epochs ?? 1);
  const batchSize = positiveInteger(op, 'batchSize', options.batchSize ?? 32);
  const verbose = options.verbose ?? 1;
  if (verbose !== 0 && verbose !== 1 && verbose !== 2) throw new Error(`${op}: verbose must be 0, 1 or 2, got ${show(verbose)}`);
  const readEvery = positiveInteger(op, 'readEvery', options.readEvery ?? 10);
  const initialEpoch = nonNegativeInteger(op, 'initialEpoch', options.initialEpoch ?? 0);
  let validation: CheckedData | null = null;
  if (options.validationData !== undefined) {
    const v = options.validationData as unknown;
    if (!Array.isArray(v) || v.length !== 2) throw new Error(`${op}: validationData must be [x, y], got ${describeData(v)}`);
    validation = checkData(op, 'validationData ', v[0], v[1], model);
  }
  const augmentBatch = batchAugmenter(op, options.augment, options.seed ?? 0);
  if (options.replicas !== undefined && (augmentBatch || (compiled.labelSmoothing ?? 0) > 0)) {
    throw new Error(`${op}: replicas cannot be combined with augment or labelSmoothing yet (the replica workers run the plain step)`);
  }
  const reporter = verbose === 0 ? null : (options.progress ?? lineReporter(console.log, { everySteps: verbose === 1 ? DEFAULT_PROGRESS_EVERY : 0 }));
  const callbacks = options.callbacks ?? [];
  const ctx: TrainingContext = { model, stopTraining: false, initialEpoch };
  const history = new History();
  const steps = Math.ceil(n / batchSize);
  model.build();
  // Replicas rebuild the model from a layer stack (distribute/): a functional Model has a graph.
  const sequential = (m: TrainableModel): m is Sequential => typeof (m as Partial<Sequential>).add === 'function';
  if (options.replicas !== undefined && !sequential(model)) {
    throw new Error(`${op}: replicas train a Sequential; ${model.name} is a functional Model, which trains without them`);
  }
  const replicas = options.replicas === undefined || !sequential(model)
    ? null
    : await startReplicas(model, { op, replicas: options.replicas, batchSize, optimizer: compiled.optimizer, accuracy: compiled.accuracy });
  try {
    for (const cb of callbacks) await cb.onTrainBegin?.(ctx);

    for (let epoch = initialEpoch; epoch < epochs && !ctx.stopTraining; epoch++) {
      const started = performance.now();
      const order = options.shuffle === false ? null : new Random((options.seed ?? 0) + epoch).permutation(n);
      reporter?.epochBegin(epoch, epochs, steps);
      let lossSum = 0;
      let correctSum = 0;
      let seen = 0;
      let pending: { step: number; loss: Tensor; correct: Tensor | null; count: number }[] = [];
      // The gradient norms of the pending steps, summed on the device: one scalar read with the losses.
      let normSum: { sum: Tensor; steps: number } | null = null;
      const drain = async (): Promise<number | undefined> => {
        const group = pending;
        const norms = normSum;
        pending = [];
        normSum = null;
        const read = await readAll([...group.map((p) => p.loss), ...(norms ? [norms.sum] : [])]);
        const losses = read.slice(0, group.length);
        const corrects = compiled.accuracy ? await readAll(group.map((p) => p.correct!)) : [];
        for (let i = 0; i < group.length; i++) {
          const p = group[i];
          lossSum += losses[i] * p.count;
          if (compiled.accuracy) correctSum += corrects[i];
          seen += p.count;
          for (const cb of callbacks) await cb.onBatchEnd?.(epoch, p.step, { loss: losses[i], size: p.count }, ctx);
        }
        return norms ? read[group.length] / norms.steps : undefined;
      };
      for (let step = 0; step < steps; step++) {
        const start = step * batchSize;
        const end = Math.min(n, start + batchSize);
        let r: { loss: Tensor; correct: Tensor | null };
        if (replicas) {
          const { xs, ys } = hostBatch(data, order, start, end);
          const s = await replicas.step(xs, ys, `step ${step + 1} of epoch ${epoch + 1}`);
          r = { loss: scalar(s.loss), correct: compiled.accuracy ? scalar(s.correct, 'int32') : null };
        } else {
          const [xb, yb] = batchTensors(data, order, start, end);
          const xa = augmentBatch ? augmentBatch(xb, epoch, step) : xb;
          const result = trainStepWithMetrics(model, compiled.optimizer, xa, yb, compiled.accuracy, compiled.labelSmoothing, true);
          if (result.gradNorm) normSum = addToNormSum(normSum, result.gradNorm);
          r = result;
          if (xa !== xb) xa.dispose();
          xb.dispose();
          yb.dispose();
        }
        pending.push({ step, loss: r.loss, correct: r.correct, count: end - start });
        if (pending.length >= readEvery || step === steps - 1) {
          const before = { lossSum, correctSum, seen };
          const gradNorm = await drain();
          const running = epochLogs(lossSum, correctSum, seen, compiled.accuracy);
          reporter?.batchEnd(step + 1, running);
          const recent = epochLogs(lossSum - before.lossSum, correctSum - before.correctSum, seen - before.seen, compiled.accuracy);
          const logs = gradNorm === undefined ? { running, recent } : { running, recent, gradNorm };
          for (const cb of callbacks) await cb.onMetricsRead?.(epoch, step + 1, logs, ctx);
          await yieldToHost();
        }
      }
      const logs = epochLogs(lossSum, correctSum, seen, compiled.accuracy);
      if (validation) {
        const v = await evaluateChecked(model, validation, Math.max(batchSize, 256), compiled.labelSmoothing);
        logs.val_loss = v.loss;
        if (compiled.accuracy) logs.val_accuracy = v.accuracy;
      }
      history.record(epoch, logs);
      reporter?.epochEnd(epoch, logs, (performance.now() - started) / 1000);
      for (const cb of callbacks) await cb.onEpochEnd?.(epoch, logs, ctx);
    }
    for (const cb of callbacks) await cb.onTrainEnd?.(ctx);
  } finally {
    await replicas?.close();
  }
  return history;
}

/** Adds a step's gradient norm (a device scalar) to the pending steps' sum, on the device; frees the parts. */
function addToNormSum(prior: { sum: Tensor; steps: number } | null, norm: Tensor): { sum: Tensor; steps: number } {
  if (!prior) return { sum: norm, steps: 1 };
  const sum = noGrad(() => add(prior.sum, norm));
  prior.sum.dispose();
  norm.dispose();
  return { sum, steps: prior.steps + 1 };
}

function epochLogs(lossSum: number, correctSum: number, seen: number, accuracy: boolean): EpochLogs {
  const logs: EpochLogs = { loss: lossSum / Math.max(1, seen) };
  if (accuracy) logs.accuracy = correctSum / Math.max(1, seen);
  return logs;
}

export async function evaluate(
  model: TrainableModel,
  compiled: Compiled,
  x: HostData,
  y: ArrayLike<number>,
  options: { batchSize?: number } = {},
): Promise<{ loss: number; accuracy: number }> {
  const data = checkData('evaluate', '', x, y, model);
  return evaluateChecked(model, data, positiveInteger('evaluate', 'batchSize', options.batchSize ?? 256), compiled.labelSmoothing);
}

/** Mean loss and accuracy over data already checked (evaluate, and fit's validation). */
async function evaluateChecked(model: TrainableModel, data: CheckedData, batchSize: number, labelSmoothing = 0): Promise<{ loss: number; accuracy: number }> {
  const n = data.n;
  const losses: Tensor[] = [];
  const corrects: Tensor[] = [];
  const counts: number[] = [];
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    const [xb, yb] = batchTensors(data, null, start, end);
    const [l, c] = noGrad(() =>
      tidy(() => {
        const logits = model.apply(xb);
        // Keras reports evaluate's loss with the regularizer penalties, as fit's.
        const dataLoss = sparseSoftmaxCrossEntropy(logits, yb, { labelSmoothing });
        const penalty = model.regularizationLoss();
        return [penalty ? add(dataLoss, penalty) : dataLoss, countCorrect(logits, yb)];
      }),
    );
    xb.dispose();
    yb.dispose();
    losses.push(l);
    corrects.push(c);
    counts.push(end - start);
  }
  model.store.backend.flush();
  const lv = await readAll(losses);
  const cv = await readAll(corrects);
  const loss = lv.reduce((s, v, i) => s + v * counts[i], 0) / n;
  return { loss, accuracy: cv.reduce((a, b) => a + b, 0) / n };
}

/** Logits [n, classes] for host samples, in batches. */
export async function predict(model: TrainableModel, x: HostData, options: { batchSize?: number } = {}): Promise<Float32Array> {
  const { values, n } = hostSamples('predict', 'x', x, model);
  const batchSize = positiveInteger('predict', 'batchSize', options.batchSize ?? 256);
  const classes = model.outputShape.reduce((a, b) => a * b, 1);
  const sample = model.inputShape;
  const per = values.length / n;
  const out = new Float32Array(n * classes);
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    const xb = tensor(values.subarray(start * per, end * per), [end - start, ...sample]);
    const logits = noGrad(() => tidy(() => model.apply(xb)));
    out.set(await logits.data(), start * classes);
    logits.dispose();
    xb.dispose();
  }
  return out;
}

export function compileOptions(options: CompileOptions): Compiled {
  const loss = options.loss ?? 'sparseCategoricalCrossentropy';
  if (loss !== 'sparseCategoricalCrossentropy') {
    throw new Error(`compile: loss '${loss}' is not supported (expected 'sparseCategoricalCrossentropy' from logits)`);
  }
  const metrics = options.metrics ?? [];
  for (const m of metrics) if (m !== 'accuracy') throw new Error(`compile: metric '${m}' is not supported (expected 'accuracy')`);
  const labelSmoothing = options.labelSmoothing ?? 0;
  if (typeof labelSmoothing !== 'number' || !(labelSmoothing >= 0 && labelSmoothing < 1)) {
    throw new Error(`compile: labelSmoothing must be a number in [0, 1), got ${show(labelSmoothing)}`);
  }
  return { optimizer: getOptimizer(options.optimizer, 'compile'), accuracy: metrics.includes('accuracy'), labelSmoothing };
}
