/**
 * Keras-style training on host data: fit, evaluate, predict. Batches are cut
 * from host arrays and uploaded per step; metrics stay on the device and are
 * read in groups (every `readEvery` steps), so a GPU step is never waited on
 * just to print a number.
 */
import type { TypedArray } from '../backends/backend.js';
import { countCorrect } from '../ops/argmax.js';
import { sparseSoftmaxCrossEntropy } from '../ops/cross-entropy.js';
import { Adam } from '../optim/adam.js';
import { Random } from '../random.js';
import { noGrad, tidy } from '../runtime.js';
import { Tensor, tensor } from '../tensor.js';
import { type Callback, type EpochLogs, History, type TrainingContext } from './callbacks.js';
import { type DeviceFallbackReport, type DeviceLostPolicy, fitGuardingDevice } from './device-fallback.js';
import type { Sequential } from './sequential.js';
import { trainStepWithMetrics } from './train-step.js';

/** Samples on the host: `values` holds shape[0] samples of shape.slice(1). */
export interface HostData {
  readonly values: Float32Array;
  readonly shape: readonly number[];
}

export interface CompileOptions {
  optimizer?: Adam | 'adam';
  loss?: 'sparseCategoricalCrossentropy';
  metrics?: 'accuracy'[];
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
}

export interface Compiled {
  optimizer: Adam;
  accuracy: boolean;
}

/** One line per epoch, Keras's verbose=2 format. Used when no reporter is given. */
export function lineReporter(print: (line: string) => void = console.log): ProgressReporter {
  let steps = 0;
  return {
    epochBegin(epoch, epochs, n) {
      steps = n;
      print(`Epoch ${epoch + 1}/${epochs}`);
    },
    batchEnd() {},
    epochEnd(_epoch, logs, seconds) {
      print(`${steps}/${steps} - ${seconds.toFixed(0)}s - ${formatLogs(logs)}`);
    },
  };
}

export function formatLogs(logs: EpochLogs): string {
  return Object.entries(logs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${(v as number).toFixed(4)}`)
    .join(' - ');
}

function checkData(op: string, x: HostData, y: ArrayLike<number>, model: Sequential): number {
  const n = x.shape[0];
  const sample = x.shape.slice(1);
  const want = model.inputShape;
  if (sample.length !== want.length || sample.some((d, i) => d !== want[i])) {
    throw new Error(`${op}: expected x of shape [n, ${want.join(', ')}], got [${x.shape.join(', ')}]`);
  }
  if (x.values.length !== n * sample.reduce((a, b) => a * b, 1)) {
    throw new Error(`${op}: x has ${x.values.length} values but shape [${x.shape.join(', ')}]`);
  }
  if (y.length !== n) throw new Error(`${op}: x has ${n} samples but y has ${y.length} labels`);
  return n;
}

/** Uploads samples `order[start..end)` as a batch. */
function batchTensors(x: HostData, y: ArrayLike<number>, order: Int32Array | null, start: number, end: number): [Tensor, Tensor] {
  const per = x.values.length / x.shape[0];
  const count = end - start;
  const xs = new Float32Array(count * per);
  const ys = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const src = order ? order[start + i] : start + i;
    xs.set(x.values.subarray(src * per, (src + 1) * per), i * per);
    ys[i] = y[src];
  }
  return [tensor(xs, [count, ...x.shape.slice(1)]), tensor(ys, [count], 'int32')];
}

async function readAll(ts: readonly Tensor[]): Promise<number[]> {
  const values = await Promise.all(ts.map((t) => t.data()));
  ts.forEach((t) => t.dispose());
  return values.map((v: TypedArray) => v[0]);
}

/** Keras's fit, guarded against a lost WebGPU device (see FitOptions.onDeviceLost). */
export function fit(model: Sequential, compiled: Compiled, x: HostData, y: ArrayLike<number>, options: FitOptions = {}): Promise<History> {
  return fitGuardingDevice(model, compiled, x, y, options, fitLoop);
}

async function fitLoop(
  model: Sequential,
  compiled: Compiled,
  x: HostData,
  y: ArrayLike<number>,
  options: FitOptions = {},
): Promise<History> {
  const n = checkData('fit', x, y, model);
  const epochs = options.epochs ?? 1;
  const batchSize = options.batchSize ?? 32;
  const verbose = options.verbose ?? 1;
  const readEvery = Math.max(1, options.readEvery ?? 10);
  const reporter = verbose === 0 ? null : (options.progress ?? lineReporter());
  const callbacks = options.callbacks ?? [];
  const initialEpoch = options.initialEpoch ?? 0;
  const ctx: TrainingContext = { model, stopTraining: false, initialEpoch };
  const history = new History();
  const steps = Math.ceil(n / batchSize);
  model.build();
  for (const cb of callbacks) await cb.onTrainBegin?.(ctx);

  for (let epoch = initialEpoch; epoch < epochs && !ctx.stopTraining; epoch++) {
    const started = performance.now();
    const order = options.shuffle === false ? null : new Random((options.seed ?? 0) + epoch).permutation(n);
    reporter?.epochBegin(epoch, epochs, steps);
    let lossSum = 0;
    let correctSum = 0;
    let seen = 0;
    let pending: { loss: Tensor; correct: Tensor | null; count: number }[] = [];
    const drain = async () => {
      const losses = await readAll(pending.map((p) => p.loss));
      const corrects = compiled.accuracy ? await readAll(pending.map((p) => p.correct!)) : [];
      pending.forEach((p, i) => {
        lossSum += losses[i] * p.count;
        if (compiled.accuracy) correctSum += corrects[i];
        seen += p.count;
      });
      pending = [];
    };
    for (let step = 0; step < steps; step++) {
      const start = step * batchSize;
      const end = Math.min(n, start + batchSize);
      const [xb, yb] = batchTensors(x, y, order, start, end);
      const r = trainStepWithMetrics(model, compiled.optimizer, xb, yb, compiled.accuracy);
      xb.dispose();
      yb.dispose();
      pending.push({ loss: r.loss, correct: r.correct, count: end - start });
      if (pending.length >= readEvery || step === steps - 1) {
        await drain();
        reporter?.batchEnd(step + 1, epochLogs(lossSum, correctSum, seen, compiled.accuracy));
      }
    }
    const logs = epochLogs(lossSum, correctSum, seen, compiled.accuracy);
    if (options.validationData) {
      const [vx, vy] = options.validationData;
      const v = await evaluate(model, compiled, vx, vy, { batchSize: Math.max(batchSize, 256) });
      logs.val_loss = v.loss;
      if (compiled.accuracy) logs.val_accuracy = v.accuracy;
    }
    history.record(epoch, logs);
    reporter?.epochEnd(epoch, logs, (performance.now() - started) / 1000);
    for (const cb of callbacks) await cb.onEpochEnd?.(epoch, logs, ctx);
  }
  for (const cb of callbacks) await cb.onTrainEnd?.(ctx);
  return history;
}

function epochLogs(lossSum: number, correctSum: number, seen: number, accuracy: boolean): EpochLogs {
  const logs: EpochLogs = { loss: lossSum / Math.max(1, seen) };
  if (accuracy) logs.accuracy = correctSum / Math.max(1, seen);
  return logs;
}

export async function evaluate(
  model: Sequential,
  compiled: Compiled,
  x: HostData,
  y: ArrayLike<number>,
  options: { batchSize?: number } = {},
): Promise<{ loss: number; accuracy: number }> {
  const n = checkData('evaluate', x, y, model);
  const batchSize = options.batchSize ?? 256;
  const losses: Tensor[] = [];
  const corrects: Tensor[] = [];
  const counts: number[] = [];
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    const [xb, yb] = batchTensors(x, y, null, start, end);
    const [l, c] = noGrad(() =>
      tidy(() => {
        const logits = model.apply(xb);
        return [sparseSoftmaxCrossEntropy(logits, yb), countCorrect(logits, yb)];
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
export async function predict(model: Sequential, x: HostData, options: { batchSize?: number } = {}): Promise<Float32Array> {
  const n = x.shape[0];
  const batchSize = options.batchSize ?? 256;
  const classes = model.outputShape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n * classes);
  const dummy = new Int32Array(n);
  checkData('predict', x, dummy, model);
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    const [xb, yb] = batchTensors(x, dummy, null, start, end);
    yb.dispose();
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
  const opt = options.optimizer ?? 'adam';
  return { optimizer: opt === 'adam' ? new Adam() : opt, accuracy: metrics.includes('accuracy') };
}
