/**
 * `npx tsx bench/recipe-epoch.ts [--recipe NAME] [--steps N]`: the time of one training epoch
 * of each recipe (model/recipes/) on the CPU backend (what `--backend cpu` and, on this machine,
 * `auto` train on), with the recipe's own settings: its batch size, augmentation, label
 * smoothing, schedule and validation data, on the real Fashion-MNIST split.
 *
 * Without --steps it trains a whole epoch. With --steps N it trains the first N steps of the
 * epoch and scales their time to the epoch's step count (an extrapolation; printed as such).
 * Either way it then times the epoch's validation pass. The estimate of a full run is the epoch
 * time times the recipe's epoch limit (EarlyStopping may end a run sooner). The load average is
 * printed before and after: on a shared machine the absolute figures are upper bounds.
 * These figures are what the recipes' `expectedTime` (and so `npm run train -- --help`) quote.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { init } from '../engine/init.js';
import { loadFashionMnist } from '../model/data/fashion-mnist.js';
import { sliceSplit } from '../model/data/splits.js';
import { RECIPES, recipeNamed } from '../model/recipes/index.js';
import { splitsFor } from '../model/train.js';

const { values: args } = parseArgs({ options: { recipe: { type: 'string' }, steps: { type: 'string' } } });
const recipes = args.recipe ? [recipeNamed(args.recipe)] : RECIPES;
const steps = args.steps === undefined ? undefined : Number(args.steps);
if (steps !== undefined && !(Number.isInteger(steps) && steps >= 1)) throw new Error(`--steps must be a positive integer, got '${args.steps}'`);

const backend = await init({ backend: 'cpu', gpu: null, log: () => {} });
const data = loadFashionMnist();
const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');
console.log(`${backend.describe()}; ${os.cpus().length} cores; ${new Date().toISOString()}`);

for (const recipe of RECIPES.filter((r) => recipes.includes(r))) {
  const splits = splitsFor(recipe.validation, data);
  const stepsPerEpoch = Math.ceil(splits.train.count / recipe.batchSize);
  const timed = Math.min(steps ?? stepsPerEpoch, stepsPerEpoch);
  const part = sliceSplit(splits.train, 0, Math.min(splits.train.count, timed * recipe.batchSize));
  const model = recipe.build(42);
  model.compile({ optimizer: recipe.optimizer({ stepsPerEpoch, epochs: recipe.epochs }), metrics: ['accuracy'], labelSmoothing: recipe.labelSmoothing });
  const before = load();
  const t0 = performance.now();
  await model.fit({ values: part.images, shape: [part.count, 28, 28, 1] }, part.labels, {
    epochs: 1, batchSize: recipe.batchSize, seed: 42, verbose: 0, augment: recipe.augment ?? undefined,
  });
  const t1 = performance.now();
  await model.evaluate({ values: splits.validation.images, shape: [splits.validation.count, 28, 28, 1] }, splits.validation.labels);
  const t2 = performance.now();
  const trainSeconds = ((t1 - t0) / 1000) * (stepsPerEpoch / timed);
  const epochSeconds = trainSeconds + (t2 - t1) / 1000;
  const measured = timed === stepsPerEpoch ? 'measured' : `extrapolated from ${timed} of ${stepsPerEpoch} steps (${((t1 - t0) / timed).toFixed(0)} ms a step)`;
  console.log(
    `${recipe.name}: ${model.countParams()} weights, batch ${recipe.batchSize}, ${splits.train.count} training images: ` +
      `epoch ${(epochSeconds / 60).toFixed(1)} min (training ${measured}; validation on ${splits.validation.count} images ${((t2 - t1) / 1000).toFixed(0)} s); ` +
      `x ${recipe.epochs} epochs = ${((epochSeconds * recipe.epochs) / 3600).toFixed(1)} h; load average ${before} -> ${load()}`,
  );
  model.dispose();
}
