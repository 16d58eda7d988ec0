/**
 * The recipes (model/recipes/, issue 15).
 *
 * Learning, CPU backend: each recipe runs through trainRecipe, the CLI's own path (its
 * validation split, augmentation, label smoothing, schedule, EarlyStopping, checkpoints), on a
 * slice of the data: the first 600 training images (a holdout recipe trains on the first 11/12
 * and validates on the rest), 3 epochs at batch 16 (the recipes' own batch sizes would give a
 * slice too few steps), scored on the first 400 test images; resnet and vit at reduced widths
 * (below). Each test states its threshold and why; every threshold is far above chance (10%), so
 * an untrained or broken recipe fails it.
 *
 * WebGPU (SwiftShader in Node): each recipe's model, built from the same seed on both backends,
 * takes one training step (augmentation, dropout, BatchNormalization's batch statistics, label
 * smoothing and the L2 penalty included) whose loss must equal the CPU backend's within
 * test/webgpu-train-step.test.ts's tolerance, 1e-5 relative.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../engine/backends/backend.js';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { WebGPUBackend } from '../engine/backends/webgpu/webgpu-backend.js';
import { augment } from '../engine/ops/augment.js';
import { noGrad, setBackend } from '../engine/runtime.js';
import { trainStepWithMetrics } from '../engine/nn/train-step.js';
import { tensor } from '../engine/tensor.js';
import { readCheckpoint, checkpointPath } from '../model/checkpoint.js';
import { loadFashionMnist } from '../model/data/fashion-mnist.js';
import { main as predictMain } from '../model/predict-cli.js';
import { RECIPES, RECIPE_NAMES, recipeNamed, recipesHelp, type Recipe } from '../model/recipes/index.js';
import { regularizedRecipe } from '../model/recipes/regularized.js';
import { RESNET_BLOCKS_PER_STAGE, resnetRecipe, smallResnet } from '../model/recipes/resnet.js';
import { tutorialRecipe } from '../model/recipes/tutorial.js';
import { smallVit, vitRecipe } from '../model/recipes/vit.js';
import { loadLayersModel, saveLayersModel } from '../model/saved-model.js';
import { parseTrainArgs } from '../model/train-cli.js';
import { writeTrainingReport } from '../model/train-report.js';
import { trainRecipe, type TrainResult } from '../model/train.js';
import { nodeGPU } from '../node/webgpu.js';

const SLICE = 600;
const TEST_SLICE = 400;
const EPOCHS = 3;
const BATCH = 16;

async function trainSlice(recipe: Recipe, batchSize = BATCH): Promise<TrainResult & { seconds: number; outDir: string }> {
  const started = performance.now();
  const name = recipe.name;
  const outDir = mkdtempSync(join(tmpdir(), `recipe-${name}-`));
  const r = await trainRecipe({
    recipe, backend: 'cpu', epochs: EPOCHS, batchSize, seed: 1, trainLimit: SLICE, testLimit: TEST_SLICE,
    outDir, verbose: 0, log: () => {}, tune: false,
  });
  const seconds = (performance.now() - started) / 1000;
  const h = r.history.history;
  console.log(
    `${name}: ${r.model.countParams()} weights; trained on ${r.splits.train.count}, validated on ${r.splits.validation.count}; ` +
      `val_accuracy ${h.val_accuracy.map((v) => v.toFixed(3)).join(', ')}; test accuracy ${r.test.accuracy.toFixed(3)} (${TEST_SLICE} images); ${seconds.toFixed(1)} s`,
  );
  return { ...r, seconds, outDir };
}

describe('the recipes list and the --recipe flag', () => {
  it('lists the four recipes; a bad name is an error naming the valid ones', () => {
    expect(RECIPE_NAMES).toEqual(['tutorial', 'regularized', 'resnet', 'vit']);
    expect(() => recipeNamed('resnet50')).toThrow("--recipe: unknown recipe 'resnet50' (expected one of tutorial, regularized, resnet, vit)");
    expect(() => parseTrainArgs(['--recipe', 'vgg'])).toThrow("unknown recipe 'vgg' (expected one of tutorial, regularized, resnet, vit)");
    const help = recipesHelp();
    for (const r of RECIPES) expect(help).toMatch(new RegExp(`^  ${r.name} +${r.description.replace(/[()+]/g, '\\$&')}`, 'm'));
    for (const r of RECIPES) expect(help).toContain(`expected: ${r.expectedTime}`);
  });

  it("takes the recipe's settings, and a flag given overrides them", () => {
    expect(parseTrainArgs([])).toMatchObject({ epochs: 20, batchSize: 256, patience: 3 });
    const vit = recipeNamed('vit');
    expect(parseTrainArgs(['--recipe', 'vit'])).toMatchObject({ epochs: vit.epochs, batchSize: vit.batchSize, patience: vit.patience });
    expect(parseTrainArgs(['--recipe', 'vit', '--epochs', '3', '--batch-size', '64', '--patience', '1'])).toMatchObject({ epochs: 3, batchSize: 64, patience: 1 });
    expect(parseTrainArgs(['--recipe', 'resnet', '--quick']).epochs).toBe(2);
    expect(parseTrainArgs(['--recipe', 'resnet']).recipe.name).toBe('resnet');
  });

  it('smallResnet: blocks per stage (ResNet-20 has 3), one projection shortcut per stage change; a bad count is an error', () => {
    const layers = (blocks?: number) => {
      const m = smallResnet(1, [2, 4, 4], 10, blocks);
      const count = (c: string) => m.layers.filter((l) => l.className === c).length;
      const out = { adds: count('Add'), convs: count('Conv2D'), shape: m.outputs[0]!.shape };
      m.dispose();
      return out;
    };
    expect(layers(1)).toEqual({ adds: 3, convs: 9, shape: [10] }); // the stem, 2 per block, 2 shortcuts
    expect(layers(3)).toEqual({ adds: 9, convs: 21, shape: [10] });
    expect(layers()).toEqual(layers(RESNET_BLOCKS_PER_STAGE)); // the default is the recipe's network
    expect(layers(2)).toEqual({ adds: 6, convs: 15, shape: [10] });
    expect(() => smallResnet(1, [2, 4, 4], 10, 0)).toThrow('smallResnet: blocks per stage must be a positive integer, got 0');
  });

  it('every recipe but the tutorial validates on held-out training images; the tutorial on the test set', () => {
    for (const r of RECIPES) expect([r.name, r.validation]).toEqual([r.name, r.name === 'tutorial' ? 'test' : 'holdout']);
  });
});

describe("a functional recipe through the CLI's outputs: the saved model, npm run predict, the report", () => {
  it('saves and loads the functional model, predicts with it, and reports its feature maps and validation data', async () => {
    setBackend(new CpuBackend('float32'));
    // The resnet recipe at widths 2-4-4: the recipe's graph and settings, in seconds.
    const tiny: Recipe = { ...resnetRecipe, build: (seed) => smallResnet(seed, [2, 4, 4]) };
    const outDir = mkdtempSync(join(tmpdir(), 'recipe-outputs-'));
    const r = await trainRecipe({ recipe: tiny, backend: 'cpu', epochs: 1, batchSize: 32, trainLimit: 96, testLimit: 16, outDir, verbose: 0, log: () => {}, tune: false });
    const saved = await saveLayersModel(r.model, join(outDir, 'model'));
    expect(JSON.parse(readFileSync(saved.modelJson, 'utf8')).modelTopology.class_name).toBe('Functional');
    const loaded = await loadLayersModel(join(outDir, 'model'));
    expect(loaded.constructor.name).toBe('Model');
    loaded.dispose();

    const report = await writeTrainingReport(r, { batchSize: 32, seed: 42, maxEpochs: 1 }, outDir);
    const convs = r.model.layers.filter((l) => l.className === 'Conv2D').map((l) => `featureMaps:${l.name}`);
    expect(convs).toHaveLength(1 + 2 * 3 * RESNET_BLOCKS_PER_STAGE + 2); // the stem, two per block, two projection shortcuts
    expect(Object.keys(report.figures).filter((k) => k.startsWith('featureMaps:'))).toEqual(convs);
    const html = readFileSync(report.htmlPath, 'utf8');
    expect(html).toContain('recipe resnet');
    expect(html).toContain('the last 8 training images, held out (trained on: the first 88)');
    expect(html).toContain('never used to validate');

    // Last: the predict CLI sets up a backend of its own, as its process would.
    const p = await predictMain(['--model', join(outDir, 'model'), '--index', '0'], () => {});
    const want = r.testLogits.subarray(0, 10);
    p!.outputs.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-5));
  });
});

// At full width a step of resnet or vit costs several times the tutorial CNN's
// (bench/recipe-epoch.ts); here they train at half their widths (vit also with 1 of its 4 blocks),
// to keep the file within its time budget. Their graphs, settings and code are the recipes' own.
const narrowResnet: Recipe = { ...resnetRecipe, build: (seed) => smallResnet(seed, [8, 16, 32]) };
const narrowVit: Recipe = { ...vitRecipe, build: (seed) => smallVit(seed, { dim: 32, heads: 4, blocks: 1 }) };

describe(`the recipes learn on the CPU backend (${SLICE} training images, ${EPOCHS} epochs, batch ${BATCH})`, () => {
  // Measured 2026-12-04 at 19:34, quiet: tutorial 69.5%, regularized (peak learning rate 3e-3
  // since 12-04) 73.0%, resnet (8-16-32, batch 32, the recipe's 2 blocks a stage) 64.5%, vit
  // (width 32, 1 block) 44.3% on the 400 test images. The
  // CPU backend is deterministic, so these repeat; each threshold leaves about 8-10 points for
  // another machine's float rounding and stays far above chance (10%).
  let tutorial: TrainResult;

  it('tutorial: at least 60% test accuracy', async () => {
    setBackend(new CpuBackend('float32'));
    tutorial = await trainSlice(tutorialRecipe);
    expect(tutorial.splits.validationSource).toBe('test');
    expect(tutorial.test.accuracy).toBeGreaterThanOrEqual(0.6);
  });

  it('regularized: within 2 points of tutorial on the same slice (or above it), and at least 60%', async () => {
    const r = await trainSlice(regularizedRecipe);
    // Holdout: it trains on the first 11/12 of the slice, validates on the rest, tests once.
    expect(r.splits.validationSource).toBe('holdout');
    const held = Math.round(SLICE / 12);
    expect([r.splits.train.count, r.splits.validation.count]).toEqual([SLICE - held, held]);
    const header = readCheckpoint(checkpointPath(r.outDir)).header;
    expect(header.run).toMatchObject({ recipe: 'regularized', labelSmoothing: 0.1 });
    expect(header.run?.augment).toEqual({ shift: 1 }); // exactly: no flip (model/recipes/regularized.ts says why)
    expect(header.data.validation?.count).toBe(held);
    // What regularizes also slows a short run (augmented images are harder, dropout thins every
    // step, smoothed targets give smaller gradients, the first quarter is a warm-up from 0, and it
    // trains on 1/12 fewer images), so it need only come within 2 points. The recipe measured 3.5
    // points above tutorial here (73.0%, 2026-12-04); with a left-right flip and Dropout after
    // each pooling it measured 1.8 below, and a broken augmentation or schedule costs far more
    // (see the README).
    expect(r.test.accuracy).toBeGreaterThanOrEqual(tutorial.test.accuracy - 0.02);
    expect(r.test.accuracy).toBeGreaterThanOrEqual(0.6);
  });

  it('resnet (at widths 8-16-32, batch 32): at least 55% test accuracy', async () => {
    // Batch 32: its ~50 layers make a step's fixed cost high; 52 steps of 32 cost 24 s at load 29
    // where 104 of 16 cost 39 s. A global-average-pooled head learns slowest at first
    // (test/learning-functional.test.ts: 66% where a flatten head got 80%).
    const r = await trainSlice(narrowResnet, 32);
    expect(r.splits.validationSource).toBe('holdout');
    expect(r.test.accuracy).toBeGreaterThanOrEqual(0.55);
  });

  it('vit (width 32, 1 block): at least 35% test accuracy', async () => {
    // A transformer has no convolutional prior and learns slowest from few images (the full run
    // targets 88% after up to 30 epochs on 55,000).
    const r = await trainSlice(narrowVit);
    expect(r.splits.validationSource).toBe('holdout');
    expect(r.test.accuracy).toBeGreaterThanOrEqual(0.35);
  });
});

describe('each recipe trains a step on WebGPU (SwiftShader) with the loss of the CPU backend', () => {
  const data = loadFashionMnist({ limit: { train: 8, test: 0 } });
  const N = 8;
  let gpu: WebGPUBackend;
  beforeAll(async () => {
    gpu = await WebGPUBackend.create(nodeGPU());
  });

  async function firstStepLoss(be: Backend, recipe: Recipe): Promise<number> {
    setBackend(be);
    const model = recipe.build(3);
    const optimizer = recipe.optimizer({ stepsPerEpoch: 10, epochs: 2 });
    const x = tensor(data.train.images.subarray(0, N * 784), [N, 28, 28, 1]);
    const y = tensor(data.train.labels.subarray(0, N), [N], 'int32');
    const xa = recipe.augment ? noGrad(() => augment(x, recipe.augment!, { seed: 7, epoch: 0, step: 0 })) : x;
    const { loss } = trainStepWithMetrics(model, optimizer, xa, y, false, recipe.labelSmoothing);
    const value = (await loss.data())[0];
    const after = await model.getWeights();
    expect(after.every((w) => w.every(Number.isFinite)), `${recipe.name}: finite weights after the step`).toBe(true);
    loss.dispose();
    if (xa !== x) xa.dispose();
    x.dispose();
    y.dispose();
    model.dispose();
    return value;
  }

  it.each(RECIPES.map((r) => [r.name, r] as const))('%s', async (_name, recipe) => {
    const want = await firstStepLoss(new CpuBackend('float32'), recipe);
    const got = await firstStepLoss(gpu, recipe);
    expect(Number.isFinite(want)).toBe(true);
    expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-5 * Math.abs(want));
  });
});
