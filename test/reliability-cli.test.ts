/**
 * Reliability of the CLIs (issue 9), run in-process through their exported functions:
 * - train: --epochs 0 and --batch-size 0 are refused (defect 8); TerminateOnNaN is on by default
 *   and keeps the last good checkpoint (defect 4); without a terminal, progress lines come from
 *   the training loop every N steps (defect 10);
 * - predict: a model with NaN weights is an error, never "NaN%" (defect 4); a tall thin PNG is
 *   resized without building its padded square, and a huge one is refused (defect 8).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { type Callback, NonFiniteLossError, TerminateOnNaN } from '../engine/nn/callbacks.js';
import { Dense, Flatten } from '../engine/nn/layers.js';
import { Sequential } from '../engine/nn/sequential.js';
import { setBackend } from '../engine/runtime.js';
import { readCheckpoint, checkpointPath } from '../model/checkpoint.js';
import { tutorialCnn } from '../model/cnn.js';
import { main as predictMain, pngToInput, predictImage } from '../model/predict-cli.js';
import { saveModel } from '../model/tfjs-format-node.js';
import { parseTrainArgs, progressFor, PROGRESS_EVERY, trainOptions } from '../model/train-cli.js';
import { trainTutorial } from '../model/train.js';

const dir = mkdtempSync(join(tmpdir(), 'reliability-cli-'));
beforeAll(() => setBackend(new CpuBackend('float32')));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run train', () => {
  it('refuses --epochs 0, --batch-size 0 and other non-positive or non-integer counts', () => {
    expect(() => parseTrainArgs(['--epochs', '0'])).toThrow("--epochs must be a positive integer, got '0'");
    expect(() => parseTrainArgs(['--batch-size', '0'])).toThrow("--batch-size must be a positive integer, got '0'");
    expect(() => parseTrainArgs(['--batch-size', '2.5'])).toThrow("--batch-size must be a positive integer, got '2.5'");
    expect(() => parseTrainArgs(['--epochs', ''])).toThrow("--epochs must be a positive integer, got ''");
    expect(() => parseTrainArgs(['--seed=-1'])).toThrow("--seed must be a non-negative integer, got '-1'");
    expect(() => parseTrainArgs(['--verbose', '3'])).toThrow("--verbose must be 0, 1 or 2, got '3'");
    expect(() => parseTrainArgs(['extra'])).toThrow("unexpected argument 'extra' (see --help)");
    expect(parseTrainArgs(['--patience', '0'])).toMatchObject({ patience: 0, epochs: 20, batchSize: 256, seed: 42, verbose: 1 });
    expect(parseTrainArgs(['--quick'])).toMatchObject({ epochs: 2 });
  });

  it('the CLI process exits 1 on --epochs 0 and --batch-size 0, before loading any data', () => {
    for (const args of [['--epochs', '0'], ['--batch-size', '0']]) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'model/train-cli.ts', ...args, '--out', join(dir, 'cli')], {
        encoding: 'utf8', timeout: 60_000,
      });
      expect(r.status, r.stdout + r.stderr).toBe(1);
      expect(r.stderr).toContain(`train: --${args[0].slice(2)} must be a positive integer, got '0'`);
      expect(r.stdout).not.toContain('Fashion-MNIST from');
    }
  });

  it('--on-device-lost reaches fit: throw by default, cpu on request, anything else an error', async () => {
    expect(trainOptions(parseTrainArgs([])).onDeviceLost).toBe('throw');
    expect(trainOptions(parseTrainArgs(['--on-device-lost', 'cpu'])).onDeviceLost).toBe('cpu');
    expect(() => parseTrainArgs(['--on-device-lost', 'gpu'])).toThrow("--on-device-lost must be throw or cpu, got 'gpu'");
    // trainTutorial hands the policy to fit, whose own check then names it.
    const options = trainOptions(parseTrainArgs(['--backend', 'cpu', '--out', join(dir, 'device-lost'), '--epochs', '1', '--verbose', '0']));
    const run = trainTutorial({ ...options, onDeviceLost: 'gpu' as 'cpu', trainLimit: 64, testLimit: 32, log: () => {} });
    await expect(run).rejects.toThrow("fit: onDeviceLost must be 'throw' or 'cpu', got 'gpu'");
  });

  it('runs TerminateOnNaN by default; it stops at the first non-finite loss and keeps the last good checkpoint', async () => {
    expect(trainOptions(parseTrainArgs([])).callbacks?.some((c) => c instanceof TerminateOnNaN)).toBe(true);
    expect(trainOptions(parseTrainArgs(['--no-terminate-on-nan'])).callbacks).toEqual([]);

    const out = join(dir, 'nan-run');
    const options = trainOptions(parseTrainArgs(['--backend', 'cpu', '--out', out, '--epochs', '4', '--batch-size', '64', '--verbose', '0']));
    // A run that diverges during epoch 2: its weights turn NaN after that epoch's first step.
    const diverge: Callback = {
      onBatchEnd(epoch, step, _logs, ctx) {
        if (epoch === 1 && step === 0) ctx.model.store.parameters.forEach((p) => ctx.model.store.assign(p, new Float32Array(p.tensor.size).fill(NaN)));
      },
    };
    const run = trainTutorial({ ...options, callbacks: [...options.callbacks!, diverge], trainLimit: 128, testLimit: 64, log: () => {} });
    const err = (await run.catch((e) => e)) as NonFiniteLossError;
    expect(err).toBeInstanceOf(NonFiniteLossError);
    expect(err.message).toMatch(/^TerminateOnNaN: the (training|validation) loss was NaN (at step \d+ of|after) epoch 2/);
    expect(err.epoch).toBe(1);
    // The checkpoint is epoch 1's: finite, and resumable from epoch 1.
    const ckpt = readCheckpoint(checkpointPath(out));
    expect(ckpt.header.epoch).toBe(1);
    expect(ckpt.arrays.every((a) => a.every((v) => Number.isFinite(v)))).toBe(true);
  });

  it('without a terminal, --verbose 1 prints a progress line every PROGRESS_EVERY steps from the training loop', async () => {
    const written: string[] = [];
    const stream = { isTTY: false, write: (s: string) => void written.push(s) } as unknown as NodeJS.WriteStream;
    const reporter = progressFor(1, stream)!;
    const model = new Sequential([new Flatten({ inputShape: [2, 2, 1] }), new Dense({ units: 2 })]).compile();
    const n = 2 * (2 * PROGRESS_EVERY + 20); // 120 steps of 2
    const x = { values: Float32Array.from({ length: n * 4 }, (_, i) => (i % 7) / 7), shape: [n, 2, 2, 1] };
    const y = Int32Array.from({ length: n }, (_, i) => i % 2);
    await model.fit(x, y, { epochs: 1, batchSize: 2, verbose: 1, progress: reporter });
    const lines = written.join('').trimEnd().split('\n');
    expect(lines[0]).toBe('Epoch 1/1');
    expect(lines.slice(1).map((l) => l.split(' - ')[0].trim())).toEqual([`${PROGRESS_EVERY}/120`, `${2 * PROGRESS_EVERY}/120`, '120/120']);
    expect(lines[1]).toMatch(/^ {1}50\/120 - \d+s - loss: \d+\.\d{4}$/);
    expect(progressFor(2, stream)).toBeUndefined();
  });
});

describe('npm run predict', () => {
  it('a model with NaN weights is an error naming the broken weights, not a NaN% line', async () => {
    const model = tutorialCnn(3);
    const weights = await model.getWeights();
    weights[weights.length - 1][9] = NaN; // dense_1/bias of class 9
    model.setWeights(weights);
    await expect(predictImage(model, new Float32Array(784))).rejects.toThrow(
      "the model's output 9 is NaN (of 10 outputs), so there are no probabilities to print; its weights hold non-finite values (1 in dense_1/bias)",
    );
    await expect(predictImage(model, new Float32Array(784).fill(NaN))).rejects.toThrow("the image's value 0 is NaN; expected finite values in [0, 1]");

    // The CLI end to end, on a model saved with that NaN (as a diverged run would save it).
    const modelDir = join(dir, 'nan-model');
    await saveModel(model, modelDir);
    const png = new PNG({ width: 28, height: 28 });
    png.data.fill(255);
    const file = join(dir, 'white.png');
    writeFileSync(file, PNG.sync.write(png));
    const printed: string[] = [];
    await expect(predictMain(['--model', modelDir, '--image', file], (l) => printed.push(l))).rejects.toThrow(
      "the model's output 9 is NaN (of 10 outputs), so there are no probabilities to print",
    );
    expect(printed.join('\n')).not.toMatch(/NaN%/);
    model.dispose();
  });

  it('resizes a tall thin PNG as its padded square, without building that square; refuses a huge one clearly', async () => {
    const stripPng = (w: number, h: number, at: (x: number, y: number) => number): Buffer => {
      const png = new PNG({ width: w, height: h });
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) png.data.set([at(x, y), at(x, y), at(x, y), 255], 4 * (y * w + x));
      return PNG.sync.write(png, { colorType: 0 });
    };
    const W = 12;
    const H = 600;
    const pattern = (x: number, y: number) => (x * 37 + y * 11) % 256;
    const strip = stripPng(W, H, pattern);
    // The same image already padded to its centred square, through the square path.
    const ox = Math.floor((H - W) / 2);
    const square = stripPng(H, H, (x, y) => (x >= ox && x < ox + W ? pattern(x - ox, y) : 0));
    const got = pngToInput(strip);
    const want = pngToInput(square);
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
    expect(worst).toBeLessThanOrEqual(1e-6);
    expect(want.some((v) => v > 0.01)).toBe(true);

    // 1 x 100,000 would pad to 10^10 values: refused before decoding, with the reason.
    const tall = stripPng(1, 100_000, () => 200);
    const file = join(dir, 'tall.png');
    writeFileSync(file, tall);
    const modelDir = join(dir, 'good-model');
    await saveModel(tutorialCnn(3), modelDir);
    await expect(predictMain(['--model', modelDir, '--image', file], () => {})).rejects.toThrow(
      `--image ${file}: the PNG is 1x100000 pixels; at most 16384 pixels a side and 50,000,000 pixels in all are supported (shrink it first)`,
    );
    // Within the bounds, a 1 x 16000 strip works (its square would be 256 million values).
    expect(pngToInput(stripPng(1, 16_000, () => 255)).some((v) => v > 0)).toBe(true);
  });
});
