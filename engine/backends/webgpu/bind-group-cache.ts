/**
 * Bind groups made once and reused. Before this cache every dispatch created a GPUBindGroup,
 * which Dawn frees only when V8 collects its JS wrapper: thousands of native objects per
 * training step churning through malloc. A training step binds the same buffer ranges in the
 * same order step after step (the pool hands back the same buffers), so its bind groups repeat.
 *
 * The key is the bind-group layout and, per binding, the exact buffer range bound (buffer
 * identity, offset, size). The uniform ring is bound with a dynamic offset (programs.ts makes
 * the uniform binding `hasDynamicOffset`), so the slot a dispatch's uniforms land in is not part
 * of the key.
 *
 * Buffers are keyed by identity, so a hit always binds the very ranges asked for: a buffer the
 * pool hands to another tensor is the same memory, and a destroyed buffer is never handed out
 * again. Forgetting a destroyed buffer's groups (`forgetBuffer`, called by the pool) is what keeps
 * the cache from holding destroyed buffers and their groups alive. The cache holds at most
 * `capacity` groups, dropping the least recently used.
 */

/** One binding of a group: a range of a buffer. */
export interface BufferBinding {
  readonly binding: number;
  readonly buffer: GPUBuffer;
  readonly offset: number;
  readonly size: number;
}

/** The part of GPUDevice the cache uses (a test can hand it a fake). */
export type BindGroupMaker = Pick<GPUDevice, 'createBindGroup'>;

export interface BindGroupCacheStats {
  /** Groups held now. */
  readonly size: number;
  readonly hits: number;
  /** Groups created (one per miss). */
  readonly created: number;
  /** Groups dropped to stay within capacity. */
  readonly evicted: number;
  /** Groups dropped because a buffer they bind was destroyed. */
  readonly forgotten: number;
}

interface Entry {
  readonly group: GPUBindGroup;
  readonly buffers: readonly GPUBuffer[];
}

/** Default capacity: several training steps' worth of dispatches, and a validation pass's. */
export const DEFAULT_BIND_GROUP_CAPACITY = 4096;

export class BindGroupCache {
  /** Insertion order is recency order: a hit moves its entry to the end. */
  readonly #entries = new Map<string, Entry>();
  /** The keys of the groups that bind each buffer, to forget them when it is destroyed. */
  readonly #keysOf = new Map<GPUBuffer, Set<string>>();
  /** Small integers naming layouts and buffers inside keys; never reused. */
  readonly #ids = new WeakMap<object, number>();
  #nextId = 0;
  #hits = 0;
  #created = 0;
  #evicted = 0;
  #forgotten = 0;

  constructor(
    private readonly device: BindGroupMaker,
    readonly capacity = DEFAULT_BIND_GROUP_CAPACITY,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`BindGroupCache: capacity must be a positive integer, got ${capacity}`);
  }

  /** The group binding exactly `bindings` under `layout`, made on a miss (with `label`). */
  get(layout: GPUBindGroupLayout, bindings: readonly BufferBinding[], label: string): GPUBindGroup {
    let key = String(this.#id(layout));
    for (const b of bindings) key += `|${b.binding}:${this.#id(b.buffer)}:${b.offset}:${b.size}`;
    const hit = this.#entries.get(key);
    if (hit) {
      this.#hits++;
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit.group;
    }
    const group = this.device.createBindGroup({
      label, layout,
      entries: bindings.map((b) => ({ binding: b.binding, resource: { buffer: b.buffer, offset: b.offset, size: b.size } })),
    });
    this.#created++;
    const buffers = [...new Set(bindings.map((b) => b.buffer))];
    this.#entries.set(key, { group, buffers });
    for (const buffer of buffers) {
      let keys = this.#keysOf.get(buffer);
      if (!keys) this.#keysOf.set(buffer, (keys = new Set()));
      keys.add(key);
    }
    if (this.#entries.size > this.capacity) {
      this.#drop(this.#entries.keys().next().value!);
      this.#evicted++;
    }
    return group;
  }

  /** Drops every group that binds `buffer` (call it when the buffer is destroyed). */
  forgetBuffer(buffer: GPUBuffer): void {
    const keys = this.#keysOf.get(buffer);
    if (!keys) return;
    for (const key of [...keys]) {
      this.#drop(key);
      this.#forgotten++;
    }
  }

  /** Whether any group held binds `buffer`. */
  holds(buffer: GPUBuffer): boolean {
    return this.#keysOf.has(buffer);
  }

  clear(): void {
    this.#entries.clear();
    this.#keysOf.clear();
  }

  stats(): BindGroupCacheStats {
    return { size: this.#entries.size, hits: this.#hits, created: this.#created, evicted: this.#evicted, forgotten: this.#forgotten };
  }

  #drop(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    for (const buffer of entry.buffers) {
      const keys = this.#keysOf.get(buffer)!;
      keys.delete(key);
      if (keys.size === 0) this.#keysOf.delete(buffer);
    }
  }

  #id(o: object): number {
    let id = this.#ids.get(o);
    if (id === undefined) this.#ids.set(o, (id = this.#nextId++));
    return id;
  }
}
