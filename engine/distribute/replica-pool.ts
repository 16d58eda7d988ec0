/**
 * Data-parallel replicas, the coordinator's side (what fit's `replicas` option runs).
 *
 * N workers (Node worker threads, or Web Workers in a page) each hold a copy of the
 * model on a CPU backend of their own. A step:
 * 1. cuts the global batch into N shares (all-reduce.ts: 256 over 3 is 86, 85, 85);
 * 2. sends every replica the current parameters (the same array to each, so the
 *    replicas' parameters are identical) and its share;
 * 3. waits for every replica's gradient of its share's mean loss;
 * 4. all-reduces: the share-weighted mean, summed in replica order (all-reduce.ts),
 *    equal to the gradient over the whole batch up to float32 rounding;
 * 5. applies it once, through the optimizer the model was compiled with, to the
 *    model on this thread, which stays the one source of truth: checkpoints,
 *    EarlyStopping and evaluation see it as they do without replicas.
 * The replicas keep no state between steps, so a run resumed from a checkpoint
 * continues exactly as an uninterrupted one with the same replicas.
 *
 * Faults: a replica that throws, or whose thread ends, fails the step at once with a
 * ReplicaError naming it; the pool then stops every worker. A step that takes far
 * longer than the slowest before it is a hang, and fails the same way.
 */
import type { Backend } from '../backends/backend.js';
import { CpuBackend } from '../backends/cpu/cpu-backend.js';
import { hardwareThreads } from '../backends/cpu/wasm/threads.js';
import type { ParameterStore } from '../nn/parameter-store.js';
import type { Sequential } from '../nn/sequential.js';
import { Tensor } from '../tensor.js';
import { checkReplicas, splitBatch, weightedMean } from './all-reduce.js';
import type { FromReplica, InitMessage, StepMessage } from './replica-protocol.js';

/** What the pool needs of an optimizer: the model's compiled one (Adam today). */
export interface GradientApplier {
  applyGradients(store: ParameterStore, grads: readonly Tensor[]): void;
}

export interface ReplicaPoolOptions {
  replicas: number;
  /** Global batch size, to check replicas against. */
  batchSize: number;
  optimizer: GradientApplier;
  accuracy: boolean;
  /** The operation named in errors (default 'fit'). */
  op?: string;
  /** Threads of each replica's GEMM; default the cores divided among the replicas, at least 1. */
  threadsPerReplica?: number;
  /** How long replicas may take to start (default 300 s: each loads the engine). */
  startTimeoutMs?: number;
}

/** A replica failed: `replica` is 1-based, as the message says. */
export class ReplicaError extends Error {
  constructor(message: string, readonly replica: number) {
    super(message);
    this.name = 'ReplicaError';
  }
}

/** A started worker, as the pool sees it (Node's Worker and a Web Worker both adapt to it). */
interface ReplicaWorker {
  post(message: InitMessage | StepMessage, transfer?: Transferable[]): void;
  terminate(): Promise<void>;
}

interface WorkerEvents {
  message(m: FromReplica): void;
  /** An uncaught error, or the thread ended (code) while the pool was live. */
  lost(why: string): void;
}

/** Least time a step may take before it counts as hung, and the factor over the slowest step so far. */
const STEP_TIMEOUT_MIN_MS = 120_000;
const STEP_TIMEOUT_FACTOR = 50;

type NodeWorkerCtor = new (
  src: URL,
) => { postMessage(m: unknown, t?: Transferable[]): void; terminate(): Promise<number>; on(e: string, f: (...a: never[]) => void): void };

interface NodeProcess {
  versions?: { node?: string };
  getBuiltinModule(id: string): unknown;
}

// A variable, so that bundlers leave this dev-only import alone.
const ESBUILD = 'esbuild';
let sourceBundle: Promise<URL> | null = null;

/**
 * From the engine's TypeScript sources (tsx, vitest), a Node worker thread cannot load
 * replica-worker.ts: it does not inherit its parent's TypeScript loader. The worker
 * program is then bundled once per process with esbuild (a devDependency) and started
 * from a data: URL. That takes about 1 s, and a worker then starts in 1.5-2 s at load 20,
 * where registering tsx in each thread took 4.5-5.5 s.
 */
function bundledFromSources(proc: NodeProcess): Promise<URL> {
  sourceBundle ??= (async () => {
    const { fileURLToPath } = proc.getBuiltinModule('node:url') as { fileURLToPath(u: URL): string };
    let esbuild: { build(o: object): Promise<{ outputFiles: { text: string }[] }> };
    try {
      esbuild = await import(/* @vite-ignore */ ESBUILD);
    } catch (e) {
      throw new Error(
        `replicas: from the TypeScript sources, the worker program is bundled with esbuild (a devDependency), which could not be loaded ` +
          `(${(e as Error).message}); the built package (npm run build) starts dist/engine/distribute/replica-worker.js instead`,
      );
    }
    const result = await esbuild.build({
      entryPoints: [fileURLToPath(new URL('./replica-worker.ts', import.meta.url))],
      bundle: true, format: 'esm', platform: 'node', target: 'es2022', write: false, logLevel: 'silent',
    });
    return new URL(`data:text/javascript,${encodeURIComponent(result.outputFiles[0].text)}`);
  })();
  sourceBundle.catch(() => { sourceBundle = null; });
  return sourceBundle;
}

/** The worker program's URL: replica-worker.js beside this module in the built package. */
async function workerUrl(): Promise<{ url: URL; typescript: boolean }> {
  const typescript = import.meta.url.endsWith('.ts');
  const proc = (globalThis as { process?: NodeProcess }).process;
  if (typescript && proc?.versions?.node) return { url: await bundledFromSources(proc), typescript };
  return { url: new URL('./replica-worker.js', import.meta.url), typescript };
}

function startWorker(url: URL, typescript: boolean, events: WorkerEvents): ReplicaWorker {
  const proc = (globalThis as { process?: NodeProcess }).process;
  if (proc?.versions?.node) {
    const { Worker } = proc.getBuiltinModule('node:worker_threads') as { Worker: NodeWorkerCtor };
    const w = new Worker(url);
    w.on('message', (m: FromReplica) => events.message(m));
    w.on('error', (e: Error) => events.lost(`its thread threw (uncaught) ${e.stack ?? e.message}`));
    w.on('exit', (code: number) => events.lost(`its thread ended (exit code ${code})`));
    return { post: (m, t) => w.postMessage(m, t), terminate: async () => void (await w.terminate()) };
  }
  const g = globalThis as { Worker?: new (u: URL, o: { type: 'module' }) => Worker };
  if (!g.Worker) throw new Error('replicas: this context cannot start workers (no worker_threads, no Worker)');
  if (typescript) throw new Error('replicas: in a page, the workers load the built replica-worker.js (npm run build); the TypeScript sources cannot be loaded there');
  const w = new g.Worker(url, { type: 'module' });
  w.onmessage = (e) => events.message(e.data as FromReplica);
  // A Web Worker that dies says nothing; an uncaught error is all a page learns.
  w.onerror = (e) => events.lost(`its worker threw (uncaught) ${e.message}`);
  return { post: (m, t) => w.postMessage(m, t ?? []), terminate: async () => w.terminate() };
}

/**
 * The layers a replica reproduces exactly, with the config keys they may have. A replica
 * runs the plain forward pass and the loss alone, so a layer that acts differently in
 * training (dropout, batch statistics), adds a loss (a regularizer) or is frozen would
 * train differently on replicas than on one thread: such a model is refused, not run.
 */
const REPLICABLE: Record<string, readonly string[]> = {
  Conv2D: ['filters', 'kernel_size', 'strides', 'padding', 'activation', 'use_bias'],
  MaxPooling2D: ['pool_size', 'strides', 'padding'],
  Flatten: [],
  Dense: ['units', 'activation', 'use_bias'],
};

function checkReplicable(op: string, model: Sequential): void {
  model.layers.forEach((l, i) => {
    const keys = REPLICABLE[l.className];
    const what = `layer ${i} (${l.name}, ${l.className})`;
    const supported = `replicas reproduce ${Object.keys(REPLICABLE).join(', ')} layers without regularizers`;
    if (!keys) throw new Error(`${op}: ${what} is not supported by replicas yet (${supported}); train this model without replicas`);
    const extra = Object.keys(l.config()).filter((k) => !keys.includes(k));
    if (extra.length) throw new Error(`${op}: ${what} has ${extra.join(', ')}, which replicas do not carry yet (${supported}); train without replicas`);
    if ((l as { trainable?: unknown }).trainable === false) throw new Error(`${op}: ${what} is frozen, which replicas do not carry yet; train without replicas`);
  });
}

/** The model as a Keras Sequential topology (what model.json holds), from each layer's config(). */
function topologyOf(model: Sequential): unknown {
  return {
    class_name: 'Sequential',
    config: {
      name: model.name,
      layers: model.layers.map((l, i) => ({
        class_name: l.className,
        config: { ...l.config(), name: l.name, ...(i === 0 ? { batch_input_shape: [null, ...model.inputShape] } : {}) },
      })),
    },
  };
}

interface Pending {
  resolve(m: FromReplica): void;
  reject(e: Error): void;
}

export interface ReplicatedStep {
  /** Mean loss over the batch (share-weighted mean of the replicas' losses). */
  loss: number;
  correct: number;
}

export class ReplicaPool {
  private readonly workers: ReplicaWorker[] = [];
  private readonly pending: (Pending | null)[];
  private params: Float32Array | null = null;
  private steps = 0;
  private slowestMs = 0;
  private failure: ReplicaError | null = null;
  /** What the replicas are doing, for errors: 'while starting', 'during step 3 of epoch 2', 'between steps'. */
  private phase = 'while starting';
  private closing = false;
  /** describe() of each replica's backend. */
  readonly backends: string[] = [];

  private constructor(
    private readonly model: Sequential,
    private readonly options: Required<Omit<ReplicaPoolOptions, 'threadsPerReplica' | 'startTimeoutMs'>> & { threadsPerReplica: number; startTimeoutMs: number },
  ) {
    this.pending = new Array(options.replicas).fill(null);
  }

  get replicas(): number {
    return this.options.replicas;
  }

  get threadsPerReplica(): number {
    return this.options.threadsPerReplica;
  }

  /** Checks the options, starts the workers and waits until every replica has built the model. */
  static async start(model: Sequential, options: ReplicaPoolOptions): Promise<ReplicaPool> {
    const op = options.op ?? 'fit';
    const replicas = checkReplicas(op, options.replicas, options.batchSize);
    checkReplicable(op, model);
    const backend = model.store.backend;
    if (backend.floatDType !== 'float32') {
      throw new Error(`${op}: replicas train in float32, but the model lives on a ${backend.floatDType} backend (${backend.describe()})`);
    }
    const threadsPerReplica = options.threadsPerReplica ?? Math.max(1, Math.floor(Math.min(8, hardwareThreads()) / replicas));
    const pool = new ReplicaPool(model, { ...options, op, replicas, threadsPerReplica, startTimeoutMs: options.startTimeoutMs ?? 300_000 });
    try {
      await pool.startWorkers(backend);
    } catch (e) {
      await pool.close();
      throw e;
    }
    return pool;
  }

  private async startWorkers(backend: Backend): Promise<void> {
    const { replicas } = this.options;
    const store = this.model.store;
    const init: Omit<InitMessage, 'replica'> = {
      type: 'init',
      replicas,
      topology: topologyOf(this.model),
      parameterNames: store.parameters.map((p) => p.name),
      flatLength: store.flat.size,
      backend: { gemm: backend instanceof CpuBackend ? backend.gemm : 'wasm', threads: this.options.threadsPerReplica },
      accuracy: this.options.accuracy,
    };
    const { url, typescript } = await workerUrl();
    for (let r = 0; r < replicas; r++) {
      this.workers.push(startWorker(url, typescript, { message: (m) => this.onMessage(r, m), lost: (why) => this.onLost(r, why) }));
    }
    const ready = this.workers.map((w, r) => {
      const answer = this.expect(r, this.options.startTimeoutMs);
      w.post({ ...init, replica: r + 1 });
      return answer;
    });
    const answers = await Promise.all(ready);
    answers.forEach((m) => {
      if (m.type === 'ready') this.backends.push(m.backend);
    });
    this.params = (await store.flat.data()) as Float32Array;
    this.phase = 'between steps';
  }

  /**
   * A promise for replica r's next message, failing on a fault or after two windows of timeoutMs
   * in a row. Not one: a process that was stopped (SIGSTOP, a suspended machine) resumes with the
   * timer past due, and Node runs due timers before the messages that arrived meanwhile, so one
   * window would call a replica that answered, or is about to, hung (as one did the CPU GEMM's
   * threads, threads.ts).
   */
  private expect(r: number, timeoutMs: number): Promise<FromReplica> {
    return new Promise<FromReplica>((resolve, reject) => {
      let timer = setTimeout(() => {
        timer = setTimeout(() => this.fail(r, `it did not answer within two windows of ${Math.round(timeoutMs / 1000)} s (hung)`), timeoutMs);
      }, timeoutMs);
      this.pending[r] = {
        resolve: (m) => { clearTimeout(timer); resolve(m); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      };
    }).then((m) => {
      if (m.type === 'failed') {
        throw this.fail(r, m.message);
      }
      return m;
    });
  }

  private onMessage(r: number, m: FromReplica): void {
    const p = this.pending[r];
    this.pending[r] = null;
    if (p) p.resolve(m);
    else if (m.type === 'failed') this.fail(r, m.message);
  }

  private onLost(r: number, why: string): void {
    if (this.closing) return;
    this.fail(r, why);
  }

  /** Records the first failure, rejects every waiting step with it and stops the workers. */
  private fail(r: number, why: string): ReplicaError {
    if (!this.failure) {
      const { op, replicas } = this.options;
      this.failure = new ReplicaError(`${op}: replica ${r + 1} of ${replicas} failed ${this.phase}: ${why}`, r + 1);
    }
    const err = this.failure;
    this.pending.forEach((p, i) => {
      this.pending[i] = null;
      p?.reject(err);
    });
    void this.close();
    return err;
  }

  /**
   * One step on a global batch of `labels.length` samples (x holds their values),
   * applied to the model. `where` names the step in errors ("step 3 of epoch 2").
   */
  async step(x: Float32Array, labels: Int32Array, where: string): Promise<ReplicatedStep> {
    if (this.failure) throw this.failure;
    if (this.closing) throw new Error(`${this.options.op}: the replica pool is closed`);
    const count = labels.length;
    const per = x.length / count;
    const shares = splitBatch(count, this.options.replicas);
    const started = performance.now();
    const timeout = Math.max(STEP_TIMEOUT_MIN_MS, STEP_TIMEOUT_FACTOR * this.slowestMs);
    this.phase = `during ${where}`;
    let at = 0;
    const answers = shares.map((n, r) => {
      const from = at;
      at += n;
      if (n === 0) return Promise.resolve(null);
      const answer = this.expect(r, timeout);
      const xs = x.slice(from * per, (from + n) * per);
      const ys = labels.slice(from, from + n);
      this.workers[r].post({ type: 'step', step: this.steps, params: this.params!, x: xs, labels: ys }, [xs.buffer, ys.buffer]);
      return answer;
    });
    const replies = await Promise.all(answers);
    const grads = replies.map((m) => (m && m.type === 'grads' ? m.grads : null));
    let loss = 0;
    let correct = 0;
    replies.forEach((m, r) => {
      if (m && m.type === 'grads') {
        loss += (shares[r] / count) * m.loss;
        correct += m.correct;
      }
    });
    this.apply(weightedMean(grads, shares));
    this.params = (await this.model.store.flat.data()) as Float32Array;
    this.steps++;
    this.phase = 'between steps';
    this.slowestMs = Math.max(this.slowestMs, performance.now() - started);
    return { loss, correct };
  }

  /** The all-reduced gradient, through the model's optimizer, on the model's backend. */
  private apply(flat: Float32Array): void {
    const store = this.model.store;
    const b = store.backend;
    const grad = Tensor.fromHandle(b.upload(flat, store.flat.shape, store.flat.dtype), b);
    const views = store.viewsOf(grad);
    try {
      this.options.optimizer.applyGradients(store, views);
      b.flush();
    } finally {
      views.forEach((v) => v.dispose());
      grad.dispose();
    }
  }

  /** Stops every worker (idempotent). */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate().catch(() => undefined)));
  }
}
