/**
 * The metrics log (model/metrics-log.ts): a "read" line at each of fit's metric reads and an
 * "epoch" line per epoch, no read-back of its own, and a resumed run's log equal to an
 * uninterrupted run's.
 */
import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { Dense, Flatten } from '../engine/nn/layers.js';
import { Sequential } from '../engine/nn/sequential.js';
import { setBackend } from '../engine/runtime.js';
import { METRICS_LOG_FILE, MetricsLog, readMetricsLog } from '../model/metrics-log.js';
import { InterruptedForTest, trainTutorial } from '../model/train.js';
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
});
