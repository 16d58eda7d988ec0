/**
 * The TensorFlow.js Layers format (model/tfjs-format.ts), CPU backend float32:
 * - save -> load -> predict gives identical outputs, and the files are what tfjs writes;
 * - a model saved here loads in @tensorflow/tfjs and gives the same logits on 100 real test
 *   images (1e-4), and a tfjs model of the tutorial's architecture loads here and agrees too;
 * - unsupported layers and activations, shape mismatches and short weight files are clear errors.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { setBackend } from '../engine/runtime.js';
import type { Sequential } from '../engine/nn/sequential.js';
import { tutorialCnn } from '../model/cnn.js';
import { loadFashionMnist } from '../model/data/fashion-mnist.js';
import {
  type ModelJson, type TfjsModelArtifacts, fromTfjsModelArtifacts, modelFromArtifacts, modelToArtifacts, toTfjsModelArtifacts,
} from '../model/tfjs-format.js';
import { loadModel, saveModel } from '../model/tfjs-format-node.js';
import { Rng } from './helpers/rng.js';

const N = 100;
const data = loadFashionMnist({ limit: { train: 0, test: N } });
const x = { values: data.test.images, shape: [N, 28, 28, 1] };
const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'tfjs-format-'));
  dirs.push(d);
  return d;
}

/** The tutorial CNN with every weight (biases included) random, so a misplaced weight shows. */
function randomCnn(seed: number): Sequential {
  const model = tutorialCnn(seed);
  const rng = new Rng(seed);
  const shapes = model.parameters.map((p) => p.shape);
  model.setWeights(shapes.map((s) => {
    const n = s.reduce((a, b) => a * b, 1);
    const limit = s.length === 1 ? 0.1 : Math.sqrt(6 / (n / s[s.length - 1] + s[s.length - 1]));
    return rng.values(n, -limit, limit);
  }));
  return model;
}

function tfjsCnn(finalActivation: 'linear' | 'softmax' = 'linear'): tf.Sequential {
  const bias = { biasInitializer: tf.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: 7 }) };
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1], ...bias }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu', ...bias }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu', ...bias }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 128, activation: 'relu', ...bias }));
  m.add(tf.layers.dense({ units: 10, activation: finalActivation, ...bias }));
  return m;
}

async function tfjsArtifacts(model: tf.LayersModel): Promise<TfjsModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    saved = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return saved as TfjsModelArtifacts;
}

async function tfjsPredict(model: tf.LayersModel): Promise<Float32Array> {
  const input = tf.tensor4d(x.values, [N, 28, 28, 1]);
  const out = model.predict(input) as tf.Tensor;
  const values = (await out.data()) as Float32Array;
  input.dispose();
  out.dispose();
  return values;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

beforeAll(async () => {
  setBackend(new CpuBackend('float32'));
  await tf.setBackend('cpu');
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('save and load in the TensorFlow.js Layers format', () => {
  it('writes model.json + weights.bin as tfjs does, and save -> load -> predict is identical', async () => {
    const model = randomCnn(3);
    const dir = tempDir();
    const paths = await saveModel(model, dir);
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']); // no temp files left
    const json = JSON.parse(readFileSync(paths.modelJson, 'utf8')) as ModelJson;
    expect(json.format).toBe('layers-model');
    expect(json.generatedBy).toMatch(/webgpu-tensor-engine/);
    expect(json).toHaveProperty('convertedBy');
    expect(json.modelTopology.class_name).toBe('Sequential');
    const layers = (json.modelTopology.config as { layers: { class_name: string; config: Record<string, unknown> }[] }).layers;
    expect(layers.map((l) => l.class_name)).toEqual(['Conv2D', 'MaxPooling2D', 'Conv2D', 'MaxPooling2D', 'Conv2D', 'Flatten', 'Dense', 'Dense']);
    expect(layers[0].config).toMatchObject({
      name: 'conv2d', batch_input_shape: [null, 28, 28, 1], dtype: 'float32', filters: 32, kernel_size: [3, 3], strides: [1, 1],
      padding: 'valid', activation: 'relu', use_bias: true, data_format: 'channels_last',
      kernel_initializer: { class_name: 'GlorotUniform' },
    });
    expect(layers[1].config).toMatchObject({ name: 'max_pooling2d', pool_size: [2, 2], strides: [2, 2] });
    expect(layers[7].config).toMatchObject({ name: 'dense_1', units: 10, activation: 'linear' });
    expect(json.weightsManifest).toHaveLength(1);
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(json.weightsManifest[0].weights.map((w) => w.name)).toEqual([
      'conv2d/kernel', 'conv2d/bias', 'conv2d_1/kernel', 'conv2d_1/bias', 'conv2d_2/kernel', 'conv2d_2/bias',
      'dense/kernel', 'dense/bias', 'dense_1/kernel', 'dense_1/bias',
    ]);
    expect(json.weightsManifest[0].weights[0]).toEqual({ name: 'conv2d/kernel', shape: [3, 3, 1, 32], dtype: 'float32' });
    // weights.bin: little-endian float32 in manifest order.
    const bin = readFileSync(paths.weights);
    expect(bin.byteLength).toBe(4 * model.countParams());
    const weights = await model.getWeights();
    expect(bin.readFloatLE(0)).toBe(weights[0][0]);
    expect(bin.readFloatLE(4 * 288)).toBe(weights[1][0]); // conv2d/bias follows the 3*3*1*32 kernel

    const loaded = await loadModel(dir);
    expect(loaded.layerTable()).toEqual(model.layerTable());
    const before = await model.predict(x);
    const after = await loaded.predict(x);
    expect(after).toEqual(before);
    model.dispose();
    loaded.dispose();
  });

  it('overwrites an existing save atomically', async () => {
    const dir = tempDir();
    const a = randomCnn(1);
    const b = randomCnn(2);
    await saveModel(a, dir);
    await saveModel(b, dir);
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
    const loaded = await loadModel(dir);
    expect(await loaded.predict(x)).toEqual(await b.predict(x));
    [a, b, loaded].forEach((m) => m.dispose());
  });

  it('a model saved here loads in TensorFlow.js with the same logits on 100 test images', async () => {
    const model = randomCnn(11);
    const dir = tempDir();
    await saveModel(model, dir);
    const modelJson = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as ModelJson;
    const bin = readFileSync(join(dir, 'weights.bin'));
    const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer;
    const tfModel = await tf.loadLayersModel(tf.io.fromMemory(toTfjsModelArtifacts({ modelJson, weightData }) as tf.io.ModelArtifacts));
    expect(tfModel.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
    const theirs = await tfjsPredict(tfModel);
    const ours = await model.predict(x);
    const diff = maxAbsDiff(ours, theirs);
    expect(diff).toBeLessThan(1e-4);
    // Not trivially equal: the logits vary across images and classes.
    expect(Math.max(...ours) - Math.min(...ours)).toBeGreaterThan(0.1);
    console.log(`ours -> tfjs: max |logit difference| over ${N} test images = ${diff.toExponential(2)}`);
    tfModel.dispose();
    model.dispose();
  });

  it('a TensorFlow.js model of this architecture loads here with the same logits on 100 test images', async () => {
    const tfModel = tfjsCnn();
    const artifacts = await tfjsArtifacts(tfModel);
    // tfjs names layers with its own process-wide counters, e.g. 'conv2d_Conv2D1'.
    expect(artifacts.weightSpecs![0].name).not.toBe('conv2d/kernel');
    const model = modelFromArtifacts(fromTfjsModelArtifacts(artifacts));
    expect(model.layers.map((l) => l.name)).toEqual(tfModel.layers.map((l) => l.name));
    const ours = await model.predict(x);
    const theirs = await tfjsPredict(tfModel);
    const diff = maxAbsDiff(ours, theirs);
    expect(diff).toBeLessThan(1e-4);
    console.log(`tfjs -> ours: max |logit difference| over ${N} test images = ${diff.toExponential(2)}`);

    // The same through files, as tfjs's file handler lays them out, and re-saved here.
    const dir = tempDir();
    const { modelJson, weightData } = fromTfjsModelArtifacts(artifacts);
    writeFileSync(join(dir, 'model.json'), JSON.stringify(modelJson));
    writeFileSync(join(dir, 'weights.bin'), new Uint8Array(weightData));
    const fromFiles = await loadModel(dir);
    expect(await fromFiles.predict(x)).toEqual(ours);
    const again = modelFromArtifacts(await modelToArtifacts(fromFiles));
    expect(await again.predict(x)).toEqual(ours);
    [model, fromFiles, again].forEach((m) => m.dispose());
    tfModel.dispose();
  });

  it('maps weights by position when their names do not match the layer names, and ignores optimizer weights', async () => {
    const tfModel = tfjsCnn('softmax');
    const artifacts = await tfjsArtifacts(tfModel);
    const renamed: TfjsModelArtifacts = {
      ...artifacts,
      weightSpecs: [
        ...artifacts.weightSpecs!.map((w, i) => ({ ...w, name: `other_${i}/${w.name.split('/')[1]}` })),
        { name: 'iter', shape: [], dtype: 'float32', group: 'optimizer' },
      ],
      weightData: [artifacts.weightData as ArrayBuffer, new Float32Array([5]).buffer],
    };
    const model = modelFromArtifacts(fromTfjsModelArtifacts(renamed));
    const ours = await model.predict(x);
    expect(maxAbsDiff(ours, await tfjsPredict(tfModel))).toBeLessThan(1e-5); // softmax outputs
    model.dispose();
    tfModel.dispose();
  });

  it('accepts a Keras-style topology with an InputLayer', () => {
    const topology = {
      class_name: 'Sequential',
      config: {
        name: 'keras_model',
        layers: [
          { class_name: 'InputLayer', config: { batch_input_shape: [null, 4], dtype: 'float32', name: 'input_1' } },
          { class_name: 'Dense', config: { name: 'out', units: 2, activation: 'softmax', use_bias: true } },
        ],
      },
    };
    const weightData = new Float32Array([1, 2, 3, 4, 5, 6, 7, 8, 0.5, -0.5]).buffer;
    const model = modelFromArtifacts({
      modelJson: {
        format: 'layers-model', modelTopology: topology,
        weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'out/kernel', shape: [4, 2], dtype: 'float32' }, { name: 'out/bias', shape: [2], dtype: 'float32' }] }],
      },
      weightData,
    });
    expect(model.name).toBe('keras_model');
    expect(model.layerTable()).toEqual([{ name: 'out', className: 'Dense', outputShape: [2], params: 10, trainableParams: 10 }]);
    model.dispose();
  });
});

describe('tfjs-format errors', () => {
  async function tfjsJson(): Promise<{ modelJson: ModelJson; weightData: ArrayBuffer }> {
    const m = tfjsCnn();
    const a = fromTfjsModelArtifacts(await tfjsArtifacts(m));
    m.dispose();
    return a;
  }
  type LayersCfg = { layers: { class_name: string; config: Record<string, unknown> }[] };

  it('names an unsupported layer', async () => {
    const m = tf.sequential();
    m.add(tf.layers.flatten({ inputShape: [28, 28, 1] }));
    m.add(tf.layers.dense({ units: 16, activation: 'relu' }));
    m.add(tf.layers.gaussianNoise({ stddev: 0.1, name: 'my_noise' }));
    m.add(tf.layers.dense({ units: 10 }));
    const artifacts = fromTfjsModelArtifacts(await tfjsArtifacts(m));
    m.dispose();
    expect(() => modelFromArtifacts(artifacts)).toThrow(
      "tfjs-format: layer 2 'my_noise' (GaussianNoise): layer type 'GaussianNoise' is not supported (supported: Conv2D, DepthwiseConv2D, Dense, MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, Flatten, Reshape, Dropout, Activation, BatchNormalization, LayerNormalization, Embedding, InputLayer)",
    );
    // And through loadModel, with the file named.
    const dir = tempDir();
    writeFileSync(join(dir, 'model.json'), JSON.stringify(artifacts.modelJson));
    writeFileSync(join(dir, 'weights.bin'), new Uint8Array(artifacts.weightData));
    await expect(loadModel(dir)).rejects.toThrow(/model\.json\): tfjs-format: layer 2 'my_noise' \(GaussianNoise\): layer type 'GaussianNoise' is not supported/);
  });

  it('names an unsupported activation', async () => {
    const a = await tfjsJson();
    const layers = (a.modelJson.modelTopology.config as LayersCfg).layers;
    layers[6].config.activation = 'selu';
    layers[6].config.name = 'hidden';
    expect(() => modelFromArtifacts(a)).toThrow("tfjs-format: layer 6 'hidden' (Dense): activation 'selu' is not supported (supported: linear, relu, sigmoid, tanh, softmax, softplus, elu, gelu, gelu_new, swish)");
  });

  it('names the layer whose weight has the wrong shape', async () => {
    const a = await tfjsJson();
    const layers = (a.modelJson.modelTopology.config as LayersCfg).layers;
    layers[6].config.units = 100; // the file's kernel is [1600, 128]
    layers[7].config.name = 'logits';
    layers[6].config.name = 'hidden';
    // The manifest agrees with the data; the topology disagrees with the manifest.
    expect(() => modelFromArtifacts(a)).toThrow(/tfjs-format: layer 'hidden' \(Dense\) kernel: expected shape \[576, 100\], the file's weight '.*\/kernel' has shape \[576, 128\]/);
  });

  it('rejects a weights file of the wrong length', async () => {
    const a = await tfjsJson();
    const short = { modelJson: a.modelJson, weightData: a.weightData.slice(0, a.weightData.byteLength - 8) };
    expect(() => modelFromArtifacts(short)).toThrow(
      `tfjs-format: the weights manifest describes ${a.weightData.byteLength} bytes but the weight data has ${a.weightData.byteLength - 8} bytes (truncated or mismatched weights file?)`,
    );
  });

  it('rejects graph models and a missing folder clearly', async () => {
    const a = await tfjsJson();
    expect(() => modelFromArtifacts({ ...a, modelJson: { ...a.modelJson, format: 'graph-model' } })).toThrow(/only 'layers-model'/);
    const missing = join(tempDir(), 'nope');
    await expect(loadModel(missing)).rejects.toThrow(`loadModel: cannot read ${join(missing, 'model.json')}`);
    expect(existsSync(missing)).toBe(false);
  });
});
