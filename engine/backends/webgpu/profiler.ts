/**
 * Per-dispatch GPU timing for the WebGPU backend.
 *
 * Attach with `backend.profiler = new GpuProfiler(backend.device)`. While attached, every
 * dispatch the backend records gets its own compute pass, and:
 *
 * - where the device has `timestamp-query` ('gpu-timestamp'): the pass carries timestampWrites
 *   at its beginning and end (two queries per dispatch). Query sets are used in chunks of
 *   QUERIES_PER_SET; when the backend finishes its encoder, each chunk used is resolved
 *   (resolveQuerySet) into a buffer and copied to a mappable one, in the same submit; `collect()`
 *   maps them and converts the nanosecond ticks to milliseconds. Figures are GPU time: the time
 *   between the pass's start and end on the device, excluding submission and host overhead.
 * - otherwise ('wall'): the backend submits after every dispatch and each dispatch's time is
 *   the host wall time from its submit (or the previous dispatch's completion, whichever is later)
 *   to queue.onSubmittedWorkDone() resolving: it includes submit and completion-notification
 *   overhead. It is only meaningful per dispatch when the host awaits between dispatches (the
 *   bench kernel suite does); inside a step recorded without awaiting, completion callbacks may
 *   fire together (dawn.node delivers them only while a promise is awaited), so only the sum of
 *   a wall timeline is reliable there.
 *
 * Every record says which source it came from. `instrumentKernels` labels each dispatch with the
 * kernel-table call (the op) that issued it, so a chunked reduction's second `sum` dispatch shows
 * up under `conv2dBackpropFilter`.
 *
 * Attaching a profiler changes how work is recorded (one pass per dispatch, and in 'wall' mode one
 * submit per dispatch): use it to read a breakdown, not to time whole steps.
 */
import type { Backend, KernelName } from '../backend.js';

export type TimingSource = 'gpu-timestamp' | 'wall';

export interface DispatchRecord {
  /** Order of the dispatch since the profiler was attached (or last reset). */
  readonly index: number;
  /** The WGSL kernel (shaders/<kernel>.wgsl). */
  readonly kernel: string;
  /** The kernel-table call that issued it (see instrumentKernels), or null. */
  readonly op: string | null;
  /** Workgroups dispatched (before folding into 2-D/3-D). */
  readonly workgroups: number;
  /** Milliseconds: pass duration on the GPU ('gpu-timestamp') or host wall time ('wall'). */
  readonly ms: number;
  /** Start relative to the first collected dispatch, in ms (same source as `ms`). */
  readonly startMs: number;
  readonly source: TimingSource;
}

/** What the WebGPU backend calls around its dispatches and submits (see webgpu-backend.ts). */
export interface DispatchProfilerHook {
  /** When true, the backend submits after every dispatch (wall-time mode). */
  readonly submitEachDispatch: boolean;
  /** The descriptor of the compute pass that will hold this one dispatch. */
  passDescriptor(kernel: string, workgroups: number): GPUComputePassDescriptor;
  /** Called before the backend finishes its encoder (resolve queries here). */
  beforeFinish(encoder: GPUCommandEncoder): void;
  /** Called right after the backend submitted. */
  afterSubmit(queue: GPUQueue): void;
}

/** Queries per query set (two per dispatch); 4096 is the WebGPU maximum. */
export const QUERIES_PER_SET = 2048;

interface Pending {
  kernel: string;
  op: string | null;
  workgroups: number;
}

interface QueryChunk {
  querySet: GPUQuerySet;
  resolve: GPUBuffer;
  readback: GPUBuffer;
  /** Dispatches written into this chunk, in order (two queries each). */
  entries: Pending[];
  /** Resolved and submitted, waiting for collect(). */
  submitted: boolean;
}

interface WallEntry extends Pending {
  submitted: number;
  done: Promise<number>;
}

export class GpuProfiler implements DispatchProfilerHook {
  readonly source: TimingSource;
  readonly submitEachDispatch: boolean;
  /** The op label given to the next dispatches (set by instrumentKernels). */
  op: string | null = null;

  private readonly chunks: QueryChunk[] = [];
  private readonly free: QueryChunk[] = [];
  private current: QueryChunk | null = null;
  private wall: WallEntry[] = [];
  private wallPending: Pending | null = null;
  private records: DispatchRecord[] = [];
  private index = 0;
  private origin: bigint | number | null = null;

  constructor(
    readonly device: GPUDevice,
    options: { forceWall?: boolean } = {},
  ) {
    const ts = device.features.has('timestamp-query') && !options.forceWall;
    this.source = ts ? 'gpu-timestamp' : 'wall';
    this.submitEachDispatch = !ts;
  }

  passDescriptor(kernel: string, workgroups: number): GPUComputePassDescriptor {
    const entry: Pending = { kernel, op: this.op, workgroups };
    const label = `profiled ${this.op ? `${this.op}/` : ''}${kernel}`;
    if (this.source === 'wall') {
      this.wallPending = entry;
      return { label };
    }
    let chunk = this.current;
    if (!chunk || chunk.entries.length * 2 >= QUERIES_PER_SET) {
      chunk = this.free.pop() ?? this.newChunk();
      chunk.entries = [];
      chunk.submitted = false;
      this.chunks.push(chunk);
      this.current = chunk;
    }
    const i = chunk.entries.length;
    chunk.entries.push(entry);
    return {
      label,
      timestampWrites: { querySet: chunk.querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 },
    };
  }

  private newChunk(): QueryChunk {
    const bytes = QUERIES_PER_SET * 8;
    const n = this.chunks.length + this.free.length;
    return {
      querySet: this.device.createQuerySet({ label: `profiler queries #${n}`, type: 'timestamp', count: QUERIES_PER_SET }),
      resolve: this.device.createBuffer({
        label: `profiler resolve #${n}`, size: bytes, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
      }),
      readback: this.device.createBuffer({
        label: `profiler readback #${n}`, size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      }),
      entries: [],
      submitted: false,
    };
  }

  beforeFinish(encoder: GPUCommandEncoder): void {
    if (this.source === 'wall') return;
    for (const c of this.chunks) {
      if (c.submitted || c.entries.length === 0) continue;
      const count = c.entries.length * 2;
      encoder.resolveQuerySet(c.querySet, 0, count, c.resolve, 0);
      encoder.copyBufferToBuffer(c.resolve, 0, c.readback, 0, count * 8);
      c.submitted = true;
    }
    // The next dispatch starts a fresh chunk: a resolved chunk is not written again before collect().
    this.current = null;
  }

  afterSubmit(queue: GPUQueue): void {
    if (this.source !== 'wall' || !this.wallPending) return;
    const submitted = performance.now();
    this.wall.push({ ...this.wallPending, submitted, done: queue.onSubmittedWorkDone().then(() => performance.now()) });
    this.wallPending = null;
  }

  /**
   * Waits for every submitted profiled dispatch and returns their records in order (and forgets
   * them). Flush the backend first: dispatches still in an unsubmitted encoder are not collected.
   */
  async collect(): Promise<DispatchRecord[]> {
    if (this.source === 'wall') {
      const entries = this.wall;
      this.wall = [];
      const done = await Promise.all(entries.map((e) => e.done));
      let prevDone = -Infinity;
      entries.forEach((e, i) => {
        const start = Math.max(e.submitted, prevDone);
        if (this.origin === null) this.origin = start;
        this.push(e, Math.max(0, done[i] - start), start - (this.origin as number), 'wall');
        prevDone = done[i];
      });
    } else {
      const ready = this.chunks.filter((c) => c.submitted);
      for (const c of ready) {
        await c.readback.mapAsync(GPUMapMode.READ, 0, c.entries.length * 16);
        const ticks = new BigUint64Array(c.readback.getMappedRange(0, c.entries.length * 16).slice(0));
        c.readback.unmap();
        c.entries.forEach((e, i) => {
          const begin = ticks[2 * i];
          const end = ticks[2 * i + 1];
          if (this.origin === null) this.origin = begin;
          const ms = end > begin ? Number(end - begin) / 1e6 : 0;
          this.push(e, ms, Number(begin - (this.origin as bigint)) / 1e6, 'gpu-timestamp');
        });
        c.entries = [];
        c.submitted = false;
        this.chunks.splice(this.chunks.indexOf(c), 1);
        this.free.push(c);
      }
    }
    const out = this.records;
    this.records = [];
    return out;
  }

  /** Starts the next collect()'s start times and indices from zero. */
  reset(): void {
    this.origin = null;
    this.index = 0;
  }

  private push(e: Pending, ms: number, startMs: number, source: TimingSource): void {
    this.records.push({ index: this.index++, kernel: e.kernel, op: e.op, workgroups: e.workgroups, ms, startMs, source });
  }

  /** Frees the query sets and buffers. */
  destroy(): void {
    for (const c of [...this.chunks, ...this.free]) {
      c.querySet.destroy();
      c.resolve.destroy();
      c.readback.destroy();
    }
    this.chunks.length = 0;
    this.free.length = 0;
  }
}

/**
 * Wraps every kernel of `backend`'s table so the profiler labels dispatches with the calling
 * kernel-table entry. Returns a function that restores the original table.
 */
export function instrumentKernels(backend: Backend, profiler: { op: string | null }): () => void {
  const table = backend.kernels as unknown as Record<KernelName, (...args: unknown[]) => unknown>;
  const originals = { ...table };
  for (const name of Object.keys(originals) as KernelName[]) {
    const fn = originals[name];
    table[name] = (...args: unknown[]) => {
      const outer = profiler.op;
      profiler.op = name;
      try {
        return fn(...args);
      } finally {
        profiler.op = outer;
      }
    };
  }
  return () => Object.assign(table, originals);
}
