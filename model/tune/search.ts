/**
 * Random search over the tutorial CNN's hyperparameters (`npm run tune`; model/tune-cli.ts).
 *
 * Each trial builds the tutorial CNN with its hyperparameters (model/cnn.ts: dropout, L2), compiles
 * it with its optimizer and learning rate, and trains it with the engine's own fit: EarlyStopping
 * on val_loss (restoring the best epoch's weights) and TerminateOnNaN. Trials are judged on the
 * VALIDATION data given (the CLI gives the held-out last 5,000 training images, model/data/splits.ts);
 * the test data is used once, to evaluate the best trial's model at the end. Choosing on test data
 * would make the reported test accuracy a lie.
 *
 * Budgets: at most `trials` trials, and with `minutes`, no trial starts once that much wall time
 * has passed, and the trial running then stops at its next epoch end (fit stops between epochs).
 * The first trial always runs, so a search always has a model to return.
 *
 * Every trial starts from the same initial weights and shuffles alike (`seed`), so trials differ
 * in their hyperparameters only.
 */
import { join } from 'node:path';
import { type Callback, EarlyStopping, type EpochLogs, NonFiniteLossError, type TrainingContext, TerminateOnNaN } from '../../engine/nn/callbacks.js';
import type { Sequential } from '../../engine/nn/sequential.js';
import { getOptimizer } from '../../engine/optim/registry.js';
import { tutorialCnn } from '../cnn.js';
import type { FashionMnistSplit } from '../data/fashion-mnist.js';
import { METRICS_LOG_FILE, MetricsLog } from '../metrics-log.js';
import { TrialSampler } from './sampler.js';
import { DEFAULT_HYPERPARAMETERS, type Hyperparameters, type SearchSpace } from './space.js';

export interface SearchData {
  /** What every trial trains on. */
  train: FashionMnistSplit;
  /** What trials are chosen on (EarlyStopping's val_loss; the best trial's). */
  validation: FashionMnistSplit;
  /** Evaluated once, on the best trial's model. */
  test: FashionMnistSplit;
}

export interface SearchOptions {
  space: SearchSpace;
  /** At most this many trials (a positive integer). */
  trials: number;
  /** Wall-clock budget in minutes (> 0); unset: none. */
  minutes?: number;
  /** Seeds the draws of the hyperparameters, the initial weights and the shuffles (default 42). */
  seed?: number;
  data: SearchData;
  /** What a hyperparameter the space leaves out trains with (default: the tutorial's). */
  base?: Partial<Hyperparameters>;
  /** EarlyStopping's patience on val_loss (default 3, the tutorial's). */
  patience?: number;
  /** Called before each trial trains (npm run tune: tunes the WebGPU kernels for its batch size). */
  beforeTrial?: (h: Hyperparameters, build: () => Sequential) => Promise<void>;
  /** With a folder, each trial writes its metrics log to <outDir>/trials/<n>/metrics.jsonl. */
  outDir?: string;
  /** fit's verbose (default 0). */
  verbose?: 0 | 1 | 2;
  log?: (line: string) => void;
  /** Told after each trial (the CLI rewrites its results file, so a crash keeps the trials done). */
  onTrial?: (trial: TrialResult) => void | Promise<void>;
}

/** Why a trial stopped training. */
export type TrialStop = 'early stopping' | 'epoch cap' | 'time budget' | 'diverged';

export interface TrialResult {
  /** 1-based. */
  trial: number;
  hyperparameters: Hyperparameters;
  epochsRun: number;
  /** 1-based epoch of the lowest val_loss, whose weights the trial kept; 0 when no epoch was finite. */
  bestEpoch: number;
  /** The lowest val_loss (Infinity when no epoch was finite). */
  valLoss: number;
  /** val_accuracy at the best epoch (NaN when none). */
  valAccuracy: number;
  /** Per epoch, as fit's History. */
  history: { loss: number[]; accuracy: number[]; val_loss: number[]; val_accuracy: number[] };
  seconds: number;
  stop: TrialStop;
}

export interface SearchResult {
  /** In the order they ran. */
  trials: TrialResult[];
  /** The trial with the lowest validation loss. */
  best: TrialResult;
  /** The best trial's model, with the weights of its best epoch (the caller disposes it). */
  bestModel: Sequential;
  /** The best model on the test data: the search's only use of it. */
  test: { loss: number; accuracy: number };
  /** Why the search ended. */
  stoppedBy: 'trials' | 'time budget' | 'space exhausted';
  seconds: number;
  seed: number;
}

/** Stops fit at the first epoch end past the deadline. */
class Deadline implements Callback {
  reached = false;
  constructor(private readonly at: number) {}

  onEpochEnd(_epoch: number, _logs: EpochLogs, ctx: TrainingContext): void {
    if (performance.now() >= this.at) {
      this.reached = true;
      ctx.stopTraining = true;
    }
  }
}

/** Keeps each epoch's logs (fit's History is lost when TerminateOnNaN throws). */
class EpochRecorder implements Callback {
  readonly history: TrialResult['history'] = { loss: [], accuracy: [], val_loss: [], val_accuracy: [] };

  onEpochEnd(_epoch: number, logs: EpochLogs): void {
    this.history.loss.push(logs.loss);
    this.history.accuracy.push(logs.accuracy ?? NaN);
    this.history.val_loss.push(logs.val_loss ?? NaN);
    this.history.val_accuracy.push(logs.val_accuracy ?? NaN);
  }
}

function checkOptions(o: SearchOptions): void {
  const fail = (msg: string): never => {
    throw new Error(`randomSearch: ${msg}`);
  };
  if (!Number.isInteger(o.trials) || o.trials < 1) fail(`trials must be a positive integer, got ${o.trials}`);
  if (o.minutes !== undefined && !(Number.isFinite(o.minutes) && o.minutes > 0)) fail(`minutes must be a number > 0, got ${o.minutes}`);
  if (o.patience !== undefined && !(Number.isInteger(o.patience) && o.patience >= 0)) fail(`patience must be an integer >= 0, got ${o.patience}`);
  for (const k of ['train', 'validation', 'test'] as const) {
    const s = o.data?.[k];
    if (!s || !(s.count > 0)) fail(`data.${k} has no images; expected a Fashion-MNIST split with at least one`);
  }
}

/** `name=value` for each hyperparameter, as the log prints a trial. */
export function describeHyperparameters(h: Hyperparameters): string {
  return Object.entries(h).map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toPrecision(4)) : v}`).join(' ');
}

async function runTrial(
  trial: number,
  h: Hyperparameters,
  o: SearchOptions,
  seed: number,
  deadline: number,
): Promise<{ result: TrialResult; model: Sequential }> {
  const build = () => tutorialCnn(seed, 10, { dropout: h.dropout, l2: h.l2 });
  await o.beforeTrial?.(h, build);
  const started = performance.now();
  const model = build();
  const optimizer = getOptimizer(h.optimizer, 'tune');
  optimizer.learningRate = h.learningRate;
  model.compile({ optimizer, metrics: ['accuracy'] });
  const early = new EarlyStopping({ monitor: 'val_loss', patience: o.patience ?? 3, restoreBestWeights: true });
  const budget = new Deadline(deadline);
  const recorder = new EpochRecorder();
  const { train, validation } = o.data;
  const steps = Math.ceil(train.count / h.batchSize);
  const callbacks: Callback[] = [
    new TerminateOnNaN(),
    recorder,
    ...(o.outDir ? [new MetricsLog(join(o.outDir, 'trials', String(trial), METRICS_LOG_FILE), steps)] : []),
    early,
    budget,
  ];
  let diverged = false;
  try {
    await model.fit({ values: train.images, shape: [train.count, 28, 28, 1] }, train.labels, {
      epochs: h.epochs, batchSize: h.batchSize, seed, shuffle: true, verbose: o.verbose ?? 0,
      validationData: [{ values: validation.images, shape: [validation.count, 28, 28, 1] }, validation.labels],
      callbacks,
    });
  } catch (e) {
    if (!(e instanceof NonFiniteLossError)) {
      model.dispose();
      throw e;
    }
    // A diverged trial keeps its best finite epoch, if it had one (EarlyStopping's onTrainEnd did not run).
    diverged = true;
    if (early.bestWeights) model.setWeights(early.bestWeights);
  }
  const epochsRun = recorder.history.loss.length;
  const bestIndex = early.bestEpoch;
  const stop: TrialStop = diverged ? 'diverged' : early.stoppedEpoch >= 0 ? 'early stopping' : budget.reached && epochsRun < h.epochs ? 'time budget' : 'epoch cap';
  const result: TrialResult = {
    trial,
    hyperparameters: h,
    epochsRun,
    bestEpoch: bestIndex + 1,
    valLoss: bestIndex >= 0 && Number.isFinite(early.best) ? early.best : Infinity,
    valAccuracy: bestIndex >= 0 ? recorder.history.val_accuracy[bestIndex] ?? NaN : NaN,
    history: recorder.history,
    seconds: (performance.now() - started) / 1000,
    stop,
  };
  return { result, model };
}

/** Runs the search; see the file's comment. */
export async function randomSearch(o: SearchOptions): Promise<SearchResult> {
  checkOptions(o);
  const log = o.log ?? (() => {});
  const seed = o.seed ?? 42;
  const started = performance.now();
  const deadline = o.minutes === undefined ? Infinity : started + o.minutes * 60_000;
  const sampler = new TrialSampler(o.space, seed, { ...DEFAULT_HYPERPARAMETERS, ...o.base });
  const trials: TrialResult[] = [];
  let best: { result: TrialResult; model: Sequential } | null = null;
  let stoppedBy: SearchResult['stoppedBy'] = 'trials';
  try {
    for (let i = 1; i <= o.trials; i++) {
      if (i > 1 && performance.now() >= deadline) {
        stoppedBy = 'time budget';
        break;
      }
      const h = sampler.next();
      if (!h) {
        stoppedBy = 'space exhausted';
        break;
      }
      log(`trial ${i}/${o.trials}: ${describeHyperparameters(h)}`);
      const run = await runTrial(i, h, o, seed, deadline);
      const r = run.result;
      trials.push(r);
      log(
        `trial ${i}: best val_loss ${r.valLoss.toFixed(4)} (val_accuracy ${r.valAccuracy.toFixed(4)}) at epoch ${r.bestEpoch} of ${r.epochsRun}; ` +
          `${r.seconds.toFixed(1)} s; stopped by ${r.stop}`,
      );
      // Lowest val_loss wins; a tie keeps the earlier trial.
      if (best === null || r.valLoss < best.result.valLoss) {
        best?.model.dispose();
        best = run;
      } else {
        run.model.dispose();
      }
      await o.onTrial?.(r);
      if (performance.now() >= deadline && i < o.trials) {
        stoppedBy = 'time budget';
        break;
      }
    }
    if (!best || !Number.isFinite(best.result.valLoss)) {
      throw new Error(`randomSearch: no trial reached a finite validation loss (${trials.length} trial(s), all diverged); lower the learning rates of the space`);
    }
    const { test } = o.data;
    const testResult = await best.model.evaluate({ values: test.images, shape: [test.count, 28, 28, 1] }, test.labels);
    return {
      trials, best: best.result, bestModel: best.model, test: testResult, stoppedBy, seconds: (performance.now() - started) / 1000, seed,
    };
  } catch (e) {
    best?.model.dispose();
    throw e;
  }
}
