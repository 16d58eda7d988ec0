/**
 * Save and load functional models (engine/nn/functional/model.ts) in the TensorFlow.js Layers
 * format: the topology is Keras's `Functional` (tfjs also writes and reads `Model`), whose layer
 * list gives each layer's `inbound_nodes` (per node, the tensors it reads as
 * [layer name, node index, tensor index, kwargs]) and whose `input_layers` and `output_layers`
 * name the model's ends. A residual model saved here loads with `tf.loadLayersModel`; a tfjs
 * functional model of layers we have loads here. Each layer's own config is model/tfjs-layers.ts's
 * (shared with Sequential), except the multi-input layers (Add, Concatenate, MultiHeadAttention)
 * and PositionEmbedding, written here. tfjs-layers 4.x has no MultiHeadAttention or
 * PositionEmbedding: a model with them round-trips in this engine only.
 *
 * The weights manifest and the weight bytes are those of model/tfjs-format.ts (every weight,
 * non-trainable ones too, as '<layer>/<weight>'), so are the checksum and the weight matching.
 */
import { input, InputLayer } from '../engine/nn/functional/input.js';
import { Model } from '../engine/nn/functional/model.js';
import type { SymbolicTensor } from '../engine/nn/functional/symbolic.js';
import type { Layer } from '../engine/nn/layers.js';
import { Add } from '../engine/nn/layers/add.js';
import { Concatenate } from '../engine/nn/layers/concatenate.js';
import { MultiHeadAttention } from '../engine/nn/layers/multi-head-attention.js';
import { PositionEmbedding } from '../engine/nn/layers/position-embedding.js';
import {
  GENERATED_BY, KERAS_VERSION, type ModelJson, type ModelTopology, type TfjsArtifacts, WEIGHTS_BIN, type WeightEntry,
  checkWeightsChecksum, inputShapeOf, locateWeights, matchWeights, weightDataOf, weightValues, weightsChecksumOf,
} from './tfjs-format.js';
import { type KerasLayerJson, checkDType, describeLayer, layerFromJson, layerToJson } from './tfjs-layers.js';

/** [layer name, node index, tensor index, kwargs]: one tensor a node reads (Keras 2 / tfjs). */
type InboundTensor = [string, number, number, Record<string, unknown>];

/** A layer entry of a functional topology. */
export interface FunctionalLayerJson extends KerasLayerJson {
  name: string;
  inbound_nodes: InboundTensor[][];
}

export interface FunctionalConfig {
  name: string;
  layers: FunctionalLayerJson[];
  input_layers: [string, number, number][];
  output_layers: [string, number, number][];
}

const GLOROT_UNIFORM = { class_name: 'GlorotUniform', config: { seed: null } };
const ZEROS = { class_name: 'Zeros', config: {} };

/** Keras config of a layer this file writes itself; null for the layers of tfjs-layers.ts. */
function ownLayerConfig(layer: Layer): Record<string, unknown> | null {
  if (layer instanceof Add) return {};
  if (layer instanceof Concatenate) return { axis: layer.axis };
  if (layer instanceof MultiHeadAttention) {
    return {
      num_heads: layer.numHeads, key_dim: layer.keyDim, value_dim: layer.valueDim, dropout: 0, use_bias: layer.useBias,
      output_shape: null, attention_axes: null, kernel_initializer: GLOROT_UNIFORM, bias_initializer: ZEROS,
      kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null,
    };
  }
  if (layer instanceof PositionEmbedding) return { sequence_length: layer.sequenceLength, initializer: GLOROT_UNIFORM };
  return null;
}

/** The model's topology and weights as model.json + weights.bin contents. */
export async function functionalToArtifacts(model: Model): Promise<TfjsArtifacts> {
  const perLayer = model.layerWeights();
  const ref = (t: SymbolicTensor): [string, number, number] => [t.node.layer.name, model.nodeIndex(t.node), 0];
  const layers: FunctionalLayerJson[] = model.layers.map((layer) => {
    const nodes = model.nodes.filter((n) => n.layer === layer);
    const inbound_nodes = nodes.map((n) => n.inputs.map((x): InboundTensor => [...ref(x), {}]));
    if (layer instanceof InputLayer) {
      const config = { batch_input_shape: [null, ...layer.inputShape!], dtype: 'float32', sparse: false, name: layer.name };
      return { class_name: 'InputLayer', config, name: layer.name, inbound_nodes: [] };
    }
    const own = ownLayerConfig(layer);
    const json = own
      ? { class_name: layer.className, config: { name: layer.name, trainable: layer.trainable, dtype: 'float32', ...own } }
      : layerToJson(layer, nodes[0].inputs[0].shape);
    return { ...json, name: layer.name, inbound_nodes };
  });
  const config: FunctionalConfig = { name: model.name, layers, input_layers: model.inputs.map(ref), output_layers: model.outputs.map(ref) };
  const entries: WeightEntry[] = perLayer.flatMap(({ layer, weights }) => weights.map((w) => ({ name: `${layer.name}/${w.name}`, shape: w.shape, dtype: 'float32' })));
  const weightData = weightDataOf(model.name, entries, await model.getWeights());
  const modelJson: ModelJson = {
    format: 'layers-model',
    generatedBy: GENERATED_BY,
    convertedBy: null,
    modelTopology: { class_name: 'Functional', config: config as unknown as ModelTopology['config'], keras_version: KERAS_VERSION, backend: 'tensor_flow.js' },
    weightsManifest: [{ paths: [WEIGHTS_BIN], weights: entries }],
    weightsChecksum: weightsChecksumOf(weightData),
  };
  return { modelJson, weightData };
}

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------

function fail(message: string): never {
  throw new Error(`tfjs-format: ${message}`);
}

/** A layer this file reads itself, or null. */
function ownLayerFromJson(lc: KerasLayerJson, what: string): Layer | null {
  const cfg = lc.config ?? {};
  const construct = (make: () => Layer): Layer => {
    try {
      return make();
    } catch (e) {
      return fail(`${what}: ${(e as Error).message}`);
    }
  };
  switch (lc.class_name) {
    case 'Add':
      return construct(() => new Add());
    case 'Concatenate':
      return construct(() => new Concatenate({ axis: (cfg.axis ?? -1) as number }));
    case 'MultiHeadAttention': {
      if (cfg.dropout !== undefined && cfg.dropout !== 0) fail(`${what}: dropout ${JSON.stringify(cfg.dropout)} is not supported (only 0)`);
      if (cfg.output_shape !== undefined && cfg.output_shape !== null) fail(`${what}: output_shape ${JSON.stringify(cfg.output_shape)} is not supported (only null)`);
      if (cfg.attention_axes !== undefined && cfg.attention_axes !== null) fail(`${what}: attention_axes ${JSON.stringify(cfg.attention_axes)} is not supported (only null)`);
      return construct(() => new MultiHeadAttention({
        numHeads: cfg.num_heads as number, keyDim: cfg.key_dim as number,
        valueDim: (cfg.value_dim ?? undefined) as number | undefined, useBias: (cfg.use_bias ?? true) as boolean,
      }));
    }
    case 'PositionEmbedding':
      return construct(() => new PositionEmbedding({ sequenceLength: cfg.sequence_length as number }));
    default:
      return null;
  }
}

function tensorRef(what: string, v: unknown): [string, number, number] {
  if (!Array.isArray(v) || v.length < 3 || typeof v[0] !== 'string' || !Number.isInteger(v[1]) || !Number.isInteger(v[2])) {
    fail(`${what}: expected [layer name, node index, tensor index], got ${JSON.stringify(v)}`);
  }
  if (v[2] !== 0) fail(`${what}: tensor index ${v[2]} of layer '${v[0]}': every layer here has one output (index 0)`);
  return [v[0], v[1], v[2]];
}

/** The functional topology's parts, checked. */
function functionalConfig(topology: ModelTopology): FunctionalConfig {
  if (!topology || typeof topology !== 'object') fail('model.json has no modelTopology');
  if (topology.class_name !== 'Functional' && topology.class_name !== 'Model') {
    fail(`the topology is a ${String(topology.class_name)}, not a functional model ('Functional' or 'Model'); load a Sequential with modelFromArtifacts`);
  }
  const cfg = topology.config as unknown as Partial<FunctionalConfig>;
  if (!cfg || !Array.isArray(cfg.layers) || cfg.layers.length === 0) fail('the functional topology has no layers');
  if (!Array.isArray(cfg.input_layers) || cfg.input_layers.length === 0) fail('the functional topology has no input_layers');
  if (!Array.isArray(cfg.output_layers) || cfg.output_layers.length === 0) fail('the functional topology has no output_layers');
  return cfg as FunctionalConfig;
}

/** Builds the functional model (not yet holding the file's weights) from its topology. */
export function functionalFromTopology(topology: ModelTopology): Model {
  const cfg = functionalConfig(topology);
  const layers = new Map<string, { layer: Layer | null; json: FunctionalLayerJson; what: string; check?: (shape: readonly number[]) => void }>();
  /** '<layer>#<node>' -> the node's output. */
  const tensors = new Map<string, SymbolicTensor>();
  const pending: { name: string; node: number; inbound: [string, number, number][] }[] = [];
  cfg.layers.forEach((lc, index) => {
    const what = describeLayer(lc, index);
    const name = lc.name ?? lc.config?.name;
    if (typeof name !== 'string' || name === '') fail(`${what}: a functional model's layer needs a name`);
    if (layers.has(name)) fail(`${what}: two layers are named '${name}'`);
    checkDType(what, lc.config ?? {});
    if (lc.class_name === 'InputLayer') {
      const shape = inputShapeOf(what, lc.config ?? {});
      if (!shape) fail(`${what}: an InputLayer needs batch_input_shape (e.g. [null, 28, 28, 1])`);
      tensors.set(`${name}#0`, input({ shape, name }));
      layers.set(name, { layer: null, json: lc, what });
      return;
    }
    const own = ownLayerFromJson(lc, what);
    const loaded = own ? { layer: own } : layerFromJson(lc, what);
    loaded.layer.name = name;
    if (lc.config?.trainable === false) loaded.layer.trainable = false;
    layers.set(name, { layer: loaded.layer, json: lc, what, check: 'checkInput' in loaded ? loaded.checkInput : undefined });
    const nodes = lc.inbound_nodes;
    if (!Array.isArray(nodes) || nodes.length === 0) fail(`${what}: inbound_nodes must list the tensors each of its nodes reads (Keras 2 / tfjs form), got ${JSON.stringify(nodes)}`);
    nodes.forEach((node, k) => {
      if (!Array.isArray(node) || node.length === 0) fail(`${what}: node ${k} reads no tensors (${JSON.stringify(node)})`);
      pending.push({ name, node: k, inbound: node.map((t, i) => tensorRef(`${what}: node ${k} input ${i}`, t)) });
    });
  });
  // Nodes in any order the file gives: apply each once every tensor it reads exists (a layer's nodes in order).
  while (pending.length > 0) {
    const ready = pending.findIndex((p) => p.inbound.every(([l, n]) => tensors.has(`${l}#${n}`)) && (p.node === 0 || tensors.has(`${p.name}#${p.node - 1}`)));
    if (ready < 0) {
      const p = pending[0];
      const missing = p.inbound.find(([l, n]) => !tensors.has(`${l}#${n}`))!;
      const why = layers.has(missing[0]) ? `node ${missing[1]} of '${missing[0]}', which never gets made (a cycle, or a node index out of range)` : `a layer '${missing[0]}' the topology does not have`;
      fail(`${layers.get(p.name)!.what}: node ${p.node} reads ${why}`);
    }
    const p = pending.splice(ready, 1)[0];
    const entry = layers.get(p.name)!;
    const ins = p.inbound.map(([l, n]) => tensors.get(`${l}#${n}`)!);
    try {
      entry.check?.(ins[0].shape);
      tensors.set(`${p.name}#${p.node}`, entry.layer!.apply(ins));
    } catch (e) {
      const message = (e as Error).message;
      fail(`${entry.what}: ${message.replace(/^tfjs-format: /, '')}`);
    }
  }
  const ends = (what: 'input_layers' | 'output_layers') => cfg[what].map((r, i) => {
    const [l, n] = tensorRef(`${what}[${i}]`, r);
    const t = tensors.get(`${l}#${n}`);
    if (!t) fail(`${what}[${i}] names node ${n} of '${l}', which the topology does not have`);
    return t;
  });
  const model = new Model({ inputs: ends('input_layers'), outputs: ends('output_layers'), name: typeof cfg.name === 'string' && cfg.name ? cfg.name : 'functional' });
  for (const [name, e] of layers) {
    if (e.layer && !model.layers.includes(e.layer)) fail(`${e.what}: layer '${name}' is not on any path from the inputs to the outputs`);
  }
  return model;
}

/** Rebuilds a functional model from model.json + weight bytes, on the current backend. */
export function functionalFromArtifacts(artifacts: TfjsArtifacts): Model {
  const { modelJson, weightData } = artifacts;
  if (!modelJson || typeof modelJson !== 'object') fail('model.json is not an object');
  if (modelJson.format !== undefined && modelJson.format !== 'layers-model') {
    fail(`model.json has format '${modelJson.format}'; only 'layers-model' (tf.LayersModel) is supported, not graph models`);
  }
  checkWeightsChecksum(modelJson, weightData);
  const model = functionalFromTopology(modelJson.modelTopology);
  const located = locateWeights(modelJson.weightsManifest, weightData.byteLength);
  model.setWeights(weightValues(matchWeights(model.layerWeights(), located), weightData));
  return model;
}
