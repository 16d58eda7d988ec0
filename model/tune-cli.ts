/**
 * `npm run tune` — random search over the tutorial CNN's hyperparameters (model/tune/). See --help.
 * parseTuneArgs and main are exported for test/tune.test.ts.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Backend } from '../engine/backends/backend.js';
import { type BackendChoice, init } from '../engine/init.js';
import { WebGPUBackend } from '../engine/backends/webgpu/webgpu-backend.js';
import { nodeAutoBackend } from '../node/auto-backend.js';
import { fileStore } from '../node/tune-store.js';
import { nodeGPU } from '../node/webgpu.js';
import { loadFashionMnist } from './data/fashion-mnist.js';
import { DEFAULT_HOLDOUT, holdoutTail, sliceSplit } from './data/splits.js';
import { saveModel } from './tfjs-format-node.js';
import { tuneKernelsForStep, tuningCachePath } from './kernel-tuning.js';
import { writeTuneReport } from './tune/report.js';
import { resultsTable, type ResultsFile, writeResults } from './tune/results.js';
import { randomSearch, type SearchResult, type TrialResult } from './tune/search.js';
import { readSpaceFile } from './tune/space.js';

const HELP = `Usage: npm run tune -- --space FILE --trials N [options]

Random search over the tutorial CNN's hyperparameters. Each trial trains with
EarlyStopping on val_loss (restoring its best epoch) and is judged on held-out
validation data: the last 5,000 training images, never the test set. The best
trial's model is evaluated once on the test set and saved (TensorFlow.js Layers
format). Writes results.json, results.csv, best-model/, trials/<n>/metrics.jsonl
and report/tune-report.html into --out.

Options:
  --space FILE     the search space, a JSON object (see model/tune/example-space.json
                   and the README's "Hyperparameter search"): per hyperparameter
                   (learningRate, batchSize, optimizer, dropout, l2, epochs) a list of
                   choices [a, b, ...], a range {"min": a, "max": b, "log": true|false},
                   or one fixed value
  --trials N       at most N trials (required)
  --minutes M      time budget: no trial starts after M minutes, and the one running
                   stops at its next epoch end (the first trial always runs)
  --seed N         the trials' draws, initial weights and shuffles (default 42)
  --out DIR        output folder (default runs/tune)
  --backend B      auto (default), webgpu or cpu, as npm run train
  --data DIR       folder with the four Fashion-MNIST files
  --epochs N       the epoch cap of a trial when the space has no "epochs" (default 20)
  --patience N     EarlyStopping's patience on val_loss (default 3)
  --holdout N      validation images, from the end of the training set (default 5000)
  --train-limit N  train on only the first N of the remaining training images
  --test-limit N   evaluate the best model on only the first N test images
  --verbose N      0 (default: a line per trial), 1 progress within epochs, 2 a line per epoch
  -h, --help       this text

Time: a trial costs what npm run train costs for the same images and epochs. On
this project's 2-core machine, quiet, the CPU backend took 42-47 s per epoch of
60,000 training and 10,000 validation images (the README's tutorial run), so a
full search of N trials of up to E epochs takes up to about N*E*40 s.
`;

export interface TuneCliArgs {
  help: boolean;
  space: string;
  trials: number;
  minutes?: number;
  seed: number;
  outDir: string;
  backend: BackendChoice;
  dataDir?: string;
  epochs: number;
  patience: number;
  holdout: number;
  trainLimit?: number;
  testLimit?: number;
  verbose: 0 | 1 | 2;
}

export function parseTuneArgs(argv: string[]): TuneCliArgs {
  const { values: a, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      space: { type: 'string' },
      trials: { type: 'string' },
      minutes: { type: 'string' },
      seed: { type: 'string', default: '42' },
      out: { type: 'string', default: 'runs/tune' },
      backend: { type: 'string', default: 'auto' },
      data: { type: 'string' },
      epochs: { type: 'string', default: '20' },
      patience: { type: 'string', default: '3' },
      holdout: { type: 'string', default: String(DEFAULT_HOLDOUT) },
      'train-limit': { type: 'string' },
      'test-limit': { type: 'string' },
      verbose: { type: 'string', default: '0' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (a.help) return { help: true } as TuneCliArgs;
  if (positionals.length > 0) throw new Error(`unexpected argument '${positionals[0]}' (see --help)`);
  const int = (name: string, v: string | undefined, min: 0 | 1): number => {
    const n = v === undefined || v.trim() === '' ? NaN : Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a ${min === 1 ? 'positive' : 'non-negative'} integer, got '${v ?? ''}'`);
    return n;
  };
  if (a.space === undefined) throw new Error('--space FILE is required (see model/tune/example-space.json)');
  if (a.trials === undefined) throw new Error('--trials N is required');
  let minutes: number | undefined;
  if (a.minutes !== undefined) {
    minutes = a.minutes.trim() === '' ? NaN : Number(a.minutes);
    if (!(Number.isFinite(minutes) && minutes > 0)) throw new Error(`--minutes must be a number > 0, got '${a.minutes}'`);
  }
  const backend = a.backend as BackendChoice;
  if (!['auto', 'webgpu', 'cpu'].includes(backend)) throw new Error(`--backend must be auto, webgpu or cpu, got '${a.backend}'`);
  const verbose = int('verbose', a.verbose, 0);
  if (verbose > 2) throw new Error(`--verbose must be 0, 1 or 2, got '${a.verbose}'`);
  return {
    help: false,
    space: a.space,
    trials: int('trials', a.trials, 1),
    minutes,
    seed: int('seed', a.seed, 0),
    outDir: resolve(a.out!),
    backend,
    dataDir: a.data,
    epochs: int('epochs', a.epochs, 1),
    patience: int('patience', a.patience, 0),
    holdout: int('holdout', a.holdout, 1),
    trainLimit: a['train-limit'] === undefined ? undefined : int('train-limit', a['train-limit'], 1),
    testLimit: a['test-limit'] === undefined ? undefined : int('test-limit', a['test-limit'], 1),
    verbose: verbose as 0 | 1 | 2,
  };
}

async function openBackend(choice: BackendChoice, log: (line: string) => void): Promise<Backend> {
  // Pipelines compile per trial, just the model's (tuneKernelsForStep in beforeTrial), not all up front.
  if (choice === 'auto') return nodeAutoBackend({ batch: 64, store: fileStore(tuningCachePath()), log, webgpu: { precompile: false } });
  return init({ backend: choice, gpu: choice === 'cpu' ? null : nodeGPU(), log, webgpu: { precompile: false } });
}

export interface TuneRun {
  result: SearchResult;
  modelDir: string;
  reportPath: string;
  resultsJson: string;
}

export async function main(argv: string[], log: (line: string) => void = console.log): Promise<TuneRun | null> {
  const args = parseTuneArgs(argv);
  if (args.help) {
    process.stdout.write(HELP);
    return null;
  }
  // The space first: a typo in it should not wait for the data and the backend.
  const space = readSpaceFile(args.space);
  const data = loadFashionMnist({ dataDir: args.dataDir, limit: { test: args.testLimit } });
  const { train: rest, validation } = holdoutTail(data.train, args.holdout);
  const train = args.trainLimit === undefined ? rest : sliceSplit(rest, 0, Math.min(args.trainLimit, rest.count));
  log(`Fashion-MNIST from ${data.source.origin} (${data.source.dir}): training on ${train.count} images, ` +
    `validating on the last ${validation.count} training images, testing the best trial on ${data.test.count} test images`);
  const backend = await openBackend(args.backend, log);
  log(`backend: ${backend.describe()}`);

  const outDir = args.outDir;
  mkdirSync(outDir, { recursive: true });
  const settings = {
    trials: args.trials, minutes: args.minutes ?? null, epochsCap: args.epochs, patience: args.patience, holdout: validation.count,
    trainImages: train.count, testImages: data.test.count, backend: backend.describe(), spaceFile: resolve(args.space),
    date: new Date().toISOString(),
  };
  const done: TrialResult[] = [];
  const file = (): ResultsFile => ({ space, seed: args.seed, settings, trials: done });
  const result = await randomSearch({
    space, trials: args.trials, minutes: args.minutes, seed: args.seed, data: { train, validation, test: data.test },
    base: { epochs: args.epochs }, patience: args.patience, outDir, verbose: args.verbose, log,
    // On WebGPU the kernel variants are chosen by measurement for each trial's batch size, as
    // npm run train does (cached: a batch size seen before costs nothing).
    beforeTrial: backend instanceof WebGPUBackend ? (h, build) => tuneKernelsForStep(backend, build, h.batchSize, log) : undefined,
    onTrial: async (t) => {
      done.push(t);
      await writeResults(outDir, file());
    },
  });
  try {
    const modelDir = join(outDir, 'best-model');
    await saveModel(result.bestModel, modelDir);
    const written = await writeResults(outDir, {
      ...file(), best: { trial: result.best.trial, test: result.test, modelDir }, stoppedBy: result.stoppedBy, seconds: result.seconds,
    });
    log(`\n${resultsTable(result.trials, result.best.trial)}\n`);
    log(`${result.trials.length} trial(s) in ${result.seconds.toFixed(1)} s; the search ended by ${result.stoppedBy}.`);
    log(`Best: trial ${result.best.trial} (val_loss ${result.best.valLoss.toFixed(4)} on the held-out images). ` +
      `Test loss ${result.test.loss.toFixed(4)}, test accuracy ${result.test.accuracy.toFixed(4)} (the test set's only use).`);
    log(`Saved the best model (TensorFlow.js Layers format): ${modelDir}`);
    const facts: Record<string, string> = {
      Backend: backend.describe(),
      Date: settings.date,
      'Training images': `${train.count} (the first of the training set)`,
      'Validation images': `${validation.count} (the last of the training set)`,
      'Test images': String(data.test.count),
      'Budget': `${args.trials} trials${args.minutes !== undefined ? `, ${args.minutes} minutes` : ''}`,
      'Early stopping': `monitor='val_loss', patience=${args.patience}, restore_best_weights=True`,
      'Space file': resolve(args.space),
    };
    const report = await writeTuneReport({ result, space, facts, modelDir }, join(outDir, 'report'));
    for (const w of report.warnings) console.warn(`report warning: ${w}`);
    log(`Wrote ${written.json}, ${written.csv} and the report ${report.htmlPath}`);
    return { result, modelDir, reportPath: report.htmlPath, resultsJson: written.json };
  } finally {
    result.bestModel.dispose();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((e: Error) => {
    console.error(`tune: ${e.message}`);
    process.exit(1);
  });
}
