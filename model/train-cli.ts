/**
 * `npm run train` — the tutorial end to end. See --help.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { BackendChoice } from '../engine/init.js';
import { formatClassificationReport, formatConfusionMatrix } from './metrics.js';
import { kerasProgressBar } from './progress.js';
import { saveModel } from './tfjs-format-node.js';
import { writeTrainingReport } from './train-report.js';
import { trainTutorial } from './train.js';

const HELP = `Usage: npm run train -- [options]

Trains the Fashion-MNIST CNN of the TensorFlow tutorial, evaluates it, saves it
(TensorFlow.js Layers format) and writes an HTML report with every figure.

Options:
  --backend B      auto (default: WebGPU when a hardware adapter exists, else the CPU;
                   software adapters such as SwiftShader are skipped, being slower than
                   the CPU backend), webgpu (any adapter) or cpu
  --epochs N       maximum epochs (default 20; early stopping on val_loss, patience 3)
  --batch-size N   default 256
  --seed N         weight initialisation and shuffling (default 42)
  --out DIR        output folder (default runs/latest): checkpoint.bin, model/, report/
  --data DIR       folder with the four Fashion-MNIST files (else FASHION_MNIST_DIR,
                   the repository's data/fashion-mnist, /usr/share/datasets/fashion-mnist)
  --patience N     early-stopping patience (default 3)
  --quick          a first look: 6,000 training and 1,000 test images, 2 epochs
  --resume         continue from the checkpoint in --out
  --verbose N      0 silent, 1 progress bar (default), 2 one line per epoch
  -h, --help       this text
`;

async function main(argv: string[]): Promise<void> {
  const { values: a } = parseArgs({
    args: argv,
    options: {
      backend: { type: 'string', default: 'auto' },
      epochs: { type: 'string' },
      'batch-size': { type: 'string', default: '256' },
      seed: { type: 'string', default: '42' },
      out: { type: 'string', default: 'runs/latest' },
      data: { type: 'string' },
      patience: { type: 'string', default: '3' },
      quick: { type: 'boolean', default: false },
      resume: { type: 'boolean', default: false },
      verbose: { type: 'string', default: '1' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (a.help) {
    process.stdout.write(HELP);
    return;
  }
  const int = (name: string, v: string | undefined, fallback: number): number => {
    const n = v === undefined ? fallback : Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got '${v}'`);
    return n;
  };
  const backend = a.backend as BackendChoice;
  if (!['auto', 'webgpu', 'cpu'].includes(backend)) throw new Error(`--backend must be auto, webgpu or cpu, got '${a.backend}'`);
  const verbose = int('verbose', a.verbose, 1);
  if (verbose > 2) throw new Error(`--verbose must be 0, 1 or 2`);
  const outDir = resolve(a.out!);
  mkdirSync(outDir, { recursive: true });

  const settings = {
    maxEpochs: int('epochs', a.epochs, a.quick ? 2 : 20),
    batchSize: int('batch-size', a['batch-size'], 256),
    seed: int('seed', a.seed, 42),
  };
  const r = await trainTutorial({
    backend,
    epochs: settings.maxEpochs,
    batchSize: settings.batchSize,
    seed: settings.seed,
    outDir,
    dataDir: a.data,
    resume: a.resume,
    patience: int('patience', a.patience, 3),
    trainLimit: a.quick ? 6000 : undefined,
    testLimit: a.quick ? 1000 : undefined,
    verbose: verbose as 0 | 1 | 2,
    progress: verbose === 1 ? kerasProgressBar() : undefined,
  });

  console.log(`\nTest loss: ${r.test.loss.toFixed(4)}   Test accuracy: ${r.test.accuracy.toFixed(4)}`);
  console.log(`Epochs run: ${r.epochsRun}${r.stoppedEarly ? ' (stopped early)' : ''}; best epoch: ${r.bestEpoch + 1}; backend: ${r.backend.describe()}`);
  const names = r.data.classNames;
  console.log(`\n${formatClassificationReport(r.report, names, 4)}`);
  console.log(`\nConfusion matrix (rows: true class, columns: predicted)\n${formatConfusionMatrix(r.report.confusion, names)}`);

  const summary = {
    backend: r.backend.describe(), epochsRun: r.epochsRun, bestEpoch: r.bestEpoch + 1, stoppedEarly: r.stoppedEarly,
    secondsPerEpoch: r.secondsPerEpoch, test: r.test, history: r.history, report: r.report,
  };
  writeFileSync(join(outDir, 'metrics.json'), JSON.stringify(summary, null, 2));
  const saved = await saveModel(r.model, join(outDir, 'model'));
  console.log(`\nSaved the model (TensorFlow.js Layers format): ${saved.modelJson}`);
  console.log(`Wrote ${join(outDir, 'metrics.json')}`);
  const report = await writeTrainingReport(r, settings, outDir);
  for (const w of report.warnings) console.warn(`report warning: ${w}`);
  console.log(`Wrote the report: ${report.htmlPath} (and ${Object.keys(report.figures).length} PNG figures beside it)`);
}

main(process.argv.slice(2)).catch((e: Error) => {
  console.error(`train: ${e.message}`);
  process.exit(1);
});
