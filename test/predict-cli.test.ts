/**
 * `npm run predict` (model/predict-cli.ts), run in-process through its exported functions:
 * a test image written as a 28x28 grayscale PNG, or as a larger inverted RGB PNG, is classified
 * as predicting the array directly does; --index prints the true class; preprocessing and
 * argument errors are checked.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { setBackend } from '../engine/runtime.js';
import { tutorialCnn } from '../model/cnn.js';
import { FASHION_MNIST_CLASS_NAMES, loadFashionMnist } from '../model/data/fashion-mnist.js';
import { softmax } from '../model/metrics.js';
import { main, parsePredictArgs, pngToInput, resizeWeights } from '../model/predict-cli.js';
import { saveModel } from '../model/tfjs-format-node.js';

const PX = 28 * 28;
const data = loadFashionMnist({ limit: { train: 1000, test: 20 } });
const dir = mkdtempSync(join(tmpdir(), 'predict-cli-'));
const modelDir = join(dir, 'model');
/** Direct predictions (logits) of the saved model on the 20 test images. */
let logits: Float32Array;

function argmax(a: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
  return best;
}

function image(i: number): Float32Array {
  return data.test.images.slice(i * PX, (i + 1) * PX);
}

function bytesOf(i: number): Uint8Array {
  return Uint8Array.from(image(i), (v) => Math.round(v * 255));
}

/** Test image i as a 28x28 8-bit grayscale PNG. */
function grayPng(i: number): Buffer {
  const png = new PNG({ width: 28, height: 28 });
  const b = bytesOf(i);
  for (let p = 0; p < PX; p++) png.data.set([b[p], b[p], b[p], 255], 4 * p);
  return PNG.sync.write(png, { colorType: 0 });
}

/** Test image i scaled 3x (84x84), dark on white, in RGB. */
function invertedRgbPng(i: number): Buffer {
  const png = new PNG({ width: 84, height: 84 });
  const b = bytesOf(i);
  for (let y = 0; y < 84; y++) {
    for (let x = 0; x < 84; x++) {
      const v = 255 - b[Math.floor(y / 3) * 28 + Math.floor(x / 3)];
      png.data.set([v, v, v, 255], 4 * (y * 84 + x));
    }
  }
  return PNG.sync.write(png, { colorType: 2 });
}

beforeAll(async () => {
  setBackend(new CpuBackend('float32'));
  const model = tutorialCnn(3).compile({ optimizer: 'adam', metrics: ['accuracy'] });
  await model.fit({ values: data.train.images, shape: [data.train.count, 28, 28, 1] }, data.train.labels, { epochs: 1, batchSize: 32, seed: 3, verbose: 0 });
  await saveModel(model, modelDir);
  logits = await model.predict({ values: data.test.images, shape: [data.test.count, 28, 28, 1] });
  model.dispose();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run predict', () => {
  it('a 28x28 grayscale PNG of a test image reads back as exactly the test image', () => {
    expect(pngToInput(grayPng(0))).toEqual(image(0));
  });

  it('classifies a 28x28 grayscale PNG as predicting the array directly', async () => {
    for (const i of [0, 1, 2, 7]) {
      const file = join(dir, `test-${i}.png`);
      writeFileSync(file, grayPng(i));
      const lines: string[] = [];
      const r = (await main(['--model', modelDir, '--image', file], (l) => lines.push(l)))!;
      const direct = logits.subarray(i * 10, (i + 1) * 10);
      expect(r.ranked[0].classIndex).toBe(argmax(direct));
      expect(r.outputs).toEqual(Float32Array.from(direct));
      const p = softmax(direct);
      r.probabilities.forEach((v, k) => expect(v).toBeCloseTo(p[k], 6));
      expect(r.ranked).toHaveLength(10);
      expect(lines).toHaveLength(2 + 3); // model, image, top 3
      expect(lines[1]).toBe(`Image: ${file} (28x28)`);
      expect(lines[2]).toMatch(new RegExp(`^  1\\. ${FASHION_MNIST_CLASS_NAMES[argmax(direct)].replace('/', '\\/')} +\\d+\\.\\d\\d%$`));
    }
  });

  it('converts a larger dark-on-light RGB PNG with --invert (area averaging) to the same input', async () => {
    const i = 4;
    const inverted = invertedRgbPng(i);
    const px = pngToInput(inverted, { invert: true });
    const want = image(i);
    let maxDiff = 0;
    for (let p = 0; p < PX; p++) maxDiff = Math.max(maxDiff, Math.abs(px[p] - want[p]));
    expect(maxDiff).toBeLessThan(1e-5);
    const file = join(dir, 'big-inverted.png');
    writeFileSync(file, inverted);
    const lines: string[] = [];
    const r = (await main(['--model', modelDir, '--image', file, '--invert', '--top', '2'], (l) => lines.push(l)))!;
    expect(r.ranked[0].classIndex).toBe(argmax(logits.subarray(i * 10, (i + 1) * 10)));
    expect(lines[1]).toBe(`Image: ${file} (84x84, resized to 28x28, inverted)`);
    expect(lines).toHaveLength(4);
  });

  it('--index prints the top classes and the true class', async () => {
    const lines: string[] = [];
    const r = (await main(['--model', modelDir, '--index', '5', '--top', '10'], (l) => lines.push(l)))!;
    const direct = logits.subarray(50, 60);
    expect(r.trueClass).toBe(data.test.labels[5]);
    expect(r.ranked[0].classIndex).toBe(argmax(direct));
    expect(lines[1]).toBe('Image: Fashion-MNIST test image #5');
    expect(lines).toHaveLength(2 + 10 + 1);
    const truth = FASHION_MNIST_CLASS_NAMES[data.test.labels[5]];
    expect(lines[12]).toBe(`True class: ${truth} (${argmax(direct) === data.test.labels[5] ? 'predicted correctly' : `predicted ${r.ranked[0].className}: wrong`})`);
    const total = r.ranked.reduce((s, c) => s + c.probability, 0);
    expect(total).toBeCloseTo(1, 5);
  });

  it('pads a non-square image to a square with the background and resizes it', () => {
    // 56 wide, 28 tall, white: padded to 56x56 (white band in the middle half), shrunk by 2.
    const png = new PNG({ width: 56, height: 28 });
    png.data.fill(255);
    const px = pngToInput(PNG.sync.write(png));
    for (let y = 0; y < 28; y++) expect(px[y * 28 + 10]).toBe(y >= 7 && y < 21 ? 1 : 0);
    // Transparent pixels are background, whatever their colour.
    const clear = new PNG({ width: 28, height: 28 });
    clear.data.fill(255);
    for (let p = 0; p < PX; p++) clear.data[4 * p + 3] = 0;
    expect(pngToInput(PNG.sync.write(clear)).every((v) => v === 0)).toBe(true);
    expect(pngToInput(PNG.sync.write(clear), { invert: true }).every((v) => v === 0)).toBe(true);
  });

  it('resize weights sum to one (shrinking and enlarging)', () => {
    for (const [n, m] of [[100, 28], [28, 28], [10, 28], [29, 28]]) {
      for (const w of resizeWeights(n, m)) expect(w.reduce((s, [, k]) => s + k, 0)).toBeCloseTo(1, 12);
    }
  });

  it('gives clear errors for bad arguments and files', async () => {
    expect(() => parsePredictArgs(['--model', 'x'])).toThrow('give --index N (a test image) or --image FILE.png (see --help)');
    expect(() => parsePredictArgs(['--index', '1', '--image', 'a.png'])).toThrow('give either --index or --image, not both');
    expect(() => parsePredictArgs(['--index', '2.5'])).toThrow("--index must be a non-negative integer, got '2.5'");
    expect(() => parsePredictArgs(['--index', '1', '--backend', 'tpu'])).toThrow("--backend must be cpu, webgpu or auto, got 'tpu'");
    expect(parsePredictArgs(['--index', '1'])).toMatchObject({ backend: 'cpu', top: 3, model: 'runs/latest/model', invert: false });
    const notPng = join(dir, 'not.png');
    writeFileSync(notPng, 'hello');
    await expect(main(['--model', modelDir, '--image', notPng], () => {})).rejects.toThrow(`--image ${notPng}: not a readable PNG`);
    await expect(main(['--model', modelDir, '--index', '10000'], () => {})).rejects.toThrow('--index 10000 is out of range: the test set has 10000 images (0..9999)');
    const help: string[] = [];
    expect(await main(['--help'], (l) => help.push(l))).toBeNull();
    expect(help[0]).toMatch(/--invert/);
  });
});
