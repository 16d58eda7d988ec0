/**
 * Error words: how a kernel reports bad data that only the GPU has seen (labels made on the GPU),
 * without a read-back per step and without returning a silent wrong number.
 *
 * Each op that can report owns a 256-byte slot of one small storage buffer (256 bytes: storage
 * bindings must start at minStorageBufferOffsetAlignment), all words 0xffffffff when all is well.
 * Word 0 is the checking kernel's scratch (the lowest bad row of one launch, by atomicMin); a
 * report kernel run right after it moves the first report since the last read to words 1 (the
 * position) and 2 (the bad value, as its 32 bits) and clears word 0 (shaders/label_report.wgsl).
 * Recording a kernel that binds a slot marks the words pending; the next read copies them in the
 * same submit as the data it reads, and throws the Error of the first slot holding a report
 * (then resets it).
 */
import { Usage } from './buffer-pool.js';
import type { GPUStorage } from './kernels/family.js';

const SLOT_BYTES = 256;
const MAX_SLOTS = 16;
const NONE = 0xffffffff;
/** Scratch row, reported row, reported value. */
const WORDS_PER_SLOT = 3;

interface Slot {
  readonly index: number;
  describe: (position: number, value: number) => string;
}

export class ErrorWords {
  #buffer: GPUBuffer | null = null;
  readonly #slots = new Map<string, Slot>();
  /** A kernel that binds a slot was recorded since the last copy of the words. */
  pending = false;

  constructor(private readonly device: GPUDevice) {}

  /** The slot of `op`, to bind as the kernels' `labelError`; `describe` builds the Error message. */
  slot(op: string, describe: (position: number, value: number) => string): GPUStorage {
    let s = this.#slots.get(op);
    if (!s) {
      if (this.#slots.size === MAX_SLOTS) throw new Error(`webgpu: more than ${MAX_SLOTS} ops use error words`);
      s = { index: this.#slots.size, describe };
      this.#slots.set(op, s);
    }
    s.describe = describe;
    this.pending = true;
    return { buffer: this.#words(), byteOffset: s.index * SLOT_BYTES, byteSize: 4 * WORDS_PER_SLOT, owned: false };
  }

  /** Bytes `recordCopy` writes. */
  get byteSize(): number {
    return MAX_SLOTS * SLOT_BYTES;
  }

  /**
   * When words are pending: records their copy into `dst` at `offset` and returns the check to
   * run on those bytes once mapped (it throws the first reported error). Otherwise null.
   */
  recordCopy(encoder: GPUCommandEncoder, dst: GPUBuffer, offset: number): ((bytes: ArrayBuffer) => void) | null {
    if (!this.pending || !this.#buffer) return null;
    this.pending = false;
    encoder.copyBufferToBuffer(this.#buffer, 0, dst, offset, this.byteSize);
    return (bytes) => this.#check(new Uint32Array(bytes, 0, this.byteSize / 4));
  }

  #check(words: Uint32Array): void {
    let first: string | null = null;
    for (const s of this.#slots.values()) {
      const at = (s.index * SLOT_BYTES) / 4;
      const position = words[at + 1];
      if (position === NONE) continue;
      first ??= s.describe(position, new Int32Array(words.buffer, words.byteOffset + 4 * (at + 2), 1)[0]);
      this.device.queue.writeBuffer(this.#words(), s.index * SLOT_BYTES, new Uint32Array(WORDS_PER_SLOT).fill(NONE));
    }
    if (first) throw new Error(first);
  }

  #words(): GPUBuffer {
    if (!this.#buffer) {
      this.#buffer = this.device.createBuffer({
        label: 'error words', size: this.byteSize, usage: Usage.STORAGE | Usage.COPY_SRC | Usage.COPY_DST, mappedAtCreation: true,
      });
      new Uint32Array(this.#buffer.getMappedRange()).fill(NONE);
      this.#buffer.unmap();
    }
    return this.#buffer;
  }
}
