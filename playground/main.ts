/**
 * The playground page (bundled as /app.js). It finds out what the browser offers (WebGPU and
 * its adapter, cross-origin isolation), starts the training worker, loads the dataset with a
 * progress bar and hands it to the worker (shared memory), and wires every panel to the worker:
 * train / pause / resume / stop, the charts, the step profile, inspection, draw-or-drop
 * classification, the confusion matrix, and saving and loading the model.
 *
 * Every failure a person can cause or meet (no WebGPU, a file that is not an image, a model of
 * another architecture, a missing data file, ...) becomes a message at the top of the page;
 * nothing is left half done (a load that fails keeps the current model; a save is one record).
 */
import type { TfjsArtifacts } from '../model/tfjs-format.js';
import { TrainingChart } from './charts.js';
import { DataError, fetchManifest, loadDataset, type LoadedDataset } from './dataset.js';
import { DrawPad } from './draw-pad.js';
import { decodeImageFile, padToSquare } from './image-input.js';
import {
  artifactsFromFiles, artifactsFromUrl, downloadArtifacts, loadFromIndexedDB, saveToIndexedDB,
} from './model-files.js';
import type {
  BackendInfo, BackendKind, EpochEvent, Evaluation, Inspection, ModelInfo, RunListing, StepEvent, StepProfile, TrainConfig, TrainState, WorkerEvent,
} from './protocol.js';
import { confusionTable, drawGray, el, featureMapGrid, probabilityBars, timelineView } from './views.js';
import { WorkerClient } from './worker-client.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const e = document.getElementById(id);
  if (!e) throw new Error(`playground: the page has no #${id}`);
  return e as T;
};

type MessageKind = 'error' | 'warning' | 'info';
interface PageMessage { kind: MessageKind; text: string; topic: string }

const page = {
  messages: [] as PageMessage[],
  steps: [] as StepEvent[],
  epochs: [] as EpochEvent[],
  profiles: [] as StepProfile[],
  evaluation: null as Evaluation | null,
  inspection: null as (Inspection & { testIndex: number }) | null,
  classification: null as (Inspection & { source: string; predicted: number }) | null,
  backend: null as BackendInfo | null,
  adapter: null as string | null,
  state: 'idle' as TrainState,
  model: null as ModelInfo | null,
  dataset: null as LoadedDataset | null,
  trained: [] as string[],
  downloads: 0,
};

// ------------------------------------------------------------------------------------ messages

/** Shows a message; one per topic (a new one replaces the old), errors stay until closed. */
function say(kind: MessageKind, topic: string, text: string): void {
  page.messages = page.messages.filter((m) => m.topic !== topic);
  page.messages.push({ kind, text, topic });
  const box = $('messages');
  box.querySelector(`[data-topic="${CSS.escape(topic)}"]`)?.remove();
  const close = el('button', { class: 'close', title: 'dismiss', 'aria-label': 'dismiss' }, '\u00d7');
  const m = el('div', { class: `msg ${kind}`, 'data-topic': topic }, el('span', {}, text), close);
  close.addEventListener('click', () => {
    m.remove();
    page.messages = page.messages.filter((x) => x.topic !== topic);
  });
  box.append(m);
  if (kind === 'info') setTimeout(() => { if (m.isConnected) close.click(); }, 8000);
}

function unsay(topic: string): void {
  page.messages = page.messages.filter((m) => m.topic !== topic);
  $('messages').querySelector(`[data-topic="${CSS.escape(topic)}"]`)?.remove();
}

/** Runs an action; its failure becomes a message under `topic`, never an uncaught error. */
async function guard<T>(topic: string, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    say('error', topic, (err as Error).message || String(err));
    return undefined;
  }
}

// ------------------------------------------------------------------------------------ worker

const classNames = () => page.dataset?.classNames ?? [];
const lossChart = new TrainingChart($('loss-chart'), 'Loss', 'cross-entropy', { step: '#60a5fa', epoch: '#fbbf24', val: '#f472b6' });
const accChart = new TrainingChart($('acc-chart'), 'Accuracy', 'accuracy', { step: '#34d399', epoch: '#fbbf24', val: '#f472b6' }, [0, 1]);

function onEvent(e: WorkerEvent): void {
  switch (e.type) {
    case 'step':
      page.steps.push(e);
      lossChart.addStep(e.step, e.loss);
      accChart.addStep(e.step, e.accuracy);
      $('stat-step').textContent = String(e.step);
      $('stat-loss').textContent = e.loss.toFixed(4);
      $('stat-acc').textContent = `${(100 * e.accuracy).toFixed(1)}%`;
      if (e.imagesPerSecond > 0) $('stat-rate').textContent = `${e.imagesPerSecond.toFixed(0)} images/s`;
      break;
    case 'epoch':
      page.epochs.push(e);
      lossChart.addEpoch(e.step, e.loss, e.valLoss);
      accChart.addEpoch(e.step, e.accuracy, e.valAccuracy);
      $('stat-epoch').textContent = String(e.epoch);
      void refreshInspection();
      break;
    case 'state':
      page.state = e.state;
      page.model = e.model;
      updateControls();
      break;
    case 'profile':
      page.profiles.push(e.profile);
      timelineView($('timeline'), e.profile);
      $<HTMLButtonElement>('btn-profile').textContent = 'Profile the next step';
      break;
    case 'evaluation':
      page.evaluation = e.evaluation;
      confusionTable($('confusion'), e.evaluation, classNames(), 'End of training, on the first ');
      break;
    case 'trained':
      page.trained.push(e.reason);
      say('info', 'train', e.reason === 'done' ? 'Training finished.' : 'Training stopped.');
      void refreshInspection();
      break;
    case 'error':
      say('error', 'worker', e.message);
      break;
  }
}

const worker = new WorkerClient('/worker.js', onEvent, (message) => say('error', 'worker', message));

// ------------------------------------------------------------------------------------ controls

function updateControls(): void {
  const ready = page.backend !== null && page.dataset !== null;
  const idle = page.state === 'idle';
  const has = page.model !== null;
  const set = (id: string, enabled: boolean) => { $<HTMLButtonElement>(id).disabled = !enabled; };
  set('btn-train', ready && idle);
  set('btn-pause', page.state === 'training');
  set('btn-resume', page.state === 'paused');
  set('btn-stop', page.state === 'training' || page.state === 'paused');
  set('btn-new', ready && idle);
  set('btn-profile', ready && page.state !== 'paused' && page.state !== 'stopping');
  set('btn-evaluate', ready && idle && has);
  set('btn-save-idb', has);
  set('btn-download', has);
  set('btn-load-idb', ready && idle);
  set('btn-load-run', ready && idle && $<HTMLSelectElement>('runs-select').options.length > 0);
  $<HTMLInputElement>('model-files').disabled = !(ready && idle);
  for (const r of Array.from(document.querySelectorAll<HTMLInputElement>('input[name=backend]'))) r.disabled = !idle || r.dataset.unavailable === 'true';
  $('stat-state').textContent = page.state;
  $('stat-state').className = `state-${page.state}`;
  if (page.model) {
    const m = page.model;
    $('model-status').textContent = `Model: ${m.source}; ${m.params.toLocaleString('en-US')} parameters; ${m.steps} steps and ${m.epochs} epochs trained here.`;
  }
}

function trainConfig(): TrainConfig {
  const num = (id: string) => Number($<HTMLInputElement>(id).value);
  const cfg: TrainConfig = {
    trainImages: num('train-images'), testImages: num('test-images'), batchSize: num('batch-size'), epochs: num('epochs'),
    learningRate: num('learning-rate'), seed: num('seed'),
  };
  const limits: [keyof TrainConfig, number, number][] = [['trainImages', 1, 60000], ['testImages', 1, 10000], ['epochs', 1, 1000], ['batchSize', 1, 4096]];
  for (const [k, lo, hi] of limits) {
    if (!Number.isInteger(cfg[k]) || cfg[k] < lo || cfg[k] > hi) throw new Error(`${k.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`)} must be a whole number from ${lo} to ${hi}, got '${cfg[k]}'`);
  }
  if (!(cfg.learningRate > 0 && cfg.learningRate <= 1)) throw new Error(`the learning rate must be in (0, 1], got '${$<HTMLInputElement>('learning-rate').value}'`);
  if (!Number.isInteger(cfg.seed)) throw new Error(`the seed must be a whole number, got '${$<HTMLInputElement>('seed').value}'`);
  return cfg;
}

function clearCharts(): void {
  lossChart.clear();
  accChart.clear();
  page.steps = [];
  page.epochs = [];
}

$('btn-train').addEventListener('click', () => void guard('train', async () => {
  const cfg = trainConfig();
  unsay('train');
  await worker.call('train', { config: cfg });
}));
$('btn-pause').addEventListener('click', () => void guard('train', () => worker.call('pause', undefined)));
$('btn-resume').addEventListener('click', () => void guard('train', () => worker.call('resume', undefined)));
$('btn-stop').addEventListener('click', () => void guard('train', () => worker.call('stop', undefined)));
$('btn-new').addEventListener('click', () => void guard('train', async () => {
  page.model = await worker.call('newModel', { seed: trainConfig().seed });
  clearCharts();
  updateControls();
  await refreshInspection();
}));
$('btn-profile').addEventListener('click', () => void guard('profile', async () => {
  $<HTMLButtonElement>('btn-profile').textContent = page.state === 'training' ? 'Profiling the next step...' : 'Profiling one step...';
  await worker.call('profile', undefined);
}));

// ------------------------------------------------------------------------------------ backend

function adapterName(info: GPUAdapterInfo | undefined): string {
  if (!info) return 'unknown adapter';
  return [info.vendor, info.architecture, info.device, info.description].filter((s) => s).join(' ') || 'unknown adapter';
}

/** What this page's navigator.gpu offers; null adapter = no WebGPU. */
async function probeWebGPU(): Promise<{ name: string | null; fallback: boolean; why: string }> {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (!window.isSecureContext) return { name: null, fallback: false, why: 'this page is not a secure context (open it as http://localhost or http://127.0.0.1, or over https), so WebGPU is off' };
  if (!gpu) return { name: null, fallback: false, why: 'this browser has no WebGPU (navigator.gpu is missing): recent Chrome, Edge or Safari have it; Firefox needs it enabled' };
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (err) {
    return { name: null, fallback: false, why: `WebGPU found no adapter (${(err as Error).message})` };
  }
  if (!adapter) return { name: null, fallback: false, why: 'WebGPU found no adapter (no usable GPU, or WebGPU is blocked for it in this browser)' };
  const info = adapter.info;
  const fallback = Boolean((info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter);
  return { name: adapterName(info), fallback, why: '' };
}

async function chooseBackend(kind: BackendKind): Promise<void> {
  $('backend-status').textContent = kind === 'webgpu' ? 'Starting WebGPU in the worker (compiling the kernels)...' : 'Starting the CPU backend...';
  try {
    page.backend = await worker.call('init', { backend: kind });
  } catch (err) {
    if (kind === 'webgpu') {
      say('error', 'backend', `WebGPU did not start in the worker: ${(err as Error).message}. Using the CPU backend instead.`);
      $<HTMLInputElement>('backend-cpu').checked = true;
      return chooseBackend('cpu');
    }
    throw err;
  }
  const b = page.backend;
  $('backend-status').textContent = `Worker backend: ${b.description}${b.kind === 'webgpu' ? (b.timestampQuery ? '; timestamp-query: yes' : '; timestamp-query: no (the profile uses wall time)') : ''}.`;
  updateControls();
}

for (const r of Array.from(document.querySelectorAll<HTMLInputElement>('input[name=backend]'))) {
  r.addEventListener('change', () => void guard('backend', async () => {
    if (r.checked) await chooseBackend(r.value as BackendKind);
  }));
}

// ------------------------------------------------------------------------------------ data

async function loadData(): Promise<void> {
  const bar = $('data-bar');
  const status = $('data-status');
  try {
    const manifest = await fetchManifest();
    const ds = await loadDataset(manifest, (loaded, total) => {
      bar.style.width = `${((100 * loaded) / Math.max(1, total)).toFixed(1)}%`;
      status.textContent = `Downloading and inflating Fashion-MNIST: ${(loaded / 1e6).toFixed(1)} of ${(total / 1e6).toFixed(1)} MB...`;
    });
    const shared = ds.train.images.buffer instanceof SharedArrayBuffer;
    await worker.call('setData', { train: ds.train, test: ds.test });
    page.dataset = ds;
    bar.style.width = '100%';
    bar.classList.add('done');
    status.textContent = `Fashion-MNIST: ${ds.train.count.toLocaleString('en-US')} training and ${ds.test.count.toLocaleString('en-US')} test images, checksums verified` +
      (shared ? '; shared with the worker (SharedArrayBuffer).' : '; copied to the worker (the page is not cross-origin isolated).');
    updateControls();
    await showTestImage();
  } catch (err) {
    bar.classList.add('failed');
    status.textContent = 'The dataset could not be loaded: training is off.';
    say('error', 'data', err instanceof DataError ? err.message : `loading the dataset failed: ${(err as Error).message}`);
  }
}

// ------------------------------------------------------------------------------------ inspect

function testIndex(): number {
  const v = Number($<HTMLInputElement>('test-index').value);
  const max = (page.dataset?.test.count ?? 10000) - 1;
  return Number.isInteger(v) ? Math.min(max, Math.max(0, v)) : 0;
}

async function showTestImage(): Promise<void> {
  const ds = page.dataset;
  if (!ds) return;
  const i = testIndex();
  const px = new Float32Array(784);
  for (let p = 0; p < 784; p++) px[p] = ds.test.images[i * 784 + p] / 255;
  drawGray($<HTMLCanvasElement>('test-image'), px);
  $('test-label').textContent = `test image ${i}: ${ds.classNames[ds.test.labels[i]]}`;
  await refreshInspection();
}

let inspecting: Promise<void> | null = null;
let inspectAgain = false;
/** Inspects the chosen test image; a request made while one runs is served once that one ends. */
function refreshInspection(): Promise<void> {
  if (inspecting) {
    inspectAgain = true;
    return inspecting;
  }
  inspecting = (async () => {
    do {
      inspectAgain = false;
      await inspectOnce();
    } while (inspectAgain);
  })().finally(() => { inspecting = null; });
  return inspecting;
}

async function inspectOnce(): Promise<void> {
  if (!page.model || !page.dataset) return;
  try {
    const i = testIndex();
    const r = await worker.call('inspect', { testIndex: i });
    page.inspection = { ...r, testIndex: i };
    const truth = page.dataset.test.labels[i];
    probabilityBars($('inspect-bars'), r.probabilities, classNames(), truth);
    const best = r.probabilities.indexOf(Math.max(...r.probabilities));
    $('test-label').textContent = `test image ${i}: ${classNames()[truth]}; predicted ${classNames()[best]} (${(100 * r.probabilities[best]).toFixed(1)}%)`;
    // [columns, tile pixels] per layer: conv1 32 maps of 26x26, conv2 64 of 11x11, conv3 64 of 3x3.
    const layout: [number, number][] = [[8, 52], [16, 33], [16, 18]];
    $('feature-maps').replaceChildren(...r.maps.map((m, k) => {
      const [cols, px] = layout[k] ?? [16, 24];
      return el('figure', {}, featureMapGrid(m, cols, px), el('figcaption', {}, `conv${k + 1} (${m.layer}): ${m.shape[2]} maps of ${m.shape[0]}x${m.shape[1]}`));
    }));
    unsay('inspect');
  } catch (err) {
    say('error', 'inspect', (err as Error).message);
  }
}

$('test-index').addEventListener('change', () => void showTestImage());
$('btn-prev').addEventListener('click', () => { $<HTMLInputElement>('test-index').value = String(Math.max(0, testIndex() - 1)); void showTestImage(); });
$('btn-next').addEventListener('click', () => { $<HTMLInputElement>('test-index').value = String(testIndex() + 1); void showTestImage(); });
$('btn-random').addEventListener('click', () => {
  $<HTMLInputElement>('test-index').value = String(Math.floor(Math.random() * (page.dataset?.test.count ?? 10000)));
  void showTestImage();
});

// ------------------------------------------------------------------------------------ classify

/** Classifies a picture in the worker (fromPixels there makes it the model's 28x28 grayscale input). */
async function classify(image: ImageBitmap, source: string, invert: boolean): Promise<void> {
  if (!page.model) {
    image.close();
    throw new Error('there is no model to classify with yet: train one or load one first');
  }
  const r = await worker.call('inspect', { image, invert }, [image]);
  const predicted = r.probabilities.indexOf(Math.max(...r.probabilities));
  page.classification = { ...r, source, predicted };
  probabilityBars($('classify-bars'), r.probabilities, classNames());
  $('classify-status').textContent = `${source}: ${classNames()[predicted]} (${(100 * r.probabilities[predicted]).toFixed(1)}%)`;
}

const pad = new DrawPad($<HTMLCanvasElement>('draw-pad'), () => void guard('classify', async () => {
  unsay('classify');
  await classify(await pad.snapshot(), 'your drawing', false);
}));

async function classifyFile(file: File): Promise<void> {
  unsay('classify');
  const decoded = await decodeImageFile(file);
  const { width, height } = decoded;
  const square = padToSquare(decoded);
  pad.show(square);
  await classify(square, `${file.name} (${width}x${height}${width === 28 && height === 28 ? '' : ', resized to 28x28'})`, $<HTMLInputElement>('invert').checked);
}

$('btn-clear').addEventListener('click', () => {
  pad.clear();
  $('classify-bars').replaceChildren();
  $('classify-status').textContent = '';
});
$<HTMLInputElement>('image-file').addEventListener('change', (e) => {
  const f = (e.target as HTMLInputElement).files?.[0];
  if (f) void guard('classify', () => classifyFile(f));
  (e.target as HTMLInputElement).value = '';
});
const zone = $('drop-zone');
zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });
zone.addEventListener('dragleave', () => zone.classList.remove('over'));
zone.addEventListener('drop', (e) => {
  e.preventDefault();
  zone.classList.remove('over');
  const files = Array.from(e.dataTransfer?.files ?? []);
  void guard('classify', async () => {
    if (files.length !== 1) throw new Error(`drop one image file (got ${files.length} ${files.length === 1 ? 'file' : 'files'})`);
    await classifyFile(files[0]);
  });
});
// A file dropped anywhere else must not make the browser navigate away from the training.
window.addEventListener('dragover', (e) => e.preventDefault());
window.addEventListener('drop', (e) => e.preventDefault());

// ------------------------------------------------------------------------------------ evaluate

$('btn-evaluate').addEventListener('click', () => void guard('evaluate', async () => {
  $('confusion').replaceChildren(el('p', { class: 'muted' }, 'Evaluating...'));
  const ev = await worker.call('evaluate', { testImages: Number($<HTMLSelectElement>('eval-images').value) });
  page.evaluation = ev;
  confusionTable($('confusion'), ev, classNames(), 'The first ');
}));

// ------------------------------------------------------------------------------------ save / load

async function importModel(artifacts: TfjsArtifacts, source: string): Promise<void> {
  const info = await worker.call('importModel', { artifacts, source }, [artifacts.weightData]);
  page.model = info;
  clearCharts();
  updateControls();
  say('info', 'save', `Loaded ${source}.`);
  await refreshInspection();
}

$('btn-save-idb').addEventListener('click', () => void guard('save', async () => {
  const artifacts = await worker.call('exportModel', undefined);
  const rec = await saveToIndexedDB(artifacts, page.model?.steps ?? 0);
  $('save-status').textContent = `Saved in this browser (IndexedDB) at ${new Date(rec.savedAt).toLocaleTimeString()}, after ${rec.steps} steps.`;
  say('info', 'save', 'Model saved in this browser.');
}));
$('btn-load-idb').addEventListener('click', () => void guard('save', async () => {
  const rec = await loadFromIndexedDB();
  if (!rec) throw new Error('no model is saved in this browser yet (Save in this browser first)');
  await importModel({ modelJson: rec.modelJson, weightData: rec.weightData }, `the model saved in this browser at ${new Date(rec.savedAt).toLocaleString()}`);
}));
$('btn-download').addEventListener('click', () => void guard('save', async () => {
  downloadArtifacts(await worker.call('exportModel', undefined));
  page.downloads++;
}));
$<HTMLInputElement>('model-files').addEventListener('change', (e) => {
  const input = e.target as HTMLInputElement;
  const files = Array.from(input.files ?? []);
  input.value = '';
  void guard('save', async () => importModel(await artifactsFromFiles(files), files.map((f) => f.name).join(' + ')));
});

async function listRuns(): Promise<void> {
  const res = await fetch('/runs/');
  if (!res.ok) throw new Error(`the server's list of saved models failed (HTTP ${res.status})`);
  const { served, runs } = (await res.json()) as RunListing;
  if (!served) return; // started without --runs
  const select = $<HTMLSelectElement>('runs-select');
  select.replaceChildren(...runs.map((r) => el('option', { value: r.modelJson }, `runs/${r.name} (saved ${new Date(r.savedAt).toLocaleString()})`)));
  $('runs-row').hidden = false;
  if (runs.length === 0) select.replaceChildren(el('option', { value: '', disabled: 'true' }, 'no saved models under the server\'s --runs folder'));
  updateControls();
}
$('btn-load-run').addEventListener('click', () => void guard('save', async () => {
  const select = $<HTMLSelectElement>('runs-select');
  if (!select.value) throw new Error('choose a model first');
  await importModel(await artifactsFromUrl(select.value), select.selectedOptions[0].textContent!.replace(/ \(saved.*$/, ''));
}));

// ------------------------------------------------------------------------------------ start

window.addEventListener('unhandledrejection', (e) => {
  e.preventDefault();
  say('error', 'page', `unexpected: ${(e.reason as Error)?.message ?? String(e.reason)}`);
});

async function start(): Promise<void> {
  $('env').textContent = window.crossOriginIsolated ? 'cross-origin isolated: the dataset is shared with the worker (SharedArrayBuffer)' : 'not cross-origin isolated: the dataset is copied to the worker';
  const want = new URLSearchParams(location.search).get('backend');
  const probe = await probeWebGPU();
  page.adapter = probe.name;
  const webgpu = $<HTMLInputElement>('backend-webgpu');
  if (probe.name) {
    $('adapter-name').textContent = `(${probe.name}${probe.fallback ? ', a software adapter: the CPU backend is likely faster' : ''})`;
  } else {
    $('adapter-name').textContent = '(not available)';
    webgpu.dataset.unavailable = 'true';
    webgpu.disabled = true;
    say('warning', 'webgpu', `No WebGPU: ${probe.why}. The playground runs on the CPU backend instead.`);
  }
  const kind: BackendKind = probe.name && want !== 'cpu' ? 'webgpu' : 'cpu';
  $<HTMLInputElement>(`backend-${kind}`).checked = true;
  await Promise.all([guard('backend', () => chooseBackend(kind)), loadData(), guard('runs', listRuns)]);
  updateControls();
  document.body.dataset.ready = 'true';
}

/** For automated tests and the curious: what the page has seen, and the worker's predictions. */
const api = {
  page,
  charts() {
    lossChart.flush();
    accChart.flush();
    return { loss: lossChart.counts(), accuracy: accChart.counts() };
  },
  predict: (indices: number[]) => worker.call('predict', { indices }).then((a) => Array.from(a)),
};
(window as unknown as { playground: typeof api }).playground = api;

void start();
