/**
 * The metrics log (model/metrics-log.ts): a "read" line at each of fit's metric reads and an
 * "epoch" line per epoch, no read-back of its own, and a resumed run's log equal to an
 * uninterrupted run's.
 */
import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gradients } from '../engine/autograd.js';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { CallContext } from '../engine/nn/call-context.js';
import { Dense, Flatten } from '../engine/nn/layers.js';
import { Sequential } from '../engine/nn/sequential.js';
import { trainStep } from '../engine/nn/train-step.js';
import { add } from '../engine/ops/binary.js';
import { sparseSoftmaxCrossEntropy } from '../engine/ops/cross-entropy.js';
import { Adam } from '../engine/optim/adam.js';
import type { Optimizer } from '../engine/optim/optimizer.js';
import { ExponentialDecay } from '../engine/optim/schedules.js';
import { SGD } from '../engine/optim/sgd.js';
import { setBackend } from '../engine/runtime.js';
import { tensor } from '../engine/tensor.js';
import { METRICS_LOG_FILE, MetricsLog, monitoringFromLog, readMetricsLog } from '../model/metrics-log.js';
import { InterruptedForTest, trainTutorial } from '../model/train.js';
import { trainingReportInput } from '../model/train-report.js';
import { Rng } from './helpers/rng.js';

const n = 10;
const data = { values: Float32Array.from(new Rng(3).values(n * 12)), shape: [n, 3, 4, 1] };
const labels = Array.from({ length: n }, (_, i) => i % 3);
const model = () => new Sequential([new Flatten({ inputShape: [3, 4, 1] }), new Dense({ units: 3 })], { seed: 2 }).compile({ metrics: ['accuracy'] });

/** Counts the backend's reads of device data. */
function countingReads(be: CpuBackend): { reads: number } {
  const counter = { reads: 0 };
  const read = be.read.bind(be);
  be.read = (t) => {
    counter.reads++;
    return read(t);
  };
  return counter;
}

describe('MetricsLog in fit', () => {
  it('writes a line per metrics read (every readEvery steps and at the epoch end) and one per epoch, with no read of its own', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'mlog-')), 'sub', METRICS_LOG_FILE);
    const options = { epochs: 2, batchSize: 2, readEvery: 2, verbose: 0 as const, validationData: [data, labels] as [typeof data, number[]] };

    const plain = new CpuBackend('float32');
    setBackend(plain);
    const plainReads = countingReads(plain);
    await model().fit(data, labels, options);

    const be = new CpuBackend('float32');
    setBackend(be);
    const loggedReads = countingReads(be);
    const m = model();
    const history = await m.fit(data, labels, { ...options, callbacks: [new MetricsLog(path, 5)] });
    expect(loggedReads.reads).toBe(plainReads.reads);

    const lines = readMetricsLog(path);
    // 5 steps per epoch, read after steps 2, 4 and 5; then the epoch line.
    expect(lines.map((l) => `${l.kind}:${l.epoch}:${l.kind === 'read' ? l.step : ''}`)).toEqual([
      'read:0:2', 'read:0:4', 'read:0:5', 'epoch:0:', 'read:1:2', 'read:1:4', 'read:1:5', 'epoch:1:',
    ]);
    const [r0, r1, , e0] = lines;
    expect(r0).toMatchObject({ steps: 5, iteration: 2, learning_rate: 0.001 });
    expect(r0.loss).toBe(r0.recent_loss); // the first read: running mean = the steps just read
    // The running mean after 4 steps is the mean of the two reads' recent means (equal batch sizes).
    expect(r1.loss).toBeCloseTo(((r0.recent_loss as number) + (r1.recent_loss as number)) / 2, 12);
    expect(lines[2].loss).toBe(history.history.loss[0]);
    expect(e0).toMatchObject({ iteration: 5, loss: history.history.loss[0], accuracy: history.history.accuracy[0], val_loss: history.history.val_loss[0] });
    expect(typeof e0.seconds).toBe('number');
  });

  it('logs grad_norm, the global gradient norm of the steps just read, equal to a norm computed on the host', async () => {
    setBackend(new CpuBackend('float32'));
    // An L2 penalty, so the gradient includes the regularizer's part as the step's does.
    const regularized = () => new Sequential([new Flatten({ inputShape: [3, 4, 1] }), new Dense({ units: 3, kernelRegularizer: { l2: 0.05 } })], { seed: 2 });
    // The host's norm of each step's gradient: the same model and data, stepped by hand.
    const hostNorms = async (optimizer: Optimizer, steps: number): Promise<number[]> => {
      const twin = regularized();
      twin.build();
      const norms: number[] = [];
      for (let s = 0; s < steps; s++) {
        const x = tensor(data.values.slice(s * 5 * 12, (s + 1) * 5 * 12), [5, 3, 4, 1]);
        const y = tensor(Int32Array.from(labels.slice(s * 5, (s + 1) * 5)), [5], 'int32');
        const loss = add(sparseSoftmaxCrossEntropy(twin.apply(x, new CallContext({ training: true, step: s })), y), twin.regularizationLoss()!);
        const grads = gradients(loss, twin.parameters);
        let sq = 0;
        for (const g of grads) for (const v of await g.data()) sq += v * v;
        norms.push(Math.sqrt(sq));
        optimizer.applyGradients(twin.store, grads);
      }
      twin.dispose();
      return norms;
    };
    const logged = async (optimizer: Optimizer, readEvery: number) => {
      const path = join(mkdtempSync(join(tmpdir(), 'mlog-norm-')), METRICS_LOG_FILE);
      await regularized().compile({ optimizer }).fit(data, labels, { epochs: 1, batchSize: 5, shuffle: false, readEvery, verbose: 0, callbacks: [new MetricsLog(path, 2)] });
      return readMetricsLog(path).filter((l) => l.kind === 'read').map((l) => l.grad_norm as number);
    };
    const want = await hostNorms(new Adam(), 2);
    expect(want[0]).not.toBeCloseTo(want[1], 3);
    const each = await logged(new Adam(), 1);
    expect(each).toHaveLength(2);
    each.forEach((v, i) => expect(Math.abs(v - want[i]) / want[i]).toBeLessThan(1e-5));
    // Read every 2 steps: one line, the mean of the two steps' norms.
    const mean = await logged(new Adam(), 2);
    expect(mean).toHaveLength(1);
    expect(Math.abs(mean[0] - (want[0] + want[1]) / 2) / mean[0]).toBeLessThan(1e-5);
    // With global clipping the logged norm is the one before clipping (the clip is far below it).
    const clipped = await logged(new SGD({ globalClipNorm: want[0] / 100 }), 1);
    expect(Math.abs(clipped[0] - want[0]) / want[0]).toBeLessThan(1e-5);
  });

  it('measuring the norm changes no number: fit ends with the weights of the plain steps, bit for bit', async () => {
    setBackend(new CpuBackend('float32'));
    const make = () => new Sequential([new Flatten({ inputShape: [3, 4, 1] }), new Dense({ units: 3, kernelRegularizer: { l2: 0.05 } })], { seed: 2 });
    const fitted = make().compile({ optimizer: new Adam() });
    await fitted.fit(data, labels, { epochs: 2, batchSize: 5, shuffle: false, verbose: 0 });
    const plain = make().compile({ optimizer: new Adam() });
    for (let step = 0; step < 4; step++) {
      const s = step % 2;
      const x = tensor(data.values.slice(s * 5 * 12, (s + 1) * 5 * 12), [5, 3, 4, 1]);
      trainStep(plain, plain.optimizer, x, labels.slice(s * 5, (s + 1) * 5)).dispose();
      x.dispose();
    }
    expect(await fitted.getWeights()).toEqual(await plain.getWeights());
  });

  it('logs the learning rate of the last update: under a schedule, the rate of step iteration - 1', async () => {
    setBackend(new CpuBackend('float32'));
    const schedule = new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5 });
    const path = join(mkdtempSync(join(tmpdir(), 'mlog-lr-')), METRICS_LOG_FILE);
    await model().compile({ optimizer: new SGD({ learningRate: schedule }), metrics: ['accuracy'] })
      .fit(data, labels, { epochs: 1, batchSize: 2, readEvery: 2, verbose: 0, callbacks: [new MetricsLog(path, 5)] });
    const reads = readMetricsLog(path).filter((l) => l.kind === 'read');
    expect(reads.map((l) => l.iteration)).toEqual([2, 4, 5]);
    for (const l of reads) expect(l.learning_rate).toBe(schedule.at(l.iteration - 1));
    expect(monitoringFromLog(readMetricsLog(path))).toEqual(reads.map((l) => ({
      iteration: l.iteration, epoch: 0, learningRate: l.learning_rate, gradNorm: l.grad_norm,
    })));
  });

  it('skips a last line cut short by a crash', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'mlog-')), METRICS_LOG_FILE);
    appendFileSync(path, `${JSON.stringify({ kind: 'epoch', epoch: 0, iteration: 5, seconds: 1, loss: 0.5 })}\n{"kind":"read","epo`);
    expect(readMetricsLog(path)).toEqual([{ kind: 'epoch', epoch: 0, iteration: 5, seconds: 1, loss: 0.5 }]);
  });
});

describe('npm run train writes metrics.jsonl', () => {
  it('a run stopped after epoch 1 and resumed has the log of an uninterrupted run', async () => {
    const common = { backend: 'cpu' as const, epochs: 2, batchSize: 64, seed: 7, trainLimit: 256, testLimit: 64, verbose: 0 as const, log: () => {} };
    const wholeDir = mkdtempSync(join(tmpdir(), 'mlog-a-'));
    await trainTutorial({ ...common, outDir: wholeDir });
    const outDir = mkdtempSync(join(tmpdir(), 'mlog-b-'));
    await expect(trainTutorial({ ...common, outDir, stopAfterEpochs: 1 })).rejects.toBeInstanceOf(InterruptedForTest);
    // What a crash after epoch 1's checkpoint leaves: lines of the epoch in progress, the last one cut short.
    appendFileSync(join(outDir, METRICS_LOG_FILE), `${JSON.stringify({ kind: 'read', epoch: 1, step: 1, steps: 4, iteration: 5, seconds: 1, loss: 9 })}\n{"kind":`);
    await trainTutorial({ ...common, outDir, resume: true });

    const strip = (path: string) => readMetricsLog(path).map(({ seconds: _s, ...rest }) => rest);
    const whole = strip(join(wholeDir, METRICS_LOG_FILE));
    expect(whole.filter((l) => l.kind === 'epoch')).toHaveLength(2);
    expect(whole.filter((l) => l.kind === 'read')).toHaveLength(2); // 4 steps per epoch, read every 10: once, at the end
    expect(strip(join(outDir, METRICS_LOG_FILE))).toEqual(whole);
  });

  it("the training report takes the log's learning-rate and gradient-norm curves (test/report.test.ts draws them)", async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'mlog-report-'));
    const r = await trainTutorial({ backend: 'cpu', epochs: 2, batchSize: 32, seed: 3, trainLimit: 128, testLimit: 32, verbose: 0, log: () => {}, outDir });
    const lines = readMetricsLog(join(outDir, METRICS_LOG_FILE));
    const reads = lines.filter((l) => l.kind === 'read');
    expect(reads).toHaveLength(2); // 4 steps per epoch: one read at each epoch's end
    expect(reads.every((l) => typeof l.grad_norm === 'number' && (l.grad_norm as number) > 0 && l.learning_rate === 0.001)).toBe(true);
    const input = await trainingReportInput(r, { batchSize: 32, seed: 3, maxEpochs: 2 }, outDir);
    r.model.dispose();
    expect(input.monitoring).toEqual(monitoringFromLog(lines));
    expect(input.monitoring!.map((p) => p.iteration)).toEqual([4, 8]);
  });
});
