/**
 * Worker threads for the wasm GEMM: each worker instantiates the same module on
 * the same shared memory and runs `gemmTask` on its share of a job, so a GEMM
 * call splits across cores and still returns synchronously.
 *
 * Protocol, in Int32 words of the shared memory at `ctl` (see CTL):
 * - the caller writes each worker's task (a round number and a task address)
 *   into the worker's slot, bumps `round` and notifies;
 * - a worker sleeps in Atomics.wait on `round`, runs its task when its slot
 *   carries the current round, then adds one to `done` and notifies;
 * - the caller runs its own share meanwhile, then sleeps in Atomics.wait on
 *   `done` until every worker of the round has reported.
 *
 * A worker says it is ready by setting its `ready` word, so the caller counts
 * it in from the next call on: threads join without any asynchronous step,
 * and a kernel never waits for a worker to start.
 *
 * Where it runs:
 * - Node: worker_threads (found with process.getBuiltinModule, so the engine
 *   imports no Node module), unref'd so they never keep a process alive;
 * - a Web Worker: Web Workers from a Blob URL; needs SharedArrayBuffer, i.e. a
 *   cross-origin isolated page (COOP/COEP headers);
 * - a page's main thread may not block in Atomics.wait, so there the GEMM
 *   stays on one thread (`canBlock()` is false) — run the engine in a worker
 *   to use every core.
 */

/** Word offsets inside the control block. */
export const CTL = {
  round: 0,
  done: 1,
  stop: 2,
  /** Worker w's slot starts at word slots + slotWords * w. */
  slots: 4,
  slotWords: 6,
} as const;

/** Words of a worker's slot. */
export const SLOT = { round: 0, job: 1, task: 2, ready: 3, failed: 4, finished: 5 } as const;

export function ctlWords(maxWorkers: number): number {
  return CTL.slots + CTL.slotWords * maxWorkers;
}

/** The worker's whole program; platform glue first, then the loop. Plain ES2017, no imports. */
const WORKER_SOURCE = `
'use strict';
function start(msg) {
  var module = msg.module, memory = msg.memory, ctl = msg.ctl, index = msg.index;
  var instance = new WebAssembly.Instance(module, { env: { memory: memory } });
  var gemmTask = instance.exports.gemmTask;
  var w = new Int32Array(memory.buffer, ctl, ${CTL.slots} + ${CTL.slotWords} * (index + 1));
  var slot = ${CTL.slots} + ${CTL.slotWords} * index;
  var round = Atomics.load(w, ${CTL.round});
  Atomics.store(w, slot + ${SLOT.ready}, 1);
  for (;;) {
    Atomics.wait(w, ${CTL.round}, round);
    round = Atomics.load(w, ${CTL.round});
    if (Atomics.load(w, ${CTL.stop})) return;
    if (Atomics.load(w, slot + ${SLOT.round}) !== round) continue;
    try {
      var task = Atomics.load(w, slot + ${SLOT.task});
      if (task) gemmTask(Atomics.load(w, slot + ${SLOT.job}), task);
    } catch (e) {
      Atomics.store(w, slot + ${SLOT.failed}, 1);
      console.error('engine cpu backend: GEMM worker thread ' + (index + 1) + ' failed:', e);
    }
    Atomics.store(w, slot + ${SLOT.finished}, round);
    Atomics.add(w, ${CTL.done}, 1);
    Atomics.notify(w, ${CTL.done});
  }
}
if (typeof process === 'object' && typeof process.getBuiltinModule === 'function') {
  // Node, found as the pool itself finds worker_threads, so the bundle holds no module loader call.
  process.getBuiltinModule('node:worker_threads').parentPort.once('message', start);
} else {
  self.onmessage = function (e) { self.onmessage = null; start(e.data); };
}
`;

/** What the pool needs of a worker: Node's Worker and the Web Worker both fit. */
export interface WorkerHandle {
  postMessage(message: unknown): void;
  terminate(): unknown;
}

type NodeWorkerThreads = { Worker: new (src: string, opts: { eval: true }) => WorkerHandle & { unref(): void } };

/** How this platform starts a worker from source text, or why it cannot. */
function workerFactory(): ((source: string) => WorkerHandle) | string {
  const proc = (globalThis as { process?: { versions?: { node?: string }; getBuiltinModule?: (id: string) => unknown } }).process;
  if (proc?.versions?.node) {
    const wt = proc.getBuiltinModule?.('node:worker_threads') as NodeWorkerThreads | undefined;
    if (!wt) return `this Node (${proc.versions.node}) has no process.getBuiltinModule (Node >= 20.16 has it)`;
    return (source) => {
      const worker = new wt.Worker(source, { eval: true });
      worker.unref();
      return worker;
    };
  }
  const g = globalThis as { Worker?: new (url: string) => WorkerHandle; Blob?: typeof Blob; URL?: typeof URL };
  if (!g.Worker || !g.Blob || !g.URL?.createObjectURL) return 'this context cannot start Web Workers';
  return (source) => new g.Worker!(g.URL!.createObjectURL(new g.Blob!([source], { type: 'text/javascript' })));
}

/** The cores this platform reports (navigator.hardwareConcurrency, or Node's os.availableParallelism), at least 1. */
export function hardwareThreads(): number {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  if (nav?.hardwareConcurrency) return nav.hardwareConcurrency;
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const os = proc?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number } | undefined;
  return Math.max(1, os?.availableParallelism?.() ?? 1);
}

/** True where this thread may block in Atomics.wait (not a page's main thread). */
export function canBlock(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/** Why worker threads are unavailable here, or null when they are available. */
export function threadsUnavailableReason(): string | null {
  if (typeof SharedArrayBuffer === 'undefined') return 'SharedArrayBuffer is missing (a page needs cross-origin isolation: COOP/COEP headers)';
  if (!canBlock()) return "this thread may not block in Atomics.wait (a page's main thread): run the engine in a Web Worker to use more cores";
  const factory = workerFactory();
  return typeof factory === 'string' ? factory : null;
}

export class ThreadPool {
  private readonly workers: WorkerHandle[] = [];
  private readonly ctl: Int32Array;
  private readonly factory: (source: string) => WorkerHandle;
  private broken: string | null = null;

  /**
   * A pool of at most `capacity` workers on `memory` (shared), running
   * `module`; `ctlAddress` is the byte address of a zeroed control block of
   * ctlWords(capacity) words. Workers start with `grow`.
   */
  constructor(
    private readonly module: WebAssembly.Module,
    private readonly memory: WebAssembly.Memory,
    private readonly ctlAddress: number,
    readonly capacity: number,
    /**
     * The least time the caller waits for a worker's share; a worker is called lost after two
     * such waits in a row without a report from the round.
     */
    private readonly minWaitMs = 10_000,
    /** Starts a worker from source text; default the platform's (worker_threads, or Web Workers). */
    factory?: (source: string) => WorkerHandle,
    /** Atomics.wait; tests pass one that times out early, as a stopped process does when it resumes. */
    private readonly wait: (array: Int32Array, index: number, value: number, timeoutMs: number) => string = Atomics.wait,
  ) {
    const platform = factory ?? workerFactory();
    if (typeof platform === 'string') throw new Error(`cpu backend: cannot start GEMM worker threads: ${platform}`);
    this.factory = platform;
    this.ctl = new Int32Array(memory.buffer, ctlAddress, ctlWords(capacity));
  }

  get size(): number {
    return this.workers.length;
  }

  /** Starts workers until there are `count` (at most the capacity). */
  grow(count: number): void {
    if (this.broken) return;
    while (this.workers.length < Math.min(count, this.capacity)) {
      const worker = this.factory(WORKER_SOURCE);
      worker.postMessage({ module: this.module, memory: this.memory, ctl: this.ctlAddress, index: this.workers.length });
      this.workers.push(worker);
    }
  }

  /** Workers that have started and can take a task now (0 once the pool failed). */
  readyCount(): number {
    if (this.broken) return 0;
    let n = 0;
    while (n < this.workers.length && Atomics.load(this.ctl, CTL.slots + CTL.slotWords * n + SLOT.ready) === 1) n++;
    return n;
  }

  /** Why the pool stopped, or null. */
  get failure(): string | null {
    return this.broken;
  }

  /**
   * Runs tasks[0] on this thread and tasks[1..] on workers 0.. (each needs a
   * ready worker; a task address of 0 is no task), then waits for all.
   * `run(job, task)` is this thread's gemmTask. Throws, naming the thread,
   * when a worker failed or did not report back.
   */
  runRound(job: number, tasks: number[], run: (job: number, task: number) => void): void {
    const others = tasks.length - 1;
    if (others > this.readyCount()) throw new Error(`cpu backend: ${others} GEMM worker threads asked for, ${this.readyCount()} ready`);
    const ctl = this.ctl;
    const round = (Atomics.load(ctl, CTL.round) + 1) | 0;
    Atomics.store(ctl, CTL.done, 0);
    for (let w = 0; w < others; w++) {
      const slot = CTL.slots + CTL.slotWords * w;
      Atomics.store(ctl, slot + SLOT.job, job);
      Atomics.store(ctl, slot + SLOT.task, tasks[w + 1]);
      Atomics.store(ctl, slot + SLOT.failed, 0);
      Atomics.store(ctl, slot + SLOT.round, round);
    }
    Atomics.store(ctl, CTL.round, round);
    Atomics.notify(ctl, CTL.round);
    const t0 = performance.now();
    if (tasks[0]) run(job, tasks[0]);
    // A worker's share is as large as this thread's: allow it 20 times as long, and at least minWaitMs.
    const limit = Math.max(this.minWaitMs, 20 * (performance.now() - t0));
    // A process that was stopped (SIGSTOP, a suspended machine, a debugger) wakes with every
    // deadline passed and its workers still mid-share, so one wait that times out proves nothing:
    // a worker is lost only after two whole waits in a row in which the round made no progress.
    // (One timed-out wait used to fail the round, and killed a training run stopped for 4 minutes.)
    let idleWaits = 0;
    for (;;) {
      const done = Atomics.load(ctl, CTL.done);
      if (done >= others) break;
      if (this.wait(ctl, CTL.done, done, limit) !== 'timed-out' || Atomics.load(ctl, CTL.done) !== done) {
        idleWaits = 0;
        continue;
      }
      const late = Array.from({ length: others }, (_, w) => w).filter((w) => Atomics.load(ctl, CTL.slots + CTL.slotWords * w + SLOT.finished) !== round);
      if (late.length === 0) continue; // each has finished; its count in `done` is a moment behind
      if (++idleWaits < 2) continue;
      this.fail(`GEMM worker thread(s) ${late.map((w) => w + 1).join(', ')} did not finish their share in two waits of ${Math.round(limit)} ms each (a worker may have died)`);
    }
    for (let w = 0; w < others; w++) {
      const slot = CTL.slots + CTL.slotWords * w;
      if (Atomics.load(ctl, slot + SLOT.failed) !== 0) this.fail(`GEMM worker thread ${w + 1} threw while running its share (its error is on the console)`);
    }
  }

  private fail(why: string): never {
    this.broken = why;
    this.close();
    throw new Error(`cpu backend: ${why}; this GEMM's result is lost, and later ones run on one thread`);
  }

  /** Stops every worker. */
  close(): void {
    Atomics.store(this.ctl, CTL.stop, 1);
    Atomics.add(this.ctl, CTL.round, 1);
    Atomics.notify(this.ctl, CTL.round);
    for (const w of this.workers) w.terminate();
    this.workers.length = 0;
  }
}
