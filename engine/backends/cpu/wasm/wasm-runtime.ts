/**
 * The runtime of the CPU backend's WebAssembly kernels (kernel-module.ts,
 * committed as kernels.generated.ts): one instance and one memory per JS
 * realm, shared by every CpuBackend in it, a heap inside that memory, the GEMM
 * driver, and the worker threads that split a GEMM.
 *
 * Where the memory is shared (SharedArrayBuffer: Node, a cross-origin isolated
 * page, a worker), it does not move when it grows, so the backend keeps its
 * large float32 and int32 tensors in it (`heapArray`): kernels then read and
 * write them in place. Elsewhere tensors stay in JS typed arrays and are
 * copied in and out. Either way a kernel stages what else it needs (offset
 * tables, padded images, partial sums) as scratch that the next call's
 * `begin` frees.
 *
 * The heap keeps freed blocks in lists by size class (multiples of 64 bytes
 * up to 64 KiB, then eighths of a power of two), which suits a training step:
 * it allocates the same sizes every step. Memory is never returned.
 *
 * Splitting a job across threads never changes its result:
 * - by rows of C, each element is computed by the same instructions in the
 *   same order whichever thread runs it;
 * - by the reduction (when C is small and K long, e.g. a filter gradient),
 *   the number of partial sums depends on the problem only, and they are
 *   added in a fixed order. So one thread and two give bit-identical results.
 *
 * Memory: 16 MiB at first, grown as a call needs (at most 2 GiB). A shared
 * memory's buffer grows in place; views are re-made from `memory.buffer`
 * after each allocation.
 */
import { WASM_MEMORY, WASM_MODULE, WASM_TILE } from './kernels.generated.js';
import { JOB, TASK } from './gemm-layout.js';
import { ctlWords, ThreadPool, threadsUnavailableReason } from './threads.js';

const PAGE = 65536;
const MAX_THREADS = 16;

/** Cache blocking: a KC x NC panel of B (256 KiB) stays in L2 while MC x KC blocks of A (128 KiB) stream past it. */
const MC_MAX = 128;
const KC_MAX = 256;
const NC_MAX = 256;

/** Below this many multiply-adds a job stays on the calling thread (waking a worker costs tens of microseconds). */
const THREAD_MIN_WORK = 1 << 21;
/** A job splits its reduction, not its rows, when K is this many times M or more (a filter gradient's shape). */
const SPLIT_K_RATIO = 4;
/** Reduction slices of a split-K job: one per this many k, at most SPLIT_K_MAX_PARTS; never depends on the thread count. */
const SPLIT_K_PART = 4096;
const SPLIT_K_MAX_PARTS = 8;

export interface GemmJob {
  M: number;
  N: number;
  K: number;
  /** Byte addresses in wasm memory; the tables hold i32 element offsets (see gemm-layout.ts). */
  aSrc: number;
  aRowTab: number;
  aColTab: number;
  bSrc: number;
  bRowTab: number;
  bColTab: number;
  /** bColTab[j] = bColTab[0] + j. */
  bContig: boolean;
  /** C(i, j) at c + 4 (i ldc + j); C is overwritten. */
  c: number;
  ldc: number;
  /** Byte address of N floats (padded to a multiple of NR), or 0. */
  bias: number;
  relu: boolean;
  /**
   * Instead of storing C (then c is unused), add C(i, j) into the image at
   * `dst` (f32 at dst + 4 (rowTab[i] + colTab[j])): the input gradient's
   * col2im. Rows of different images never touch the same element, so threads
   * split at image boundaries. Needs canScatter(K, N).
   */
  scatter?: { dst: number; rowTab: number; colTab: number; rowsPerImage: number };
}

/** The module's exports (addresses in bytes, counts in elements). */
export interface WasmKernels {
  gemmTask(job: number, task: number): void;
  reluBackward(dy: number, y: number, dx: number, n: number): void;
  maxPool2x2(x: number, y: number, argmax: number, batch: number, inH: number, inW: number, channels: number,
    outH: number, outW: number, strideH: number, strideW: number): void;
  scatterAdd(dy: number, index: number, dx: number, n: number): void;
  columnSums(x: number, rows: number, cols: number, acc: number, out: number): void;
  relu(x: number, y: number, n: number): void;
  add(a: number, b: number, out: number, n: number): void;
  columnSumsF64(x: number, bytes: number, rowBytes: number, sums: number): void;
  columnSquaredDeviations(x: number, bytes: number, rowBytes: number, mean: number, squares: number): void;
  batchNormApply(x: number, y: number, bytes: number, rowBytes: number, mean: number, rstd: number, scale: number, offset: number): void;
  batchNormGradSums(dy: number, x: number, bytes: number, rowBytes: number, mean: number, rstd: number, sumDy: number, sumDyXhat: number): void;
  batchNormGradInput(dy: number, x: number, dx: number, bytes: number, rowBytes: number, mean: number, rstd: number,
    sumDy: number, sumDyXhat: number, kR: number, R: number, training: number): void;
}

function decode(base64: string): Uint8Array {
  const s = atob(base64);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes;
}

const roundUp = (n: number, m: number) => Math.ceil(n / m) * m;

/** The heap's block size for a request (16 bytes of slack: packing reads up to three table entries ahead). */
function sizeClass(bytes: number): number {
  const b = roundUp(Math.max(bytes + 16, 64), 64);
  if (b <= 65536) return b;
  return roundUp(b, 2 ** (Math.floor(Math.log2(b)) - 3));
}

export class WasmRuntime {
  readonly mr: number;
  readonly nr: number;
  readonly fma: boolean;
  readonly shared: boolean;
  /** Why worker threads are not used, or null. */
  readonly threadsNote: string | null;
  private readonly memory: WebAssembly.Memory;
  private readonly module: WebAssembly.Module;
  readonly kernels: WasmKernels;
  private pool: ThreadPool | null = null;
  /** Per thread: task struct and workspaces, laid out once. */
  private readonly taskBase: number;
  private readonly taskStride: number;
  private readonly jobAddress: number;
  private readonly ctlAddress: number;
  private heapTop: number;
  private readonly freeBlocks = new Map<number, number[]>();
  private freeBytes = 0;
  /** Blocks this call staged, freed by the next begin(). */
  private scratch: [number, number][] = [];
  /** Every ArrayBuffer object the memory has shown (a shared memory gives a new one after growing). */
  private readonly buffers = new WeakSet<ArrayBufferLike>();

  private constructor(bytes: Uint8Array, shared: boolean, fma: boolean, threadsNote: string | null, tile: { mr: number; nr: number } = WASM_TILE) {
    this.mr = tile.mr;
    this.nr = tile.nr;
    this.shared = shared;
    this.fma = fma;
    this.threadsNote = threadsNote;
    this.module = new WebAssembly.Module(bytes as BufferSource);
    this.memory = new WebAssembly.Memory({ initial: WASM_MEMORY.initialPages, maximum: WASM_MEMORY.maximumPages, shared } as WebAssembly.MemoryDescriptor);
    this.kernels = new WebAssembly.Instance(this.module, { env: { memory: this.memory } }).exports as unknown as WasmKernels;
    let at = 64;
    this.ctlAddress = at;
    at += 4 * ctlWords(MAX_THREADS);
    this.jobAddress = roundUp(at, 64);
    at = this.jobAddress + 4 * JOB.words;
    const aPack = 4 * roundUp(MC_MAX, this.mr) * KC_MAX;
    const bPack = 4 * KC_MAX * roundUp(NC_MAX, this.nr);
    this.taskStride = roundUp(4 * TASK.words, 64) + aPack + bPack + 4 * this.mr * this.nr;
    this.taskBase = roundUp(at, 64);
    at = this.taskBase + this.taskStride * (MAX_THREADS + SPLIT_K_MAX_PARTS);
    this.heapTop = roundUp(at, 64);
    this.ensure(this.heapTop);
  }

  /**
   * The realm's instance, or a string saying why there is none (no
   * WebAssembly SIMD). Worker threads are used where SharedArrayBuffer and a
   * blocking wait exist.
   */
  static create(): WasmRuntime | string {
    if (typeof WebAssembly === 'undefined') return 'WebAssembly is missing';
    const local = decode(WASM_MODULE.local);
    if (!WebAssembly.validate(local as BufferSource)) return 'this WebAssembly has no SIMD (fixed-width SIMD, Chrome 91, Firefox 89, Safari 16.4, Node 16.4)';
    const fmaBytes = decode(WASM_MODULE.localFma);
    const fma = WebAssembly.validate(fmaBytes as BufferSource);
    // A shared memory keeps tensors in place as it grows; worker threads need it, and a thread that may block.
    let shared = typeof SharedArrayBuffer !== 'undefined';
    let threadsNote = threadsUnavailableReason();
    if (shared) {
      try {
        new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true } as WebAssembly.MemoryDescriptor);
      } catch (e) {
        shared = false;
        threadsNote = `no shared WebAssembly memory (${(e as Error).message})`;
      }
    }
    const bytes = shared ? decode(fma ? WASM_MODULE.sharedFma : WASM_MODULE.shared) : fma ? fmaBytes : local;
    return new WasmRuntime(bytes, shared, fma, threadsNote);
  }

  /**
   * An instance of another build of the module (bench/cpu-micro.ts compares
   * register tiles this way); single-threaded, unshared memory.
   */
  static fromModule(bytes: Uint8Array, tile: { mr: number; nr: number }, fma = false): WasmRuntime {
    return new WasmRuntime(bytes, false, fma, 'a module built for comparison runs on one thread', tile);
  }

  /** A block of at least `bytes`, 64-byte aligned, from the heap (contents stale); grows the memory when needed. */
  heapAlloc(bytes: number): number {
    const size = sizeClass(bytes);
    const list = this.freeBlocks.get(size);
    if (list && list.length > 0) {
      this.freeBytes -= size;
      return list.pop()!;
    }
    const at = this.heapTop;
    this.ensure(at + size);
    this.heapTop = at + size;
    return at;
  }

  /** Returns a block from heapAlloc(bytes), with the same `bytes`. */
  heapFree(address: number, bytes: number): void {
    const size = sizeClass(bytes);
    let list = this.freeBlocks.get(size);
    if (!list) {
      list = [];
      this.freeBlocks.set(size, list);
    }
    list.push(address);
    this.freeBytes += size;
  }

  /** Bytes of the heap's free blocks. */
  get freeHeapBytes(): number {
    return this.freeBytes;
  }

  /**
   * A typed array of n elements living in wasm memory (contents stale), for
   * tensor storage; only with a shared memory, which never moves. Free it with
   * heapFree(array.byteOffset, array.byteLength).
   */
  heapArray(dtype: 'float32' | 'int32', n: number): Float32Array | Int32Array {
    if (!this.shared) throw new Error('cpu backend: tensors live in wasm memory only when it is shared (it moves when it grows otherwise)');
    const at = this.heapAlloc(4 * n);
    return dtype === 'float32' ? this.f32(at, n) : this.i32(at, n);
  }

  /** The byte address of an array that lives in wasm memory, or -1. */
  addressOf(a: ArrayBufferView): number {
    return this.buffers.has(a.buffer) ? a.byteOffset : -1;
  }

  /** Frees what the previous call staged. */
  begin(): void {
    for (const [at, bytes] of this.scratch) this.heapFree(at, bytes);
    this.scratch = [];
  }

  /** Scratch bytes for this call (freed by the next begin()). */
  alloc(bytes: number): number {
    const at = this.heapAlloc(bytes);
    this.scratch.push([at, bytes]);
    return at;
  }

  f32(address: number, length: number): Float32Array {
    const buffer = this.memory.buffer;
    this.buffers.add(buffer);
    return new Float32Array(buffer, address, length);
  }

  /** Float64 scratch (per-column statistics): address must be 8-byte aligned, as alloc's blocks are. */
  f64(address: number, length: number): Float64Array {
    const buffer = this.memory.buffer;
    this.buffers.add(buffer);
    return new Float64Array(buffer, address, length);
  }

  i32(address: number, length: number): Int32Array {
    const buffer = this.memory.buffer;
    this.buffers.add(buffer);
    return new Int32Array(buffer, address, length);
  }

  /** src's address: where it lives if it is in wasm memory, else a scratch copy. */
  put(src: Float32Array | Int32Array): number {
    const home = this.addressOf(src);
    if (home >= 0) return home;
    const at = this.alloc(4 * src.length);
    (src instanceof Int32Array ? this.i32(at, src.length) : this.f32(at, src.length)).set(src);
    return at;
  }

  /** Where a kernel writes its output `out`: in place if it lives in wasm memory, else scratch for `finish`. */
  outputAddress(out: Float32Array): number {
    const home = this.addressOf(out);
    return home >= 0 ? home : this.alloc(4 * out.length);
  }

  /** Copies a result written at `address` into `out`, unless it was written in place. */
  finish(out: Float32Array, address: number): void {
    if (this.addressOf(out) !== address) out.set(this.f32(address, out.length));
  }

  /** n floats from the arena, zeroed. */
  zeros(n: number): number {
    const at = this.alloc(4 * n);
    this.f32(at, n).fill(0);
    return at;
  }

  /** An i32 table start, start + stride, ... (n entries). */
  table(n: number, stride: number, start = 0): number {
    const at = this.alloc(4 * n);
    const t = this.i32(at, n);
    for (let i = 0; i < n; i++) t[i] = start + i * stride;
    return at;
  }

  /** A bias of N floats copied in, padded with zeros to a multiple of NR. */
  putBias(bias: Float32Array): number {
    const n = roundUp(bias.length, this.nr);
    const at = this.zeros(n);
    this.f32(at, bias.length).set(bias);
    return at;
  }

  /** Threads a job of this size would use with `threads` allowed (1 until workers are up). */
  private threadCount(job: GemmJob, threads: number): number {
    if (threads <= 1 || job.M * job.N * job.K < THREAD_MIN_WORK || this.threadsNote || this.pool?.failure) return 1;
    const pool = this.startThreads(threads);
    return 1 + Math.min(threads - 1, pool.readyCount());
  }

  /** Starts workers (asynchronously) until threads - 1 exist. */
  private startThreads(threads: number): ThreadPool {
    this.pool ??= new ThreadPool(this.module, this.memory, this.ctlAddress, MAX_THREADS - 1);
    this.pool.grow(Math.min(threads, MAX_THREADS) - 1);
    return this.pool;
  }

  /**
   * Resolves once `threads` threads can run a GEMM (workers start in the
   * background; until they are up, GEMMs run on fewer). Resolves at once where
   * threads are unavailable; rejects after `timeoutMs`.
   */
  async whenThreadsReady(threads: number, timeoutMs = 10_000): Promise<void> {
    if (threads <= 1 || this.threadsNote) return;
    const want = Math.min(threads, MAX_THREADS) - 1;
    const pool = this.startThreads(threads);
    const t0 = Date.now();
    while (pool.readyCount() < want) {
      if (pool.failure) throw new Error(`cpu backend: ${pool.failure}`);
      if (Date.now() - t0 > timeoutMs) throw new Error(`cpu backend: ${pool.readyCount()} of ${want} GEMM worker threads started within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Runs C = A·B (+ bias, ReLU) with up to `threads` threads; everything must be staged. */
  run(job: GemmJob, threads = 1): void {
    const { M, N, K } = job;
    if (M === 0 || N === 0) return;
    if (K === 0) {
      // Nothing to reduce: C is the bias (or zero), ReLU'd.
      const bias = job.bias ? this.f32(job.bias, N) : null;
      for (let i = 0; i < M; i++) {
        const row = this.f32(job.c + 4 * i * job.ldc, N);
        for (let j = 0; j < N; j++) {
          const v = bias ? bias[j] : 0;
          row[j] = job.relu ? (v > 0 || v !== v ? v : 0) : v;
        }
      }
      return;
    }
    const kBlocks = Math.ceil(K / KC_MAX);
    const jw = this.i32(this.jobAddress, JOB.words);
    jw[JOB.M] = M;
    jw[JOB.N] = N;
    jw[JOB.K] = K;
    jw[JOB.aSrc] = job.aSrc;
    jw[JOB.aRowTab] = job.aRowTab;
    jw[JOB.aColTab] = job.aColTab;
    jw[JOB.bSrc] = job.bSrc;
    jw[JOB.bRowTab] = job.bRowTab;
    jw[JOB.bColTab] = job.bColTab;
    jw[JOB.bContig] = job.bContig ? 1 : 0;
    jw[JOB.ldc] = job.ldc;
    jw[JOB.MC] = MC_MAX;
    jw[JOB.NC] = NC_MAX;
    jw[JOB.KC] = Math.ceil(K / kBlocks);
    jw[JOB.bias] = job.bias;
    jw[JOB.relu] = job.relu ? 1 : 0;
    jw[JOB.scatter] = 0;
    const threads_ = this.threadCount(job, threads);
    if (job.scatter) this.runScatter(job, job.scatter, threads_);
    else if (K >= SPLIT_K_RATIO * M && K >= 2 * SPLIT_K_PART) this.runSplitK(job, threads_);
    else this.runSplitM(job, threads_);
  }

  private task(index: number, m0: number, m1: number, k0: number, k1: number, c: number): number {
    const at = this.taskBase + index * this.taskStride;
    const t = this.i32(at, TASK.words);
    t[TASK.m0] = m0;
    t[TASK.m1] = m1;
    t[TASK.k0] = k0;
    t[TASK.k1] = k1;
    t[TASK.c] = c;
    t[TASK.aPack] = at + roundUp(4 * TASK.words, 64);
    t[TASK.bPack] = t[TASK.aPack] + 4 * roundUp(MC_MAX, this.mr) * KC_MAX;
    t[TASK.tile] = t[TASK.bPack] + 4 * KC_MAX * roundUp(NC_MAX, this.nr);
    return at;
  }

  private runTasks(perThread: number[][]): void {
    const run = (job: number, task: number) => this.kernels.gemmTask(job, task);
    if (perThread.length === 1) {
      for (const t of perThread[0]) run(this.jobAddress, t);
      return;
    }
    // Each round gives every thread one task (0: none, in the last round of an uneven split).
    const rounds = Math.max(...perThread.map((p) => p.length));
    for (let r = 0; r < rounds; r++) this.pool!.runRound(this.jobAddress, perThread.map((p) => p[r] ?? 0), run);
  }

  /** True when a job of this K and N can scatter: C's blocks are then complete (one K block, one N block). */
  canScatter(K: number, N: number): boolean {
    return K <= KC_MAX && K * roundUp(N, this.nr) <= KC_MAX * roundUp(NC_MAX, this.nr);
  }

  /**
   * A scattering job: each task takes whole images and a scratch block for C.
   * With one K and one N block, every element of the image receives its
   * contributions in the same order (rows ascending, within one image)
   * however the images are split, so threads do not change the result.
   */
  private runScatter(job: GemmJob, scatter: NonNullable<GemmJob['scatter']>, threads: number): void {
    if (!this.canScatter(job.K, job.N)) throw new Error(`cpu backend: a scattering GEMM needs K <= ${KC_MAX} and a B panel within the workspace, got K=${job.K} N=${job.N}`);
    const jw = this.i32(this.jobAddress, JOB.words);
    jw[JOB.KC] = job.K;
    jw[JOB.NC] = roundUp(job.N, this.nr);
    jw[JOB.ldc] = job.N;
    jw[JOB.scatter] = 1;
    jw[JOB.sDst] = scatter.dst;
    jw[JOB.sRowTab] = scatter.rowTab;
    jw[JOB.sColTab] = scatter.colTab;
    const images = job.M / scatter.rowsPerImage;
    const perTask = Math.ceil(images / threads);
    const perThread: number[][] = [];
    for (let t = 0; t * perTask < images; t++) {
      const m0 = t * perTask * scatter.rowsPerImage;
      const m1 = Math.min(job.M, (t + 1) * perTask * scatter.rowsPerImage);
      perThread.push([this.task(t, m0, m1, 0, job.K, this.alloc(4 * MC_MAX * job.N))]);
    }
    this.runTasks(perThread);
  }

  private runSplitM(job: GemmJob, threads: number): void {
    const rows = roundUp(Math.ceil(job.M / threads), this.mr);
    const perThread: number[][] = [];
    for (let t = 0; t * rows < job.M; t++) {
      perThread.push([this.task(t, t * rows, Math.min(job.M, (t + 1) * rows), 0, job.K, job.c)]);
    }
    this.runTasks(perThread);
  }

  private runSplitK(job: GemmJob, threads: number): void {
    const { M, N, K } = job;
    const parts = Math.min(SPLIT_K_MAX_PARTS, Math.floor(K / SPLIT_K_PART));
    const span = Math.ceil(K / parts);
    // Part 0 writes C itself; the others write partial sums, added below in order.
    const partial: number[] = [job.c];
    for (let p = 1; p < parts; p++) partial.push(this.alloc(4 * M * job.ldc));
    const perThread: number[][] = Array.from({ length: Math.min(threads, parts) }, () => []);
    for (let p = 0; p < parts; p++) {
      perThread[p % perThread.length].push(this.task(p, 0, M, p * span, Math.min(K, (p + 1) * span), partial[p]));
    }
    // The bias and ReLU belong to the total: run the parts without them, then apply them once.
    const jw = this.i32(this.jobAddress, JOB.words);
    jw[JOB.bias] = 0;
    jw[JOB.relu] = 0;
    this.runTasks(perThread);
    const bias = job.bias ? this.f32(job.bias, N) : null;
    const parts_ = partial.map((at) => this.f32(at, M * job.ldc));
    const c = parts_[0];
    for (let i = 0; i < M; i++) {
      for (let j = 0, o = i * job.ldc; j < N; j++, o++) {
        let v = c[o];
        for (let p = 1; p < parts; p++) v += parts_[p][o];
        if (bias) v += bias[j];
        c[o] = job.relu ? (v > 0 || v !== v ? v : 0) : v;
      }
    }
  }

  private ensure(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return;
    const pages = Math.ceil((bytes - have) / PAGE);
    if (have / PAGE + pages > WASM_MEMORY.maximumPages) {
      throw new Error(`cpu backend: the wasm kernels need ${Math.ceil(bytes / 2 ** 20)} MiB of WebAssembly memory, more than its maximum of ${WASM_MEMORY.maximumPages / 16} MiB; use the CPU backend with gemm: 'js' for this size`);
    }
    try {
      this.memory.grow(pages);
    } catch (e) {
      throw new Error(`cpu backend: the wasm kernels need ${Math.ceil(bytes / 2 ** 20)} MiB of WebAssembly memory and it could not grow to it (${(e as Error).message}); use the CPU backend with gemm: 'js' for this size`);
    }
  }

  /** Stops the worker threads (they are restarted on demand). */
  closeThreads(): void {
    this.pool?.close();
    this.pool = null;
  }
}

let instance: WasmRuntime | string | undefined;

/** The realm's wasm GEMM, or why there is none. */
export function wasmRuntime(): WasmRuntime | string {
  instance ??= WasmRuntime.create();
  return instance;
}
