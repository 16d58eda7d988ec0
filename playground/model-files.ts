/**
 * Where a model goes and comes from, in the TensorFlow.js Layers format (model.json + weights.bin,
 * model/tfjs-format.ts):
 *
 * - IndexedDB through idb-keyval: model.json and the weight bytes are ONE record written by one
 *   put, so a save is all or nothing (no half-saved model if the tab closes or the quota is hit);
 * - a download of the two files, which `tf.loadLayersModel` reads;
 * - files the person picks or drops (model.json plus the weight files its manifest names);
 * - a URL: the models of `npm run train` that the server offers with --runs.
 */
import { del, get, set } from 'idb-keyval';
import type { ModelJson, TfjsArtifacts } from '../model/tfjs-format.js';

const IDB_KEY = 'playground/tutorial-cnn';

export interface StoredModel {
  format: 'playground-model-v1';
  savedAt: string;
  steps: number;
  modelJson: ModelJson;
  weightData: ArrayBuffer;
}

export async function saveToIndexedDB(artifacts: TfjsArtifacts, steps: number): Promise<StoredModel> {
  const record: StoredModel = { format: 'playground-model-v1', savedAt: new Date().toISOString(), steps, ...artifacts };
  try {
    await set(IDB_KEY, record);
  } catch (err) {
    throw new Error(`saving to IndexedDB failed, nothing was saved: ${(err as Error).message}`);
  }
  return record;
}

export async function loadFromIndexedDB(): Promise<StoredModel | null> {
  const record = (await get(IDB_KEY)) as StoredModel | undefined;
  if (record === undefined) return null;
  if (record.format !== 'playground-model-v1' || !(record.weightData instanceof ArrayBuffer) || typeof record.modelJson !== 'object') {
    throw new Error('the model saved in IndexedDB is not one this page wrote (unknown format); save again to replace it');
  }
  return record;
}

export function forgetIndexedDB(): Promise<void> {
  return del(IDB_KEY);
}

/** Starts the download of model.json and weights.bin. */
export function downloadArtifacts(artifacts: TfjsArtifacts): void {
  const files: [string, Blob][] = [
    ['model.json', new Blob([JSON.stringify(artifacts.modelJson)], { type: 'application/json' })],
    ...weightPaths(artifacts.modelJson).map((p): [string, Blob] => [p, new Blob([artifacts.weightData], { type: 'application/octet-stream' })]),
  ];
  for (const [name, blob] of files) {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
  }
}

function weightPaths(json: ModelJson): string[] {
  const paths = (json.weightsManifest ?? []).flatMap((g) => g.paths ?? []);
  if (paths.length !== 1) throw new Error(`model.json: expected one weights file in its manifest, it names ${paths.length}`);
  return paths;
}

function parseModelJson(text: string, where: string): ModelJson {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${where} is not valid JSON: ${(err as Error).message}`);
  }
  const j = json as Partial<ModelJson>;
  if (!j || typeof j !== 'object' || !j.modelTopology || !Array.isArray(j.weightsManifest)) {
    throw new Error(`${where} is not a TensorFlow.js Layers model.json (it needs modelTopology and weightsManifest)`);
  }
  return j as ModelJson;
}

function concat(parts: ArrayBuffer[]): ArrayBuffer {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(new Uint8Array(p), at);
    at += p.byteLength;
  }
  return out.buffer;
}

/** model.json and the weight files its manifest names, from files the person chose. */
export async function artifactsFromFiles(files: readonly File[]): Promise<TfjsArtifacts> {
  const jsons = files.filter((f) => f.name.toLowerCase().endsWith('.json'));
  if (jsons.length !== 1) {
    throw new Error(`choose one model.json and its weights file(s) together; got ${files.map((f) => f.name).join(', ') || 'no files'}`);
  }
  const modelJson = parseModelJson(await jsons[0].text(), jsons[0].name);
  const byName = new Map(files.map((f) => [f.name, f]));
  const parts: ArrayBuffer[] = [];
  for (const p of modelJson.weightsManifest.flatMap((g) => g.paths ?? [])) {
    const base = p.split('/').pop()!;
    const f = byName.get(base);
    if (!f) throw new Error(`${jsons[0].name} names the weights file '${base}', which was not among the files chosen (${files.map((x) => x.name).join(', ')})`);
    parts.push(await f.arrayBuffer());
  }
  return { modelJson, weightData: concat(parts) };
}

/** model.json at `url` and the weight files it names, relative to it. */
export async function artifactsFromUrl(url: string): Promise<TfjsArtifacts> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  const modelJson = parseModelJson(await res.text(), url);
  const parts: ArrayBuffer[] = [];
  for (const p of modelJson.weightsManifest.flatMap((g) => g.paths ?? [])) {
    const wurl = new URL(p, new URL(url, location.href)).href;
    const w = await fetch(wurl);
    if (!w.ok) throw new Error(`${wurl} (named in ${url}): HTTP ${w.status}`);
    parts.push(await w.arrayBuffer());
  }
  return { modelJson, weightData: concat(parts) };
}
