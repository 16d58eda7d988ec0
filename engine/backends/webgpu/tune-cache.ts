/**
 * Where measured choices are kept: the tuner's variant choices (tuner.ts) and init's backend
 * calibration (engine/calibrate.ts), keyed by the adapter and the engine's kernels version, so a
 * changed kernel or another adapter is measured afresh.
 *
 * Always in memory (this module's map, for the life of the page or process). On request also in
 * a store: `indexedDBStore()` in a page or worker (browser-safe, here), `fileStore(path)` in Node
 * (node/tune-store.ts). A store that fails (quota, private mode, a read-only folder) costs the
 * cache, never the run: its errors are logged and measuring goes on.
 */
import { SHADERS } from './shaders.generated.js';

/** A persistent key-value store of JSON values. */
export interface TuneStore {
  /** Where it keeps its values, for logs ("IndexedDB 'x'", a file path). */
  readonly where: string;
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
}

/** The engine's kernels version: a hash of every kernel's WGSL, so any kernel change invalidates the cache. */
let version: string | null = null;
export function kernelsVersion(): string {
  if (version) return version;
  let h = 0x811c9dc5; // FNV-1a, 32 bits
  for (const name of Object.keys(SHADERS).sort()) {
    const text = `${name}\n${SHADERS[name as keyof typeof SHADERS].code}`;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  }
  version = (h >>> 0).toString(16).padStart(8, '0');
  return version;
}

/** The cache key of an adapter: what it says it is, and the kernels version. */
export function adapterKey(info: Pick<GPUAdapterInfo, 'vendor' | 'architecture' | 'device' | 'description'>, extra = ''): string {
  return [info.vendor, info.architecture, info.device, info.description, extra, `kernels ${kernelsVersion()}`].map((s) => s ?? '').join('|');
}

const memory = new Map<string, unknown>();

/** Reads `key`: memory first, then the store (errors logged, not thrown). */
export async function cacheGet(key: string, store: TuneStore | null | undefined, log: (l: string) => void): Promise<unknown> {
  if (memory.has(key)) return memory.get(key);
  if (!store) return undefined;
  try {
    const v = await store.get(key);
    if (v !== undefined) memory.set(key, v);
    return v;
  } catch (e) {
    log(`tune cache: reading ${store.where} failed (${(e as Error).message}); measuring instead`);
    return undefined;
  }
}

/** Writes `key` to memory and the store (errors logged, not thrown). */
export async function cacheSet(key: string, value: unknown, store: TuneStore | null | undefined, log: (l: string) => void): Promise<void> {
  memory.set(key, value);
  if (!store) return;
  try {
    await store.set(key, value);
  } catch (e) {
    log(`tune cache: writing ${store.where} failed (${(e as Error).message}); the choice is kept in memory only`);
  }
}

/** Forgets the in-memory cache (tests). */
export function clearMemoryCache(): void {
  memory.clear();
}

/** A store in the page's IndexedDB (one object store, keys as given). */
export function indexedDBStore(dbName = 'webgpu-tensor-engine-tuning'): TuneStore {
  const idb = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  const where = `IndexedDB '${dbName}'`;
  const open = (): Promise<IDBDatabase> => new Promise((resolve, reject) => {
    if (!idb) {
      reject(new Error('indexedDB is not available here'));
      return;
    }
    const req = idb.open(dbName, 1);
    req.onupgradeneeded = () => req.result.createObjectStore('choices');
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error(`opening ${where} failed`));
  });
  const run = async <R>(mode: IDBTransactionMode, op: (s: IDBObjectStore) => IDBRequest): Promise<R> => {
    const db = await open();
    try {
      return await new Promise<R>((resolve, reject) => {
        const req = op(db.transaction('choices', mode).objectStore('choices'));
        req.onsuccess = () => resolve(req.result as R);
        req.onerror = () => reject(req.error ?? new Error(`${where}: request failed`));
      });
    } finally {
      db.close();
    }
  };
  return {
    where,
    get: (key) => run<unknown>('readonly', (s) => s.get(key)),
    set: async (key, value) => {
      await run('readwrite', (s) => s.put(value, key));
    },
  };
}
