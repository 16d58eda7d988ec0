/**
 * The tutorial as a program: load Fashion-MNIST, build the CNN, train it with
 * early stopping (checkpointing every epoch, resumable), evaluate it, and
 * return everything a report needs. The CLI (train-cli.ts) parses arguments and
 * calls trainTutorial; tests call it directly on small subsets.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { DeviceLostPolicy } from '../engine/nn/device-fallback.js';
import type { Backend } from '../engine/backends/backend.js';
import { init, type BackendChoice } from '../engine/init.js';
import { EarlyStopping, type Callback, type EpochLogs } from '../engine/nn/callbacks.js';
import type { ProgressReporter } from '../engine/nn/training.js';
import type { Optimizer } from '../engine/optim/optimizer.js';
import { Adam } from '../engine/optim/adam.js';
import { getOptimizer, type OptimizerName } from '../engine/optim/registry.js';
import type { Sequential } from '../engine/nn/sequential.js';
import { tuneWithCache } from '../engine/backends/webgpu/tuner.js';
import { WebGPUBackend } from '../engine/backends/webgpu/webgpu-backend.js';
import { trainStep } from '../engine/nn/train-step.js';
import { tensor, zeros } from '../engine/tensor.js';
import { nodeAutoBackend } from '../node/auto-backend.js';
import { fileStore } from '../node/tune-store.js';
import { nodeGPU } from '../node/webgpu.js';
import { checkpointPath, readCheckpoint, removeStaleTemporaries, writeCheckpoint } from './checkpoint.js';
import { captureCheckpoint, checkResumable, digestData, restoreCheckpoint } from './checkpoint-state.js';
import { tutorialCnn } from './cnn.js';
import { loadFashionMnist, type FashionMnist } from './data/fashion-mnist.js';
import { argmaxRows, classificationReport, type ClassificationReport } from './metrics.js';
import { METRICS_LOG_FILE, MetricsLog } from './metrics-log.js';
import { checkTransferOptions, transferData, transferModel, type TransferOptions } from './transfer.js';

export interface TrainOptions {
  backend?: BackendChoice;
  epochs?: number;
  batchSize?: number;
  seed?: number;
  /** Folder for the checkpoint, the saved model and the report. */
  outDir: string;
  dataDir?: string;
  /** Continue from outDir's checkpoint. */
  resume?: boolean;
  /** EarlyStopping patience on val_loss (the tutorial's 3). */
  patience?: number;
  /** Use only the first N training / test images. */
  trainLimit?: number;
  testLimit?: number;
  verbose?: 0 | 1 | 2;
  progress?: ProgressReporter;
  log?: (line: string) => void;
  /** Run before EarlyStopping and the checkpointer (the CLI passes TerminateOnNaN, which then keeps the last good checkpoint). */
  callbacks?: Callback[];
  /** The optimizer: a name (Keras's defaults; 'adam' by default) or an Optimizer made for this call. */
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

export interface TrainResult {
  model: Sequential;
  backend: Backend;
  data: FashionMnist;
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

export async function trainTutorial(options: TrainOptions): Promise<TrainResult> {
  const log = options.log ?? console.log;
  const epochs = options.epochs ?? 20;
  const batchSize = options.batchSize ?? 256;
  const seed = options.seed ?? 42;
  const patience = options.patience ?? 3;

  if (options.transfer) checkTransferOptions(options.transfer);
  const fashion = loadFashionMnist({
    dataDir: options.dataDir,
    limit: { train: options.trainLimit, test: options.testLimit },
  });
  // The tutorial's data, or (model/transfer.ts) a class subset validated on the held-out tail.
  const { data, validation } = transferData(fashion, options.transfer);
  const classes = data.classNames.length;
  if (options.transfer) log(`validation: ${validation.count} held-out training images (the last 1/12), not the test set`);
  for (const r of data.rejected) if (r.dir) log(`warning: skipped ${r.origin} ${r.dir}: ${r.reason}`);
  log(`Fashion-MNIST from ${data.source.origin} (${data.source.dir})`);
  log(`train_images.shape: (${data.train.count}, 28, 28)   len(train_labels): ${data.train.count}`);
  log(`train_labels: [${Array.from(data.train.labels.subarray(0, 3)).join(' ')} ... ${Array.from(data.train.labels.subarray(-3)).join(' ')}]`);
  log(`test_images.shape: (${data.test.count}, 28, 28)   len(test_labels): ${data.test.count}`);

  const choice = options.backend ?? 'auto';
  // 'auto' measures: a small training step on the CPU backend and on each installed driver (one
  // process each), cached per adapter and kernels version (node/auto-backend.ts).
  const backend = choice === 'auto'
    ? await nodeAutoBackend({ batch: Math.min(batchSize, 64), store: fileStore(tuningCachePath()), log })
    : await init({ backend: choice, gpu: choice === 'cpu' ? null : safeNodeGPU(log), log });
  if (backend instanceof WebGPUBackend && options.tune !== false) await tuneForTraining(backend, batchSize, log);
  const model = options.transfer?.initFrom !== undefined
    ? await transferModel(options.transfer, classes, seed, log)
    : tutorialCnn(seed, classes);
  const optimizer = getOptimizer(options.optimizer ?? 'adam', 'trainTutorial');
  model.compile({ optimizer, metrics: ['accuracy'] });
  model.summary(log);

  const early = new EarlyStopping({ monitor: 'val_loss', patience, restoreBestWeights: true });
  const ckptPath = checkpointPath(options.outDir);
  // What --resume must find unchanged: the exact data trained and validated on.
  const dataDigests = {
    train: digestData(data.train.images, data.train.labels, data.train.count),
    validation: digestData(validation.images, validation.labels, validation.count),
  };
  for (const name of removeStaleTemporaries(ckptPath)) log(`removed ${name}, a temporary file left by an interrupted checkpoint write`);
  let initialEpoch = 0;
  let prior: { epoch: number[]; history: Record<string, number[]> } = { epoch: [], history: {} };
  let secondsPerEpoch: number[] = [];
  let alreadyStopped = false;
  if (options.resume) {
    const ckpt = readCheckpoint(ckptPath);
    const h = ckpt.header;
    checkResumable(ckptPath, h, { seed, batchSize, model, optimizer, early, data: dataDigests });
    restoreCheckpoint(ckptPath, ckpt, model, optimizer, early);
    initialEpoch = h.epoch;
    prior = h.history;
    secondsPerEpoch = h.secondsPerEpoch;
    alreadyStopped = h.stopped;
    log(`resuming from ${ckptPath} after epoch ${initialEpoch}`);
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
        epoch: epoch + 1, stopped: ctx.stopTraining, seed, batchSize, model, optimizer, early,
        data: dataDigests, history: prior, secondsPerEpoch,
      });
      await writeCheckpoint(ckptPath, ckpt);
      epochsThisCall++;
      if (options.stopAfterEpochs !== undefined && epochsThisCall >= options.stopAfterEpochs) {
        throw new InterruptedForTest(epoch + 1);
      }
    },
  };

  const train = { values: data.train.images, shape: [data.train.count, 28, 28, 1] };
  const test = { values: data.test.images, shape: [data.test.count, 28, 28, 1] };
  if (!alreadyStopped && initialEpoch < epochs) {
    epochStarted = performance.now();
    if (options.replicas !== undefined) log(`training on ${options.replicas} data-parallel replica${options.replicas === 1 ? '' : 's'} (worker threads, each with a CPU backend)`);
    await model.fit(train, data.train.labels, {
      epochs, batchSize, seed, initialEpoch, shuffle: true, verbose: options.verbose ?? 1, progress: options.progress, replicas: options.replicas,
      onDeviceLost: options.onDeviceLost,
      validationData: [{ values: validation.images, shape: [validation.count, 28, 28, 1] }, validation.labels],
      // EarlyStopping first, so the checkpoint holds its state after this epoch. The metrics log
      // writes an epoch's line before its checkpoint: a resume drops the lines of later epochs.
      callbacks: [...(options.callbacks ?? []), new MetricsLog(join(options.outDir, METRICS_LOG_FILE), Math.ceil(data.train.count / batchSize)), early, checkpointer],
    });
  } else if (early.bestWeights) {
    model.setWeights(early.bestWeights);
  }

  const result = await model.evaluate(test, data.test.labels);
  const testLogits = await model.predict(test);
  const testPredictions = argmaxRows(testLogits, classes);
  return {
    model, backend, data, history: prior, epochsRun: prior.epoch.length,
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
async function tuneForTraining(backend: WebGPUBackend, batchSize: number, log: (line: string) => void): Promise<void> {
  const probe = tutorialCnn(0);
  probe.build();
  const x = zeros([batchSize, 28, 28, 1]);
  const y = tensor(new Int32Array(batchSize), [batchSize], 'int32');
  try {
    const opt = new Adam();
    const r = await tuneWithCache(backend, () => trainStep(probe, opt, x, y).dispose(), { store: fileStore(tuningCachePath()), log });
    if (r.rows.length) log(`tuned ${r.rows.length} kernel shapes in ${(r.ms / 1000).toFixed(1)} s (once per adapter; cached in ${tuningCachePath()})`);
  } finally {
    x.dispose();
    y.dispose();
    probe.dispose();
  }
}

/** Where measured choices are kept between runs: WEBGPU_ENGINE_CACHE, else ~/.cache/webgpu-tensor-engine/tuning.json. */
export function tuningCachePath(): string {
  return process.env.WEBGPU_ENGINE_CACHE ?? join(homedir(), '.cache', 'webgpu-tensor-engine', 'tuning.json');
}

function safeNodeGPU(log: (line: string) => void): GPU | null {
  try {
    return nodeGPU();
  } catch (e) {
    log(`note: the webgpu package could not load (${(e as Error).message}); WebGPU is unavailable`);
    return null;
  }
}
