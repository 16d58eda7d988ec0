/**
 * GPU buffers pooled by size class. A released buffer first goes to a "recent" list: it may
 * be reused by later dispatches recorded in the same command encoder (commands in one encoder
 * run in order, so the reuse is safe), but not by `queue.writeBuffer` uploads, which land
 * before the pending encoder is submitted. `settle()` (called after each submit) moves recent
 * buffers to the free lists every acquirer can use.
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

export class BufferPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  private readonly recent = new Map<number, GPUBuffer[]>();
  private readonly classOf = new Map<GPUBuffer, number>();
  private readonly live = new Set<GPUBuffer>();
  private usedBytes = 0;
  private allocatedBytes = 0;
  private created = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly maxBufferSize: number,
  ) {}

  /** A buffer of at least `bytes`; `forUpload` excludes buffers released since the last submit. */
  acquire(bytes: number, forUpload: boolean, what: string): GPUBuffer {
    const size = sizeClass(bytes);
    if (size > this.maxBufferSize) {
      throw new Error(`webgpu: ${what} needs ${bytes} bytes, more than this device's maxBufferSize (${this.maxBufferSize})`);
    }
    let buffer = this.free.get(size)?.pop();
    if (!buffer && !forUpload) buffer = this.recent.get(size)?.pop();
    if (!buffer) {
      buffer = this.device.createBuffer({
        label: `pool#${this.created++} ${size}B`,
        size,
        usage: Usage.STORAGE | Usage.COPY_SRC | Usage.COPY_DST,
      });
      this.classOf.set(buffer, size);
      this.allocatedBytes += size;
    }
    this.live.add(buffer);
    this.usedBytes += size;
    return buffer;
  }

  release(buffer: GPUBuffer): void {
    if (!this.live.delete(buffer)) return; // not ours, or released twice
    const size = this.classOf.get(buffer)!;
    this.usedBytes -= size;
    let list = this.recent.get(size);
    if (!list) this.recent.set(size, (list = []));
    list.push(buffer);
  }

  settle(): void {
    for (const [size, list] of this.recent) {
      let free = this.free.get(size);
      if (!free) this.free.set(size, (free = []));
      free.push(...list);
    }
    this.recent.clear();
  }

  /** Destroys every pooled (not live) buffer. */
  trim(): void {
    this.settle();
    for (const list of this.free.values()) {
      for (const b of list) {
        this.allocatedBytes -= this.classOf.get(b)!;
        this.classOf.delete(b);
        b.destroy();
      }
    }
    this.free.clear();
  }

  memory(): { usedBytes: number; allocatedBytes: number } {
    return { usedBytes: this.usedBytes, allocatedBytes: this.allocatedBytes };
  }
}
