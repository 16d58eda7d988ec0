/**
 * Save and load a Sequential in the TensorFlow.js Layers format: `model.json` (the Keras
 * Sequential topology plus a weights manifest) and `weights.bin` (little-endian float32, the
 * weights concatenated in manifest order). A model saved here loads with
 * `tf.loadLayersModel(...)` (and, through `tensorflowjs_converter`, in Keras); a TensorFlow.js
 * Layers model of the layer types we have (model/tfjs-layers.ts lists them, plus an InputLayer)
 * loads here. Every weight is written, layer by layer in Keras's order, non-trainable ones too
 * (BatchNormalization: gamma, beta, moving_mean, moving_variance), and a frozen layer is
 * written with trainable: false.
 *
 * The core is pure and browser-safe: `modelToArtifacts(model)` gives `{ modelJson, weightData }`
 * and `modelFromArtifacts({ modelJson, weightData })` rebuilds the model (on the current backend).
 * `fromTfjsModelArtifacts` / `toTfjsModelArtifacts` convert to and from tfjs's own in-memory
 * `ModelArtifacts` (`{ modelTopology, weightSpecs, weightData }`, what `tf.io.withSaveHandler`
 * hands over and `tf.io.fromMemory` takes). This module imports nothing from Node, so it runs
 * in a page or a worker; the Node file I/O (`saveModel(model, dir)`, `loadModel(dir)`) lives in
 * model/tfjs-format-node.ts.
 *
 * Loading, weights are matched to the model's parameters by position, not by exact name:
 * tfjs names layers with process-wide counters ('conv2d_Conv2D1', 'conv2d_1', ...) that need not
 * agree with anything here. When the manifest's weight names carry the topology's layer names
 * (as tfjs and Keras write them) each layer takes its own weights by name (kernel, bias, gamma,
 * moving_mean, ...; tfjs writes non-trainable weights after all trainable ones); otherwise
 * the manifest's order is the parameter order. Every shape is checked, with an error naming the
 * layer. Quantised or non-float32 weights, and optimizer weights beyond the model's, are
 * handled (the first rejected, the last skipped).
 *
 * @module webgpu-tensor-engine/tfjs-format
 */
import type { Layer } from '../engine/nn/layers.js';
import { Sequential } from '../engine/nn/sequential.js';
import { crc32Hex } from './crc32.js';
import { type KerasLayerJson, checkDType, describeLayer, layerFromJson, layerToJson, positiveInt } from './tfjs-layers.js';

export type { KerasLayerJson } from './tfjs-layers.js';

/** The Keras version string tfjs-layers writes; it names the serialisation format we follow. */
export const KERAS_VERSION = 'tfjs-layers 4.22.0';
export const GENERATED_BY = 'webgpu-tensor-engine 0.1.0';
export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

export interface WeightEntry {
  name: string;
  shape: number[];
  dtype: string;
  /** tfjs marks optimizer weights with group 'optimizer'. */
  group?: string;
  /** Quantised weights (not supported here). */
  quantization?: unknown;
}

export interface WeightsManifestGroup {
  paths: string[];
  weights: WeightEntry[];
}

export interface ModelTopology {
  class_name: string;
  /** Keras >= 2.2: { name, layers }; very old Keras wrote the layer list itself. */
  config: { name?: string; layers: KerasLayerJson[] } | KerasLayerJson[];
  keras_version?: string;
  backend?: string;
}

/**
 * Written by this engine beside the tfjs fields (tfjs ignores unknown top-level fields of
 * model.json, and drops them when it re-saves, so a stale checksum never travels on): the
 * size and CRC-32 of the weight data, concatenated in manifest order. A weights file from
 * another save (a save killed between weights.bin and model.json) or a truncated or flipped
 * one fails the load instead of giving wrong numbers. Files without it (written by tfjs or
 * Keras) load unchecked.
 */
export interface WeightsChecksum {
  algorithm: 'crc32';
  byteLength: number;
  /** 8 lowercase hex digits. */
  value: string;
}

export interface ModelJson {
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  modelTopology: ModelTopology;
  weightsManifest: WeightsManifestGroup[];
  weightsChecksum?: WeightsChecksum;
}

/** model.json plus the weight bytes of every manifest group, concatenated in manifest order. */
export interface TfjsArtifacts {
  modelJson: ModelJson;
  weightData: ArrayBuffer;
}

/** The subset of tfjs's `tf.io.ModelArtifacts` we produce and consume. */
export interface TfjsModelArtifacts {
  modelTopology: object | ArrayBuffer;
  weightSpecs?: WeightEntry[];
  /** tfjs 4.x: one buffer, or several to be concatenated. */
  weightData?: ArrayBuffer | ArrayBuffer[];
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
}

// ---------------------------------------------------------------------------------------------
// Saving
// ---------------------------------------------------------------------------------------------

/** Per layer, its input shape and the weights it has for it (Keras's order), in parameter order. */
function layerWeightShapes(model: Sequential): { layer: Layer; inputShape: number[]; weights: { name: string; shape: number[] }[] }[] {
  let shape = model.inputShape;
  return model.layers.map((layer) => {
    const inputShape = shape;
    const weights = layer.weightSpecs(shape).map((s) => ({ name: s.name, shape: [...s.shape] }));
    shape = layer.outputShape(shape);
    return { layer, inputShape, weights };
  });
}

/** The model's topology and weights as model.json + weights.bin contents. */
export async function modelToArtifacts(model: Sequential): Promise<TfjsArtifacts> {
  const inputShape = model.inputShape;
  const perLayer = layerWeightShapes(model);
  const values = await model.getWeights();
  const entries: WeightEntry[] = perLayer.flatMap(({ layer, weights }) =>
    weights.map((w) => ({ name: `${layer.name}/${w.name}`, shape: w.shape, dtype: 'float32' })));
  if (entries.length !== values.length) throw new Error(`tfjs-format: ${model.name} has ${values.length} weight arrays, expected ${entries.length}`);
  const total = values.reduce((n, v) => n + v.length, 0);
  const weightData = new ArrayBuffer(total * 4);
  const view = new DataView(weightData);
  let at = 0;
  values.forEach((v, i) => {
    const size = entries[i].shape.reduce((a, b) => a * b, 1);
    if (v.length !== size) throw new Error(`tfjs-format: weight ${entries[i].name} has ${v.length} values, expected ${size}`);
    for (let j = 0; j < v.length; j++, at += 4) view.setFloat32(at, v[j], true);
  });
  const modelJson: ModelJson = {
    format: 'layers-model',
    generatedBy: GENERATED_BY,
    convertedBy: null,
    modelTopology: {
      class_name: 'Sequential',
      config: { name: model.name, layers: perLayer.map((l, i) => layerToJson(l.layer, l.inputShape, i === 0 ? [null, ...inputShape] : undefined)) },
      keras_version: KERAS_VERSION,
      backend: 'tensor_flow.js',
    },
    weightsManifest: [{ paths: [WEIGHTS_BIN], weights: entries }],
    weightsChecksum: weightsChecksumOf(weightData),
  };
  return { modelJson, weightData };
}

export function weightsChecksumOf(weightData: ArrayBuffer): WeightsChecksum {
  return { algorithm: 'crc32', byteLength: weightData.byteLength, value: crc32Hex(new Uint8Array(weightData)) };
}

/**
 * Throws unless the weight data matches model.json's weightsChecksum (when it has one).
 * `weightsName` names the data in the error (the weight files, when read from disk).
 */
export function checkWeightsChecksum(modelJson: ModelJson, weightData: ArrayBuffer, weightsName = 'the weight data'): void {
  const expected = modelJson.weightsChecksum;
  if (expected === undefined || expected === null) return;
  if (typeof expected !== 'object' || expected.algorithm !== 'crc32' || !Number.isInteger(expected.byteLength) || typeof expected.value !== 'string' || !/^[0-9a-f]{8}$/.test(expected.value)) {
    throw new Error(`tfjs-format: model.json's weightsChecksum ${JSON.stringify(expected)} is not valid (expected { algorithm: 'crc32', byteLength: <integer>, value: <8 hex digits> })`);
  }
  const actual = weightsChecksumOf(weightData);
  if (actual.byteLength !== expected.byteLength || actual.value !== expected.value) {
    throw new Error(`tfjs-format: ${weightsName} (${actual.byteLength} bytes, crc32 ${actual.value}) does not match the checksum in model.json (weightsChecksum: ${expected.byteLength} bytes, crc32 ${expected.value}): the weights come from another save (one interrupted between weights and model.json?) or are damaged`);
  }
}

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------

/** batch_input_shape (Keras 2, tfjs) or batch_shape (Keras 3) without the batch axis. */
function inputShapeOf(what: string, cfg: Record<string, unknown>): number[] | undefined {
  const batch = cfg.batch_input_shape ?? cfg.batch_shape;
  if (batch === undefined || batch === null) return undefined;
  if (!Array.isArray(batch) || batch.length < 2 || !batch.slice(1).every(positiveInt)) {
    throw new Error(`tfjs-format: ${what}: batch_input_shape must be [null, ...positive sizes], got ${JSON.stringify(batch)}`);
  }
  return batch.slice(1) as number[];
}

function topologyLayers(topology: ModelTopology): { name?: string; layers: KerasLayerJson[] } {
  if (!topology || typeof topology !== 'object') throw new Error('tfjs-format: model.json has no modelTopology');
  if (topology.class_name !== 'Sequential') {
    throw new Error(`tfjs-format: only Sequential models are supported, the topology is a ${String(topology.class_name)}`);
  }
  const cfg = topology.config;
  const layers = Array.isArray(cfg) ? cfg : cfg?.layers;
  if (!Array.isArray(layers) || layers.length === 0) throw new Error('tfjs-format: the Sequential topology has no layers');
  return { name: Array.isArray(cfg) ? undefined : cfg.name, layers };
}

/** Builds a Sequential (not yet holding the file's weights) from a Keras Sequential topology. */
export function modelFromTopology(topology: ModelTopology): Sequential {
  const { name, layers: configs } = topologyLayers(topology);
  const layers: Layer[] = [];
  const names: (string | undefined)[] = [];
  let pendingInput: number[] | undefined;
  const inputChecks: (((shape: readonly number[]) => void) | undefined)[] = [];
  configs.forEach((lc, index) => {
    const what = describeLayer(lc, index);
    const cfg = lc.config ?? {};
    checkDType(what, cfg);
    const declared = inputShapeOf(what, cfg);
    if (declared && layers.length > 0) throw new Error(`tfjs-format: ${what}: batch_input_shape is only allowed on the first layer`);
    const inputShape = layers.length === 0 ? (declared ?? pendingInput) : undefined;
    if (lc.class_name === 'InputLayer') {
      if (layers.length > 0 || !declared) throw new Error(`tfjs-format: ${what}: an InputLayer must come first and give batch_input_shape`);
      pendingInput = declared;
      return;
    }
    const { layer, checkInput, impliedInputShape } = layerFromJson(lc, what, inputShape);
    if (layers.length === 0 && !inputShape && !impliedInputShape) {
      throw new Error(`tfjs-format: ${what}: the first layer needs batch_input_shape (e.g. [null, 28, 28, 1]), or an InputLayer before it`);
    }
    layers.push(layer);
    inputChecks.push(checkInput);
    names.push(typeof cfg.name === 'string' && cfg.name !== '' ? cfg.name : undefined);
  });
  if (layers.length === 0) throw new Error('tfjs-format: the topology has no layers besides its InputLayer');
  const model = new Sequential(layers, { name: name ?? 'sequential' });
  // Keep the file's layer names (Sequential.add gave Keras-style defaults), when they are unique.
  const given = names.filter((n): n is string => n !== undefined);
  if (new Set(given).size === given.length) layers.forEach((l, i) => { if (names[i]) l.name = names[i]!; });
  // Works out every shape now, so a topology that does not fit together fails here, naming the layer.
  layerWeightShapes(model).forEach((l, i) => inputChecks[i]?.(l.inputShape));
  return model;
}

interface LocatedWeight extends WeightEntry {
  /** Byte offset into the concatenated weight data. */
  offset: number;
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, float16: 2, uint8: 1, int8: 1, int16: 2, uint16: 2 };

/** Manifest entries in order, each with its byte offset (groups' data concatenated in order). */
function locateWeights(manifest: WeightsManifestGroup[], byteLength: number): LocatedWeight[] {
  if (!Array.isArray(manifest)) throw new Error('tfjs-format: model.json has no weightsManifest');
  const out: LocatedWeight[] = [];
  let offset = 0;
  for (const group of manifest) {
    for (const w of group.weights ?? []) {
      if (!Array.isArray(w.shape) || !w.shape.every((d) => Number.isInteger(d) && d >= 0)) {
        throw new Error(`tfjs-format: weight '${w.name}' has an invalid shape ${JSON.stringify(w.shape)}`);
      }
      const size = w.shape.reduce((a, b) => a * b, 1);
      const q = w.quantization as { dtype?: string } | undefined;
      const bytesPer = q ? DTYPE_BYTES[q.dtype ?? ''] : DTYPE_BYTES[w.dtype];
      if (bytesPer === undefined) throw new Error(`tfjs-format: weight '${w.name}' has dtype ${JSON.stringify(q ? q.dtype : w.dtype)}, which is not supported`);
      out.push({ ...w, offset });
      offset += size * bytesPer;
    }
  }
  if (offset !== byteLength) {
    throw new Error(`tfjs-format: the weights manifest describes ${offset} bytes but the weight data has ${byteLength} bytes (truncated or mismatched weights file?)`);
  }
  return out;
}

function layerPrefix(name: string): string {
  const slash = name.lastIndexOf('/');
  return slash < 0 ? '' : name.slice(0, slash);
}

function weightSuffix(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1).replace(/:\d+$/, '');
}

/**
 * Which manifest entry fills each of the model's weights (parameter order). By the layer names
 * in the weight names when they match the topology's layers, else by order.
 */
function matchWeights(model: Sequential, located: LocatedWeight[]): LocatedWeight[] {
  const perLayer = layerWeightShapes(model);
  const modelWeights = located.filter((w) => w.group !== 'optimizer');
  const wanted = perLayer.reduce((n, l) => n + l.weights.length, 0);
  // By layer name: each layer with weights owns exactly the entries named '<layer>/...'.
  const byPrefix = new Map<string, LocatedWeight[]>();
  for (const w of modelWeights) {
    const p = layerPrefix(w.name);
    byPrefix.set(p, [...(byPrefix.get(p) ?? []), w]);
  }
  const named = perLayer.every(({ layer, weights }) => weights.length === 0 || byPrefix.get(layer.name)?.length === weights.length);
  if (modelWeights.length !== wanted) {
    throw new Error(`tfjs-format: the model has ${wanted} weight arrays (${perLayer.flatMap(({ layer, weights }) => weights.map((w) => `${layer.name}/${w.name}`)).join(', ')}) but the file has ${modelWeights.length} (${modelWeights.map((w) => w.name).join(', ')})`);
  }
  let chosen: LocatedWeight[];
  if (named) {
    chosen = perLayer.flatMap(({ layer, weights }) => {
      if (weights.length === 0) return [];
      const own = byPrefix.get(layer.name)!;
      const suffixes = own.map((w) => weightSuffix(w.name));
      // kernel/bias by name when both are named so, else the file's order within the layer.
      const bySuffix = weights.every((ws) => suffixes.filter((s) => s === ws.name).length === 1);
      return bySuffix ? weights.map((ws) => own[suffixes.indexOf(ws.name)]) : own;
    });
  } else {
    chosen = modelWeights;
  }
  let i = 0;
  for (const { layer, weights } of perLayer) {
    for (const ws of weights) {
      const w = chosen[i++];
      if (w.quantization !== undefined) throw new Error(`tfjs-format: weight '${w.name}' is quantised, which is not supported (save without quantisation)`);
      if (w.dtype !== 'float32') throw new Error(`tfjs-format: weight '${w.name}' has dtype ${w.dtype}, expected float32`);
      if (w.shape.length !== ws.shape.length || w.shape.some((d, k) => d !== ws.shape[k])) {
        throw new Error(`tfjs-format: layer '${layer.name}' (${layer.className}) ${ws.name}: expected shape [${ws.shape.join(', ')}], the file's weight '${w.name}' has shape [${w.shape.join(', ')}]`);
      }
    }
  }
  return chosen;
}

/** Rebuilds the model from model.json + weight bytes, on the current backend. */
export function modelFromArtifacts(artifacts: TfjsArtifacts): Sequential {
  const { modelJson, weightData } = artifacts;
  if (!modelJson || typeof modelJson !== 'object') throw new Error('tfjs-format: model.json is not an object');
  if (modelJson.format !== undefined && modelJson.format !== 'layers-model') {
    throw new Error(`tfjs-format: model.json has format '${modelJson.format}'; only 'layers-model' (tf.LayersModel) is supported, not graph models`);
  }
  checkWeightsChecksum(modelJson, weightData);
  const model = modelFromTopology(modelJson.modelTopology);
  const located = locateWeights(modelJson.weightsManifest, weightData.byteLength);
  const chosen = matchWeights(model, located);
  const view = new DataView(weightData);
  model.setWeights(chosen.map((w) => {
    const out = new Float32Array(w.shape.reduce((a, b) => a * b, 1));
    for (let j = 0; j < out.length; j++) out[j] = view.getFloat32(w.offset + 4 * j, true);
    return out;
  }));
  return model;
}

/** The parts as one buffer, in order (a single part is returned as is). */
export function concatBuffers(parts: readonly ArrayBuffer[]): ArrayBuffer {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(new Uint8Array(p), at);
    at += p.byteLength;
  }
  return out.buffer;
}

/** tfjs's in-memory ModelArtifacts (from `tf.io.withSaveHandler`) as our artifacts. */
export function fromTfjsModelArtifacts(a: TfjsModelArtifacts): TfjsArtifacts {
  if (a.modelTopology instanceof ArrayBuffer) throw new Error('tfjs-format: a binary (GraphDef) topology is not a Layers model');
  const weightData = a.weightData === undefined ? new ArrayBuffer(0) : concatBuffers(Array.isArray(a.weightData) ? a.weightData : [a.weightData]);
  return {
    modelJson: {
      format: a.format ?? 'layers-model',
      generatedBy: a.generatedBy,
      convertedBy: a.convertedBy ?? null,
      modelTopology: a.modelTopology as ModelTopology,
      weightsManifest: [{ paths: [WEIGHTS_BIN], weights: a.weightSpecs ?? [] }],
    },
    weightData,
  };
}

/** Our artifacts as tfjs's ModelArtifacts, for `tf.io.fromMemory(...)`. */
export function toTfjsModelArtifacts(a: TfjsArtifacts): Required<Omit<TfjsModelArtifacts, 'weightData'>> & { weightData: ArrayBuffer } {
  return {
    modelTopology: a.modelJson.modelTopology,
    weightSpecs: a.modelJson.weightsManifest.flatMap((g) => g.weights),
    weightData: a.weightData,
    format: a.modelJson.format ?? 'layers-model',
    generatedBy: a.modelJson.generatedBy ?? GENERATED_BY,
    convertedBy: a.modelJson.convertedBy ?? null,
  };
}
