/**
 * How long to sleep before awaiting the GPU, learned per workload: the cure for Node's busy wait
 * on the adapters that compute on the host's own cores.
 *
 * Why: while any mapAsync() or onSubmittedWorkDone() promise is pending, dawn.node (the `webgpu`
 * package) polls the device from the main thread in a setImmediate loop, which keeps one core at
 * 100%. On a software adapter (lavapipe, SwiftShader) the "GPU" is a pool of threads on the same
 * cores, so the poll takes a core from it. Measured on this project's 2-core machine, lavapipe,
 * the tutorial step at batch 256 (2026-12-02): awaited at once, the main thread burned 910-1,160
 * ms of CPU in a 1,160-1,500 ms wait, and lavapipe's two threads got 600-800 ms each; after a
 * plain sleep of 800 ms the same step's work was already done. A page does not poll like this
 * (the browser's GPU process runs the adapter and the page's thread idles), nor does a real GPU
 * lose anything to it, so only Node on a software adapter paces its waits by default
 * (WebGPUBackendOptions.paceWaits).
 *
 * How: the backend reports each dispatch (its program and workgroup count) and each submit. The
 * dispatches since the last wait form the workload's signature (a hash). Just before a wait
 * creates its promise, the pacer sleeps (a timer, so the thread idles) for FRACTION of the time
 * the same signature took from its first submit to the wait's end last time, less what has
 * already passed; the rest of the wait is the usual poll. A workload never seen (the first
 * step, a new shape, a lone read) sleeps not at all. The learned time follows the workload both
 * ways: a slower run is measured as it is, and when the work was done before the sleep ended,
 * the measured time is the sleep itself, FRACTION of the estimate, so the next sleep is shorter.
 * A wait therefore sleeps at most FRACTION of the last run of the same work, and repeating work
 * (a training step, an evaluation batch) converges on a sleep just under its GPU time.
 */

/**
 * The share of the learned time slept; the remainder is polled, and gives the decay its rate.
 * Against 0.85 on lavapipe, the tutorial step at batch 256, interleaved in one process, medians
 * of 11 (bench/kernels-conv.ts --step, PACE_FRACTION, 2026-12-02): 0.95 ran 0.80x (its sleeps
 * outlast steps that vary by 20-30% between runs, and shrink slowly), 0.7 ran 0.93x.
 */
export const PACE_FRACTION = 0.85;
/** Waits expected shorter than this are not paced: their poll costs next to nothing. */
export const PACE_MIN_MS = 4;
/** Signatures remembered; past this the table starts again (a workload that never repeats). */
const MAX_SIGNATURES = 256;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** What a paced wait hands back to afterWait(): its workload and when that work was first submitted. */
export interface PaceToken {
  readonly signature: number;
  readonly since: number;
  /** How long it slept, ms. */
  readonly slept: number;
}

export interface PaceStats {
  /** Waits that slept, and their total sleep (ms). */
  paced: number;
  sleptMs: number;
  /** Waits of a workload not seen before (nothing to learn from yet). */
  unseen: number;
}

export class WaitPacer {
  #signature = FNV_OFFSET;
  #dispatches = 0;
  #firstSubmit: number | null = null;
  readonly #learned = new Map<number, number>();
  readonly stats: PaceStats = { paced: 0, sleptMs: 0, unseen: 0 };

  constructor(
    /** The share of the learned time slept (PACE_FRACTION unless a test or bench says otherwise). */
    public fraction = PACE_FRACTION,
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  /** One dispatch recorded: its program and workgroup count join the signature. */
  dispatched(program: string, groups: number): void {
    let h = this.#signature;
    for (let i = 0; i < program.length; i++) h = Math.imul(h ^ program.charCodeAt(i), FNV_PRIME);
    h = Math.imul(h ^ (groups >>> 0), FNV_PRIME);
    h = Math.imul(h ^ Math.floor(groups / 0x100000000), FNV_PRIME);
    this.#signature = h >>> 0;
    this.#dispatches++;
  }

  /** Work was submitted: the GPU time of this workload runs from its first submit. */
  submitted(): void {
    if (this.#firstSubmit === null) this.#firstSubmit = this.now();
  }

  /**
   * Call just before creating the promise a wait awaits: sleeps as the same workload's last run
   * suggests, and starts the next signature. Returns null when there is nothing to learn (no
   * dispatch since the last wait).
   */
  async beforeWait(): Promise<PaceToken | null> {
    if (this.#dispatches === 0 || this.#firstSubmit === null) return null;
    const signature = this.#signature;
    const since = this.#firstSubmit;
    this.#signature = FNV_OFFSET;
    this.#dispatches = 0;
    this.#firstSubmit = null;
    const learned = this.#learned.get(signature);
    let slept = 0;
    if (learned === undefined) {
      this.stats.unseen++;
    } else if (learned >= PACE_MIN_MS) {
      const ms = this.fraction * learned - (this.now() - since);
      if (ms >= 1) {
        const t0 = this.now();
        await this.sleep(ms);
        slept = this.now() - t0;
        this.stats.paced++;
        this.stats.sleptMs += slept;
      }
    }
    return { signature, since, slept };
  }

  /** Call when the wait's promise has resolved: learns how long the workload took. */
  afterWait(token: PaceToken | null): void {
    if (!token) return;
    if (this.#learned.size >= MAX_SIGNATURES && !this.#learned.has(token.signature)) this.#learned.clear();
    this.#learned.set(token.signature, this.now() - token.since);
  }

  /** The learned time of every signature (tests, diagnostics). */
  learnedMs(): number[] {
    return [...this.#learned.values()];
  }
}
