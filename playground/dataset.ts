/**
 * The page's Fashion-MNIST loader: fetches the four IDX .gz files the server lists in
 * /data/manifest.json, inflates them with the browser's DecompressionStream while counting the
 * compressed bytes for a progress bar, writes the content straight into a SharedArrayBuffer
 * (when the page is cross-origin isolated; the worker then reads the same memory), and checks it
 * as model/data/idx.ts does in Node: the magic number, the dimensions, the exact length, and the
 * SHA-256 of the content against the official one.
 */
import type { DataManifest, SplitBytes } from './protocol.js';

export interface LoadedDataset {
  classNames: string[];
  train: SplitBytes;
  test: SplitBytes;
}

export type DataProgress = (loadedBytes: number, totalBytes: number, file: string) => void;

/** Why the data cannot be loaded, worded for the page (names the file and what to do). */
export class DataError extends Error {}

const FIX = 'Start the server with --data DIR pointing to a folder with the four official files, or restore data/fashion-mnist/ (git checkout data/).';

function header(bytes: Uint8Array): { magic: number; dims: number[]; headerBytes: number } {
  if (bytes.length < 4) return { magic: -1, dims: [], headerBytes: 4 };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  const rank = magic & 0xff;
  const dims: number[] = [];
  for (let i = 0; i < rank && 4 + 4 * i + 4 <= bytes.length; i++) dims.push(view.getUint32(4 + 4 * i, false));
  return { magic, dims, headerBytes: 4 + 4 * rank };
}

function sharedBytes(length: number): Uint8Array {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  return new Uint8Array(isolated ? new SharedArrayBuffer(length) : new ArrayBuffer(length));
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  // subtle.digest rejects views of a SharedArrayBuffer, so shared content is hashed from a copy.
  const input = (bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice()) as Uint8Array<ArrayBuffer>;
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', input));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

type FileSpec = DataManifest['files'][number];

/** Fetches, inflates and checks one file; returns its content (header included). */
async function loadFile(spec: FileSpec, onBytes: (n: number) => void): Promise<{ content: Uint8Array; headerBytes: number }> {
  let res: Response;
  try {
    res = await fetch(spec.url);
  } catch (err) {
    throw new DataError(`${spec.name}: the request failed (${(err as Error).message}); is the playground server still running?`);
  }
  if (!res.ok || !res.body) throw new DataError(`${spec.name}: the server answered HTTP ${res.status} for ${spec.url}. ${FIX}`);
  const expectedLength = 4 + 4 * spec.dims.length + spec.dims.reduce((a, b) => a * b, 1);
  const content = sharedBytes(expectedLength);
  let at = 0;
  let extra = 0;
  const counted = res.body.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, ctl) {
      onBytes(chunk.byteLength);
      ctl.enqueue(chunk);
    },
  }));
  const reader = counted.pipeThrough(new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const room = Math.max(0, Math.min(value.length, expectedLength - at));
      content.set(value.subarray(0, room), at);
      at += room;
      extra += value.length - room;
    }
  } catch (err) {
    throw new DataError(`${spec.name}: cannot decompress it (${(err as Error).message}): the file is truncated or not gzip data. ${FIX}`);
  }
  const h = header(content.subarray(0, at));
  if (h.magic !== spec.magic) {
    throw new DataError(`${spec.name}: wrong magic number 0x${(h.magic >>> 0).toString(16).padStart(8, '0')}, expected 0x${spec.magic.toString(16).padStart(8, '0')}: not this IDX file. ${FIX}`);
  }
  if (h.dims.join(' x ') !== spec.dims.join(' x ')) {
    throw new DataError(`${spec.name}: dimensions ${h.dims.join(' x ')}, expected ${spec.dims.join(' x ')}. ${FIX}`);
  }
  if (at < expectedLength || extra > 0) {
    throw new DataError(`${spec.name}: the content is ${at + extra} bytes, expected ${expectedLength} (${at < expectedLength ? 'truncated' : 'trailing bytes'}). ${FIX}`);
  }
  const digest = await sha256Hex(content);
  if (digest !== spec.sha256) throw new DataError(`${spec.name}: checksum mismatch: SHA-256 ${digest}, expected ${spec.sha256}. ${FIX}`);
  return { content, headerBytes: h.headerBytes };
}

export async function fetchManifest(): Promise<DataManifest> {
  const res = await fetch('/data/manifest.json');
  if (!res.ok) throw new DataError(`the server has no /data/manifest.json (HTTP ${res.status}): is this the playground server (npm run playground)?`);
  return (await res.json()) as DataManifest;
}

/** Loads all four files; rejects with a DataError naming the first problem. */
export async function loadDataset(manifest: DataManifest, onProgress: DataProgress): Promise<LoadedDataset> {
  const missing = manifest.files.filter((f) => !f.present);
  if (missing.length) {
    throw new DataError(`missing data file${missing.length > 1 ? 's' : ''} on the server: ${missing.map((f) => f.name).join(', ')}. ${FIX}`);
  }
  const total = manifest.files.reduce((n, f) => n + f.compressedBytes, 0);
  let loaded = 0;
  const parts = await Promise.all(manifest.files.map((f) => loadFile(f, (n) => {
    loaded += n;
    onProgress(loaded, total, f.name);
  })));
  const byKey = new Map(manifest.files.map((f, i) => [f.key, parts[i]]));
  const split = (images: string, labels: string): SplitBytes => {
    const im = byKey.get(images as FileSpec['key'])!;
    const lb = byKey.get(labels as FileSpec['key'])!;
    const count = manifest.files.find((f) => f.key === images)!.dims[0];
    return { images: im.content.subarray(im.headerBytes), labels: lb.content.subarray(lb.headerBytes), count };
  };
  const train = split('trainImages', 'trainLabels');
  const test = split('testImages', 'testLabels');
  for (const [name, s] of [['train', train], ['test', test]] as const) {
    if (s.labels.length !== s.count) throw new DataError(`the ${name} images and labels differ in count (${s.count} vs ${s.labels.length})`);
    const bad = s.labels.findIndex((v) => v >= manifest.classNames.length);
    if (bad >= 0) throw new DataError(`${name} label ${s.labels[bad]} at index ${bad} is out of range 0..${manifest.classNames.length - 1}`);
  }
  return { classNames: manifest.classNames, train, test };
}
