/**
 * `npm run transfer-demo`: transfer learning within Fashion-MNIST (model/transfer.ts), three runs
 * of trainTutorial with the same seed, epochs and batch size:
 * 1. pretrain the tutorial CNN on classes 0-4 (T-shirt/top, Trouser, Pullover, Dress, Coat);
 * 2. fine-tune: load it, freeze its three convolutions, replace the head with a new 5-unit Dense
 *    and train on classes 5-9 (Sandal, Shirt, Sneaker, Bag, Ankle boot);
 * 3. from scratch: the same architecture on classes 5-9, nothing frozen, random init.
 * Then the three test accuracies (each on the test images of its own classes). Every run
 * validates on the held-out tail of the training images, not on the test set.
 *
 * The same as these CLI lines (which also write each run's report):
 *   npm run train -- --classes 0-4 --epochs 3 --out runs/transfer-demo/pretrain-0-4
 *   npm run train -- --classes 5-9 --init-from runs/transfer-demo/pretrain-0-4 \
 *     --freeze conv2d,conv2d_1,conv2d_2 --new-head 5 --epochs 3 --out runs/transfer-demo/finetune-5-9
 *   npm run train -- --classes 5-9 --epochs 3 --out runs/transfer-demo/scratch-5-9
 *
 * Options: --epochs N (3), --train-limit N (the first N training images; default all 60,000),
 * --test-limit N, --backend auto|cpu|webgpu (auto), --batch-size N (256), --seed N (42),
 * --out DIR (runs/transfer-demo), --data DIR.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { BackendChoice } from '../engine/init.js';
import { lineReporter } from '../engine/nn/training.js';
import { saveModel } from '../model/tfjs-format-node.js';
import { trainTutorial, type TrainResult } from '../model/train.js';
import type { TransferOptions } from '../model/transfer.js';

const { values: a } = parseArgs({
  options: {
    epochs: { type: 'string', default: '3' },
    'train-limit': { type: 'string' },
    'test-limit': { type: 'string' },
    backend: { type: 'string', default: 'auto' },
    'batch-size': { type: 'string', default: '256' },
    seed: { type: 'string', default: '42' },
    out: { type: 'string', default: 'runs/transfer-demo' },
    data: { type: 'string' },
  },
});
const int = (flag: string, v: string | undefined, min: number): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n) || n < min) throw new Error(`transfer-demo: --${flag} must be an integer of at least ${min}, got '${v}'`);
  return n;
};
const backend = a.backend as BackendChoice;
if (!['auto', 'cpu', 'webgpu'].includes(backend)) throw new Error(`transfer-demo: --backend must be auto, cpu or webgpu, got '${a.backend}'`);
const common = {
  backend,
  epochs: int('epochs', a.epochs, 1)!,
  batchSize: int('batch-size', a['batch-size'], 1)!,
  seed: int('seed', a.seed, 0)!,
  trainLimit: int('train-limit', a['train-limit'], 24),
  testLimit: int('test-limit', a['test-limit'], 1),
  dataDir: a.data,
  verbose: 1 as const,
  progress: lineReporter((line) => console.log(line), { everySteps: 25 }),
};
const out = resolve(a.out!);
const FROZEN = ['conv2d', 'conv2d_1', 'conv2d_2'];
const first = [0, 1, 2, 3, 4];
const second = [5, 6, 7, 8, 9];

interface Row {
  run: string;
  classes: number[];
  frozen: string;
  trainableParams: number;
  result: TrainResult;
  seconds: number;
}

async function run(name: string, transfer: TransferOptions): Promise<Row> {
  const outDir = join(out, name);
  mkdirSync(outDir, { recursive: true });
  console.log(`\n=== ${name}: ${JSON.stringify(transfer)} ===`);
  const started = performance.now();
  const result = await trainTutorial({ ...common, outDir, transfer });
  const seconds = (performance.now() - started) / 1000;
  await saveModel(result.model, join(outDir, 'model'));
  const trainableParams = result.model.layerTable().reduce((n, r) => n + r.trainableParams, 0);
  console.log(`${name}: test accuracy ${result.test.accuracy.toFixed(4)}, test loss ${result.test.loss.toFixed(4)} on ${result.data.test.count} test images (${seconds.toFixed(0)} s)`);
  return { run: name, classes: transfer.classes!, frozen: transfer.freeze?.join(', ') ?? 'none', trainableParams, result, seconds };
}

const started = new Date();
const rows: Row[] = [];
rows.push(await run('pretrain-0-4', { classes: first }));
rows[0].result.model.dispose();
rows.push(await run('finetune-5-9', { classes: second, initFrom: join(out, 'pretrain-0-4', 'model'), freeze: FROZEN, newHead: second.length }));
rows[1].result.model.dispose();
rows.push(await run('scratch-5-9', { classes: second }));
rows[2].result.model.dispose();

const range = (c: number[]) => `${c[0]}-${c[c.length - 1]}`;
const table = [
  '| run | trains and tests on | frozen | trainable params | epochs run (best) | training images | test images | test accuracy | test loss | wall time |',
  '|---|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map((r) => `| ${r.run} | classes ${range(r.classes)} | ${r.frozen} | ${r.trainableParams.toLocaleString('en-US')} | ${r.result.epochsRun} (${r.result.bestEpoch + 1}) | ${r.result.data.train.count.toLocaleString('en-US')} | ${r.result.data.test.count.toLocaleString('en-US')} | ${(100 * r.result.test.accuracy).toFixed(2)}% | ${r.result.test.loss.toFixed(4)} | ${r.seconds.toFixed(0)} s |`),
];
console.log(`\nTransfer learning within Fashion-MNIST, ${started.toISOString().slice(0, 16)}Z, backend ${rows[0].result.backend.describe()}, ${common.epochs} epochs, batch ${common.batchSize}, seed ${common.seed}:\n`);
console.log(table.join('\n'));
writeFileSync(join(out, 'summary.json'), JSON.stringify(rows.map((r) => ({
  run: r.run, classes: r.classes, frozen: r.frozen, trainableParams: r.trainableParams, epochsRun: r.result.epochsRun,
  bestEpoch: r.result.bestEpoch + 1, trainImages: r.result.data.train.count, testImages: r.result.data.test.count, test: r.result.test, seconds: r.seconds,
})), null, 2));
console.log(`\nWrote ${join(out, 'summary.json')}; the models are in ${out}/*/model (try npm run evaluate -- --classes 5-9 --model ${join(out, 'finetune-5-9', 'model')},${join(out, 'scratch-5-9', 'model')})`);
