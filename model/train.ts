/**
 * A recipe as a program (model/recipes/; the tutorial's by default): load Fashion-MNIST, split
 * off the validation data (the test set for `tutorial`, the training tail for the others), build
 * the recipe's model, train it with early stopping (checkpointing every epoch, resumable),
 * evaluate it on the test set once, and return everything a report needs. The CLI
 * (train-cli.ts) parses arguments and calls trainRecipe; tests call it directly on small subsets.
 */
import { join } from 'node:path';
import type { DeviceLostPolicy } from '../engine/nn/device-fallback.js';
import type { Backend } from '../engine/backends/backend.js';
import { init, type BackendChoice } from '../engine/init.js';
import { EarlyStopping, type Callback, type EpochLogs } from '../engine/nn/callbacks.js';
import type { ProgressReporter } from '../engine/nn/training.js';
import type { Optimizer } from '../engine/optim/optimizer.js';
import { getOptimizer, type OptimizerName } from '../engine/optim/registry.js';
import { Model } from '../engine/nn/functional/model.js';
import type { Sequential } from '../engine/nn/sequential.js';
import { WebGPUBackend } from '../engine/backends/webgpu/webgpu-backend.js';
import { nodeAutoBackend } from '../node/auto-backend.js';
import { fileStore } from '../node/tune-store.js';
import { nodeGPU } from '../node/webgpu.js';
import { prepareKernelsForStep, tuningCachePath } from './kernel-tuning.js';
import { checkpointPath, readCheckpoint, removeStaleTemporaries, writeCheckpoint } from './checkpoint.js';
import { captureCheckpoint, checkResumable, digestData, patienceRaised, restoreCheckpoint } from './checkpoint-state.js';
import { loadFashionMnist, type FashionMnist, type FashionMnistSplit } from './data/fashion-mnist.js';
import { holdoutCount, holdoutTail } from './data/splits.js';
import { recipeNamed, type Recipe, type RecipeModel, type ValidationRule } from './recipes/index.js';
import { argmaxRows, classificationReport, type ClassificationReport } from './metrics.js';
import { METRICS_LOG_FILE, MetricsLog } from './metrics-log.js';
import { checkTransferOptions, subsetClasses, transferModel, type TransferOptions } from './transfer.js';

export interface TrainOptions {
  /** The recipe (model/recipes/index.ts): its name or the Recipe itself. Default 'tutorial'. */
  recipe?: string | Recipe;
  backend?: BackendChoice;
  /** Epoch limit, batch size and EarlyStopping patience: the recipe's unless given. */
  epochs?: number;
  batchSize?: number;
  seed?: number;
  /** Folder for the checkpoint, the saved model and the report. */
  outDir: string;
  dataDir?: string;
  /** Continue from outDir's checkpoint. */
  resume?: boolean;
  /** EarlyStopping patience (on the recipe's monitored metric). */
  patience?: number;
  /** Use only the first N training / test images (a holdout recipe then validates on the last 1/12 of the N). */
  trainLimit?: number;
  testLimit?: number;
  verbose?: 0 | 1 | 2;
  progress?: ProgressReporter;
  log?: (line: string) => void;
  /** Run before EarlyStopping and the checkpointer (the CLI passes TerminateOnNaN, which then keeps the last good checkpoint). */
  callbacks?: Callback[];
  /** The optimizer: a name (Keras's defaults) or an Optimizer made for this call; default the recipe's. */
  optimizer?: OptimizerName | Optimizer;
  /** What fit does when the WebGPU device is lost (FitOptions.onDeviceLost; the CLI's --on-device-lost). */
  onDeviceLost?: DeviceLostPolicy;
  /** Data-parallel replicas: this many worker threads share each batch (fit's `replicas`). Unset: none. */
  replicas?: number;
  /** Stop (as if the process died) after this many epochs of this call: for resume tests. */
  stopAfterEpochs?: number;
  /**
   * On WebGPU, tune the kernel variants for this model's shapes first (engine/backends/webgpu/tuner.ts;
   * cached per adapter in tuningCachePath(), so only the first run pays). Default true.
   */
  tune?: boolean;
  /**
   * Transfer learning and class subsets (model/transfer.ts): start from a saved model, freeze
   * layers, replace the head, train on some classes. With it, validation is on the held-out tail
   * of the training images, not the test set.
   */
  transfer?: TransferOptions;
}

/** The data a run trained and validated on. */
export interface RunSplits {
  train: FashionMnistSplit;
  validation: FashionMnistSplit;
  /** 'test': the test set (the tutorial's rule); 'holdout': the last training images, never trained on. */
  validationSource: 'test' | 'holdout';
  /** In words, for the log, the report and metrics.json. */
  description: string;
}

export interface TrainResult<M extends RecipeModel = RecipeModel> {
  recipe: Recipe;
  model: M;
  backend: Backend;
  /** The run's data: its classes, the images it trained on (without a held-out tail) and the test images. */
  data: FashionMnist;
  splits: RunSplits;
  /** The settings this run used (the recipe's, or the options that override them). */
  settings: { epochs: number; batchSize: number; seed: number; patience: number };
  history: { epoch: number[]; history: Record<string, number[]> };
  epochsRun: number;
  /** 0-based epoch whose weights were kept (EarlyStopping's best). */
  bestEpoch: number;
  stoppedEarly: boolean;
  secondsPerEpoch: number[];
  test: { loss: number; accuracy: number };
  testLogits: Float32Array;
  testPredictions: Int32Array;
  report: ClassificationReport;
}

/** The tutorial recipe: what `npm run train` did before there were recipes. */
export function trainTutorial(options: TrainOptions): Promise<TrainResult<Sequential>> {
  // The tutorial recipe builds the tutorial's Sequential (model/recipes/tutorial.ts).
  return trainRecipe({ ...options, recipe: 'tutorial' }) as Promise<TrainResult<Sequential>>;
}

/** Where a run validates: the test set, or the training tail (which it then does not train on). */
export function splitsFor(rule: ValidationRule, data: FashionMnist): RunSplits {
  if (rule === 'test') {
    return { train: data.train, validation: data.test, validationSource: 'test', description: `the ${data.test.count} test images (as the tutorial does)` };
  }
  const holdout = holdoutCount(data.train.count);
  const { train, validation } = holdoutTail(data.train, holdout);
  return {
    train, validation, validationSource: 'holdout',
    description: `the last ${holdout} training images, held out (trained on: the first ${train.count}); the test set is used once, at the end`,
  };
}

export async function trainRecipe(options: TrainOptions): Promise<TrainResult> {
  const log = options.log ?? console.log;
  const recipe = typeof options.recipe === 'object' ? options.recipe : recipeNamed(options.recipe ?? 'tutorial');
  const epochs = options.epochs ?? recipe.epochs;
  const batchSize = options.batchSize ?? recipe.batchSize;
  const seed = options.seed ?? 42;
  const patience = options.patience ?? recipe.patience;
  if (options.replicas !== undefined && (recipe.augment !== null || recipe.labelSmoothing > 0)) {
    throw new Error(`--replicas: recipe '${recipe.name}' trains with augmentation or label smoothing, which the replica workers do not run yet; train it without --replicas`);
  }

  if (options.transfer) checkTransferOptions(options.transfer);
  const fashion = loadFashionMnist({
    dataDir: options.dataDir,
    limit: { train: options.trainLimit, test: options.testLimit },
  });
  // Every class, or (model/transfer.ts, --classes) a subset of them, relabelled 0..k-1.
  const data = options.transfer?.classes ? subsetClasses(fashion, options.transfer.classes) : fashion;
  const classes = data.classNames.length;
  for (const r of data.rejected) if (r.dir) log(`warning: skipped ${r.origin} ${r.dir}: ${r.reason}`);
  log(`Fashion-MNIST from ${data.source.origin} (${data.source.dir})`);
  log(`train_images.shape: (${data.train.count}, 28, 28)   len(train_labels): ${data.train.count}`);
  log(`train_labels: [${Array.from(data.train.labels.subarray(0, 3)).join(' ')} ... ${Array.from(data.train.labels.subarray(-3)).join(' ')}]`);
  log(`test_images.shape: (${data.test.count}, 28, 28)   len(test_labels): ${data.test.count}`);
  // Transfer learning validates on the held-out tail whatever the recipe (model/transfer.ts).
  const splits = splitsFor(options.transfer ? 'holdout' : recipe.validation, data);
  log(`recipe ${recipe.name}: ${recipe.description}`);
  log(`validation data: ${splits.description}`);

  const choice = options.backend ?? 'auto';
  // 'auto' measures: a small training step on the CPU backend and on each installed driver (one
  // process each), cached per adapter and kernels version (node/auto-backend.ts).
  const backend = choice === 'auto'
    ? await nodeAutoBackend({ batch: Math.min(batchSize, 64), store: fileStore(tuningCachePath()), log, webgpu: { precompile: false } })
    : await init({ backend: choice, gpu: choice === 'cpu' ? null : safeNodeGPU(log), log, webgpu: { precompile: false } });
  // Only the pipelines this model's step launches are compiled (a third of all), concurrently,
  // with the tuned variants where the tuning cache has them (model/kernel-tuning.ts).
  if (backend instanceof WebGPUBackend) await prepareKernelsForStep(backend, () => recipe.build(0), batchSize, { tune: options.tune !== false, log });
  // The --init-from model (model/transfer.ts: loaded, its head replaced, layers frozen), or the recipe's.
  const model = options.transfer?.initFrom !== undefined
    ? await transferModel(options.transfer, classes, seed, log)
    : recipe.build(seed, classes);
  if (options.replicas !== undefined && model instanceof Model) {
    model.dispose();
    throw new Error(`--replicas: recipe '${recipe.name}' is a functional model, which the replica workers cannot rebuild yet; train it without --replicas`);
  }
  const optimizer = options.optimizer !== undefined
    ? getOptimizer(options.optimizer, 'trainRecipe')
    : recipe.optimizer({ stepsPerEpoch: Math.ceil(splits.train.count / batchSize), epochs });
  model.compile({ optimizer, metrics: ['accuracy'], labelSmoothing: recipe.labelSmoothing });
  model.summary(log);

  const early = new EarlyStopping({ monitor: recipe.monitor, patience, restoreBestWeights: true });
  const ckptPath = checkpointPath(options.outDir);
  const recipeIdentity = { name: recipe.name, augment: recipe.augment, labelSmoothing: recipe.labelSmoothing };
  // What --resume must find unchanged: the exact data trained and validated on.
  const dataDigests = {
    train: digestData(splits.train.images, splits.train.labels, splits.train.count),
    validation: digestData(splits.validation.images, splits.validation.labels, splits.validation.count),
  };
  for (const name of removeStaleTemporaries(ckptPath)) log(`removed ${name}, a temporary file left by an interrupted checkpoint write`);
  let initialEpoch = 0;
  let prior: { epoch: number[]; history: Record<string, number[]> } = { epoch: [], history: {} };
  let secondsPerEpoch: number[] = [];
  let alreadyStopped = false;
  if (options.resume) {
    const ckpt = readCheckpoint(ckptPath);
    const h = ckpt.header;
    checkResumable(ckptPath, h, { seed, batchSize, recipe: recipeIdentity, model, optimizer, early, data: dataDigests });
    restoreCheckpoint(ckptPath, ckpt, model, optimizer, early);
    initialEpoch = h.epoch;
    prior = h.history;
    secondsPerEpoch = h.secondsPerEpoch;
    const raised = patienceRaised(h, early);
    alreadyStopped = h.stopped && !raised?.resumesStoppedRun;
    log(`resuming from ${ckptPath} after epoch ${initialEpoch}`);
    if (raised) {
      log(
        `--patience ${raised.to} raises the checkpoint's ${raised.from}: the epochs so far are those of a run started with ${raised.to}, ` +
          `since a larger patience never stops sooner${raised.resumesStoppedRun ? `; EarlyStopping had ended this run, so it trains on from epoch ${initialEpoch + 1}` : ''}`,
      );
    }
  }

  let epochStarted = performance.now();
  let epochsThisCall = 0;
  const checkpointer: Callback = {
    async onEpochEnd(epoch: number, logs: EpochLogs, ctx) {
      secondsPerEpoch.push((performance.now() - epochStarted) / 1000);
      epochStarted = performance.now();
      prior.epoch.push(epoch);
      for (const [k, v] of Object.entries(logs)) (prior.history[k] ??= []).push(v as number);
      const ckpt = await captureCheckpoint({
        epoch: epoch + 1, stopped: ctx.stopTraining, seed, batchSize, recipe: recipeIdentity, model, optimizer, early,
        data: dataDigests, history: prior, secondsPerEpoch,
      });
      await writeCheckpoint(ckptPath, ckpt);
      epochsThisCall++;
      if (options.stopAfterEpochs !== undefined && epochsThisCall >= options.stopAfterEpochs) {
        throw new InterruptedForTest(epoch + 1);
      }
    },
  };

  const train = { values: splits.train.images, shape: [splits.train.count, 28, 28, 1] };
  const validation = { values: splits.validation.images, shape: [splits.validation.count, 28, 28, 1] };
  const test = { values: data.test.images, shape: [data.test.count, 28, 28, 1] };
  if (!alreadyStopped && initialEpoch < epochs) {
    epochStarted = performance.now();
    if (options.replicas !== undefined) log(`training on ${options.replicas} data-parallel replica${options.replicas === 1 ? '' : 's'} (worker threads, each with a CPU backend)`);
    await model.fit(train, splits.train.labels, {
      epochs, batchSize, seed, initialEpoch, shuffle: true, verbose: options.verbose ?? 1, progress: options.progress, replicas: options.replicas,
      onDeviceLost: options.onDeviceLost, augment: recipe.augment ?? undefined,
      validationData: [validation, splits.validation.labels],
      // EarlyStopping first, so the checkpoint holds its state after this epoch. The metrics log
      // writes an epoch's line before its checkpoint: a resume drops the lines of later epochs.
      callbacks: [...(options.callbacks ?? []), new MetricsLog(join(options.outDir, METRICS_LOG_FILE), Math.ceil(splits.train.count / batchSize)), early, checkpointer],
    });
  } else if (early.bestWeights) {
    model.setWeights(early.bestWeights);
  }

  // The test set, once: for a holdout recipe nothing above has looked at it.
  const result = await model.evaluate(test, data.test.labels);
  const testLogits = await model.predict(test);
  const testPredictions = argmaxRows(testLogits, classes);
  return {
    recipe, model, backend, data: { ...data, train: splits.train }, splits, settings: { epochs, batchSize, seed, patience }, history: prior, epochsRun: prior.epoch.length,
    bestEpoch: early.bestEpoch, stoppedEarly: prior.epoch.length < epochs,
    secondsPerEpoch, test: result, testLogits, testPredictions,
    report: classificationReport(data.test.labels, testPredictions, classes),
  };
}

/** Thrown by the checkpointer when `stopAfterEpochs` is reached (simulates a crash in tests). */
export class InterruptedForTest extends Error {
  constructor(readonly epochsDone: number) {
    super(`training interrupted after epoch ${epochsDone} (stopAfterEpochs)`);
  }
}

/**
 * Tunes the kernel variants for a training step at `batchSize`, recorded on a throwaway copy of
 * the model and a zero batch, so the run itself trains exactly as untuned (the same seed, the same
 * steps); the choices are cached per adapter and kernels version.
 */
function safeNodeGPU(log: (line: string) => void): GPU | null {
  try {
    return nodeGPU();
  } catch (e) {
    log(`note: the webgpu package could not load (${(e as Error).message}); WebGPU is unavailable`);
    return null;
  }
}
