/**
 * MAP_READ buffers for reads, kept for reuse. `fit` reads its loss and accuracy scalars every
 * few steps, and every read needs a mappable copy destination: creating and destroying one per
 * read was a native allocation (a Dawn buffer and its driver memory) per read. A buffer comes
 * back here once unmapped, and the next read of the same size class takes it.
 *
 * Bounded: at most `maxPerClass` buffers of one size class and `maxBytes` in all are kept; a
 * buffer beyond that, or one this pool did not make, is destroyed on release.
 */
import { sizeClass, Usage } from './buffer-pool.js';

export type StagingMaker = Pick<GPUDevice, 'createBuffer'>;

export interface StagingStats {
  /** Buffers kept for reuse now, and their bytes. */
  readonly kept: number;
  readonly keptBytes: number;
  /** Buffers created since the pool was made (flat once reads repeat). */
  readonly created: number;
  readonly reused: number;
}

export class StagingBuffers {
  readonly #free = new Map<number, GPUBuffer[]>();
  readonly #ours = new WeakSet<GPUBuffer>();
  #keptBytes = 0;
  #kept = 0;
  #created = 0;
  #reused = 0;

  constructor(
    private readonly device: StagingMaker,
    private readonly maxBytes = 16 * 2 ** 20,
    /** fit reads its readEvery (default 10) losses, then as many accuracies, all at once: one buffer each. */
    private readonly maxPerClass = 32,
  ) {}

  /** An unmapped MAP_READ | COPY_DST buffer of at least `bytes`. */
  acquire(bytes: number, label: string): GPUBuffer {
    const size = sizeClass(bytes);
    const buffer = this.#free.get(size)?.pop();
    if (buffer) {
      this.#kept--;
      this.#keptBytes -= size;
      this.#reused++;
      return buffer;
    }
    const made = this.device.createBuffer({ label: `staging ${size}B (${label})`, size, usage: Usage.MAP_READ | Usage.COPY_DST });
    this.#ours.add(made);
    this.#created++;
    return made;
  }

  /** Takes back an unmapped buffer from acquire (others are destroyed). */
  release(buffer: GPUBuffer): void {
    const size = buffer.size;
    const list = this.#free.get(size) ?? [];
    if (!this.#ours.has(buffer) || list.length >= this.maxPerClass || this.#keptBytes + size > this.maxBytes) {
      this.#ours.delete(buffer);
      buffer.destroy();
      return;
    }
    this.#free.set(size, list);
    list.push(buffer);
    this.#kept++;
    this.#keptBytes += size;
  }

  /** Destroys every buffer kept. */
  clear(): void {
    for (const list of this.#free.values()) for (const b of list) b.destroy();
    this.#free.clear();
    this.#kept = 0;
    this.#keptBytes = 0;
  }

  stats(): StagingStats {
    return { kept: this.#kept, keptBytes: this.#keptBytes, created: this.#created, reused: this.#reused };
  }
}
