/**
 * Hyperparameter search (model/tune/, `npm run tune`): the space's format and its errors, the
 * sampler (seeded, log scale, integers, no repeats in a finite space), a tiny search on the CPU
 * backend that keeps the trial with the lowest validation loss, the time budget, and the CLI,
 * which saves the best model, its results and its report.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { Random } from '../engine/random.js';
import { setBackend } from '../engine/runtime.js';
import { loadFashionMnist } from '../model/data/fashion-mnist.js';
import { holdoutTail } from '../model/data/splits.js';
import { loadModel } from '../model/tfjs-format-node.js';
import { main, parseTuneArgs } from '../model/tune-cli.js';
import { resultsCsv, resultsTable } from '../model/tune/results.js';
import { sampleDimension, TrialSampler } from '../model/tune/sampler.js';
import { randomSearch } from '../model/tune/search.js';
import { DEFAULT_HYPERPARAMETERS, parseSpace, readSpaceFile, searchedNames, spaceSize } from '../model/tune/space.js';

describe('the search space', () => {
  it('parses choices, ranges (log or linear) and fixed values; integer hyperparameters get integer ranges', () => {
    const space = parseSpace({
      learningRate: { min: 1e-4, max: 1e-2, log: true },
      batchSize: [64, 128, 256],
      optimizer: ['adam', 'sgd'],
      dropout: { min: 0, max: 0.5 },
      epochs: { min: 1, max: 3 },
      l2: 0,
    });
    expect(space).toEqual({
      learningRate: { kind: 'range', min: 1e-4, max: 1e-2, log: true, integer: false },
      batchSize: { kind: 'choice', values: [64, 128, 256] },
      optimizer: { kind: 'choice', values: ['adam', 'sgd'] },
      dropout: { kind: 'range', min: 0, max: 0.5, log: false, integer: false },
      epochs: { kind: 'range', min: 1, max: 3, log: false, integer: true },
      l2: { kind: 'choice', values: [0] },
    });
    expect(searchedNames(space)).toEqual(['learningRate', 'batchSize', 'optimizer', 'dropout', 'epochs']);
    expect(spaceSize(space)).toBe(Infinity);
    expect(spaceSize(parseSpace({ batchSize: [32, 64], epochs: { min: 1, max: 3 } }))).toBe(6);
  });

  it('the shipped example space is valid', () => {
    const space = readSpaceFile(fileURLToPath(new URL('../model/tune/example-space.json', import.meta.url)));
    expect(searchedNames(space).length).toBeGreaterThanOrEqual(3);
    expect(space.learningRate).toMatchObject({ kind: 'range', log: true });
  });

  it('rejects a bad space with an error naming the file, the key and what was expected', () => {
    const bad = (json: unknown) => () => parseSpace(json, 'space file s.json');
    expect(bad([1, 2])).toThrow(/^space file s\.json: expected a JSON object with one entry per hyperparameter \(learningRate, batchSize/);
    expect(bad({ lr: [0.1] })).toThrow('space file s.json: unknown hyperparameter "lr" (expected one of learningRate, batchSize, optimizer, dropout, l2, epochs)');
    expect(bad({ learningRate: { min: 0, max: 0.1, log: true } })).toThrow('space file s.json: learningRate.min must be a number > 0, got 0');
    expect(bad({ l2: { min: 0, max: 0.1, log: true } })).toThrow('space file s.json: l2.min must be > 0 for a log range, got 0');
    expect(bad({ dropout: { min: 0, max: 1 } })).toThrow('space file s.json: dropout.max must be a rate in [0, 1), got 1');
    expect(bad({ dropout: { min: 0.4, max: 0.2 } })).toThrow('space file s.json: dropout.min (0.4) is more than dropout.max (0.2)');
    expect(bad({ dropout: { min: 0 } })).toThrow('space file s.json: dropout.max must be a rate in [0, 1), got nothing');
    expect(bad({ dropout: { min: 0, max: 0.5, scale: 'log' } })).toThrow('space file s.json: dropout has unknown field(s) scale');
    expect(bad({ learningRate: { min: 0.1, max: 1, log: 'yes' } })).toThrow('space file s.json: learningRate.log must be true or false, got "yes"');
    expect(bad({ batchSize: [64, 100.5] })).toThrow('space file s.json: batchSize[1] must be an integer >= 1, got 100.5');
    expect(bad({ batchSize: [] })).toThrow('space file s.json: batchSize lists no choices; give at least one');
    expect(bad({ batchSize: [64, 64] })).toThrow('space file s.json: batchSize lists 64 twice');
    expect(bad({ optimizer: ['adam', 'adamx'] })).toThrow('space file s.json: optimizer[1] must be one of "adam", "sgd", "rmsprop", "adamw", "adagrad", got "adamx"');
    expect(bad({ optimizer: { min: 0, max: 1 } })).toThrow('space file s.json: optimizer takes a list of choices such as ["adam", "sgd"], not a range');
    expect(bad({ epochs: '3' })).toThrow('space file s.json: epochs must be an integer >= 1, got "3"');
    const dir = mkdtempSync(join(tmpdir(), 'tune-space-'));
    writeFileSync(join(dir, 'broken.json'), '{"learningRate": [0.1,]}');
    expect(() => readSpaceFile(join(dir, 'broken.json'))).toThrow(/^space file .*broken\.json: not valid JSON \(/);
    expect(() => readSpaceFile(join(dir, 'missing.json'))).toThrow(/^space file .*missing\.json: cannot read it \(/);
  });
});

describe('the sampler', () => {
  const space = parseSpace({ learningRate: { min: 1e-4, max: 1e-2, log: true }, batchSize: [32, 64, 128], dropout: { min: 0, max: 0.5 } });

  it('draws the same trials from the same seed, other trials from another, whatever the key order', () => {
    const draw = (s: typeof space, seed: number) => {
      const sampler = new TrialSampler(s, seed);
      return Array.from({ length: 20 }, () => sampler.next());
    };
    const a = draw(space, 5);
    expect(draw(space, 5)).toEqual(a);
    expect(draw(space, 6)).not.toEqual(a);
    const reordered = parseSpace({ dropout: { min: 0, max: 0.5 }, batchSize: [32, 64, 128], learningRate: { min: 1e-4, max: 1e-2, log: true } });
    expect(draw(reordered, 5)).toEqual(a);
    for (const h of a) {
      expect(h).toMatchObject({ optimizer: DEFAULT_HYPERPARAMETERS.optimizer, l2: 0, epochs: DEFAULT_HYPERPARAMETERS.epochs });
      expect(h!.learningRate).toBeGreaterThanOrEqual(1e-4);
      expect(h!.learningRate).toBeLessThanOrEqual(1e-2);
      expect([32, 64, 128]).toContain(h!.batchSize);
    }
  });

  it('a log range is uniform in log(value); a linear one in value', () => {
    const rng = new Random(1);
    const n = 4000;
    const log = Array.from({ length: n }, () => sampleDimension({ kind: 'range', min: 1e-4, max: 1e-2, log: true, integer: false }, rng) as number);
    const lin = Array.from({ length: n }, () => sampleDimension({ kind: 'range', min: 1e-4, max: 1e-2, log: false, integer: false }, rng) as number);
    const below = (xs: number[], v: number) => xs.filter((x) => x < v).length / n;
    // 1e-3 is the middle of [1e-4, 1e-2] in log space, and ~9% of the way in linear space.
    expect(below(log, 1e-3)).toBeGreaterThan(0.46);
    expect(below(log, 1e-3)).toBeLessThan(0.54);
    expect(below(log, 1e-4 * 10 ** 0.5)).toBeGreaterThan(0.21); // a quarter of the log range
    expect(below(log, 1e-4 * 10 ** 0.5)).toBeLessThan(0.29);
    expect(below(lin, 1e-3)).toBeGreaterThan(0.07);
    expect(below(lin, 1e-3)).toBeLessThan(0.11);
    // Integer ranges: whole numbers, both ends drawn.
    const ints = Array.from({ length: 600 }, () => sampleDimension({ kind: 'range', min: 16, max: 20, log: false, integer: true }, rng));
    expect(new Set(ints)).toEqual(new Set([16, 17, 18, 19, 20]));
    const logInts = Array.from({ length: 600 }, () => sampleDimension({ kind: 'range', min: 16, max: 512, log: true, integer: true }, rng) as number);
    expect(logInts.every((v) => Number.isInteger(v) && v >= 16 && v <= 512)).toBe(true);
    expect(logInts.filter((v) => v < 91).length / 600).toBeGreaterThan(0.4); // sqrt(16*512) ≈ 90.5: half in log space
  });

  it('draws a finite space without repeats, then runs out', () => {
    const sampler = new TrialSampler(parseSpace({ optimizer: ['adam', 'sgd'], batchSize: [32, 64] }), 3);
    const drawn = [sampler.next(), sampler.next(), sampler.next(), sampler.next()];
    expect(new Set(drawn.map((h) => `${h!.optimizer}/${h!.batchSize}`)).size).toBe(4);
    expect(sampler.next()).toBeNull();
  });
});

describe('randomSearch on the CPU backend', () => {
  // 512 training images: the first 384 train, the last 128 validate; 64 test images.
  const loaded = loadFashionMnist({ limit: { train: 512, test: 64 } });
  const { train, validation } = holdoutTail(loaded.train, 128);
  const data = { train, validation, test: loaded.test };
  beforeAll(() => setBackend(new CpuBackend('float32')));

  it('runs the trials, keeps the one with the lowest validation loss, and tests only that one', async () => {
    const space = parseSpace({ learningRate: { min: 3e-4, max: 3e-2, log: true }, batchSize: [32, 64], dropout: { min: 0, max: 0.4 }, epochs: 1 });
    const lines: string[] = [];
    // beforeTrial (npm run tune tunes the WebGPU kernels there) sees each trial's hyperparameters and its model builder.
    const before: number[] = [];
    const beforeTrial = async (h: { batchSize: number; dropout: number }, build: () => { layers: readonly { className: string }[]; dispose(): void }) => {
      const probe = build();
      before.push(h.batchSize);
      expect(probe.layers.some((l) => l.className === 'Dropout')).toBe(h.dropout > 0);
      probe.dispose();
    };
    const r = await randomSearch({ space, trials: 3, seed: 9, data, log: (l) => lines.push(l), beforeTrial });
    expect(before).toEqual(r.trials.map((t) => t.hyperparameters.batchSize));
    expect(r.trials.map((t) => t.trial)).toEqual([1, 2, 3]);
    expect(r.stoppedBy).toBe('trials');
    // The trials are the sampler's first three draws.
    const sampler = new TrialSampler(space, 9);
    expect(r.trials.map((t) => t.hyperparameters)).toEqual([sampler.next(), sampler.next(), sampler.next()]);
    for (const t of r.trials) {
      expect(t.epochsRun).toBe(1);
      expect(t.stop).toBe('epoch cap');
      expect(t.valLoss).toBe(t.history.val_loss[0]);
    }
    const losses = r.trials.map((t) => t.valLoss);
    expect(new Set(losses).size).toBe(3); // different hyperparameters, different losses: the choice means something
    expect(r.best.valLoss).toBe(Math.min(...losses));
    // The kept model is the best trial's: its validation loss is the one the trial recorded.
    const v = await r.bestModel.evaluate({ values: validation.images, shape: [validation.count, 28, 28, 1] }, validation.labels);
    expect(v.loss).toBeCloseTo(r.best.valLoss, 5);
    const t = await r.bestModel.evaluate({ values: data.test.images, shape: [data.test.count, 28, 28, 1] }, data.test.labels);
    expect(r.test.accuracy).toBe(t.accuracy);
    r.bestModel.dispose();
    expect(lines.filter((l) => /^trial \d\/3: learningRate=/.test(l))).toHaveLength(3);

    const table = resultsTable(r.trials, r.best.trial);
    expect(table.split('\n')).toHaveLength(4);
    expect(table.split('\n').filter((l) => l.startsWith('*'))).toEqual([expect.stringMatching(new RegExp(`^\\* ${r.best.trial} `))]);
    expect(resultsTable(r.trials, r.best.trial, 'markdown').split('\n')[0]).toBe(
      '| trial | learningRate | batchSize | optimizer | dropout | l2 | epochs | epochs run | best epoch | val_loss | val_accuracy | seconds | stopped by |',
    );
    const csv = resultsCsv(r.trials, r.best.trial).trim().split('\n');
    expect(csv[0]).toBe('trial,learningRate,batchSize,optimizer,dropout,l2,epochs,epochs_run,best_epoch,val_loss,val_accuracy,seconds,stopped_by,best');
    expect(csv.slice(1).map((l) => l.split(',').at(-1))).toEqual(r.trials.map((x) => (x.trial === r.best.trial ? '1' : '0')));
  });

  it('stops at the time budget: no new trial, and the running one stops at its epoch end', async () => {
    const space = parseSpace({ learningRate: [1e-3, 2e-3], batchSize: [64], epochs: 3 });
    // 0.06 ms: over before the first epoch ends; the first trial always runs.
    const r = await randomSearch({ space, trials: 5, minutes: 1e-6, seed: 1, data });
    expect(r.stoppedBy).toBe('time budget');
    expect(r.trials).toHaveLength(1);
    expect(r.trials[0]).toMatchObject({ epochsRun: 1, stop: 'time budget' });
    r.bestModel.dispose();
  });

  it('checks its options', async () => {
    const space = parseSpace({});
    await expect(randomSearch({ space, trials: 0, data })).rejects.toThrow('randomSearch: trials must be a positive integer, got 0');
    await expect(randomSearch({ space, trials: 1, minutes: -1, data })).rejects.toThrow('randomSearch: minutes must be a number > 0, got -1');
  });
});

describe('npm run tune', () => {
  it('rejects bad arguments by name', () => {
    expect(() => parseTuneArgs(['--trials', '3'])).toThrow('--space FILE is required');
    expect(() => parseTuneArgs(['--space', 's.json'])).toThrow('--trials N is required');
    expect(() => parseTuneArgs(['--space', 's.json', '--trials', '0'])).toThrow("--trials must be a positive integer, got '0'");
    expect(() => parseTuneArgs(['--space', 's.json', '--trials', '2', '--minutes', 'soon'])).toThrow("--minutes must be a number > 0, got 'soon'");
    expect(parseTuneArgs(['--space', 's.json', '--trials', '2', '--minutes', '0.5'])).toMatchObject({ trials: 2, minutes: 0.5, holdout: 5000, epochs: 20 });
  });

  it('searches, saves the best model, results.json/.csv and the report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tune-cli-'));
    const spaceFile = join(dir, 'space.json');
    writeFileSync(spaceFile, JSON.stringify({ learningRate: { min: 5e-4, max: 5e-3, log: true }, batchSize: [64, 128] }));
    const out = join(dir, 'out');
    const lines: string[] = [];
    const run = await main(
      ['--space', spaceFile, '--trials', '3', '--epochs', '1', '--backend', 'cpu', '--holdout', '256', '--train-limit', '384', '--test-limit', '64', '--out', out],
      (l) => lines.push(l),
    );
    expect(run).not.toBeNull();
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(results.trials).toHaveLength(3);
    const losses = results.trials.map((t: { valLoss: number }) => t.valLoss);
    const best = results.trials.find((t: { trial: number }) => t.trial === results.best.trial);
    expect(best.valLoss).toBe(Math.min(...losses));
    expect(results.settings).toMatchObject({ holdout: 256, trainImages: 384, testImages: 64 });
    expect(readFileSync(join(out, 'results.csv'), 'utf8').trim().split('\n')).toHaveLength(4);
    for (const t of [1, 2, 3]) expect(existsSync(join(out, 'trials', String(t), 'metrics.jsonl'))).toBe(true);
    // The saved model is the one the search tested (the best trial's): the same test loss and accuracy.
    const model = await loadModel(join(out, 'best-model'));
    model.compile({ metrics: ['accuracy'] });
    const test = loadFashionMnist({ limit: { train: 0, test: 64 } }).test;
    const t = await model.evaluate({ values: test.images, shape: [test.count, 28, 28, 1] }, test.labels);
    expect(t.loss).toBeCloseTo(results.best.test.loss, 5);
    expect(t.accuracy).toBe(results.best.test.accuracy);
    model.dispose();
    const html = readFileSync(run!.reportPath, 'utf8');
    expect(html).toContain(`<b id="best-trial">${results.best.trial}</b>`);
    expect(html.match(/<img alt="[^"]*" [^>]*src="data:image\/png;base64,/g)).toHaveLength(2);
    expect(existsSync(join(out, 'report', 'trials.png'))).toBe(true);
    expect(existsSync(join(out, 'report', 'val-loss-curves.png'))).toBe(true);
    expect(lines.some((l) => l.includes('the search ended by trials'))).toBe(true);
  }, 120_000);
});
