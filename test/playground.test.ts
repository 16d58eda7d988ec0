/**
 * The playground end to end, in headless Chromium (puppeteer-core, the system Chromium, the flags
 * of shared/docs/webgpu-here.md), served by playground/server.ts:
 *
 * - the page loads with no console error and names the WebGPU adapter;
 * - the worker trains 50 steps (CPU backend, batch 16) and the mean loss of the last 10 is below
 *   80% of the first step's; each chart holds one point per logged step;
 * - the model moves to WebGPU, and the profiled step's timeline lists every dispatch the backend
 *   counted; it trains there until Stop; inspection gives the conv1-3 feature maps and the softmax
 *   bars; a drawing is classified;
 * - a screenshot is taken and is not blank (UPDATE_SCREENSHOT=1 writes docs/images/playground.png);
 * - IndexedDB save and reload give the same predictions (1e-6); the downloaded model.json +
 *   weights.bin load with tf.loadLayersModel and give the same logits (1e-5);
 * - a model saved by the CLI's own save path (trainTutorial + saveModel, a few steps here), loaded
 *   from the server's --runs, classifies test image 0 and a dropped PNG of it as `npm run predict`
 *   (predict-cli's main, in-process) does;
 * - bad input: a dropped file that is not an image, a model.json of another architecture, a
 *   browser without WebGPU, a missing or damaged data file: each a message in the page, nothing crashes, the
 *   model in use stays.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { PNG } from 'pngjs';
import type { ElementHandle, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { Dense, Flatten } from '../engine/nn/layers.js';
import { Sequential } from '../engine/nn/sequential.js';
import { setBackend } from '../engine/runtime.js';
import { loadFashionMnist, REPO_DATA_DIR } from '../model/data/fashion-mnist.js';
import { main as predictCli } from '../model/predict-cli.js';
import { modelToArtifacts } from '../model/tfjs-format.js';
import { saveModel } from '../model/tfjs-format-node.js';
import { trainTutorial } from '../model/train.js';
import type { EpochEvent, Evaluation, Inspection, ModelInfo, StepEvent, StepProfile } from '../playground/protocol.js';
import { startPlaygroundServer, type PlaygroundServer } from '../playground/server.js';
import { launchPlaygroundBrowser, type PlaygroundBrowser } from './helpers/playground-browser.js';

const tmp = mkdtempSync(join(tmpdir(), 'playground-e2e-'));
const runsDir = join(tmp, 'runs');
const PX = 784;
const test = loadFashionMnist({ limit: { train: 0, test: 20 } }).test;

let server: PlaygroundServer;
let chrome: PlaygroundBrowser;
let page: Page;
let errors: string[];
/** What `npm run predict` says for the CLI-trained model. */
let cli: { indexClass: number; imageClass: number; png: string };

interface PageState {
  messages: { kind: string; text: string; topic: string }[];
  steps: StepEvent[];
  epochs: EpochEvent[];
  profiles: StepProfile[];
  evaluation: Evaluation | null;
  inspection: (Inspection & { testIndex: number }) | null;
  classification: (Inspection & { source: string; predicted: number }) | null;
  backend: { kind: string; description: string; timestampQuery: boolean } | null;
  adapter: string | null;
  state: string;
  model: ModelInfo | null;
  trained: string[];
}

const state = (p: Page = page): Promise<PageState> =>
  p.evaluate(() => JSON.parse(JSON.stringify((window as unknown as { playground: { page: unknown } }).playground.page, (k, v) => (k === 'dataset' ? undefined : ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v))) as PageState);
const predict = (indices: number[], p: Page = page): Promise<number[]> =>
  p.evaluate((ix) => (window as unknown as { playground: { predict(i: number[]): Promise<number[]> } }).playground.predict(ix), indices);
const setInput = (id: string, value: string, p: Page = page) =>
  p.$eval(`#${id}`, (e, v) => { (e as HTMLInputElement).value = v; e.dispatchEvent(new Event('change')); }, value);
const messageOf = async (topic: string, p: Page = page) => (await state(p)).messages.find((m) => m.topic === topic);
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
};
const argmax = (a: ArrayLike<number>) => Array.prototype.indexOf.call(a, Math.max(...Array.from(a)));

async function chooseBackend(kind: 'webgpu' | 'cpu'): Promise<void> {
  await page.click(`#backend-${kind}`);
  await page.waitForFunction((k) => (window as unknown as { playground: { page: { backend: { kind: string } | null } } }).playground.page.backend?.kind === k, { timeout: 120_000 }, kind);
}

/** Drops files on the classify panel the way a person's drag and drop delivers them. */
async function dropFile(name: string, type: string, bytes: Uint8Array): Promise<void> {
  await page.evaluate((n, t, b64) => {
    const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([data], n, { type: t }));
    document.getElementById('drop-zone')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, name, type, Buffer.from(bytes).toString('base64'));
}

function testImagePng(index: number): Buffer {
  const png = new PNG({ width: 28, height: 28, colorType: 0, inputColorType: 0, bitDepth: 8 });
  const gray = Buffer.from(Uint8Array.from(test.images.subarray(index * PX, (index + 1) * PX), (v) => Math.round(v * 255)));
  return PNG.sync.write(Object.assign(png, { data: gray }), { colorType: 0, inputColorType: 0, bitDepth: 8 });
}

beforeAll(async () => {
  // A model saved by the CLI's own path: trainTutorial (what `npm run train` runs) for 8 steps, then saveModel.
  setBackend(new CpuBackend('float32'));
  const trained = await trainTutorial({ backend: 'cpu', epochs: 1, batchSize: 32, trainLimit: 256, testLimit: 100, outDir: join(tmp, 'train-out'), verbose: 0, log: () => {} });
  const modelDir = join(runsDir, 'quick', 'model');
  await saveModel(trained.model, modelDir);
  trained.model.dispose();
  const png = join(tmp, 'test-0.png');
  writeFileSync(png, testImagePng(0));
  const byIndex = await predictCli(['--model', modelDir, '--index', '0'], () => {});
  const byImage = await predictCli(['--model', modelDir, '--image', png], () => {});
  cli = { indexClass: byIndex!.ranked[0].classIndex, imageClass: byImage!.ranked[0].classIndex, png };

  server = await startPlaygroundServer({ port: 0, runsDir });
  chrome = await launchPlaygroundBrowser();
}, 180_000);

afterAll(async () => {
  await chrome?.close();
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('playground in headless Chromium', () => {
  it('loads with no console error and names the WebGPU adapter', async () => {
    ({ page, errors } = await chrome.open(server.url));
    const s = await state();
    expect(s.adapter, 'the page must find a WebGPU adapter').toBeTruthy();
    expect(await page.$eval('#adapter-name', (e) => e.textContent)).toContain(s.adapter!);
    expect(s.backend?.kind).toBe('webgpu');
    expect(s.backend?.description).toMatch(/^webgpu: /);
    expect(await page.$eval('#data-status', (e) => e.textContent)).toMatch(/60,000 training and 10,000 test images, checksums verified; shared with the worker/);
    expect(await page.evaluate(() => window.crossOriginIsolated)).toBe(true);
    expect(s.messages.filter((m) => m.kind !== 'info')).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('trains 50 steps in the worker: the loss falls, and each chart holds one point per logged step', async () => {
    await chooseBackend('cpu');
    await setInput('train-images', '800');
    await setInput('test-images', '500');
    await setInput('epochs', '1');
    await page.select('#batch-size', '16');
    await page.click('#btn-train');
    // While it trains: profile one step (CPU: kernels timed on the host), pause, resume.
    await page.waitForFunction('window.playground.page.steps.length >= 3', { timeout: 120_000 });
    await page.click('#btn-profile');
    await page.click('#btn-pause');
    await page.waitForFunction('window.playground.page.state === "paused"', { timeout: 60_000 });
    const atPause = (await state()).steps.length;
    await new Promise((r) => setTimeout(r, 600));
    expect((await state()).steps.length).toBe(atPause);
    await page.click('#btn-resume');
    await page.waitForFunction('window.playground.page.trained.length === 1', { timeout: 240_000 });

    const s = await state();
    expect(s.steps.map((e) => e.step)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const first = s.steps[0].loss;
    const last10 = s.steps.slice(-10).reduce((a, e) => a + e.loss, 0) / 10;
    console.log(`playground CPU: first loss ${first.toFixed(4)}, mean of the last 10 ${last10.toFixed(4)} (${((100 * last10) / first).toFixed(1)}%), ${s.steps.at(-1)!.imagesPerSecond.toFixed(0)} images/s`);
    expect(first).toBeGreaterThan(2);
    expect(last10).toBeLessThan(0.8 * first);
    expect(s.epochs).toHaveLength(1);
    expect(s.epochs[0].step).toBe(50);
    const charts = await page.evaluate(() => (window as unknown as { playground: { charts(): unknown } }).playground.charts()) as Record<'loss' | 'accuracy', { steps: number; stepValues: number; epochValues: number[] }>;
    for (const c of [charts.loss, charts.accuracy]) expect(c).toEqual({ steps: 50, stepValues: 50, epochValues: [1, 1] });
    expect(await page.$eval('#stat-rate', (e) => e.textContent)).toMatch(/^\d+ images\/s$/);
    expect(s.profiles).toHaveLength(1);
    expect(s.profiles[0]).toMatchObject({ backend: 'cpu', source: 'host' });
    expect(s.profiles[0].entries.map((e) => e.kernel)).toEqual(expect.arrayContaining(['conv2d', 'conv2dBackpropFilter', 'conv2dBackpropInput', 'maxPool2dBackward', 'adam']));
    // The confusion matrix of the end of training covers the 500 validation images.
    expect(s.evaluation!.count).toBe(500);
    expect(s.evaluation!.confusion.flat().reduce((a, b) => a + b, 0)).toBe(500);
    expect(await page.$$eval('table.confusion tbody tr', (r) => r.length)).toBe(10);
    expect(s.state).toBe('idle');
  });

  it('moves the model to WebGPU and profiles a step: the timeline lists every dispatch of the step', async () => {
    const onCpu = await predict([0, 1, 2, 3]);
    await chooseBackend('webgpu');
    const onGpu = await predict([0, 1, 2, 3]);
    expect(maxAbsDiff(onGpu, onCpu)).toBeLessThan(1e-3);
    await page.click('#btn-profile');
    await page.waitForFunction('window.playground.page.profiles.length === 2', { timeout: 120_000 });
    const p = (await state()).profiles[1];
    expect(p.backend).toBe('webgpu');
    expect(p.source).toBe((await state()).backend!.timestampQuery ? 'gpu-timestamp' : 'wall');
    expect(p.dispatches).toBeGreaterThan(30);
    expect(p.entries).toHaveLength(p.dispatches!);
    expect(p.entries.every((e) => e.kernel && Number.isFinite(e.ms) && e.ms >= 0)).toBe(true);
    expect(p.entries.reduce((a, e) => a + e.ms, 0)).toBeGreaterThan(0);
    const ops = new Set(p.entries.map((e) => e.op));
    for (const op of ['conv2d', 'conv2dBackpropFilter', 'conv2dBackpropInput', 'maxPool2d', 'maxPool2dBackward', 'matmul', 'reluBackward', 'sum', 'adam']) expect(ops, op).toContain(op);
    expect(await page.$$eval('#timeline li', (li) => li.length)).toBe(p.entries.length);
    expect(await page.$$eval('#timeline svg rect', (r) => r.length)).toBe(p.entries.length);
    console.log(`playground WebGPU profile: ${p.entries.length} dispatches timed of ${p.dispatches}, ${p.entries.reduce((a, e) => a + e.ms, 0).toFixed(1)} ms (${p.source})`);
  });

  it('trains on WebGPU in the worker until Stop, then evaluates', async () => {
    const before = await state();
    await page.click('#btn-train');
    await page.waitForFunction((n) => (window as unknown as { playground: { page: { steps: unknown[] } } }).playground.page.steps.length >= n + 2, { timeout: 120_000 }, before.steps.length);
    await page.click('#btn-stop');
    await page.waitForFunction('window.playground.page.trained.length === 2 && window.playground.page.state === "idle"', { timeout: 120_000 });
    const s = await state();
    expect(s.trained).toEqual(['done', 'stopped']);
    const mine = s.steps.slice(before.steps.length);
    expect(mine.length).toBeGreaterThanOrEqual(2);
    expect(mine.length).toBeLessThan(50);
    expect(mine.every((e) => Number.isFinite(e.loss) && e.loss > 0)).toBe(true);
    console.log(`playground WebGPU: steps ${mine[0].step}-${mine.at(-1)!.step} before Stop, losses ${mine.map((e) => e.loss.toFixed(3)).join(' ')} (${mine.at(-1)!.ms.toFixed(0)} ms the last)`);
    expect(s.epochs).toHaveLength(1); // a stopped epoch has no epoch point
    expect(s.evaluation!.count).toBe(500);
    expect(s.evaluation).not.toEqual(before.evaluation);
  });

  it('inspects a test image (conv1-3 feature maps, softmax bars) and classifies a drawing', async () => {
    await setInput('test-index', '3');
    await page.waitForFunction('window.playground.page.inspection?.testIndex === 3', { timeout: 60_000 });
    const s = await state();
    expect(s.inspection!.maps.map((m) => m.shape)).toEqual([[26, 26, 32], [11, 11, 64], [3, 3, 64]]);
    expect(s.inspection!.maps.map((m) => m.values.length)).toEqual([26 * 26 * 32, 11 * 11 * 64, 3 * 3 * 64]);
    expect(s.inspection!.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(await page.$$eval('#feature-maps canvas', (c) => c.length)).toBe(3);
    expect(await page.$$eval('#inspect-bars .bar', (b) => b.length)).toBe(10);
    expect(argmax(s.inspection!.logits)).toBe(argmax(await predict([3])));
    // A person's stroke on the pad: a trouser-like pair of legs.
    const padHandle = (await page.$('#draw-pad'))!;
    await padHandle.scrollIntoView();
    const { x, y, width, height } = (await padHandle.boundingBox())!;
    for (const fx of [0.38, 0.62]) {
      await page.mouse.move(x + width * 0.5, y + height * 0.15);
      await page.mouse.down();
      await page.mouse.move(x + width * fx, y + height * 0.5, { steps: 5 });
      await page.mouse.move(x + width * fx, y + height * 0.88, { steps: 5 });
      await page.mouse.up();
    }
    await page.waitForFunction('window.playground.page.classification !== null', { timeout: 60_000 });
    const c = (await state()).classification!;
    expect(c.source).toBe('your drawing');
    expect(c.probabilities).toHaveLength(10);
    expect(await page.$eval('#classify-status', (e) => e.textContent)).toMatch(/^your drawing: .+ \(\d+\.\d%\)$/);
  });

  it('takes a screenshot that is not blank', async () => {
    const file = join(tmp, 'playground.png');
    await page.screenshot({ path: file, fullPage: true });
    const png = PNG.sync.read(readFileSync(file));
    expect(png.width).toBe(1280);
    expect(png.height).toBeGreaterThan(1500);
    const colors = new Set<number>();
    let sum = 0;
    let sq = 0;
    const n = png.width * png.height;
    for (let p = 0; p < n; p++) {
      const [r, g, b] = [png.data[4 * p], png.data[4 * p + 1], png.data[4 * p + 2]];
      colors.add((r << 16) | (g << 8) | b);
      const l = 0.299 * r + 0.587 * g + 0.114 * b;
      sum += l;
      sq += l * l;
    }
    const std = Math.sqrt(sq / n - (sum / n) ** 2);
    console.log(`screenshot ${png.width}x${png.height}: ${colors.size} colours, luma std ${std.toFixed(1)}`);
    expect(colors.size).toBeGreaterThan(500);
    expect(std).toBeGreaterThan(10);
    if (process.env.UPDATE_SCREENSHOT === '1') copyFileSync(file, 'docs/images/playground.png');
  });

  it('saves to IndexedDB; after a reload the loaded model predicts the same (1e-6)', async () => {
    await chooseBackend('cpu');
    const before = await predict([0, 1, 2, 3, 4, 5, 6, 7]);
    await page.click('#btn-save-idb');
    await page.waitForFunction('document.getElementById("save-status").textContent.startsWith("Saved in this browser")', { timeout: 60_000 });
    await page.goto(`${server.url}?backend=cpu`);
    await page.waitForFunction('document.body.dataset.ready === "true"', { timeout: 120_000 });
    expect((await state()).model).toBeNull();
    await page.click('#btn-load-idb');
    await page.waitForFunction('window.playground.page.model !== null', { timeout: 60_000 });
    expect((await state()).model!.source).toMatch(/saved in this browser/);
    const after = await predict([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(maxAbsDiff(after, before)).toBeLessThanOrEqual(1e-6);
    expect(errors).toEqual([]);
  });

  it('downloads model.json + weights.bin that tf.loadLayersModel reads, with the same logits (1e-5)', async () => {
    await page.click('#btn-download');
    const json = join(chrome.downloads, 'model.json');
    const bin = join(chrome.downloads, 'weights.bin');
    for (let i = 0; i < 100 && !(existsSync(json) && existsSync(bin)); i++) await new Promise((r) => setTimeout(r, 100));
    expect(existsSync(json) && existsSync(bin)).toBe(true);
    // tfjs fetches model.json and then the weight paths it names, as from any web server.
    const files = createServer((req, res) => {
      const name = req.url === '/model.json' ? json : req.url === '/weights.bin' ? bin : null;
      if (!name) res.writeHead(404).end();
      else res.writeHead(200).end(readFileSync(name));
    });
    await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
    try {
      const tfModel = await tf.loadLayersModel(`http://127.0.0.1:${(files.address() as AddressInfo).port}/model.json`);
      const x = tf.tensor4d(test.images.slice(0, 8 * PX), [8, 28, 28, 1]);
      const theirs = await (tfModel.predict(x) as tf.Tensor).data();
      const ours = await predict([0, 1, 2, 3, 4, 5, 6, 7]);
      const diff = maxAbsDiff(ours, theirs);
      console.log(`playground download -> tf.loadLayersModel: max |logit difference| ${diff.toExponential(2)} over 8 images`);
      expect(diff).toBeLessThan(1e-5);
      expect(Math.max(...ours) - Math.min(...ours)).toBeGreaterThan(0.5);
      x.dispose();
      tfModel.dispose();
    } finally {
      files.close();
    }
  });

  it('loads the model of npm run train from --runs: test image 0 and a dropped PNG of it get npm run predict\'s class', async () => {
    expect(cli.imageClass).toBe(cli.indexClass);
    expect(await page.$$eval('#runs-select option', (o) => o.map((x) => x.textContent))).toEqual([expect.stringMatching(/^runs\/quick /)]);
    await page.click('#btn-load-run');
    await page.waitForFunction('window.playground.page.model?.source === "runs/quick"', { timeout: 60_000 });
    await setInput('test-index', '0');
    await page.waitForFunction('window.playground.page.inspection?.testIndex === 0', { timeout: 60_000 });
    const s = await state();
    expect(argmax(s.inspection!.probabilities)).toBe(cli.indexClass);
    await dropFile('test-0.png', 'image/png', readFileSync(cli.png));
    await page.waitForFunction('window.playground.page.classification?.source.startsWith("test-0.png")', { timeout: 60_000 });
    const c = (await state()).classification!;
    expect(c.source).toBe('test-0.png (28x28)');
    expect(c.predicted).toBe(cli.indexClass);
    // The same input as the test image itself, so the same probabilities.
    expect(maxAbsDiff(c.probabilities, s.inspection!.probabilities)).toBeLessThan(1e-6);
  });

  it('bad input: a dropped file that is not an image, and model.json files of another architecture', async () => {
    const before = await predict([0, 1]);
    const classification = (await state()).classification;
    await dropFile('notes.txt', 'text/plain', new TextEncoder().encode('not an image'));
    await page.waitForFunction('window.playground.page.messages.some((m) => m.topic === "classify")', { timeout: 30_000 });
    expect((await messageOf('classify'))!.text).toMatch(/'notes\.txt' is not an image the browser can decode \(type text\/plain, 12 bytes\)/);
    expect((await state()).classification).toEqual(classification);

    // An MLP (a valid Layers model, not the tutorial CNN), and a layer type the engine lacks.
    setBackend(new CpuBackend('float32'));
    const mlp = await modelToArtifacts(new Sequential([new Flatten({ inputShape: [28, 28, 1] }), new Dense({ units: 10 })]));
    const dir = join(tmp, 'mlp');
    mkdirSync(dir);
    writeFileSync(join(dir, 'model.json'), JSON.stringify(mlp.modelJson));
    writeFileSync(join(dir, 'weights.bin'), new Uint8Array(mlp.weightData));
    const input = (await page.$('#model-files')) as ElementHandle<HTMLInputElement>;
    await input.uploadFile(join(dir, 'model.json'), join(dir, 'weights.bin'));
    await page.waitForFunction('window.playground.page.messages.some((m) => m.topic === "save" && m.kind === "error")', { timeout: 30_000 });
    expect((await messageOf('save'))!.text).toMatch(/model\.json \+ weights\.bin: this model is not the tutorial CNN that the playground trains \(model\/cnn\.ts\): layer 1 'flatten' is Flatten -> \[784\], expected Conv2D 32 filters/);

    const odd = { ...mlp.modelJson, modelTopology: { ...mlp.modelJson.modelTopology, config: { name: 'x', layers: [{ class_name: 'GaussianNoise', config: { name: 'noise', stddev: 0.1, batch_input_shape: [null, 28, 28, 1] } }] } } };
    writeFileSync(join(dir, 'model.json'), JSON.stringify(odd));
    await input.uploadFile(join(dir, 'model.json'), join(dir, 'weights.bin'));
    await page.waitForFunction('window.playground.page.messages.some((m) => m.topic === "save" && /GaussianNoise/.test(m.text))', { timeout: 30_000 });
    expect((await messageOf('save'))!.text).toMatch(/layer type 'GaussianNoise' is not supported/);

    await input.uploadFile(join(dir, 'model.json'));
    await page.waitForFunction('window.playground.page.messages.some((m) => m.topic === "save" && /was not among the files chosen/.test(m.text))', { timeout: 30_000 });

    // The model in use is the one loaded before.
    expect((await state()).model!.source).toBe('runs/quick');
    expect(await predict([0, 1])).toEqual(before);
    expect(errors).toEqual([]);
  });

  it('bad input: a browser without WebGPU says so and trains on the CPU', async () => {
    const other = await chrome.open(server.url, { withoutWebGPU: true });
    try {
      const s = await state(other.page);
      const m = s.messages.find((x) => x.topic === 'webgpu');
      expect(m?.kind).toBe('warning');
      expect(m?.text).toMatch(/No WebGPU: this browser has no WebGPU \(navigator\.gpu is missing\).*runs on the CPU backend instead/);
      expect(s.backend?.kind).toBe('cpu');
      expect(await other.page.$eval('#backend-webgpu', (e) => (e as HTMLInputElement).disabled)).toBe(true);
      expect(await other.page.$eval('#backend-cpu', (e) => (e as HTMLInputElement).checked)).toBe(true);
      expect(await other.page.$eval('#btn-train', (e) => (e as HTMLButtonElement).disabled)).toBe(false);
      expect(other.errors).toEqual([]);
    } finally {
      await other.page.close();
    }
  });

  it('bad input: a missing data file is named, and training stays off', async () => {
    const dir = join(tmp, 'data-missing');
    mkdirSync(dir);
    for (const f of ['train-images-idx3-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']) copyFileSync(join(REPO_DATA_DIR, f), join(dir, f));
    const partial = await startPlaygroundServer({ port: 0, dataDir: dir });
    try {
      const other = await chrome.open(`${partial.url}?backend=cpu`);
      const m = (await state(other.page)).messages.find((x) => x.topic === 'data');
      expect(m?.kind).toBe('error');
      expect(m?.text).toMatch(/^missing data file on the server: train-labels-idx1-ubyte\.gz\. Start the server with --data DIR/);
      expect(await other.page.$eval('#data-status', (e) => e.textContent)).toBe('The dataset could not be loaded: training is off.');
      expect(await other.page.$eval('#btn-train', (e) => (e as HTMLButtonElement).disabled)).toBe(true);
      expect(other.errors).toEqual([]);
      await other.page.close();
    } finally {
      await partial.close();
    }
  });

  it('bad input: a damaged data file is named with what is wrong', async () => {
    const dir = join(tmp, 'data-damaged');
    mkdirSync(dir);
    for (const f of ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz']) copyFileSync(join(REPO_DATA_DIR, f), join(dir, f));
    const labels = readFileSync(join(REPO_DATA_DIR, 't10k-labels-idx1-ubyte.gz'));
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte.gz'), labels.subarray(0, labels.length - 600)); // cut short
    const damaged = await startPlaygroundServer({ port: 0, dataDir: dir });
    try {
      const other = await chrome.open(`${damaged.url}?backend=cpu`);
      const m = (await state(other.page)).messages.find((x) => x.topic === 'data');
      expect(m?.kind).toBe('error');
      expect(m?.text).toMatch(/^t10k-labels-idx1-ubyte\.gz: (cannot decompress it|the content is \d+ bytes, expected 10008 \(truncated\))/);
      expect(await other.page.$eval('#btn-train', (e) => (e as HTMLButtonElement).disabled)).toBe(true);
      expect(other.errors).toEqual([]);
      await other.page.close();
    } finally {
      await damaged.close();
    }
  });
});
