/**
 * The checkpoint format (version 3): its checksum, the validation of every header field,
 * the version check, writes that refuse invalid state, and --resume's checks that the
 * checkpoint comes from the same run.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { EarlyStopping } from '../engine/nn/callbacks.js';
import { Adam } from '../engine/optim/adam.js';
import { setBackend } from '../engine/runtime.js';
import { CHECKPOINT_VERSION, checkpointPath, readCheckpoint, writeCheckpoint, type Checkpoint } from '../model/checkpoint.js';
import { checkResumable } from '../model/checkpoint-state.js';
import { tutorialCnn } from '../model/cnn.js';
import type { Recipe } from '../model/recipes/index.js';
import { resnetRecipe, smallResnet } from '../model/recipes/resnet.js';
import { InterruptedForTest, trainRecipe, trainTutorial } from '../model/train.js';

const common = { backend: 'cpu' as const, epochs: 1, batchSize: 64, seed: 5, trainLimit: 64, testLimit: 64, verbose: 0 as const, log: () => {} };
let dir: string;
let good: string;
let goodBytes: Buffer;

/** Rewrites a checkpoint with a changed header and/or arrays, and a correct checksum (a well-formed file with bad content). */
function reframe(bytes: Buffer, edit: (header: Record<string, any>, data: Buffer) => string | void): Buffer {
  const headerLength = bytes.readUInt32LE(8);
  const header = JSON.parse(bytes.toString('utf8', 12, 12 + headerLength));
  const data = Buffer.from(bytes.subarray(12 + headerLength, bytes.length - 32));
  const text = edit(header, data) ?? JSON.stringify(header);
  const json = Buffer.from(text, 'utf8');
  const pad = (4 - ((12 + json.length) % 4)) % 4;
  const prefix = Buffer.alloc(12 + json.length + pad, 0x20);
  prefix.write('WGTECKPT', 0, 'latin1');
  prefix.writeUInt32LE(json.length + pad, 8);
  json.copy(prefix, 12);
  const body = Buffer.concat([prefix, data]);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

function variant(name: string, bytes: Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

beforeAll(async () => {
  setBackend(new CpuBackend('float32'));
  dir = mkdtempSync(join(tmpdir(), 'ckpt-format-'));
  await trainTutorial({ ...common, outDir: dir });
  good = checkpointPath(dir);
  goodBytes = readFileSync(good);
});

describe('checkpoint format version 4', () => {
  it('round-trips: the file names its version, sections and arrays', () => {
    const { header, arrays } = readCheckpoint(good);
    expect(header.version).toBe(CHECKPOINT_VERSION);
    expect(header.epoch).toBe(1);
    expect(header.run).toEqual({ seed: 5, batchSize: 64, recipe: 'tutorial', augment: null, labelSmoothing: 0 });
    expect(header.model.kind).toBe('Sequential');
    expect(header.optimizer).toMatchObject({ name: 'Adam', iterations: 1, slots: ['m', 'v'] });
    expect(header.data.train.count).toBe(64);
    expect(header.model.layers.map((l) => l.className)).toEqual(['Conv2D', 'MaxPooling2D', 'Conv2D', 'MaxPooling2D', 'Conv2D', 'Flatten', 'Dense', 'Dense']);
    expect(header.arrays.map((a) => a.name)).toContain('weights/conv2d/kernel');
    expect(header.arrays.map((a) => a.name)).toContain('optimizer/m');
    expect(header.arrays.map((a) => a.name)).toContain('best/dense_1/bias');
    expect(arrays).toHaveLength(header.arrays.length);
  });

  it('detects a flipped bit anywhere, and truncation, by its checksum', () => {
    for (const at of [20, goodBytes.length >> 1, goodBytes.length - 40, goodBytes.length - 1]) {
      const b = Buffer.from(goodBytes);
      b[at] ^= 0x10;
      const p = variant(`flip-${at}.bin`, b);
      expect(() => readCheckpoint(p), `bit flipped at byte ${at}`).toThrow(`checkpoint ${p}: checksum mismatch`);
    }
    const p = variant('truncated.bin', goodBytes.subarray(0, goodBytes.length - 1000));
    expect(() => readCheckpoint(p)).toThrow(`checkpoint ${p}: checksum mismatch`);
    const empty = variant('empty.bin', Buffer.alloc(0));
    expect(() => readCheckpoint(empty)).toThrow(`checkpoint ${empty}: not a checkpoint (0 bytes`);
    const text = variant('text.bin', Buffer.from('{"epoch": 3}'));
    expect(() => readCheckpoint(text)).toThrow(/checkpoint .*text.bin: not a checkpoint .*expected the magic "WGTECKPT"/);
  });

  it('validates every header field, naming the file, the field, the value and what was expected', () => {
    const cases: [string, (h: Record<string, any>) => void, string][] = [
      ['negative epoch', (h) => { h.epoch = -5; }, 'header field epoch is -5, expected an integer >= 1'],
      ['fractional batch size', (h) => { h.run.batchSize = 2.5; }, 'header field run.batchSize is 2.5, expected an integer >= 1'],
      ['missing seed', (h) => { delete h.run.seed; }, 'header field run.seed is missing'],
      ['optimizer steps', (h) => { h.optimizer.iterations = 7; }, 'header field optimizer.iterations is 7, expected 1 (1 epochs of 1 steps'],
      ['learning rate', (h) => { h.optimizer.config.learningRate = -1; }, 'header field optimizer.config.learningRate is -1, expected a finite number'],
      ['history length', (h) => { h.history.history.loss.push(0.5); }, 'header field history.history.loss.length is 2, expected 1'],
      ['best epoch', (h) => { h.earlyStopping.bestEpoch = 4; }, 'header field earlyStopping.bestEpoch is 4, expected an integer from -1 to 0'],
      ['array length', (h) => { h.arrays[0].length += 1; }, 'header field arrays[0].length is 289, expected 288 (the size of conv2d/kernel)'],
      ['unknown array', (h) => { h.arrays[0].name = 'weights/other'; }, 'header field arrays is ["weights/other","weights/conv2d/bias",'],
      ['data digest', (h) => { h.data.train.sha256 = 'abc'; }, 'header field data.train.sha256 is "abc", expected a SHA-256 in 64 hex digits'],
      ['newer version', (h) => { h.version = 5; }, 'format version 5 was written by a newer program; this one reads versions 2 to 4'],
      ['no version', (h) => { delete h.version; }, 'header field version is missing, expected an integer from 2 to 4'],
      ['no recipe', (h) => { delete h.run.recipe; }, 'header field run.recipe is missing, expected a recipe name'],
      ['bad augmentation', (h) => { h.run.augment = { shift: -1 }; }, 'header field run.augment is {"shift":-1}, expected null or fit\'s augment options (checkpoint: shift must be an integer'],
      ['label smoothing', (h) => { h.run.labelSmoothing = 1; }, 'header field run.labelSmoothing is 1, expected a finite number >= 0 and < 1'],
      ['model kind', (h) => { h.model.kind = 'Graph'; }, 'header field model.kind is "Graph", expected one of Sequential, Functional'],
      ['inputs in a Sequential', (h) => { h.model.layers[0].inbound = []; }, 'header field model.layers[0] is'],
    ];
    for (const [what, edit, message] of cases) {
      const p = variant(`${what.replace(/ /g, '-')}.bin`, reframe(goodBytes, (h) => void edit(h)));
      expect(() => readCheckpoint(p), what).toThrow(`checkpoint ${p}: ${message}`);
    }
  });

  it('refuses NaN or Infinity in any array, and a header that is not JSON, naming the file', () => {
    const nan = variant('nan.bin', reframe(goodBytes, (_h, data) => void data.writeFloatLE(NaN, 4 * 3)));
    expect(() => readCheckpoint(nan)).toThrow(`checkpoint ${nan}: array weights/conv2d/kernel holds NaN at index 3, expected finite numbers only`);
    const inf = variant('inf.bin', reframe(goodBytes, (_h, data) => void data.writeFloatLE(Infinity, data.length - 4)));
    expect(() => readCheckpoint(inf)).toThrow(/array best\/dense_1\/bias holds Infinity at index 9/);
    const notJson = variant('not-json.bin', reframe(goodBytes, (h) => JSON.stringify(h).slice(0, -2)));
    expect(() => readCheckpoint(notJson)).toThrow(new RegExp(`checkpoint ${notJson}: the header is not valid JSON \\(`));
  });

  it('refuses a version-1 checkpoint with a clear error', () => {
    const json = Buffer.from(JSON.stringify({ epoch: 1, seed: 5, batchSize: 64, arrays: [] }));
    const v1 = Buffer.alloc(12 + json.length);
    v1.write('WGTECKP1', 0, 'latin1');
    v1.writeUInt32LE(json.length, 8);
    json.copy(v1, 12);
    const p = variant('v1.bin', v1);
    expect(() => readCheckpoint(p)).toThrow(`checkpoint ${p}: format version 1 (written before checkpoints carried a checksum)`);
  });

  it('never writes an invalid checkpoint: NaN weights leave the last good file in place', async () => {
    const p = join(dir, 'write-nan.bin');
    copyFileSync(good, p);
    const ckpt = readCheckpoint(p);
    const bad: Checkpoint = { header: ckpt.header, arrays: ckpt.arrays.map((a, i) => (i === 2 ? Float32Array.from(a, () => NaN) : a)) };
    await expect(writeCheckpoint(p, bad)).rejects.toThrow(`checkpoint ${p}: array weights/conv2d_1/kernel holds NaN at index 0`);
    await expect(writeCheckpoint(p, { header: { ...ckpt.header, epoch: 0 }, arrays: ckpt.arrays })).rejects.toThrow('header field epoch is 0');
    expect(readFileSync(p).equals(goodBytes)).toBe(true);
  });
});

describe('--resume checks that the checkpoint comes from the same run', () => {
  it('lists every difference: seed, batch size, architecture, optimizer, data, early stopping', () => {
    const { header } = readCheckpoint(good);
    const early = new EarlyStopping({ monitor: 'val_loss', patience: 3, restoreBestWeights: true });
    const recipe = { name: 'tutorial', augment: null, labelSmoothing: 0 };
    const run = { seed: 5, batchSize: 64, recipe, model: tutorialCnn(5), optimizer: new Adam(), early, data: header.data };
    expect(() => checkResumable(good, header, run)).not.toThrow();

    const other = tutorialCnn(5);
    other.layers[6] = new (other.layers[6].constructor as any)({ units: 64, activation: 'relu' });
    other.layers[6].name = 'dense';
    let message = '';
    try {
      checkResumable(good, header, {
        seed: 6, batchSize: 32, recipe: { ...recipe, labelSmoothing: 0.1 }, model: other, optimizer: new Adam({ learningRate: 0.01 }),
        early: new EarlyStopping({ monitor: 'val_accuracy', patience: 2, restoreBestWeights: true }),
        data: { train: { count: 64, sha256: '0'.repeat(64) }, validation: header.data.validation },
      });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain(`--resume: checkpoint ${good} was made by a different run`);
    expect(message).toContain('seed: 5 in the checkpoint, 6 in this run');
    expect(message).toContain('batch size: 64 in the checkpoint, 32 in this run');
    expect(message).toContain('label smoothing: 0 in the checkpoint, 0.1 in this run');
    expect(message).toMatch(/layer 6 \(Dense\) config: \{"units":128.* in the checkpoint, \{"units":64/);
    expect(message).toContain('parameter shapes:');
    expect(message).toMatch(/optimizer config: \{"learningRate":0.001.* in the checkpoint, \{"learningRate":0.01,/);
    expect(message).toMatch(/training data: \{"count":64,"sha256":"[0-9a-f]{64}"\} in the checkpoint, \{"count":64,"sha256":"0000/);
    expect(message).toMatch(/early stopping: \{"monitor":"val_loss",.* in the checkpoint, \{"monitor":"val_accuracy",/);
    expect(message).toContain('early stopping patience: 3 in the checkpoint, 2 in this run (it may grow on a resume, not shrink)');
  });

  it('trainTutorial refuses a resume on other data (a different subset) or another seed', async () => {
    await expect(trainTutorial({ ...common, outDir: dir, trainLimit: 128, resume: true })).rejects.toThrow(
      /was made by a different run[^]*training data: \{"count":64,.*in the checkpoint, \{"count":128,/,
    );
    await expect(trainTutorial({ ...common, outDir: dir, seed: 6, resume: true })).rejects.toThrow(/seed: 5 in the checkpoint, 6 in this run/);
  });
});

describe('version 3 checkpoints (before the recipes)', () => {
  it('migrate to version 4 as the tutorial recipe: a Sequential, no augmentation, no label smoothing', () => {
    const v3 = variant('v3.bin', reframe(goodBytes, (h) => {
      h.version = 3;
      h.run = { seed: h.run.seed, batchSize: h.run.batchSize };
      delete h.model.kind;
    }));
    const { header } = readCheckpoint(v3);
    expect(header.version).toBe(4);
    expect(header.run).toEqual({ seed: 5, batchSize: 64, recipe: 'tutorial', augment: null, labelSmoothing: 0 });
    expect(header.model.kind).toBe('Sequential');
  });
});

describe('--resume and the recipes', () => {
  it("refuses another recipe's checkpoint, naming both recipes and how to continue", async () => {
    await expect(trainRecipe({ ...common, recipe: 'regularized', outDir: dir, resume: true })).rejects.toThrow(
      `--resume: checkpoint ${good} was made by recipe 'tutorial', but this run is recipe 'regularized'; resume it with --recipe tutorial, or train 'regularized' into another --out folder`,
    );
  });
});

// The resnet recipe (functional API, BatchNormalization, AdamW under a warm-up + cosine schedule,
// augmentation, label smoothing, a held-out validation tail) at widths 4-8-8, so that three
// epochs on 192 images take seconds: the checkpoint code sees the recipe's graph and settings.
const tinyResnet: Recipe = { ...resnetRecipe, build: (seed) => smallResnet(seed, [4, 8, 8], 10, 1) };
const functionalRun = { ...common, recipe: tinyResnet, epochs: 3, batchSize: 32, seed: 9, trainLimit: 192, testLimit: 64 };

describe('a functional model (the resnet recipe) in checkpoints', () => {
  it('round-trips: the header records the graph, the recipe and every weight, BN statistics included', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ckpt-functional-'));
    await expect(trainRecipe({ ...functionalRun, outDir: out, stopAfterEpochs: 1 })).rejects.toBeInstanceOf(InterruptedForTest);
    const { header, arrays } = readCheckpoint(checkpointPath(out));
    expect(header.model.kind).toBe('Functional');
    expect(header.run).toMatchObject({ recipe: 'resnet', labelSmoothing: 0.1 });
    expect(header.run?.augment).toEqual({ shift: 2 }); // exactly: no flip, no rotation (model/recipes/resnet.ts says why)
    expect(header.optimizer.name).toBe('AdamW');
    expect(header.optimizer.config.learningRate).toMatchObject({ className: 'CosineDecay' });
    expect(header.data.train.count).toBe(176);
    expect(header.data.validation?.count).toBe(16);
    const [inputLayer, firstConv] = header.model.layers;
    expect(inputLayer).toMatchObject({ className: 'InputLayer', inbound: [[]] });
    expect(firstConv).toMatchObject({ className: 'Conv2D', inbound: [[`${inputLayer.name}[0][0]`]] });
    expect(header.model.layers.filter((l) => l.className === 'Add').every((l) => l.inbound![0].length === 2)).toBe(true);
    const names = header.arrays.map((a) => a.name);
    expect(names.filter((n) => n.startsWith('weights/') && n.endsWith('/moving_mean')).length).toBe(header.model.layers.filter((l) => l.className === 'BatchNormalization').length);
    expect(arrays).toHaveLength(header.arrays.length);
  });

  it('a run interrupted after epoch 1 and resumed equals an uninterrupted one', async () => {
    const whole = await trainRecipe({ ...functionalRun, outDir: mkdtempSync(join(tmpdir(), 'ckpt-fa-')) });
    const out = mkdtempSync(join(tmpdir(), 'ckpt-fb-'));
    await expect(trainRecipe({ ...functionalRun, outDir: out, stopAfterEpochs: 1 })).rejects.toBeInstanceOf(InterruptedForTest);
    const resumed = await trainRecipe({ ...functionalRun, outDir: out, resume: true });
    expect(resumed.history.epoch).toEqual([0, 1, 2]);
    expect(resumed.history).toEqual(whole.history);
    const wa = await whole.model.getWeights();
    const wb = await resumed.model.getWeights();
    expect(wb.length).toBe(wa.length);
    wa.forEach((w, i) => expect(Array.from(wb[i]), resumed.model.weightList()[i].name).toEqual(Array.from(w)));
    expect(resumed.test).toEqual(whole.test);
  });

  it('a larger --patience on a resume continues a run EarlyStopping ended, as if it had started with it; a smaller one is refused', async () => {
    const longer = { ...functionalRun, epochs: 4 };
    const whole = await trainRecipe({ ...longer, patience: 4, outDir: mkdtempSync(join(tmpdir(), 'ckpt-pa-')) });
    expect(whole.stoppedEarly).toBe(false);
    const out = mkdtempSync(join(tmpdir(), 'ckpt-pb-'));
    const stopped = await trainRecipe({ ...longer, patience: 0, outDir: out });
    expect(stopped.stoppedEarly).toBe(true); // the case under test: patience 0 ends this run before epoch 4
    const lines: string[] = [];
    const resumed = await trainRecipe({ ...longer, patience: 4, outDir: out, resume: true, log: (l: string) => lines.push(l) });
    expect(lines.join('\n')).toMatch(/--patience 4 raises the checkpoint's 0: .*EarlyStopping had ended this run, so it trains on from epoch \d/);
    expect(resumed.history).toEqual(whole.history);
    const wa = await whole.model.getWeights();
    const wb = await resumed.model.getWeights();
    wa.forEach((w, i) => expect(Array.from(wb[i]), resumed.model.weightList()[i].name).toEqual(Array.from(w)));
    expect(resumed.test).toEqual(whole.test);
    await expect(trainRecipe({ ...longer, patience: 2, outDir: out, resume: true })).rejects.toThrow(
      /early stopping patience: 4 in the checkpoint, 2 in this run \(it may grow on a resume, not shrink\)/,
    );
  });

  it('refuses a resume with a changed graph, listing the difference', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ckpt-fc-'));
    await expect(trainRecipe({ ...functionalRun, outDir: out, stopAfterEpochs: 1 })).rejects.toBeInstanceOf(InterruptedForTest);
    const wider: Recipe = { ...resnetRecipe, build: (seed) => smallResnet(seed, [4, 8, 12], 10, 1) };
    await expect(trainRecipe({ ...functionalRun, recipe: wider, outDir: out, resume: true })).rejects.toThrow(
      /was made by a different run[^]*layer \d+ \(Conv2D\) config: \{"filters":8,.* in the checkpoint, \{"filters":12,[^]*parameter shapes:/,
    );
  });
});
