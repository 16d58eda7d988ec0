/**
 * Functional models in the TensorFlow.js Layers format (model/tfjs-functional.ts), CPU backend
 * float32, on 64 real Fashion-MNIST test images:
 * - the residual CNN with BatchNormalization (every weight random, moving statistics included)
 *   saved here loads with @tensorflow/tfjs's tf.loadLayersModel and gives logits within 1e-5 of
 *   ours; loaded back here it gives the same logits;
 * - a functional model built in tfjs (Add, Concatenate, a shared Dense) loads here and agrees;
 * - the patch transformer (MultiHeadAttention, PositionEmbedding: not in tfjs) round-trips here;
 * - a broken topology is an error that names the layer.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import type { Model } from '../engine/nn/functional/model.js';
import { setBackend } from '../engine/runtime.js';
import { loadFashionMnist } from '../model/data/fashion-mnist.js';
import { functionalFromArtifacts, functionalToArtifacts } from '../model/tfjs-functional.js';
import { type TfjsArtifacts, type TfjsModelArtifacts, fromTfjsModelArtifacts, modelFromArtifacts, toTfjsModelArtifacts } from '../model/tfjs-format.js';
import { patchTransformer, residualCnn } from './helpers/functional-models.js';
import { Rng } from './helpers/rng.js';

const N = 64;
const data = loadFashionMnist({ limit: { train: 0, test: N } });
const x = { values: data.test.images, shape: [N, 28, 28, 1] };

/** Every weight random, so a misplaced one shows: variances in [0.5, 1.5), the rest small. */
function randomise(model: Model, seed: number): void {
  const rng = new Rng(seed);
  model.setWeights(model.weightList().map((w) => {
    const n = w.shape.reduce((a, b) => a * b, 1);
    if (w.name.endsWith('moving_variance')) return rng.values(n, 0.5, 1.5);
    if (w.name.endsWith('gamma')) return rng.values(n, 0.7, 1.3);
    const fanIn = w.shape.length > 1 ? n / w.shape[w.shape.length - 1] : 10;
    const limit = Math.sqrt(3 / fanIn);
    return rng.values(n, -limit, limit);
  }));
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

async function tfjsPredict(artifacts: TfjsArtifacts): Promise<Float32Array> {
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(toTfjsModelArtifacts(artifacts)));
  const input = tf.tensor(data.test.images, [N, 28, 28, 1]);
  const out = loaded.predict(input) as tf.Tensor;
  const values = (await out.data()) as Float32Array;
  tf.dispose([input, out]);
  loaded.dispose();
  return values;
}

beforeAll(async () => {
  setBackend(new CpuBackend('float32'));
  await tf.setBackend('cpu');
});
afterAll(() => tf.disposeVariables());

describe('a residual CNN with BatchNormalization in the TensorFlow.js format', () => {
  it('loads in @tensorflow/tfjs and gives logits within 1e-5 of ours; loaded back here, the same logits', async () => {
    const model = residualCnn(3);
    randomise(model, 8);
    const ours = await model.predict(x);
    const artifacts = await functionalToArtifacts(model);
    const topology = artifacts.modelJson.modelTopology as unknown as { class_name: string; config: { layers: { class_name: string; inbound_nodes: unknown[] }[] } };
    expect(topology.class_name).toBe('Functional');
    const add = topology.config.layers.find((l) => l.class_name === 'Add')!;
    expect(add.inbound_nodes).toEqual([[['batch_normalization_1', 0, 0, {}], ['conv2d', 0, 0, {}]]]);
    expect(artifacts.modelJson.weightsManifest[0].weights.map((w) => w.name)).toContain('batch_normalization/moving_variance');

    const theirs = await tfjsPredict(artifacts);
    const diff = maxDiff(theirs, ours);
    const scale = Math.max(...Array.from(ours, Math.abs));
    console.log(`tfjs-functional: tfjs vs ours, max |difference| ${diff.toExponential(2)} on logits of magnitude up to ${scale.toFixed(2)}`);
    expect(scale).toBeGreaterThan(0.5);
    expect(diff).toBeLessThan(1e-5);

    // Through JSON text, as a file would be.
    const again = functionalFromArtifacts({ modelJson: JSON.parse(JSON.stringify(artifacts.modelJson)), weightData: artifacts.weightData });
    expect(again.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
    expect(Array.from(await again.predict(x))).toEqual(Array.from(ours));
    expect(await again.getWeights()).toEqual(await model.getWeights());
    again.dispose();
    model.dispose();
  });

  it('a functional model built in tfjs (Add, Concatenate, a shared Dense) loads here and agrees', async () => {
    const inp = tf.input({ shape: [28, 28, 1] });
    const c = tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', biasInitializer: 'randomNormal' }).apply(inp) as tf.SymbolicTensor;
    const c2 = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', biasInitializer: 'randomNormal' }).apply(c) as tf.SymbolicTensor;
    const sum = tf.layers.add().apply([c, c2]) as tf.SymbolicTensor;
    const flat = tf.layers.flatten().apply(sum) as tf.SymbolicTensor;
    const shared = tf.layers.dense({ units: 6, activation: 'relu', biasInitializer: 'randomNormal' });
    const a = shared.apply(flat) as tf.SymbolicTensor;
    const b = shared.apply(tf.layers.flatten().apply(c) as tf.SymbolicTensor) as tf.SymbolicTensor;
    const joined = tf.layers.concatenate().apply([a, b]) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 10 }).apply(joined) as tf.SymbolicTensor;
    const tfModel = tf.model({ inputs: inp, outputs: out });
    let saved: TfjsModelArtifacts | null = null;
    await tfModel.save(tf.io.withSaveHandler(async (art) => {
      saved = art as unknown as TfjsModelArtifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const input = tf.tensor(data.test.images, [N, 28, 28, 1]);
    const want = (await (tfModel.predict(input) as tf.Tensor).data()) as Float32Array;
    input.dispose();
    const ours = functionalFromArtifacts(fromTfjsModelArtifacts(saved!));
    expect(ours.layers.filter((l) => l.className === 'Dense')).toHaveLength(2);
    const got = await ours.predict(x);
    expect(maxDiff(got, want)).toBeLessThan(1e-5);
    ours.dispose();
    tfModel.dispose();
  });
});

describe('the patch transformer in the format (this engine only: tfjs has no MultiHeadAttention)', () => {
  it('round-trips with the same logits', async () => {
    const model = patchTransformer(5);
    randomise(model, 2);
    const ours = await model.predict(x);
    const artifacts = await functionalToArtifacts(model);
    const names = artifacts.modelJson.weightsManifest[0].weights.map((w) => w.name);
    expect(names).toContain('multi_head_attention/attention_output/kernel');
    expect(names).toContain('position_embedding/embeddings');
    const again = functionalFromArtifacts({ modelJson: JSON.parse(JSON.stringify(artifacts.modelJson)), weightData: artifacts.weightData });
    expect(Array.from(await again.predict(x))).toEqual(Array.from(ours));
    again.dispose();
    model.dispose();
  });
});

describe('broken functional topologies', () => {
  async function residualArtifacts(): Promise<TfjsArtifacts> {
    const model = residualCnn(1, 4);
    const a = await functionalToArtifacts(model);
    model.dispose();
    return { modelJson: JSON.parse(JSON.stringify(a.modelJson)), weightData: a.weightData };
  }
  type Layers = { class_name: string; name: string; inbound_nodes: [string, number, number, object][][]; config: Record<string, unknown> }[];
  const layersOf = (a: TfjsArtifacts) => (a.modelJson.modelTopology.config as unknown as { layers: Layers }).layers;

  it('an inbound layer that does not exist, a node that never gets made, a layer of the wrong shape', async () => {
    const a = await residualArtifacts();
    const add = layersOf(a).find((l) => l.class_name === 'Add')!;
    add.inbound_nodes[0][1] = ['nowhere', 0, 0, {}];
    delete a.modelJson.weightsChecksum;
    expect(() => functionalFromArtifacts(a)).toThrow(/tfjs-format: layer \d+ 'add' \(Add\): node 0 reads a layer 'nowhere' the topology does not have/);
    add.inbound_nodes[0][1] = ['conv2d', 3, 0, {}];
    expect(() => functionalFromArtifacts(a)).toThrow(/'add' \(Add\): node 0 reads node 3 of 'conv2d', which never gets made/);
    add.inbound_nodes[0][1] = ['input_layer', 0, 0, {}];
    expect(() => functionalFromArtifacts(a)).toThrow(/'add' \(Add\): .*Add: every input must have the same shape, got \[None, 14, 14, 4\], \[None, 28, 28, 1\]/);
  });

  it('a Sequential topology, and a weight of the wrong shape', async () => {
    const a = await residualArtifacts();
    expect(() => modelFromArtifacts(a)).toThrow(/only Sequential models are supported here, the topology is a Functional \(load functional models with functionalFromArtifacts/);
    a.modelJson.modelTopology = { ...a.modelJson.modelTopology, class_name: 'Sequential' };
    expect(() => functionalFromArtifacts(a)).toThrow(/the topology is a Sequential, not a functional model/);
    const b = await residualArtifacts();
    const dense = layersOf(b).find((l) => l.class_name === 'Dense')!;
    dense.config.units = 9;
    expect(() => functionalFromArtifacts(b)).toThrow(/layer 'dense' \(Dense\) kernel: expected shape \[196, 9\], the file's weight 'dense\/kernel' has shape \[196, 10\]/);
  });
});
