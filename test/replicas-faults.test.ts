/**
 * Replicas that fail: a worker that throws mid-step and one whose thread dies mid-step
 * each end fit at once with an error naming the replica and the step (no hang), and in
 * the tutorial's training the last checkpoint stays intact, so --resume (with the same
 * replicas) then reproduces the uninterrupted run exactly. Faults are injected with
 * ENGINE_REPLICA_FAULT, which the workers read from the environment they start with.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { ReplicaError } from '../engine/distribute/replica-pool.js';
import { REPLICA_FAULT_ENV } from '../engine/distribute/replica-protocol.js';
import { Dense, Flatten, Layer } from '../engine/nn/layers.js';
import type { Tensor } from '../engine/tensor.js';
import { Sequential } from '../engine/nn/sequential.js';
import { Random } from '../engine/random.js';
import { setBackend } from '../engine/runtime.js';
import { checkpointPath, readCheckpoint } from '../model/checkpoint.js';
import { parseTrainArgs, trainOptions } from '../model/train-cli.js';
import { trainTutorial, type TrainOptions } from '../model/train.js';

beforeAll(() => {
  setBackend(new CpuBackend('float32'));
});

afterEach(() => {
  delete process.env[REPLICA_FAULT_ENV];
});

const rng = new Random(9);
const x = { values: Float32Array.from({ length: 96 * 16 }, () => rng.uniform(-1, 1)), shape: [96, 4, 4] };
const y = Int32Array.from({ length: 96 }, (_, i) => i % 3);

function tiny(): Sequential {
  return new Sequential([new Flatten({ inputShape: [4, 4] }), new Dense({ units: 3 })], { seed: 1 }).compile();
}

describe('a replica that fails mid-step', () => {
  it('throws: fit rejects with an error naming the replica, the step and the cause', async () => {
    process.env[REPLICA_FAULT_ENV] = 'throw:2:2';
    const model = tiny();
    const err = await model.fit(x, y, { batchSize: 32, epochs: 1, replicas: 2, verbose: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReplicaError);
    expect((err as ReplicaError).replica).toBe(2);
    expect((err as Error).message).toMatch(/^fit: replica 2 of 2 failed during step 2 of epoch 1: injected fault \(ENGINE_REPLICA_FAULT=throw:2:2\)$/);
    // The model keeps the update of step 1 and stays usable.
    expect((await model.getWeights()).every((w) => w.every(Number.isFinite))).toBe(true);
    model.dispose();
  });

  it('dies (its thread exits): fit rejects naming the replica and the exit code', async () => {
    process.env[REPLICA_FAULT_ENV] = 'exit:1:2';
    const model = tiny();
    await expect(model.fit(x, y, { batchSize: 32, epochs: 1, replicas: 2, verbose: 0 })).rejects.toThrow(
      /^fit: replica 1 of 2 failed during step 2 of epoch 1: its thread ended \(exit code 70\)$/,
    );
    model.dispose();
  });
});

/** A layer of the caller's own, which the replicas' Keras-config reader cannot rebuild. */
class Identity extends Layer {
  readonly className = 'Identity';
  constructor() {
    super();
  }
  outputShape(inputShape: readonly number[]): number[] {
    return [...inputShape];
  }
  call(x: Tensor): Tensor {
    return x;
  }
  config(): Record<string, unknown> {
    return {};
  }
}

it('a layer replicas do not reproduce is refused before any worker starts, naming the layer', async () => {
  const model = new Sequential([new Flatten({ inputShape: [4, 4] }), new Identity(), new Dense({ units: 3 })], { seed: 1 }).compile();
  await expect(model.fit(x, y, { batchSize: 32, replicas: 2, verbose: 0 })).rejects.toThrow(
    /^fit: layer 1 \(identity, Identity\) is not supported by replicas yet \(replicas reproduce Conv2D, MaxPooling2D, Flatten, Dense layers without regularizers\)/,
  );
  model.dispose();
});

it('a replica that dies while starting fails fit, naming the replica', async () => {
  process.env[REPLICA_FAULT_ENV] = 'exit:2:0';
  const model = tiny();
  await expect(model.fit(x, y, { batchSize: 32, replicas: 2, verbose: 0 })).rejects.toThrow(
    /^fit: replica 2 of 2 failed while starting: its thread ended \(exit code 70\)$/,
  );
  model.dispose();
});

describe('the train CLI with --replicas', () => {
  it('parses --replicas N and refuses 0, 1.5, or more than the batch size', () => {
    expect(trainOptions(parseTrainArgs(['--replicas', '2'])).replicas).toBe(2);
    expect(parseTrainArgs([]).replicas).toBeUndefined();
    expect(() => parseTrainArgs(['--replicas', '0'])).toThrow(/--replicas must be a positive integer, got '0'/);
    expect(() => parseTrainArgs(['--replicas', '1.5'])).toThrow(/--replicas must be a positive integer, got '1.5'/);
    expect(() => parseTrainArgs(['--replicas', '5', '--batch-size', '4'])).toThrow(/--replicas \(5\) is more than --batch-size \(4\)/);
  });

  it('a fault mid-epoch keeps the last checkpoint intact, and --resume then reproduces the uninterrupted run exactly', async () => {
    // 2 steps per epoch; replica 2's 3rd step is step 1 of epoch 2.
    const settings: Omit<TrainOptions, 'outDir'> = {
      backend: 'cpu', epochs: 2, batchSize: 64, trainLimit: 128, testLimit: 32, seed: 5, replicas: 2, verbose: 0, log: () => {},
    };
    const whole = await trainTutorial({ ...settings, outDir: mkdtempSync(join(tmpdir(), 'replicas-whole-')) });

    const outDir = mkdtempSync(join(tmpdir(), 'replicas-fault-'));
    process.env[REPLICA_FAULT_ENV] = 'throw:2:3';
    await expect(trainTutorial({ ...settings, outDir })).rejects.toThrow(/^fit: replica 2 of 2 failed during step 1 of epoch 2: injected fault/);
    delete process.env[REPLICA_FAULT_ENV];
    const ckpt = readCheckpoint(checkpointPath(outDir)); // verifies the checksum and every field
    expect(ckpt.header.epoch).toBe(1);
    expect(ckpt.header.optimizer.iterations).toBe(2);

    const logs: string[] = [];
    const resumed = await trainTutorial({ ...settings, outDir, resume: true, log: (l) => logs.push(l) });
    expect(logs.some((l) => l.startsWith('resuming from') && l.endsWith('after epoch 1'))).toBe(true);
    expect(resumed.history).toEqual(whole.history);
    const wa = await whole.model.getWeights();
    const wb = await resumed.model.getWeights();
    wa.forEach((w, i) => expect(Buffer.from(wb[i].buffer).equals(Buffer.from(w.buffer)), `weights ${i}`).toBe(true));
    whole.model.dispose();
    resumed.model.dispose();
  });
});
