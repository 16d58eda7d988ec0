/**
 * Transfer learning (model/transfer.ts): a saved tutorial CNN loaded, its head replaced, its
 * convolutions frozen. The frozen weights stay bit for bit as saved through training on the CPU
 * backend and on WebGPU, the rest trains; trainTutorial and the CLI flags run the whole path
 * (class subsets, the held-out validation tail); every misuse is a clear error.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { WebGPUBackend } from '../engine/backends/webgpu/webgpu-backend.js';
import { ActivationLayer, Dense, Flatten } from '../engine/nn/layers.js';
import { Sequential } from '../engine/nn/sequential.js';
import { setBackend } from '../engine/runtime.js';
import { tutorialCnn } from '../model/cnn.js';
import { smallResnet } from '../model/recipes/resnet.js';
import { saveLayersModel } from '../model/saved-model.js';
import { FASHION_MNIST_CLASS_NAMES, loadFashionMnist } from '../model/data/fashion-mnist.js';
import { saveModel } from '../model/tfjs-format-node.js';
import { parseTrainArgs, trainOptions } from '../model/train-cli.js';
import { InterruptedForTest, trainTutorial } from '../model/train.js';
import { holdoutCount } from '../model/data/splits.js';
import { parseClassList, transferModel, transferOptionsFromArgs } from '../model/transfer.js';
import { nodeGPU } from '../node/webgpu.js';

const dir = mkdtempSync(join(tmpdir(), 'transfer-'));
const baseDir = join(dir, 'base');
const data = loadFashionMnist({ limit: { train: 64, test: 0 } });
const batch = { values: data.train.images, shape: [64, 28, 28, 1] };
/** 3-way labels, so the new 3-unit head has something to learn. */
const labels = Int32Array.from(data.train.labels, (l) => l % 3);
const CONVS = ['conv2d', 'conv2d_1', 'conv2d_2'];
const TRANSFER = { initFrom: baseDir, classes: [5, 6, 7], freeze: CONVS, newHead: 3 };
let saved: Float32Array[];
let savedNames: string[];

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
const layerOf = (weightName: string) => weightName.slice(0, weightName.indexOf('/'));

beforeAll(async () => {
  setBackend(new CpuBackend('float32'));
  const base = tutorialCnn(5, 5);
  await saveModel(base, baseDir);
  saved = await base.getWeights();
  savedNames = base.weightList().map((w) => w.name);
  base.dispose();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Loads the base with a new head and frozen convolutions on the current backend, trains it for
 * `epochs` epochs of 64 images (2 steps each), and checks: frozen weights bit-identical to the
 * file's, every other weight moved.
 */
async function trainsOnlyTheUnfrozen(epochs: number): Promise<void> {
  const model = await transferModel(TRANSFER, 3, 9);
  model.compile({ optimizer: 'adam' });
  await model.fit(batch, labels, { epochs, batchSize: 32, verbose: 0, seed: 1 });
  const list = model.weightList();
  const after = await model.getWeights();
  list.forEach((w, i) => {
    const frozen = CONVS.includes(layerOf(w.name));
    expect(w.trainable).toBe(!frozen);
    if (i < 8) {
      // The kept layers: the same names as saved, the convolutions bit for bit as saved.
      expect(w.name).toBe(savedNames[i]);
      if (frozen) expect(bits(after[i]), w.name).toEqual(bits(saved[i]));
      else expect(bits(after[i]), w.name).not.toEqual(bits(saved[i]));
    }
  });
  expect(list.slice(8).map((w) => [w.name, w.shape])).toEqual([['dense_1/kernel', [128, 3]], ['dense_1/bias', [3]]]);
  model.dispose();
}

describe('transfer learning: the frozen weights are unchanged by training', () => {
  it('on the CPU backend', async () => {
    await trainsOnlyTheUnfrozen(2);
  });

  it('on WebGPU', async () => {
    const gpu = await WebGPUBackend.create(nodeGPU());
    setBackend(gpu);
    try {
      // One epoch: SwiftShader's pipeline compiles dominate, not the steps.
      await trainsOnlyTheUnfrozen(1);
    } finally {
      setBackend(new CpuBackend('float32'));
    }
  });
});

describe('the new head', () => {
  it('replaces the last Dense: the kept layers keep their weights, the head starts as a fresh CNN’s head of the same seed', async () => {
    const lines: string[] = [];
    const model = await transferModel(TRANSFER, 3, 9, (l) => lines.push(l));
    const fresh = tutorialCnn(9, 3);
    const got = await model.getWeights();
    const want = await fresh.getWeights();
    expect(model.layers.map((l) => l.name)).toEqual(fresh.layers.map((l) => l.name));
    got.slice(0, 8).forEach((w, i) => expect(bits(w)).toEqual(bits(saved[i])));
    got.slice(8).forEach((w, i) => expect(bits(w)).toEqual(bits(want[8 + i])));
    // The head's 128*3 + 3 weights and dense's 576*128 + 128 train (3x3x64 = 576 features); the convolutions' do not.
    const table = model.layerTable();
    expect(table.reduce((n, r) => n + r.trainableParams, 0)).toBe(576 * 128 + 128 + 128 * 3 + 3);
    expect(table.filter((r) => r.trainableParams === 0 && r.params > 0).map((r) => r.name)).toEqual(CONVS);
    expect(lines).toEqual([`transfer: loaded ${join(baseDir, 'model.json')}; replaced its head with dense_1 (Dense, 3 units, new weights); frozen: conv2d, conv2d_1, conv2d_2`]);
    model.dispose();
    fresh.dispose();
  });

  it('--freeze-until freezes the layers up to and including the one named; without --new-head the head is kept', async () => {
    const model = await transferModel({ initFrom: baseDir, classes: [0, 1, 2, 3, 4], freezeUntil: 'conv2d_1' }, 5, 1);
    expect(model.layers.map((l) => l.trainable)).toEqual([false, false, false, true, true, true, true, true]);
    const got = await model.getWeights();
    got.forEach((w, i) => expect(bits(w)).toEqual(bits(saved[i])));
    model.dispose();
  });
});

describe('a functional model (the resnet recipe\'s graph)', () => {
  it('gets a new head on what the old one read; the frozen convolutions stay bit for bit as saved, the rest trains', async () => {
    const resDir = join(dir, 'resnet');
    const base = smallResnet(3, [4, 4, 4], 5, 1);
    await saveLayersModel(base, resDir);
    const savedByName = new Map(base.weightList().map((w, i) => [w.name, i]));
    const baseValues = await base.getWeights();
    const convs = base.layers.filter((l) => l.className === 'Conv2D').map((l) => l.name);
    base.dispose();
    const model = await transferModel({ initFrom: resDir, classes: [5, 6, 7], freeze: convs, newHead: 3 }, 3, 9);
    model.compile({ optimizer: 'adam' });
    await model.fit(batch, labels, { epochs: 1, batchSize: 32, verbose: 0, seed: 1 });
    const list = model.weightList();
    const after = await model.getWeights();
    list.forEach((w, i) => {
      if (w.name.startsWith('dense/')) return;
      const j = savedByName.get(w.name);
      expect(j, w.name).toBeDefined();
      const frozen = convs.includes(layerOf(w.name));
      expect(w.trainable, w.name).toBe(!frozen && !/moving_/.test(w.name));
      if (frozen) expect(bits(after[i]), w.name).toEqual(bits(baseValues[j!]));
      else if (w.trainable) expect(bits(after[i]), w.name).not.toEqual(bits(baseValues[j!]));
    });
    expect(list.filter((w) => w.name.startsWith('dense/')).map((w) => [w.name, w.shape])).toEqual([['dense/kernel', [4, 3]], ['dense/bias', [3]]]);
    expect(list.length).toBe(savedByName.size);
    model.dispose();
    await expect(transferModel({ initFrom: resDir, classes: [5, 6, 7], freeze: ['dense'], newHead: 3 }, 3, 1)).rejects.toThrow(
      "--freeze: the model has no layer 'dense' (dense is the head, which --new-head replaces: the new head always trains); its layers: conv2d,",
    );
  });
});

describe('transfer errors', () => {
  it('an unknown layer name lists the valid ones (and the replaced head says why it cannot be frozen)', async () => {
    await expect(transferModel({ ...TRANSFER, freeze: ['conv2d', 'conv3'] }, 3, 1)).rejects.toThrow(
      "--freeze: the model has no layer 'conv3'; its layers: conv2d, max_pooling2d, conv2d_1, max_pooling2d_1, conv2d_2, flatten, dense",
    );
    await expect(transferModel({ ...TRANSFER, freeze: undefined, freezeUntil: 'dense_1' }, 3, 1)).rejects.toThrow(
      "--freeze-until: the model has no layer 'dense_1' (dense_1 is the head, which --new-head replaces: the new head always trains); its layers: conv2d,",
    );
    await expect(transferModel({ initFrom: baseDir, classes: [0, 1, 2, 3, 4], freezeUntil: 'dense_1' }, 5, 1)).rejects.toThrow(
      'every layer with weights is frozen (conv2d, max_pooling2d, conv2d_1, max_pooling2d_1, conv2d_2, flatten, dense, dense_1), so nothing would train',
    );
  });

  it('a missing folder, an input shape other than 28x28x1, a head that is not Dense, and a class count that does not fit', async () => {
    const missing = join(dir, 'no-model');
    await expect(transferModel({ initFrom: missing }, 10, 1)).rejects.toThrow(
      `--init-from ${missing}: no saved model there (looked for ${join(missing, 'model.json')} and ${join(missing, 'model', 'model.json')})`,
    );
    const wideDir = join(dir, 'wide');
    const wide = new Sequential([new Flatten({ inputShape: [32, 32, 3] }), new Dense({ units: 10 })]);
    await saveModel(wide, join(wideDir, 'model'));
    wide.dispose();
    // A run folder (holding model/) is accepted as well as the model folder.
    await expect(transferModel({ initFrom: wideDir }, 10, 1)).rejects.toThrow(
      `--init-from ${wideDir}: the model takes inputs of shape [32, 32, 3], but Fashion-MNIST images are [28, 28, 1]`,
    );
    const softDir = join(dir, 'soft');
    const soft = new Sequential([new Flatten({ inputShape: [28, 28, 1] }), new Dense({ units: 10 }), new ActivationLayer({ activation: 'softmax' })]);
    await saveModel(soft, softDir);
    soft.dispose();
    await expect(transferModel({ initFrom: softDir, newHead: 10 }, 10, 1)).rejects.toThrow(
      "--new-head: the model's last layer, activation, is a Activation; only a Dense head can be replaced",
    );
    await expect(transferModel({ initFrom: baseDir }, 10, 1)).rejects.toThrow(
      `--init-from ${baseDir}: the model outputs [5] per image but this run trains 10 classes; replace its head with --new-head 10`,
    );
    await expect(transferModel({ initFrom: baseDir, newHead: 4, classes: [0, 1, 2] }, 3, 1)).rejects.toThrow(
      '--new-head 4 does not match the 3 classes trained (--classes 0,1,2); the head needs one unit per class',
    );
  });

  it('the flags: classes lists and ranges, and the combinations that cannot work', () => {
    expect(parseClassList('0-4')).toEqual([0, 1, 2, 3, 4]);
    expect(parseClassList('9,5-6, 2')).toEqual([9, 5, 6, 2]);
    expect(() => parseClassList('0-4,3')).toThrow("--classes: class 3 is given twice in '0-4,3'");
    expect(() => parseClassList('7-5')).toThrow("the range '7-5' runs backwards");
    expect(() => parseClassList('8-10')).toThrow("'8-10' is outside 0..9");
    expect(() => parseClassList('a')).toThrow("'a' is not a class id or a range");
    expect(() => parseClassList('4')).toThrow('a classifier needs at least 2 classes');
    expect(transferOptionsFromArgs({})).toBeUndefined();
    expect(() => transferOptionsFromArgs({ freeze: 'conv2d' })).toThrow('--freeze applies to the model of --init-from DIR, which is not given');
    expect(() => transferOptionsFromArgs({ 'new-head': '5' })).toThrow('--new-head applies to the model of --init-from DIR');
    expect(() => transferOptionsFromArgs({ 'init-from': 'x', freeze: 'a', 'freeze-until': 'b' })).toThrow('give --freeze NAMES or --freeze-until NAME, not both');
    expect(() => transferOptionsFromArgs({ 'init-from': 'x', freeze: 'a,,b' })).toThrow("--freeze: an empty layer name in 'a,,b'");
    expect(() => transferOptionsFromArgs({ 'init-from': 'x', 'new-head': '1' })).toThrow("--new-head must be an integer of at least 2 (the classes of the new head), got '1'");
    const args = parseTrainArgs(['--classes', '5-9', '--init-from', 'runs/a', '--freeze', 'conv2d,conv2d_1', '--new-head', '5']);
    expect(trainOptions(args).transfer).toEqual({ classes: [5, 6, 7, 8, 9], initFrom: 'runs/a', freeze: ['conv2d', 'conv2d_1'], newHead: 5 });
    expect(parseTrainArgs([]).transfer).toBeUndefined();
  });
});

describe('trainTutorial with --classes and --init-from', () => {
  it('pretrains on classes 0-4, then fine-tunes a new head on 5-9 with the convolutions bit for bit as pretrained', async () => {
    const limits = { trainLimit: 480, testLimit: 200, epochs: 1, batchSize: 64, backend: 'cpu' as const, verbose: 0 as const, tune: false };
    const logs: string[] = [];
    const pre = await trainTutorial({ ...limits, outDir: join(dir, 'pre'), transfer: { classes: [0, 1, 2, 3, 4] }, log: (l) => logs.push(l) });
    const fashion = loadFashionMnist({ limit: { train: 480, test: 200 } });
    const ofFirstFive = (ls: ArrayLike<number>) => Array.from(ls).filter((l) => l < 5).length;
    const subset = ofFirstFive(fashion.train.labels);
    expect(holdoutCount(480)).toBe(40);
    const holdout = holdoutCount(subset);
    expect(pre.data.train.count).toBe(subset - holdout);
    expect(pre.data.test.count).toBe(ofFirstFive(fashion.test.labels));
    expect(pre.data.classNames).toEqual(FASHION_MNIST_CLASS_NAMES.slice(0, 5));
    expect(pre.model.outputShape).toEqual([5]);
    expect(pre.report.confusion).toHaveLength(5);
    expect(logs).toContain(`validation data: the last ${holdout} training images, held out (trained on: the first ${subset - holdout}); the test set is used once, at the end`);
    const preDir = join(dir, 'pre', 'model');
    await saveModel(pre.model, preDir);
    const pretrained = await pre.model.getWeights();
    pre.model.dispose();

    // Interrupted after epoch 1 of 2, then resumed: the checkpoint holds a model with frozen layers.
    const fineOptions = { ...limits, epochs: 2, outDir: join(dir, 'fine'), log: () => {}, transfer: { classes: [5, 6, 7, 8, 9], initFrom: preDir, freeze: CONVS, newHead: 5 } };
    await expect(trainTutorial({ ...fineOptions, stopAfterEpochs: 1 })).rejects.toThrow(InterruptedForTest);
    await expect(trainTutorial({ ...fineOptions, resume: true, transfer: { ...fineOptions.transfer, freeze: ['conv2d'] } })).rejects.toThrow(
      'non-trainable weights: conv2d/kernel, conv2d/bias, conv2d_1/kernel, conv2d_1/bias, conv2d_2/kernel, conv2d_2/bias in the checkpoint, conv2d/kernel, conv2d/bias in this run',
    );
    const fine = await trainTutorial({ ...fineOptions, resume: true });
    expect(fine.epochsRun).toBe(2);
    expect(Array.from(fine.data.test.labels).every((l) => l >= 0 && l < 5)).toBe(true);
    expect(fine.data.classNames).toEqual(FASHION_MNIST_CLASS_NAMES.slice(5));
    expect(Number.isFinite(fine.test.accuracy)).toBe(true);
    const after = await fine.model.getWeights();
    fine.model.weightList().forEach((w, i) => {
      if (CONVS.includes(layerOf(w.name))) expect(bits(after[i]), w.name).toEqual(bits(pretrained[i]));
      else if (w.name.startsWith('dense/')) expect(bits(after[i]), w.name).not.toEqual(bits(pretrained[i]));
    });
    fine.model.dispose();
  });
});
