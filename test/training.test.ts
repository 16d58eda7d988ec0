/** The Keras-style training API: EarlyStopping, fit/evaluate/predict, checkpoint and resume. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { EarlyStopping, type TrainingContext } from '../engine/nn/callbacks.js';
import { Dense } from '../engine/nn/layers.js';
import { Sequential } from '../engine/nn/sequential.js';
import { setBackend } from '../engine/runtime.js';
import { tutorialCnn } from '../model/cnn.js';
import { loadFashionMnist } from '../model/data/fashion-mnist.js';
import { InterruptedForTest, trainTutorial } from '../model/train.js';

beforeAll(() => setBackend(new CpuBackend('float32')));

describe('EarlyStopping', () => {
  it('stops at the right epoch on a scripted val_loss sequence and restores the best weights', async () => {
    const model = new Sequential([new Dense({ units: 1, inputShape: [2] })]);
    const ctx: TrainingContext = { model, stopTraining: false, initialEpoch: 0 };
    const es = new EarlyStopping({ monitor: 'val_loss', patience: 3, restoreBestWeights: true });
    es.onTrainBegin(ctx);
    // Best at epoch 1 (0.8); epochs 2, 3, 4 do not improve: the wait reaches 3 at epoch 4.
    const valLoss = [1.0, 0.8, 0.85, 0.9, 0.95, 0.5];
    let ran = 0;
    for (let epoch = 0; epoch < valLoss.length && !ctx.stopTraining; epoch++) {
      // Weights that say which epoch produced them.
      model.setWeights([[epoch, epoch], [epoch]]);
      await es.onEpochEnd(epoch, { loss: 0, val_loss: valLoss[epoch] }, ctx);
      ran++;
    }
    es.onTrainEnd(ctx);
    expect(ran).toBe(5);
    expect(es.stoppedEpoch).toBe(4);
    expect(es.bestEpoch).toBe(1);
    const w = await model.getWeights();
    expect(Array.from(w[0])).toEqual([1, 1]);
    expect(Array.from(w[1])).toEqual([1]);
  });

  it('treats improvements smaller than minDelta as none, maximises accuracy in auto mode, and needs its metric', async () => {
    const model = new Sequential([new Dense({ units: 1, inputShape: [2] })]);
    const ctx: TrainingContext = { model, stopTraining: false, initialEpoch: 0 };
    const es = new EarlyStopping({ monitor: 'val_accuracy', patience: 1, minDelta: 0.01 });
    es.onTrainBegin(ctx);
    await es.onEpochEnd(0, { loss: 0, val_accuracy: 0.5 }, ctx);
    await es.onEpochEnd(1, { loss: 0, val_accuracy: 0.505 }, ctx);
    expect(ctx.stopTraining).toBe(true);
    expect(es.bestValue).toBe(0.5);
    await expect(es.onEpochEnd(2, { loss: 0 }, ctx)).rejects.toThrow(/the monitored metric 'val_accuracy' is not in the logs/);
  });
});

describe('fit, evaluate and predict on real data', () => {
  const data = loadFashionMnist({ limit: { train: 256, test: 200 } });
  const train = { values: data.train.images, shape: [data.train.count, 28, 28, 1] };
  const test = { values: data.test.images, shape: [data.test.count, 28, 28, 1] };

  it('returns a history with Keras’s keys, one value per epoch, and evaluate agrees with predict', async () => {
    const model = tutorialCnn(3).compile({ metrics: ['accuracy'] });
    const history = await model.fit(train, data.train.labels, {
      epochs: 2, batchSize: 64, verbose: 0, validationData: [test, data.test.labels],
    });
    expect(Object.keys(history.toJSON().history).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    for (const v of Object.values(history.history)) expect(v).toHaveLength(2);
    expect(history.epoch).toEqual([0, 1]);

    const { loss, accuracy } = await model.evaluate(test, data.test.labels);
    const logits = await model.predict(test);
    let correct = 0;
    let ce = 0;
    for (let i = 0; i < data.test.count; i++) {
      const row = Array.from(logits.subarray(i * 10, i * 10 + 10));
      const max = Math.max(...row);
      if (row.indexOf(max) === data.test.labels[i]) correct++;
      const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
      ce += lse - row[data.test.labels[i]];
    }
    expect(accuracy).toBeCloseTo(correct / data.test.count, 10);
    expect(loss).toBeCloseTo(ce / data.test.count, 5);
    expect(history.history.val_loss[1]).toBeCloseTo(loss, 5);
  });

  it('rejects data of the wrong shape and a model that was not compiled', async () => {
    const model = tutorialCnn(3);
    expect(() => model.fit(train, data.train.labels)).toThrow(/sequential.fit: call compile\(\) first/);
    model.compile();
    await expect(model.fit({ values: new Float32Array(10 * 28 * 28), shape: [10, 28, 28] }, new Int32Array(10))).rejects.toThrow(
      /fit: expected x of shape \[n, 28, 28, 1\], got \[10, 28, 28\]/,
    );
    await expect(model.fit(train, new Int32Array(3))).rejects.toThrow(/fit: x has 256 samples but y has 3 labels/);
  });
});

describe('checkpoint and resume', () => {
  it('a run stopped after epoch 1 and resumed equals an uninterrupted run with the same seed', async () => {
    const common = { backend: 'cpu' as const, epochs: 3, batchSize: 64, seed: 11, trainLimit: 384, testLimit: 128, verbose: 0 as const, log: () => {} };
    const whole = await trainTutorial({ ...common, outDir: mkdtempSync(join(tmpdir(), 'ckpt-a-')) });

    const outDir = mkdtempSync(join(tmpdir(), 'ckpt-b-'));
    await expect(trainTutorial({ ...common, outDir, stopAfterEpochs: 1 })).rejects.toBeInstanceOf(InterruptedForTest);
    const resumed = await trainTutorial({ ...common, outDir, resume: true });

    expect(resumed.history).toEqual(whole.history);
    expect(resumed.history.epoch).toEqual([0, 1, 2]);
    const wa = await whole.model.getWeights();
    const wb = await resumed.model.getWeights();
    wa.forEach((w, i) => expect(Array.from(wb[i])).toEqual(Array.from(w)));
    expect(resumed.test).toEqual(whole.test);
  });

  it('refuses to resume without a checkpoint, or with other settings', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'ckpt-c-'));
    const common = { backend: 'cpu' as const, epochs: 1, batchSize: 64, trainLimit: 64, testLimit: 64, verbose: 0 as const, log: () => {} };
    await expect(trainTutorial({ ...common, outDir, resume: true })).rejects.toThrow(/checkpoint .*checkpoint.bin: no such file/);
    await trainTutorial({ ...common, outDir, seed: 1 });
    await expect(trainTutorial({ ...common, outDir, seed: 2, resume: true })).rejects.toThrow(
      /was made by a different run[^]*seed: 1 in the checkpoint, 2 in this run/,
    );
  });
});
