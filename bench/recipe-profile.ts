/**
 * `npx tsx bench/recipe-profile.ts [--recipe NAME] [--steps N] [--threads N]`: where a recipe's
 * training step spends its time on the CPU backend, kernel by kernel. The CPU backend's kernels
 * run synchronously, so timing each call of its kernel table on the host is exact; binary and
 * unary calls are split by op (and binary ones by their operands' shapes, which tells a residual
 * sum from a broadcast bias). It trains the recipe's model with its own batch size, optimizer,
 * augmentation and label smoothing on the first N batches of the training images, once to warm
 * up and once timed, and prints ms per step per kernel with its share of the step.
 * The README's CPU figures for `resnet` (batch norm 36% of a step before it moved to wasm) come
 * from here. On a shared machine the absolute figures move with the load; the shares less so.
 */
import { parseArgs } from 'node:util';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import type { Shape } from '../engine/backends/backend.js';
import { setBackend } from '../engine/runtime.js';
import { loadFashionMnist } from '../model/data/fashion-mnist.js';
import { recipeNamed } from '../model/recipes/index.js';
import { table } from './harness.js';

const { values: args } = parseArgs({
  options: { recipe: { type: 'string', default: 'resnet' }, steps: { type: 'string', default: '6' }, threads: { type: 'string', default: '1' } },
});
const steps = Number(args.steps);
const threads = Number(args.threads);
if (!(Number.isInteger(steps) && steps >= 1)) throw new Error(`--steps must be a positive integer, got '${args.steps}'`);
const recipe = recipeNamed(args.recipe!);

const backend = new CpuBackend('float32', { threads });
setBackend(backend);
const totals = new Map<string, { ms: number; calls: number }>();
const kernels = backend.kernels as unknown as Record<string, (...a: unknown[]) => unknown>;
const shapeOf = (t: unknown) => `[${String((t as { shape: Shape }).shape)}]`;
for (const name of Object.keys(kernels)) {
  const kernel = kernels[name];
  kernels[name] = (...a: unknown[]) => {
    const t0 = performance.now();
    const out = kernel.apply(backend.kernels, a);
    const ms = performance.now() - t0;
    const key = name === 'binary' ? `binary ${String(a[2])} ${shapeOf(a[0])} ${shapeOf(a[1])}` : name === 'unary' ? `unary ${String(a[1])}` : name;
    const t = totals.get(key) ?? { ms: 0, calls: 0 };
    t.ms += ms;
    t.calls++;
    totals.set(key, t);
    return out;
  };
}

const data = loadFashionMnist();
const n = Math.min(data.train.count, steps * recipe.batchSize);
const x = { values: data.train.images.subarray(0, n * 784), shape: [n, 28, 28, 1] };
const labels = data.train.labels.subarray(0, n);
const model = recipe.build(42, 10);
model.compile({
  optimizer: recipe.optimizer({ stepsPerEpoch: steps, epochs: recipe.epochs }), metrics: ['accuracy'], labelSmoothing: recipe.labelSmoothing,
});
const fitOnce = (seed: number) => model.fit(x, labels, { epochs: 1, batchSize: recipe.batchSize, seed, verbose: 0, augment: recipe.augment ?? undefined });
await fitOnce(1); // warm-up: allocation, the wasm threads, V8's compiles
totals.clear();
const t0 = performance.now();
await fitOnce(2);
const stepMs = (performance.now() - t0) / steps;
const rows = [...totals].sort((a, b) => b[1].ms - a[1].ms);
const kernelMs = rows.reduce((s, [, t]) => s + t.ms, 0) / steps;
console.log(`${recipe.name} at batch ${recipe.batchSize} on ${backend.describe()}: ${stepMs.toFixed(0)} ms a step (${steps} steps), ${kernelMs.toFixed(0)} ms of it in kernels`);
console.log(table(['kernel', 'ms a step', 'calls a step', 'share'], rows.map(([k, t]) => [
  k, (t.ms / steps).toFixed(1), (t.calls / steps).toFixed(1), `${((100 * t.ms) / steps / kernelMs).toFixed(1)}%`,
])));
model.dispose();
