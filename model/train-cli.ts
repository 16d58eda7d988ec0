/**
 * `npm run train` — a recipe (model/recipes/; the tutorial by default) end to end. See --help.
 * The exported pieces (parseTrainArgs, trainOptions, progressFor, main) are used by
 * test/reliability-cli.test.ts without a process.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { BackendChoice } from '../engine/init.js';
import { NonFiniteLossError, TerminateOnNaN } from '../engine/nn/callbacks.js';
import type { DeviceLostPolicy } from '../engine/nn/device-fallback.js';
import { lineReporter, type ProgressReporter } from '../engine/nn/training.js';
import { checkpointPath } from './checkpoint.js';
import { formatClassificationReport, formatConfusionMatrix } from './metrics.js';
import { METRICS_LOG_FILE } from './metrics-log.js';
import { kerasProgressBar } from './progress.js';
import { recipeNamed, recipesHelp, type Recipe } from './recipes/index.js';
import { saveLayersModel } from './saved-model.js';
import { writeTrainingReport } from './train-report.js';
import { trainRecipe, type TrainOptions, type TrainResult } from './train.js';
import { TRANSFER_ARG_OPTIONS, TRANSFER_HELP, transferOptionsFromArgs, type TransferOptions } from './transfer.js';

const HELP = `Usage: npm run train -- [--recipe NAME] [options]

Trains a Fashion-MNIST recipe (by default the CNN of the TensorFlow tutorial),
evaluates it on the test set, saves it (TensorFlow.js Layers format) and writes
an HTML report with every figure.

Recipes (--recipe NAME; model/recipes/):
${recipesHelp()}
  Expected times, CPU backend, this project's 2-core machine: each recipe's own
  full run (README, "Recipes"), its epoch times times the epoch limit, on the
  thread count named; early stopping may end a run sooner. On another machine,
  npx tsx bench/recipe-epoch.ts times an epoch from 40 steps.

  tutorial validates on the test set, as the tutorial does. Every other recipe
  holds out the last 5,000 training images (1/12 of a smaller --quick slice) for
  validation and EarlyStopping, and evaluates on the test set once, at the end.
  --epochs, --batch-size and --patience, when given, override the recipe's.

Options:
  --recipe NAME    tutorial (default), regularized, resnet or vit (see above); a checkpoint
                   records it, and --resume refuses another recipe's checkpoint
  --backend B      auto (default: times a small training step on the CPU backend and on
                   each installed WebGPU driver, each in a process of its own, and takes the
                   fastest; the figures are cached per adapter in WEBGPU_ENGINE_CACHE or
                   ~/.cache/webgpu-tensor-engine/tuning.json), webgpu (any adapter) or cpu.
                   On WebGPU the kernel variants are tuned for the model first (cached too)
  --epochs N       maximum epochs, at least 1 (default: the recipe's; tutorial 20)
  --batch-size N   at least 1 (default: the recipe's; tutorial 256)
  --seed N         weight initialisation and shuffling (default 42)
  --out DIR        output folder (default runs/latest): checkpoint.bin, model/, metrics.json,
                   metrics.jsonl (a JSON line per metrics read and per epoch), report/
  --data DIR       folder with the four Fashion-MNIST files (else FASHION_MNIST_DIR,
                   the repository's data/fashion-mnist, /usr/share/datasets/fashion-mnist)
  --patience N     early-stopping patience (default: the recipe's; tutorial 3, on val_loss)
  --quick          a first look: 6,000 training and 1,000 test images, 2 epochs (unless --epochs)
  --resume         continue from the checkpoint in --out (same recipe and settings; the
                   recipes' cosine schedules span the epoch limit, so the same --epochs too).
                   A larger --patience is allowed, and continues a run EarlyStopping ended
  --replicas N     data-parallel training on N worker threads, each with its own CPU
                   backend and 1/N of every batch; gradients are averaged, weighted by
                   each replica's share (default: no workers, the step runs in this thread)
  --verbose N      0 silent, 1 progress bar (default; when stdout is not a terminal, a line
                   every 50 steps instead), 2 one line per epoch
  --on-device-lost P
                   what a lost WebGPU device does: throw (default: an error naming the
                   epoch) or cpu (continue on the CPU backend from the weights of the last
                   epoch end, saying how many steps are redone)
  --no-terminate-on-nan
                   keep training after a NaN or infinite loss (by default training stops
                   there with an error naming the step and epoch, and the last good
                   checkpoint is kept)
Transfer learning and class subsets (model/transfer.ts):
${TRANSFER_HELP}  -h, --help       this text
`;

/** Steps between progress lines when stdout is not a terminal (CI, `npm run train > log`). */
export const PROGRESS_EVERY = 50;

/**
 * --verbose 1's progress: a redrawn bar on a terminal; otherwise a line every PROGRESS_EVERY
 * steps printed by the training loop itself (cli-progress's non-TTY mode waits for a timer that
 * a CPU epoch, which never yields, does not let run).
 */
export function progressFor(verbose: 0 | 1 | 2, stream: NodeJS.WriteStream = process.stdout): ProgressReporter | undefined {
  if (verbose !== 1) return undefined;
  if (stream.isTTY) return kerasProgressBar(stream);
  return lineReporter((line) => stream.write(`${line}\n`), { everySteps: PROGRESS_EVERY });
}

export interface TrainCliArgs {
  help: boolean;
  /** The recipe; epochs, batchSize and patience are its values unless the flags gave others. */
  recipe: Recipe;
  backend: BackendChoice;
  epochs: number;
  batchSize: number;
  seed: number;
  outDir: string;
  dataDir?: string;
  patience: number;
  quick: boolean;
  resume: boolean;
  replicas?: number;
  verbose: 0 | 1 | 2;
  terminateOnNaN: boolean;
  onDeviceLost: DeviceLostPolicy;
  /** --classes, --init-from, --freeze, --freeze-until, --new-head (model/transfer.ts). */
  transfer?: TransferOptions;
}

export function parseTrainArgs(argv: string[]): TrainCliArgs {
  const { values: a, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      // --- recipes: --epochs, --batch-size and --patience default to the recipe's values.
      recipe: { type: 'string', default: 'tutorial' },
      epochs: { type: 'string' },
      'batch-size': { type: 'string' },
      patience: { type: 'string' },
      // ---
      backend: { type: 'string', default: 'auto' },
      seed: { type: 'string', default: '42' },
      out: { type: 'string', default: 'runs/latest' },
      data: { type: 'string' },
      quick: { type: 'boolean', default: false },
      resume: { type: 'boolean', default: false },
      replicas: { type: 'string' },
      verbose: { type: 'string', default: '1' },
      'no-terminate-on-nan': { type: 'boolean', default: false },
      'on-device-lost': { type: 'string', default: 'throw' },
      help: { type: 'boolean', short: 'h', default: false },
      ...TRANSFER_ARG_OPTIONS,
    },
  });
  if (positionals.length > 0) throw new Error(`unexpected argument '${positionals[0]}' (see --help)`);
  const int = (name: string, v: string | undefined, fallback: number, min: 0 | 1): number => {
    const n = v === undefined ? fallback : v.trim() === '' ? NaN : Number(v);
    if (!Number.isInteger(n) || n < min) {
      throw new Error(`--${name} must be a ${min === 1 ? 'positive' : 'non-negative'} integer, got '${v}'`);
    }
    return n;
  };
  const backend = a.backend as BackendChoice;
  if (!['auto', 'webgpu', 'cpu'].includes(backend)) throw new Error(`--backend must be auto, webgpu or cpu, got '${a.backend}'`);
  const onDeviceLost = a['on-device-lost'] as DeviceLostPolicy;
  if (onDeviceLost !== 'throw' && onDeviceLost !== 'cpu') throw new Error(`--on-device-lost must be throw or cpu, got '${a['on-device-lost']}'`);
  const verbose = int('verbose', a.verbose, 1, 0);
  if (verbose > 2) throw new Error(`--verbose must be 0, 1 or 2, got '${a.verbose}'`);
  // --- recipes: a flag given overrides the recipe's setting.
  const recipe = recipeNamed(a.recipe!);
  const epochs = int('epochs', a.epochs, a.quick ? 2 : recipe.epochs, 1);
  const batchSize = int('batch-size', a['batch-size'], recipe.batchSize, 1);
  const patience = int('patience', a.patience, recipe.patience, 0);
  // ---
  const replicas = a.replicas === undefined ? undefined : int('replicas', a.replicas, 1, 1);
  if (replicas !== undefined && replicas > batchSize) {
    throw new Error(`--replicas (${replicas}) is more than --batch-size (${batchSize}); each replica takes a share of every batch`);
  }
  return {
    help: a.help ?? false,
    recipe,
    backend,
    epochs,
    batchSize,
    seed: int('seed', a.seed, 42, 0),
    outDir: resolve(a.out!),
    dataDir: a.data,
    patience,
    quick: a.quick ?? false,
    resume: a.resume ?? false,
    replicas,
    verbose: verbose as 0 | 1 | 2,
    terminateOnNaN: !a['no-terminate-on-nan'],
    onDeviceLost,
    transfer: transferOptionsFromArgs(a),
  };
}

/** What main passes to trainRecipe (without the log and progress, which are for the terminal). */
export function trainOptions(args: TrainCliArgs): TrainOptions {
  return {
    recipe: args.recipe,
    backend: args.backend,
    epochs: args.epochs,
    batchSize: args.batchSize,
    seed: args.seed,
    outDir: args.outDir,
    dataDir: args.dataDir,
    resume: args.resume,
    replicas: args.replicas,
    patience: args.patience,
    trainLimit: args.quick ? 6000 : undefined,
    testLimit: args.quick ? 1000 : undefined,
    verbose: args.verbose,
    callbacks: args.terminateOnNaN ? [new TerminateOnNaN()] : [],
    onDeviceLost: args.onDeviceLost,
    transfer: args.transfer,
  };
}

export async function main(argv: string[]): Promise<void> {
  const args = parseTrainArgs(argv);
  if (args.help) {
    process.stdout.write(HELP);
    return;
  }
  const outDir = args.outDir;
  mkdirSync(outDir, { recursive: true });
  const settings = { maxEpochs: args.epochs, batchSize: args.batchSize, seed: args.seed };
  let r: TrainResult;
  try {
    r = await trainRecipe({ ...trainOptions(args), progress: progressFor(args.verbose) });
  } catch (e) {
    if (e instanceof NonFiniteLossError) {
      // Epochs 0..e.epoch-1 ended with finite losses; the checkpointer wrote the last of them.
      const kept = e.epoch > 0
        ? `the last good checkpoint, from the end of epoch ${e.epoch}, is kept in ${checkpointPath(outDir)}`
        : 'the first epoch had not ended, so no checkpoint was written';
      throw new Error(`${e.message}. The model was not saved; ${kept}.`);
    }
    throw e;
  }
  console.log(`\nTest loss: ${r.test.loss.toFixed(4)}   Test accuracy: ${r.test.accuracy.toFixed(4)}   (recipe ${r.recipe.name})`);
  console.log(`Validation data: ${r.splits.description}`);
  console.log(`Epochs run: ${r.epochsRun}${r.stoppedEarly ? ' (stopped early)' : ''}; best epoch: ${r.bestEpoch + 1}; backend: ${r.backend.describe()}`);
  const names = r.data.classNames;
  console.log(`\n${formatClassificationReport(r.report, names, 4)}`);
  console.log(`\nConfusion matrix (rows: true class, columns: predicted)\n${formatConfusionMatrix(r.report.confusion, names)}`);

  const summary = {
    recipe: r.recipe.name, validation: r.splits.description,
    backend: r.backend.describe(), epochsRun: r.epochsRun, bestEpoch: r.bestEpoch + 1, stoppedEarly: r.stoppedEarly,
    secondsPerEpoch: r.secondsPerEpoch, test: r.test, history: r.history, report: r.report,
    ...(args.transfer ? { transfer: args.transfer, classNames: r.data.classNames } : {}),
  };
  writeFileSync(join(outDir, 'metrics.json'), JSON.stringify(summary, null, 2));
  const saved = await saveLayersModel(r.model, join(outDir, 'model'));
  console.log(`\nSaved the model (TensorFlow.js Layers format): ${saved.modelJson}`);
  console.log(`Wrote ${join(outDir, 'metrics.json')} (and the metrics log ${join(outDir, METRICS_LOG_FILE)} during training)`);
  const report = await writeTrainingReport(r, settings, outDir);
  for (const w of report.warnings) console.warn(`report warning: ${w}`);
  console.log(`Wrote the report: ${report.htmlPath} (and ${Object.keys(report.figures).length} PNG figures beside it)`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((e: Error) => {
    console.error(`train: ${e.message}`);
    process.exit(1);
  });
}
