/**
 * GPU buffers pooled by size class. A released buffer first goes to a "recent" list: it may
 * be reused by later dispatches recorded in the same command encoder (commands in one encoder
 * run in order, so the reuse is safe), but not by `queue.writeBuffer` uploads, which land
 * before the pending encoder is submitted. `settle()` (called after each submit) moves recent
 * buffers to the free lists every acquirer can use.
 *
 * Of the buffers of a class that may serve, acquire takes the oldest (lowest creation number),
 * never the last released: which buffer a tensor gets then depends only on which buffers are
 * free, not on the order they came back in. So a training loop settles into binding the same
 * buffers step after step, and the backend's bind groups (bind-group-cache.ts) are reused.
 *
 * The pool keeps statistics (`stats()`): the bytes the live tensors asked for, the size-class
 * bytes they hold, the bytes of every buffer the pool owns (live, recent and free), and the
 * high-water mark of each since creation or the last `resetPeak()`. `npm run bench:step`
 * prints them for one training step and over many steps.
 */

/** GPUBufferUsage flags as numbers, so the engine does not need the globals of a WebGPU binding. */
export const Usage = { MAP_READ: 0x1, MAP_WRITE: 0x2, COPY_SRC: 0x4, COPY_DST: 0x8, UNIFORM: 0x40, STORAGE: 0x80 } as const;

/** Size classes: 256 bytes minimum, then four classes per power of two (at most 25% slack). */
export function sizeClass(bytes: number): number {
  if (bytes <= 256) return 256;
  const pow = 2 ** Math.floor(Math.log2(bytes));
  const step = Math.max(256, pow / 4);
  return Math.ceil(bytes / step) * step;
}

/** What the pool holds now and at its high-water mark. */
export interface PoolStats {
  /** Bytes the live tensors asked for (exact sizes, before rounding to a size class). */
  readonly tensorBytes: number;
  /** Size-class bytes of the buffers live tensors hold. */
  readonly usedBytes: number;
  /** Bytes of every GPU buffer the pool owns: live, released in this encoder, and free. */
  readonly allocatedBytes: number;
  readonly peakTensorBytes: number;
  readonly peakUsedBytes: number;
  readonly peakAllocatedBytes: number;
  /** Buffers the pool owns now. */
  readonly buffers: number;
  /** Buffers created since the pool was made (a growing count means the pool did not reuse). */
  readonly created: number;
}

/**
 * What a new buffer holds when `poison` is on: 0xFF in every byte, NaN as f32 and -1 as i32, so
 * that a kernel reading memory it never wrote shows it in the parity suite. Node runs Dawn with
 * its zero-fill of new buffers off (node/webgpu.ts), so the engine must never read a buffer
 * before it writes it; the pool's reused buffers hold stale data anyway.
 */
export const POISON_BYTE = 0xff;

/** The part of GPUDevice the pool uses (a test can hand it a fake). */
export type BufferMaker = Pick<GPUDevice, 'createBuffer'>;

export class BufferPool {
  readonly #free = new Map<number, GPUBuffer[]>();
  readonly #recent = new Map<number, GPUBuffer[]>();
  readonly #classOf = new Map<GPUBuffer, number>();
  /** Creation number of each buffer; free and recent lists are sorted by it, the oldest last. */
  readonly #numberOf = new Map<GPUBuffer, number>();
  /** Live buffers and the bytes their tensor asked for. */
  readonly #live = new Map<GPUBuffer, number>();
  #tensorBytes = 0;
  #usedBytes = 0;
  #allocatedBytes = 0;
  #peakTensorBytes = 0;
  #peakUsedBytes = 0;
  #peakAllocatedBytes = 0;
  #created = 0;

  constructor(
    private readonly device: BufferMaker,
    private readonly maxBufferSize: number,
    /** Told of each buffer just before trim() destroys it (the bind-group cache forgets its groups). */
    private readonly onDestroy?: (buffer: GPUBuffer) => void,
    /** Fill each new buffer with POISON_BYTE (tests: WebGPUBackendOptions.poisonNewBuffers). */
    private readonly poison = false,
  ) {}

  /** A buffer of at least `bytes`; `forUpload` excludes buffers released since the last submit. */
  acquire(bytes: number, forUpload: boolean, what: string): GPUBuffer {
    const size = sizeClass(bytes);
    if (size > this.maxBufferSize) {
      throw new Error(`webgpu: ${what} needs ${bytes} bytes, more than this device's maxBufferSize (${this.maxBufferSize})`);
    }
    let buffer = this.#free.get(size)?.pop();
    if (!buffer && !forUpload) buffer = this.#recent.get(size)?.pop();
    if (!buffer) {
      buffer = this.device.createBuffer({
        label: `pool#${this.#created++} ${size}B`,
        size,
        usage: Usage.STORAGE | Usage.COPY_SRC | Usage.COPY_DST,
        mappedAtCreation: this.poison,
      });
      if (this.poison) {
        new Uint8Array(buffer.getMappedRange()).fill(POISON_BYTE);
        buffer.unmap();
      }
      this.#classOf.set(buffer, size);
      this.#numberOf.set(buffer, this.#created - 1);
      this.#allocatedBytes += size;
      this.#peakAllocatedBytes = Math.max(this.#peakAllocatedBytes, this.#allocatedBytes);
    }
    this.#live.set(buffer, bytes);
    this.#usedBytes += size;
    this.#tensorBytes += bytes;
    this.#peakUsedBytes = Math.max(this.#peakUsedBytes, this.#usedBytes);
    this.#peakTensorBytes = Math.max(this.#peakTensorBytes, this.#tensorBytes);
    return buffer;
  }

  release(buffer: GPUBuffer): void {
    const bytes = this.#live.get(buffer);
    if (bytes === undefined) return; // not ours, or released twice
    this.#live.delete(buffer);
    const size = this.#classOf.get(buffer)!;
    this.#usedBytes -= size;
    this.#tensorBytes -= bytes;
    let list = this.#recent.get(size);
    if (!list) this.#recent.set(size, (list = []));
    this.#insert(list, buffer);
  }

  /** Inserts `buffer` into `list`, which is sorted by creation number, newest first (pop() takes the oldest). */
  #insert(list: GPUBuffer[], buffer: GPUBuffer): void {
    const n = this.#numberOf.get(buffer)!;
    let i = list.length;
    while (i > 0 && this.#numberOf.get(list[i - 1])! < n) i--;
    list.splice(i, 0, buffer);
  }

  settle(): void {
    for (const [size, list] of this.#recent) {
      let free = this.#free.get(size);
      if (!free) this.#free.set(size, (free = []));
      for (const b of list) this.#insert(free, b);
    }
    this.#recent.clear();
  }

  /** Destroys every pooled (not live) buffer. */
  trim(): void {
    this.settle();
    for (const list of this.#free.values()) {
      for (const b of list) {
        this.#allocatedBytes -= this.#classOf.get(b)!;
        this.#classOf.delete(b);
        this.#numberOf.delete(b);
        this.onDestroy?.(b);
        b.destroy();
      }
    }
    this.#free.clear();
  }

  /** Starts the high-water marks again from what is held now (to measure one step's peak). */
  resetPeak(): void {
    this.#peakTensorBytes = this.#tensorBytes;
    this.#peakUsedBytes = this.#usedBytes;
    this.#peakAllocatedBytes = this.#allocatedBytes;
  }

  memory(): { usedBytes: number; allocatedBytes: number; peakUsedBytes: number; peakAllocatedBytes: number } {
    return { usedBytes: this.#usedBytes, allocatedBytes: this.#allocatedBytes, peakUsedBytes: this.#peakUsedBytes, peakAllocatedBytes: this.#peakAllocatedBytes };
  }

  stats(): PoolStats {
    return {
      tensorBytes: this.#tensorBytes,
      usedBytes: this.#usedBytes,
      allocatedBytes: this.#allocatedBytes,
      peakTensorBytes: this.#peakTensorBytes,
      peakUsedBytes: this.#peakUsedBytes,
      peakAllocatedBytes: this.#peakAllocatedBytes,
      buffers: this.#classOf.size,
      created: this.#created,
    };
  }
}
