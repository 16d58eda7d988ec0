/**
 * Checkpoints of every optimizer (format version 3): a run stopped after its first epoch and
 * resumed equals an uninterrupted one bit for bit (weights, slots, step count, history), on the
 * CPU backend with the tutorial CNN on 96 images; a version-2 Adam checkpoint, written by the
 * code before version 3, still loads and resumes; and the optimizer section of the header is
 * validated like the rest.
 *
 * test/fixtures/checkpoint-v2-adam.bin was written on 2026-12-01 by main at c8c2367 (format
 * version 2): a Flatten + Dense(3) model on [2, 2, 1] inputs (seed 3), Adam({ learningRate: 0.01 }),
 * fit for 1 epoch on the 8 samples of `tinyData()` below in batches of 4 (seed 1), with
 * EarlyStopping({ monitor: 'val_loss', patience: 2 }) and the same data for validation.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { EarlyStopping } from '../engine/nn/callbacks.js';
import { Dense, Flatten } from '../engine/nn/layers.js';
import { Sequential } from '../engine/nn/sequential.js';
import { Adagrad } from '../engine/optim/adagrad.js';
import { Adam, AdamW } from '../engine/optim/adam.js';
import type { Optimizer } from '../engine/optim/optimizer.js';
import { RMSprop } from '../engine/optim/rmsprop.js';
import { CosineDecay } from '../engine/optim/schedules.js';
import { SGD } from '../engine/optim/sgd.js';
import { setBackend } from '../engine/runtime.js';
import { CHECKPOINT_VERSION, checkpointPath, readCheckpoint } from '../model/checkpoint.js';
import { checkResumable, digestData, restoreCheckpoint } from '../model/checkpoint-state.js';
import { InterruptedForTest, trainTutorial } from '../model/train.js';

const common = { backend: 'cpu' as const, epochs: 2, batchSize: 48, seed: 7, trainLimit: 96, testLimit: 32, verbose: 0 as const, log: () => {} };

const optimizers: [string, () => Optimizer][] = [
  ['Adam', () => new Adam({ learningRate: 0.003 })],
  ['AdamW', () => new AdamW({ learningRate: 0.003, weightDecay: 0.05, globalClipNorm: 1 })],
  ['SGD (momentum, Nesterov, a cosine schedule with warm-up)', () => new SGD({
    momentum: 0.9, nesterov: true, learningRate: new CosineDecay({ initialLearningRate: 0.001, warmupTarget: 0.05, warmupSteps: 2, decaySteps: 3 }),
  })],
  ['RMSprop (momentum, centered)', () => new RMSprop({ momentum: 0.5, centered: true })],
  ['Adagrad', () => new Adagrad({ learningRate: 0.01 })],
];

describe.each(optimizers)('%s', (_name, make) => {
  it('a run stopped after epoch 1 and resumed equals an uninterrupted one, bit for bit', async () => {
    const wholeDir = mkdtempSync(join(tmpdir(), 'opt-ckpt-a-'));
    const whole = await trainTutorial({ ...common, outDir: wholeDir, optimizer: make() });
    const outDir = mkdtempSync(join(tmpdir(), 'opt-ckpt-b-'));
    await expect(trainTutorial({ ...common, outDir, optimizer: make(), stopAfterEpochs: 1 })).rejects.toBeInstanceOf(InterruptedForTest);
    const stopped = readCheckpoint(checkpointPath(outDir)).header;
    expect(stopped.optimizer.iterations).toBe(2);
    const resumed = await trainTutorial({ ...common, outDir, optimizer: make(), resume: true });

    expect(resumed.history).toEqual(whole.history);
    const a = readCheckpoint(checkpointPath(wholeDir));
    const b = readCheckpoint(checkpointPath(outDir));
    expect(b.header.version).toBe(CHECKPOINT_VERSION);
    expect(b.header.optimizer).toEqual(a.header.optimizer);
    expect(b.header.optimizer.iterations).toBe(4);
    expect(b.header.arrays).toEqual(a.header.arrays);
    const slots = b.header.optimizer.slots;
    expect(b.header.arrays.filter((x) => x.name.startsWith('optimizer/')).map((x) => x.name)).toEqual(slots.map((s) => `optimizer/${s}`));
    // Every array (weights, each slot, EarlyStopping's best weights) to the bit.
    a.arrays.forEach((x, i) => {
      const bytes = (f: Float32Array) => createHash('sha256').update(new Uint8Array(f.buffer, f.byteOffset, f.byteLength)).digest('hex');
      expect(bytes(b.arrays[i]), a.header.arrays[i].name).toBe(bytes(x));
    });
    // The slots moved: a resumed run that restored zeros would differ above.
    for (const s of slots) expect(b.arrays[b.header.arrays.findIndex((x) => x.name === `optimizer/${s}`)].some((v) => v !== 0), s).toBe(true);
    expect(resumed.test).toEqual(whole.test);
    whole.model.dispose();
    resumed.model.dispose();
  }, 120_000);
});

/** The 8 samples the version-2 fixture was trained on. */
function tinyData() {
  const values = Float32Array.from({ length: 8 * 4 }, (_, i) => Math.sin(i));
  const labels = Int32Array.from({ length: 8 }, (_, i) => i % 3);
  return { values, labels, digest: digestData(values, labels, 8) };
}

function tinyModel(): Sequential {
  return new Sequential([new Flatten({ inputShape: [2, 2, 1] }), new Dense({ units: 3 })], { seed: 3 });
}

describe('a version-2 checkpoint (Adam only) still loads', () => {
  const fixture = 'test/fixtures/checkpoint-v2-adam.bin';

  it('migrates through version 3 (Adam without weight decay or clipping, its learning rate the current one) to the current one', () => {
    expect(JSON.parse(readFileSync(fixture).toString('utf8', 12, 12 + readFileSync(fixture).readUInt32LE(8))).version).toBe(2);
    const { header } = readCheckpoint(fixture);
    expect(header.version).toBe(CHECKPOINT_VERSION);
    expect(header.optimizer).toEqual({
      name: 'Adam',
      config: { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0, globalClipNorm: null },
      iterations: 2,
      learningRate: 0.01,
      slots: ['m', 'v'],
    });
  });

  it('resumes: the same run identity, its weights and moments restored, and training goes on', async () => {
    setBackend(new CpuBackend('float32'));
    const ckpt = readCheckpoint(fixture);
    const model = tinyModel();
    const optimizer = new Adam({ learningRate: 0.01 });
    model.compile({ optimizer, metrics: ['accuracy'] });
    const early = new EarlyStopping({ monitor: 'val_loss', patience: 2, restoreBestWeights: false });
    const { values, labels, digest } = tinyData();
    const run = { seed: 1, batchSize: 4, model, optimizer, early, data: { train: digest, validation: digest } };
    expect(() => checkResumable(fixture, ckpt.header, run)).not.toThrow();
    restoreCheckpoint(fixture, ckpt, model, optimizer, early);
    const arrays = Object.fromEntries(ckpt.header.arrays.map((a, i) => [a.name, ckpt.arrays[i]]));
    const state = await optimizer.state(model.store);
    expect(state.iterations).toBe(2);
    expect(Array.from(state.slots.m)).toEqual(Array.from(arrays['optimizer/m']));
    expect(Array.from(state.slots.v)).toEqual(Array.from(arrays['optimizer/v']));
    expect(Array.from((await model.getWeights())[0])).toEqual(Array.from(arrays['weights/dense/kernel']));
    const history = await model.fit({ values, shape: [8, 2, 2, 1] }, labels, { epochs: 2, initialEpoch: 1, batchSize: 4, seed: 1, verbose: 0 });
    expect(history.epoch).toEqual([1]);
    expect(optimizer.iterations).toBe(4);
    model.dispose();
  });
});

describe("the header's optimizer section is validated", () => {
  const fixture = 'test/fixtures/checkpoint-v2-adam.bin';
  const dir = mkdtempSync(join(tmpdir(), 'opt-ckpt-fields-'));

  /** The fixture with its version-2 header edited (and a correct checksum). */
  function edited(name: string, edit: (h: Record<string, any>) => void): string {
    const bytes = readFileSync(fixture);
    const headerLength = bytes.readUInt32LE(8);
    const header = JSON.parse(bytes.toString('utf8', 12, 12 + headerLength));
    edit(header);
    const json = Buffer.from(JSON.stringify(header), 'utf8');
    const pad = (4 - ((12 + json.length) % 4)) % 4;
    const prefix = Buffer.alloc(12 + json.length + pad, 0x20);
    prefix.write('WGTECKPT', 0, 'latin1');
    prefix.writeUInt32LE(json.length + pad, 8);
    json.copy(prefix, 12);
    const body = Buffer.concat([prefix, bytes.subarray(12 + headerLength, bytes.length - 32)]);
    const p = join(dir, `${name}.bin`);
    writeFileSync(p, Buffer.concat([body, createHash('sha256').update(body).digest()]));
    return p;
  }

  it('names the field, the value and what was expected', () => {
    const v3 = (h: Record<string, any>) => {
      h.version = 3;
      h.optimizer.config.weightDecay = 0;
      h.optimizer.config.globalClipNorm = null;
      h.optimizer.learningRate = 0.01;
    };
    const cases: [string, (h: Record<string, any>) => void, string | RegExp][] = [
      ['unknown class', (h) => { h.optimizer.name = 'Adamax'; }, 'header field optimizer.name is "Adamax", expected one of Adam, AdamW, SGD, RMSprop, Adagrad'],
      ['bad beta', (h) => { h.optimizer.config.beta1 = 1.5; }, /header field optimizer.config is \{.*, expected a valid Adam config \(Adam: beta1 must be in \[0, 1\), got 1.5\)/],
      ['other slots', (h) => { h.optimizer.slots = ['m']; }, 'header field optimizer.slots is ["m"], expected ["m","v"] (the slots of this Adam config)'],
      ['SGD slots', (h) => { v3(h); h.optimizer.name = 'SGD'; h.optimizer.config = { learningRate: 0.01, momentum: 0.9, nesterov: false, weightDecay: 0, globalClipNorm: null }; },
        'header field optimizer.slots is ["m","v"], expected ["momentum"] (the slots of this SGD config)'],
      ['current rate', (h) => { v3(h); h.optimizer.learningRate = 0; }, 'header field optimizer.learningRate is 0, expected a finite number >= 5e-324'],
      ['rate under a schedule', (h) => {
        v3(h);
        h.optimizer.config.learningRate = { className: 'ExponentialDecay', config: { initialLearningRate: 0.1, decaySteps: 2, decayRate: 0.5, staircase: false } };
      }, 'header field optimizer.learningRate is 0.01, expected null (a schedule drives the learning rate)'],
    ];
    for (const [what, edit, message] of cases) {
      const p = edited(what.replace(/ /g, '-'), edit);
      expect(() => readCheckpoint(p), what).toThrow(message);
    }
  });

  it('--resume names another optimizer class or config as a difference', () => {
    setBackend(new CpuBackend('float32'));
    const { header } = readCheckpoint(fixture);
    const { digest } = tinyData();
    const run = (optimizer: Optimizer) => ({ seed: 1, batchSize: 4, model: tinyModel(), optimizer, early: new EarlyStopping({ monitor: 'val_loss', patience: 2 }), data: { train: digest, validation: digest } });
    expect(() => checkResumable(fixture, header, run(new AdamW({ learningRate: 0.01 })))).toThrow(/optimizer: "Adam" in the checkpoint, "AdamW" in this run/);
    expect(() => checkResumable(fixture, header, run(new Adam({ learningRate: 0.01, globalClipNorm: 5 })))).toThrow(
      /optimizer config: \{.*"globalClipNorm":null\} in the checkpoint, \{.*"globalClipNorm":5\} in this run/,
    );
  });
});
