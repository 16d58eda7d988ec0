/**
 * Slows Node's busy poll of the GPU while the backend waits: the cure for the wait that took a
 * core from the adapters that compute on the host's own cores.
 *
 * Why: while any mapAsync() or onSubmittedWorkDone() promise is pending, dawn.node (the `webgpu`
 * package) polls the device from the main thread: each tick calls the global `setImmediate` to
 * queue the next, so the loop keeps one core at 100%. On a software adapter (lavapipe,
 * SwiftShader) the "GPU" is a pool of threads on the same cores, and the poll takes a core from
 * it. Measured on this project's 2-core machine, lavapipe, the tutorial step at batch 256
 * (2026-12-02): awaited as usual, the main thread burned 880-1,190 ms of CPU in steps of
 * 1,120-1,510 ms; with the poll's ticks 1 ms apart, 40-60 ms, and the steps took 800-890 ms.
 *
 * How: for the duration of a wait (nested or concurrent waits count as one), the global
 * `setImmediate` is replaced by one that runs as usual for the first SPIN_MS of the wait, so a
 * short wait (a small read) returns as fast as before, and after that queues its callback as a
 * timer POLL_INTERVAL_MS away; the poll then ticks about once a millisecond, and a wait ends at
 * most about a millisecond after the work. `clearImmediate` is wrapped to clear such a timer. Both
 * are put back when the last wait ends, unless someone else replaced them meanwhile (fake timers
 * in a test), whose own are then left in place. Other code that calls setImmediate during a wait
 * gets the same millisecond. A page does not poll like this (the browser's GPU process runs the
 * adapter: in Chrome its two SwiftShader threads ran at 95% of a core each during our steps, the
 * page idle), and a real GPU loses nothing to the poll, so only Node on a software adapter
 * throttles by default (WebGPUBackendOptions.throttlePoll). If a later dawn.node stopped calling
 * the global setImmediate, `stats.throttledTicks` would stay 0 (test/webgpu-train-step.test.ts
 * checks it is not).
 */

/** The first milliseconds of a wait poll at full speed: most small reads are done by then. */
export const SPIN_MS = 2;
/** After that, one poll tick per this many milliseconds. */
export const POLL_INTERVAL_MS = 1;

type Callback = (...args: unknown[]) => void;

/** The globals the throttle swaps (globalThis in use; a fake in tests). */
export interface TimerHost {
  setImmediate: (fn: Callback, ...args: unknown[]) => unknown;
  clearImmediate: (handle: unknown) => void;
  setTimeout: (fn: Callback, ms: number, ...args: unknown[]) => unknown;
  clearTimeout: (handle: unknown) => void;
}

export interface ThrottleStats {
  /** Waits that went through the throttle. */
  waits: number;
  /** setImmediate calls made a timer (the poll's ticks, and anyone else's, during waits). */
  throttledTicks: number;
}

export class PollThrottle {
  readonly stats: ThrottleStats = { waits: 0, throttledTicks: 0 };
  #active = 0;
  #since = 0;
  #saved: { set: TimerHost['setImmediate']; clear: TimerHost['clearImmediate']; wrapper: TimerHost['setImmediate'] } | null = null;

  constructor(
    private readonly host: TimerHost = globalThis as unknown as TimerHost,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Awaits the promise `start` makes with the poll throttled after SPIN_MS. */
  async around<R>(start: () => Promise<R>): Promise<R> {
    this.#enter();
    try {
      return await start();
    } finally {
      this.#leave();
    }
  }

  #enter(): void {
    this.stats.waits++;
    if (this.#active++ > 0) return;
    const host = this.host;
    const set = host.setImmediate;
    const clear = host.clearImmediate;
    const timers = new WeakSet<object>();
    this.#since = this.now();
    const wrapper = (fn: Callback, ...args: unknown[]): unknown => {
      if (this.now() - this.#since < SPIN_MS) return set(fn, ...args);
      this.stats.throttledTicks++;
      const t = host.setTimeout(fn, POLL_INTERVAL_MS, ...args);
      if (typeof t === 'object' && t !== null) timers.add(t);
      return t;
    };
    host.setImmediate = wrapper;
    host.clearImmediate = (h: unknown) => (typeof h === 'object' && h !== null && timers.has(h) ? host.clearTimeout(h) : clear(h));
    this.#saved = { set, clear, wrapper };
  }

  #leave(): void {
    if (--this.#active > 0 || !this.#saved) return;
    const { set, clear, wrapper } = this.#saved;
    this.#saved = null;
    if (this.host.setImmediate !== wrapper) return; // replaced meanwhile: leave theirs in place
    this.host.setImmediate = set;
    this.host.clearImmediate = clear;
  }
}
