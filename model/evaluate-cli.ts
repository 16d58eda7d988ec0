/**
 * `npm run evaluate` — the test loss and accuracy of one or more saved models and, for several,
 * of their ensemble (model/ensemble.ts). See HELP. parseEvaluateArgs and main are exported for
 * test/ensemble.test.ts.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Ensemble, parseModelList, parseWeightList, scoreProbabilities } from './ensemble.js';
import { loadFashionMnist } from './data/fashion-mnist.js';
import { classSubset } from './data/splits.js';
import { setUpBackend } from './predict-cli.js';
import { parseClassList } from './transfer.js';

export const HELP = `Usage: npm run evaluate -- --model DIR[,DIR...] [options]

Evaluates saved models (TensorFlow.js Layers format, as npm run train writes them
in <out>/model; Sequential or functional) on the Fashion-MNIST test set and prints
each model's test loss and accuracy. With several models it also prints their
ensemble's: the weighted mean of the models' class probabilities (softmax of
their logits). The models may differ in architecture but must take the same
input and have the same number of classes.

Loss: the mean of -log(p[true class]) over the test images, p clipped to
[1e-7, 1] as Keras does for probabilities, for each model and the ensemble alike.

Options:
  --model DIRS     one saved model's folder, or several, comma-separated (default
                   runs/latest/model)
  --weights W      one positive weight per model, comma-separated (normalised to
                   sum 1; default equal weights)
  --test-limit N   the first N test images only (default all 10,000)
  --classes LIST   for models trained with npm run train -- --classes LIST: keep the
                   test images of these classes, relabelled 0..k-1 in this order
  --batch-size N   images per predict batch (default 256)
  --data DIR       folder with the Fashion-MNIST files (else FASHION_MNIST_DIR, the
                   repository's data/fashion-mnist, /usr/share/datasets/fashion-mnist)
  --backend B      cpu (default), webgpu or auto
  -h, --help       this text
`;

export interface EvaluateOptions {
  models: string[];
  weights?: number[];
  testLimit?: number;
  classes?: number[];
  batchSize: number;
  data?: string;
  backend: 'cpu' | 'webgpu' | 'auto';
  help: boolean;
}

export function parseEvaluateArgs(argv: string[]): EvaluateOptions {
  const { values: a, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      model: { type: 'string', default: 'runs/latest/model' },
      weights: { type: 'string' },
      'test-limit': { type: 'string' },
      classes: { type: 'string' },
      'batch-size': { type: 'string', default: '256' },
      data: { type: 'string' },
      backend: { type: 'string', default: 'cpu' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (positionals.length > 0) throw new Error(`unexpected argument '${positionals[0]}' (see --help)`);
  const positive = (flag: string, v: string) => {
    const n = v.trim() === '' ? NaN : Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a positive integer, got '${v}'`);
    return n;
  };
  const backend = a.backend as EvaluateOptions['backend'];
  if (!['cpu', 'webgpu', 'auto'].includes(backend)) throw new Error(`--backend must be cpu, webgpu or auto, got '${a.backend}'`);
  const models = parseModelList(a.model!, '--model');
  const weights = a.weights === undefined ? undefined : parseWeightList(a.weights);
  if (weights && weights.length !== models.length) throw new Error(`--weights: expected one weight per --model folder (${models.length}), got ${weights.length}`);
  return {
    models,
    weights,
    testLimit: a['test-limit'] === undefined ? undefined : positive('--test-limit', a['test-limit']),
    classes: a.classes === undefined ? undefined : parseClassList(a.classes),
    batchSize: positive('--batch-size', a['batch-size']!),
    data: a.data,
    backend,
    help: a.help ?? false,
  };
}

export interface ModelScore {
  /** The folder as given, or 'ensemble'. */
  name: string;
  /** The normalised weight in the ensemble (absent on the ensemble's own row). */
  weight?: number;
  loss: number;
  accuracy: number;
}

export interface EvaluateResult {
  /** One row per model, then (for several models) the ensemble's. */
  rows: ModelScore[];
  testImages: number;
  lines: string[];
}

export async function main(argv: string[], print: (line: string) => void = console.log): Promise<EvaluateResult | null> {
  const o = parseEvaluateArgs(argv);
  if (o.help) {
    print(HELP.trimEnd());
    return null;
  }
  const backendName = await setUpBackend(o.backend);
  const fashion = loadFashionMnist({ dataDir: o.data, limit: { train: 0, test: o.testLimit } });
  const test = o.classes ? classSubset(fashion.test, o.classes, true) : fashion.test;
  if (test.count === 0) throw new Error(`the first ${fashion.test.count} test images hold no image of classes ${o.classes!.join(', ')}`);
  const ensemble = await Ensemble.load(o.models, o.weights, '--weights');
  try {
    const expected = o.classes?.length ?? fashion.classNames.length;
    if (ensemble.classes !== expected) {
      const hint = o.classes ? '' : ` (a model trained with --classes LIST is evaluated with --classes LIST)`;
      throw new Error(`the models output ${ensemble.classes} classes but the test labels have ${expected}${o.classes ? ` (--classes ${o.classes.join(',')})` : ''}${hint}`);
    }
    const x = { values: test.images, shape: [test.count, ...ensemble.inputShape] };
    const perModel = await ensemble.memberProbabilities(x, { batchSize: o.batchSize });
    const rows: ModelScore[] = ensemble.members.map((m, i) => ({ name: m.dir, weight: m.weight, ...scoreProbabilities(perModel[i], test.labels, ensemble.classes) }));
    if (ensemble.members.length > 1) rows.push({ name: 'ensemble', ...scoreProbabilities(ensemble.combine(perModel), test.labels, ensemble.classes) });
    const pad = Math.max(5, ...rows.map((r) => r.name.length));
    const lines = [
      `Test set: ${test.count.toLocaleString('en-US')} Fashion-MNIST test images${o.classes ? ` of classes ${o.classes.join(', ')}` : ''} (${fashion.source.dir}); backend ${backendName}`,
      `${'model'.padEnd(pad)}  weight  test loss  test accuracy`,
      ...rows.map((r) => `${r.name.padEnd(pad)}  ${r.weight === undefined ? '      ' : r.weight.toFixed(3).padStart(6)}  ${r.loss.toFixed(4).padStart(9)}  ${(100 * r.accuracy).toFixed(2).padStart(12)}%`),
    ];
    lines.forEach((l) => print(l));
    return { rows, testImages: test.count, lines };
  } finally {
    ensemble.dispose();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((e: Error) => {
    console.error(`evaluate: ${e.message}`);
    process.exit(1);
  });
}
