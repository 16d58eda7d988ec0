/**
 * The playground's training worker (a dedicated Web Worker, bundled as /worker.js). It owns the
 * backend (WebGPU from the worker's navigator.gpu, or the CPU backend), the model and the
 * optimizer, and trains with the engine's own API (trainStepWithMetrics, one submit per step),
 * so the page stays responsive. The page drives it with requests (protocol.ts); it reports every
 * step, epoch, profile and state change as events.
 *
 * Between two steps the loop yields to the event loop (a MessageChannel round trip), so pause,
 * stop, profile and inspect requests are handled while training, even on the CPU backend, whose
 * reads resolve without waiting.
 */
import type { Backend } from '../engine/backends/backend.js';
import { GpuProfiler, instrumentKernels } from '../engine/backends/webgpu/profiler.js';
import { WebGPUBackend } from '../engine/backends/webgpu/webgpu-backend.js';
import { init } from '../engine/init.js';
import { fromPixels } from '../engine/ops/from-pixels.js';
import type { Tensor } from '../engine/tensor.js';
import type { Sequential } from '../engine/nn/sequential.js';
import { trainStepWithMetrics } from '../engine/nn/train-step.js';
import { Adam } from '../engine/optim/adam.js';
import { Random } from '../engine/random.js';
import { tutorialCnn } from '../model/cnn.js';
import { modelFromArtifacts, modelToArtifacts, type TfjsArtifacts } from '../model/tfjs-format.js';
import type {
  BackendInfo, BackendKind, Evaluation, MethodName, ModelInfo, Reply, Request, SplitBytes, StepProfile, TimelineEntry,
  TrainConfig, TrainState, WorkerEvent, WorkerMethods,
} from './protocol.js';
import { architectureProblem, batchFrom, evaluateSplit, IMAGE_SIZE, inspect, PIXELS, predictIndices, range } from './tutorial-model.js';

interface WorkerScope {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message', fn: (e: MessageEvent) => void): void;
  addEventListener(type: 'unhandledrejection', fn: (e: PromiseRejectionEvent) => void): void;
}
const scope = self as unknown as WorkerScope;

function emit(event: WorkerEvent, transfer: Transferable[] = []): void {
  scope.postMessage(event, transfer);
}

let backend: Backend | null = null;
let backendKind: BackendKind | null = null;
let model: Sequential | null = null;
let optimizer: Adam | null = null;
let info: ModelInfo | null = null;
let data: { train: SplitBytes; test: SplitBytes } | null = null;
let state: TrainState = 'idle';
let control: 'run' | 'pause' | 'stop' = 'run';
let profileRequested = false;
let profiler: GpuProfiler | null = null;
let lastBatchSize = 32;
let learningRate = 0.001;

function setState(next: TrainState): void {
  state = next;
  emit({ type: 'state', state, model: info });
}

/** Lets queued messages run (a macrotask turn) without the 4 ms clamp of nested timers. */
function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(null);
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function need<T>(value: T | null, what: string): T {
  if (value === null) throw new Error(what);
  return value;
}
const needBackend = () => need(backend, 'no backend yet: choose WebGPU or CPU first');
const needModel = () => need(model, 'no model yet: train one or load one');
const needData = () => need(data, 'the dataset is not loaded yet');
const notWhileTraining = (what: string) => {
  if (state !== 'idle') throw new Error(`${what}: stop the training first`);
};

type AdamState = Awaited<ReturnType<Adam['state']>>;

/** Adam's moments, when it has taken a step (to carry across a backend switch or a new learning rate). */
async function optimizerState(): Promise<AdamState | null> {
  return model && optimizer && optimizer.iterations > 0 ? optimizer.state(model.store) : null;
}

/** A new Adam at the current learning rate for the current model, with `state`'s moments if given. */
function replaceOptimizer(state: AdamState | null = null): void {
  optimizer?.dispose();
  optimizer = new Adam({ learningRate });
  // The moments and step count carry over; the learning rate is the form's (null: keep the new one).
  if (state && model) optimizer.setState(model.store, { ...state, learningRate: null });
}

function describeModelInfo(m: Sequential, source: string, steps = 0): ModelInfo {
  return { steps, epochs: 0, params: m.countParams(), source };
}

// ------------------------------------------------------------------------------------- training

type StepResult = ReturnType<typeof trainStepWithMetrics>;

interface Timed {
  result: StepResult;
  source: StepProfile['source'];
  entries: TimelineEntry[];
  dispatches: number | null;
}

async function readMetrics(r: StepResult): Promise<{ loss: number; correct: number }> {
  const [loss, correct] = await Promise.all([r.loss.data(), r.correct!.data()]);
  r.loss.dispose();
  r.correct!.dispose();
  return { loss: loss[0], correct: correct[0] };
}

/** WebGPU: every dispatch in a pass of its own with timestamps (profiler.ts), labelled with its kernel-table op. */
async function timedOnGpu(be: WebGPUBackend, run: () => StepResult): Promise<Timed> {
  profiler ??= new GpuProfiler(be.device);
  profiler.reset();
  const restore = instrumentKernels(be, profiler);
  be.profiler = profiler;
  const before = be.dispatchCount;
  let result: StepResult;
  try {
    result = run();
  } finally {
    be.profiler = null;
    restore();
  }
  const dispatches = be.dispatchCount - before;
  const records = await profiler.collect();
  return { result, source: profiler.source, dispatches, entries: records.map((d) => ({ kernel: d.kernel, op: d.op, startMs: d.startMs, ms: d.ms })) };
}

/** CPU: kernels run synchronously inside their kernel-table call, so each call is timed on the host. */
function timedOnCpu(be: Backend, run: () => StepResult, t0: number): Timed {
  const entries: TimelineEntry[] = [];
  const table = be.kernels as unknown as Record<string, (...a: unknown[]) => unknown>;
  const originals = { ...table };
  for (const name of Object.keys(originals)) {
    table[name] = (...args: unknown[]) => {
      const s = performance.now();
      try {
        return originals[name](...args);
      } finally {
        entries.push({ kernel: name, op: name, startMs: s - t0, ms: performance.now() - s });
      }
    };
  }
  try {
    return { result: run(), source: 'host', entries, dispatches: null };
  } finally {
    Object.assign(table, originals);
  }
}

/** One training step; profiled (per-kernel timeline) when asked for. */
async function step(x: Tensor, y: Tensor): Promise<{ loss: number; correct: number; profile: Omit<StepProfile, 'step'> | null }> {
  const m = needModel();
  const opt = need(optimizer, 'no optimizer');
  const be = needBackend();
  const run = () => trainStepWithMetrics(m, opt, x, y, true);
  if (!profileRequested) return { ...(await readMetrics(run())), profile: null };
  profileRequested = false;
  const t0 = performance.now();
  const timed = be instanceof WebGPUBackend ? await timedOnGpu(be, run) : timedOnCpu(be, run, t0);
  const metrics = await readMetrics(timed.result);
  const { source, entries, dispatches } = timed;
  return { ...metrics, profile: { backend: backendKind!, source, entries, dispatches, wallMs: performance.now() - t0 } };
}

async function trainLoop(config: TrainConfig): Promise<void> {
  const { train, test } = needData();
  const n = Math.min(config.trainImages, train.count);
  const steps = Math.ceil(n / config.batchSize);
  const recent: { images: number; ms: number }[] = [];
  let reason: 'done' | 'stopped' = 'done';
  let finalEvaluation: Evaluation | null = null;
  try {
    for (let epoch = 0; epoch < config.epochs; epoch++) {
      const order = new Random(config.seed + epoch).permutation(n);
      let lossSum = 0;
      let correctSum = 0;
      let seen = 0;
      for (let s = 0; s < steps; s++) {
        if (control === 'pause') {
          setState('paused');
          while (control === 'pause') await sleep(50);
          if (control === 'run') setState('training');
        }
        if (control === 'stop') {
          reason = 'stopped';
          finalEvaluation = null;
          break;
        }
        const start = s * config.batchSize;
        const end = Math.min(n, start + config.batchSize);
        const { x, y } = batchFrom(train, order.subarray(start, end));
        const t0 = performance.now();
        const profiled = profileRequested;
        let r: Awaited<ReturnType<typeof step>>;
        try {
          r = await step(x, y);
        } finally {
          x.dispose();
          y.dispose();
        }
        const ms = performance.now() - t0;
        const count = end - start;
        lossSum += r.loss * count;
        correctSum += r.correct;
        seen += count;
        const m = info!;
        m.steps++;
        // Throughput over the last 10 unprofiled steps (profiling slows its step down).
        if (!profiled) {
          recent.push({ images: count, ms });
          if (recent.length > 10) recent.shift();
        }
        const rate = recent.length ? (1000 * recent.reduce((a, b) => a + b.images, 0)) / recent.reduce((a, b) => a + b.ms, 0) : 0;
        emit({ type: 'step', step: m.steps, epoch: m.epochs, loss: r.loss, accuracy: r.correct / count, batch: count, ms, imagesPerSecond: rate });
        if (r.profile) emit({ type: 'profile', profile: { ...r.profile, step: m.steps } });
        await yieldToEvents();
      }
      if (reason === 'stopped') break;
      const val = await evaluateSplit(needModel(), test, config.testImages, 256, yieldToEvents);
      info!.epochs++;
      emit({
        type: 'epoch', epoch: info!.epochs, step: info!.steps, loss: lossSum / seen, accuracy: correctSum / seen,
        valLoss: val.loss, valAccuracy: val.accuracy,
      });
      finalEvaluation = val;
      if (control === 'stop') {
        reason = 'stopped';
        break;
      }
    }
    // The confusion matrix at the end: the last epoch's validation, or, stopped mid-epoch, a fresh one.
    if (reason === 'stopped' && finalEvaluation === null) setState('stopping');
    finalEvaluation ??= await evaluateSplit(needModel(), test, config.testImages, 256, yieldToEvents);
    emit({ type: 'evaluation', evaluation: finalEvaluation, final: true });
    emit({ type: 'trained', reason });
  } catch (err) {
    emit({ type: 'error', message: `training stopped: ${(err as Error).message}` });
  } finally {
    control = 'run';
    setState('idle');
  }
}

// ------------------------------------------------------------------------------------- methods

const methods: { [M in MethodName]: (args: Parameters<WorkerMethods[M]>[0]) => Promise<ReturnType<WorkerMethods[M]>> | ReturnType<WorkerMethods[M]> } = {
  async init({ backend: kind }) {
    notWhileTraining('switching the backend');
    if (kind !== 'webgpu' && kind !== 'cpu') throw new Error(`unknown backend '${String(kind)}' (expected 'webgpu' or 'cpu')`);
    // The model moves to the new backend through its saved form, and Adam's moments with it.
    const carried: TfjsArtifacts | null = model ? await modelToArtifacts(model) : null;
    const moments = await optimizerState();
    const previous = backend;
    const next = await init({ backend: kind, log: () => {} });
    optimizer?.dispose();
    optimizer = null;
    if (model) model.dispose();
    if (previous instanceof WebGPUBackend && previous !== next) {
      profiler?.destroy();
      profiler = null;
      previous.device.destroy();
    }
    backend = next;
    backendKind = kind;
    if (carried) {
      model = modelFromArtifacts(carried);
      replaceOptimizer(moments);
    }
    return {
      kind,
      description: next.describe(),
      timestampQuery: next instanceof WebGPUBackend && next.device.features.has('timestamp-query'),
    } satisfies BackendInfo;
  },

  setData({ train, test }) {
    for (const [name, s] of [['train', train], ['test', test]] as const) {
      if (s.images.length !== s.count * PIXELS || s.labels.length !== s.count) {
        throw new Error(`setData: the ${name} split has ${s.images.length} pixel bytes and ${s.labels.length} labels for ${s.count} images`);
      }
    }
    data = { train, test };
    return { train: train.count, test: test.count };
  },

  async train({ config }) {
    notWhileTraining('train');
    needBackend();
    needData();
    for (const k of ['trainImages', 'testImages', 'batchSize', 'epochs'] as const) {
      if (!Number.isInteger(config[k]) || config[k] < 1) throw new Error(`train: ${k} must be a positive integer, got ${config[k]}`);
    }
    if (!(config.learningRate > 0)) throw new Error(`train: the learning rate must be positive, got ${config.learningRate}`);
    if (!model) {
      model = tutorialCnn(config.seed);
      info = describeModelInfo(model, `new (seed ${config.seed})`);
    }
    if (!optimizer || learningRate !== config.learningRate) {
      // A new learning rate: a new Adam that keeps the moments (as changing Keras's learning_rate does).
      const moments = await optimizerState();
      learningRate = config.learningRate;
      replaceOptimizer(moments);
    }
    lastBatchSize = config.batchSize;
    control = 'run';
    setState('training');
    void trainLoop(config);
    return { started: true };
  },

  pause() {
    if (state === 'training') control = 'pause';
    return state;
  },
  resume() {
    if (control === 'pause') control = 'run';
    return state;
  },
  stop() {
    if (state !== 'idle') control = 'stop';
    return state;
  },

  async profile() {
    needBackend();
    profileRequested = true;
    if (state !== 'idle') return { queued: true };
    // Idle: profile one real training step on the first batch of the training set.
    const { train } = needData();
    if (!model) {
      model = tutorialCnn(42);
      info = describeModelInfo(model, 'new (seed 42)');
    }
    if (!optimizer) replaceOptimizer();
    state = 'training';
    try {
      const { x, y } = batchFrom(train, range(0, Math.min(lastBatchSize, train.count)));
      const t0 = performance.now();
      try {
        const r = await step(x, y);
        info!.steps++;
        emit({ type: 'step', step: info!.steps, epoch: info!.epochs, loss: r.loss, accuracy: r.correct / x.shape[0], batch: x.shape[0], ms: performance.now() - t0, imagesPerSecond: 0 });
        if (r.profile) emit({ type: 'profile', profile: { ...r.profile, step: info!.steps } });
      } finally {
        x.dispose();
        y.dispose();
      }
    } finally {
      profileRequested = false;
      setState('idle');
    }
    return { queued: true };
  },

  newModel({ seed }) {
    notWhileTraining('new model');
    needBackend();
    model?.dispose();
    model = tutorialCnn(seed);
    model.build();
    replaceOptimizer();
    info = describeModelInfo(model, `new (seed ${seed})`);
    setState('idle');
    return info;
  },

  async inspect({ testIndex, image, invert }) {
    const m = needModel();
    let x: Tensor;
    if (image) {
      try {
        x = fromPixels(image, { grayscale: true, size: IMAGE_SIZE, invert });
      } finally {
        image.close();
      }
    } else {
      const { test } = needData();
      if (testIndex === undefined || !Number.isInteger(testIndex) || testIndex < 0 || testIndex >= test.count) {
        throw new Error(`inspect: test image ${String(testIndex)} is out of range 0..${test.count - 1}`);
      }
      const batch = batchFrom(test, [testIndex]);
      batch.y.dispose();
      x = batch.x;
    }
    try {
      return await inspect(m, x);
    } finally {
      x.dispose();
    }
  },

  predict({ indices }) {
    return predictIndices(needModel(), needData().test, indices);
  },

  evaluate({ testImages }): Promise<Evaluation> {
    notWhileTraining('evaluate');
    return evaluateSplit(needModel(), needData().test, testImages);
  },

  exportModel() {
    return modelToArtifacts(needModel());
  },

  importModel({ artifacts, source }) {
    notWhileTraining('loading a model');
    needBackend();
    let candidate: Sequential;
    try {
      candidate = modelFromArtifacts(artifacts);
    } catch (err) {
      throw new Error(`${source}: ${(err as Error).message}`);
    }
    const problem = architectureProblem(candidate);
    if (problem) {
      candidate.dispose();
      throw new Error(`${source}: ${problem}`);
    }
    model?.dispose();
    model = candidate;
    replaceOptimizer();
    info = describeModelInfo(candidate, source);
    setState('idle');
    return info;
  },
};

/** ArrayBuffers in a result (not SharedArrayBuffers), to transfer instead of copy. */
function transferables(value: unknown, depth = 0, out: Transferable[] = []): Transferable[] {
  if (depth > 4 || value === null || typeof value !== 'object') return out;
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer && !out.includes(value.buffer)) out.push(value.buffer);
  } else if (value instanceof ArrayBuffer) {
    if (!out.includes(value)) out.push(value);
  } else {
    for (const v of Object.values(value)) transferables(v, depth + 1, out);
  }
  return out;
}

scope.addEventListener('message', (e: MessageEvent) => {
  const req = e.data as Request;
  void (async () => {
    let reply: Reply;
    let transfer: Transferable[] = [];
    try {
      const fn = methods[req.method] as (args: unknown) => unknown;
      if (!fn) throw new Error(`unknown method '${String(req.method)}'`);
      const result = await fn(req.args);
      transfer = transferables(result);
      reply = { type: 'reply', id: req.id, ok: true, result };
    } catch (err) {
      reply = { type: 'reply', id: req.id, ok: false, error: (err as Error).message ?? String(err) };
    }
    scope.postMessage(reply, transfer);
  })();
});

scope.addEventListener('unhandledrejection', (e: PromiseRejectionEvent) => {
  emit({ type: 'error', message: `worker: ${(e.reason as Error)?.message ?? String(e.reason)}` });
});
