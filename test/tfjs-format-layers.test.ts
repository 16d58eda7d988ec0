/**
 * The new layers in the TensorFlow.js Layers format (CPU backend, float32): a Sequential using
 * every one of them, trained a few steps (so BatchNormalization's moving statistics are not
 * their initial values), is saved here, loaded by @tensorflow/tfjs's own tf.loadLayersModel, and
 * gives the same logits within 1e-5; it loads back here with identical outputs; a tfjs-built
 * model with these layers loads here and agrees; frozen layers and regularizers survive.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import {
  ActivationLayer, AveragePooling2D, BatchNormalization, Conv2D, Dense, DepthwiseConv2D, Dropout, Embedding, Flatten,
  GlobalAveragePooling2D, LayerNormalization, Reshape,
} from '../engine/nn/layers.js';
import { Sequential } from '../engine/nn/sequential.js';
import { setBackend } from '../engine/runtime.js';
import { type TfjsModelArtifacts, fromTfjsModelArtifacts, modelFromArtifacts, modelToArtifacts, toTfjsModelArtifacts } from '../model/tfjs-format.js';
import { Rng } from './helpers/rng.js';

beforeAll(async () => {
  setBackend(new CpuBackend('float32'));
  await tf.setBackend('cpu');
});

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

async function tfjsPredict(model: tf.LayersModel, values: Float32Array, shape: number[]): Promise<Float32Array> {
  const x = tf.tensor(values, shape);
  const y = model.predict(x) as tf.Tensor;
  const out = (await y.data()) as Float32Array;
  x.dispose();
  y.dispose();
  return out;
}

async function tfjsArtifacts(model: tf.LayersModel): Promise<TfjsModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    saved = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return saved as TfjsModelArtifacts;
}

const N = 24;
const rng = new Rng(21);
const images = { values: Float32Array.from(rng.values(N * 8 * 8 * 2)), shape: [N, 8, 8, 2] };
const labels = Int32Array.from({ length: N }, (_, i) => i % 3);

function everyLayerModel(): Sequential {
  return new Sequential([
    new Conv2D({ filters: 4, kernelSize: 3, padding: 'same', inputShape: [8, 8, 2], kernelRegularizer: { l2: 1e-3 } }),
    new BatchNormalization(),
    new ActivationLayer({ activation: 'gelu' }),
    new DepthwiseConv2D({ kernelSize: 3, depthMultiplier: 2, activation: 'relu', depthwiseRegularizer: { l1: 1e-4 } }),
    new AveragePooling2D({ poolSize: 2 }),
    new Dropout({ rate: 0.3 }),
    new LayerNormalization(),
    new GlobalAveragePooling2D(),
    new Reshape({ targetShape: [2, 4] }),
    new ActivationLayer({ activation: 'tanh' }),
    new Flatten(),
    new Dense({ units: 3, kernelRegularizer: { l1: 1e-4, l2: 1e-4 } }),
  ], { seed: 17, name: 'every_layer' });
}

describe('the new layers in the TensorFlow.js Layers format', () => {
  it('a trained model with every new layer loads in tfjs (tf.loadLayersModel) with logits within 1e-5, and loads back here identically', async () => {
    const model = everyLayerModel().compile();
    await model.fit(images, labels, { epochs: 2, batchSize: 8, verbose: 0 });
    const weights = await model.getWeights();
    // The moving statistics moved away from 0 and 1.
    expect(maxAbsDiff(weights[4], [0, 0, 0, 0])).toBeGreaterThan(1e-3);
    const { modelJson, weightData } = await modelToArtifacts(model);
    // Keras's per-layer order, the moving statistics included.
    expect(modelJson.weightsManifest[0].weights.slice(2, 6).map((w) => w.name)).toEqual([
      'batch_normalization/gamma', 'batch_normalization/beta', 'batch_normalization/moving_mean', 'batch_normalization/moving_variance',
    ]);
    const layers = (modelJson.modelTopology.config as { layers: { class_name: string; config: Record<string, unknown> }[] }).layers;
    expect(layers.map((l) => l.class_name)).toEqual([
      'Conv2D', 'BatchNormalization', 'Activation', 'DepthwiseConv2D', 'AveragePooling2D', 'Dropout', 'LayerNormalization',
      'GlobalAveragePooling2D', 'Reshape', 'Activation', 'Flatten', 'Dense',
    ]);
    expect(layers[0].config.kernel_regularizer).toEqual({ class_name: 'L1L2', config: { l1: 0, l2: 1e-3 } });

    const tfModel = await tf.loadLayersModel(tf.io.fromMemory(toTfjsModelArtifacts({ modelJson, weightData }) as tf.io.ModelArtifacts));
    expect(tfModel.layers.map((l) => l.getClassName())).toEqual(layers.map((l) => l.class_name));
    // tfjs reads the moving statistics as non-trainable weights.
    const bn = tfModel.layers[1];
    expect(bn.nonTrainableWeights.map((w) => w.originalName)).toEqual(['batch_normalization/moving_mean', 'batch_normalization/moving_variance']);
    expect(maxAbsDiff(await bn.nonTrainableWeights[0].read().data(), weights[4])).toBe(0);
    const theirs = await tfjsPredict(tfModel, images.values, images.shape);
    const ours = await model.predict(images);
    expect(maxAbsDiff(ours, theirs)).toBeLessThan(1e-5);
    // Not trivially equal: the logits vary.
    expect(Math.max(...ours) - Math.min(...ours)).toBeGreaterThan(1e-2);
    tfModel.dispose();

    const back = modelFromArtifacts({ modelJson, weightData });
    expect(back.layers.map((l) => l.className)).toEqual(model.layers.map((l) => l.className));
    expect(Array.from(await back.predict(images))).toEqual(Array.from(ours));
    expect(back.countParams()).toBe(model.countParams());
    expect((back.layers[0] as Conv2D).kernelRegularizer).toEqual({ l1: 0, l2: 1e-3 });
    back.dispose();
    model.dispose();
  });

  it('an Embedding model round-trips through tfjs', async () => {
    const model = new Sequential([new Embedding({ inputDim: 7, outputDim: 3, inputShape: [5] }), new Flatten(), new Dense({ units: 2 })], { seed: 3 });
    const ids = { values: Float32Array.from({ length: 20 }, (_, i) => (i * 3) % 7), shape: [4, 5] };
    const artifacts = await modelToArtifacts(model);
    const tfModel = await tf.loadLayersModel(tf.io.fromMemory(toTfjsModelArtifacts(artifacts) as tf.io.ModelArtifacts));
    expect(maxAbsDiff(await model.predict(ids), await tfjsPredict(tfModel, ids.values, ids.shape))).toBeLessThan(1e-5);
    tfModel.dispose();
    model.dispose();
  });

  it('a frozen layer is saved with trainable: false and stays frozen through tfjs and back', async () => {
    const model = new Sequential([new Dense({ units: 4, inputShape: [3] }), new BatchNormalization(), new Dense({ units: 2 })]);
    model.layers[0].trainable = false;
    const artifacts = await modelToArtifacts(model);
    const tfModel = await tf.loadLayersModel(tf.io.fromMemory(toTfjsModelArtifacts(artifacts) as tf.io.ModelArtifacts));
    expect(tfModel.layers[0].trainable).toBe(false);
    // tfjs writes the non-trainable weights after the trainable ones; loading here matches them by name.
    const resaved = fromTfjsModelArtifacts(await tfjsArtifacts(tfModel));
    const back = modelFromArtifacts(resaved);
    expect(back.layers.map((l) => l.trainable)).toEqual([false, true, true]);
    expect(back.summary(null)).toContain('Non-trainable params: 24');
    const x = { values: Float32Array.from(new Rng(4).values(6)), shape: [2, 3] };
    expect(maxAbsDiff(await back.predict(x), await model.predict(x))).toBe(0);
    tfModel.dispose();
    back.dispose();
    model.dispose();
  });

  it('a tfjs-built model with the new layers loads here and gives tfjs’s logits', async () => {
    const init = { biasInitializer: tf.initializers.randomUniform({ minval: -0.2, maxval: 0.2, seed: 5 }) };
    const m = tf.sequential();
    m.add(tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, inputShape: [8, 8, 2], ...init }));
    m.add(tf.layers.batchNormalization({
      movingMeanInitializer: tf.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: 6 }),
      movingVarianceInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 2, seed: 7 }),
      gammaInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: 8 }),
    }));
    m.add(tf.layers.activation({ activation: 'sigmoid' }));
    m.add(tf.layers.averagePooling2d({ poolSize: 2, strides: 2 }));
    m.add(tf.layers.layerNormalization());
    m.add(tf.layers.globalAveragePooling2d({}));
    m.add(tf.layers.dropout({ rate: 0.5 }));
    m.add(tf.layers.dense({ units: 3, ...init }));
    const theirs = await tfjsPredict(m, images.values, images.shape);
    const model = modelFromArtifacts(fromTfjsModelArtifacts(await tfjsArtifacts(m)));
    m.dispose();
    expect(model.layers.map((l) => l.className)).toEqual([
      'DepthwiseConv2D', 'BatchNormalization', 'Activation', 'AveragePooling2D', 'LayerNormalization', 'GlobalAveragePooling2D', 'Dropout', 'Dense',
    ]);
    expect(maxAbsDiff(await model.predict(images), theirs)).toBeLessThan(1e-5);
    model.dispose();
  });

  it('rejects the options it does not implement, naming the layer', async () => {
    const a = await modelToArtifacts(new Sequential([new Dense({ units: 4, inputShape: [3] }), new BatchNormalization(), new LayerNormalization(), new Dense({ units: 2 })]));
    const layers = (a.modelJson.modelTopology.config as { layers: { config: Record<string, unknown> }[] }).layers;
    const edited = (i: number, patch: Record<string, unknown>) => {
      const copy = JSON.parse(JSON.stringify(a.modelJson));
      Object.assign(copy.modelTopology.config.layers[i].config, patch);
      return () => modelFromArtifacts({ modelJson: copy, weightData: a.weightData });
    };
    expect(layers[2].config.axis).toEqual([1]);
    expect(edited(1, { axis: 0 })).toThrow("tfjs-format: layer 1 'batch_normalization' (BatchNormalization): axis 0 is not supported (only the last axis, -1)");
    expect(edited(2, { axis: [2] })).toThrow("tfjs-format: layer 2 'layer_normalization' (LayerNormalization): axis [2] is not the last axis of its input [null, 4] (only the last axis, 1, is supported)");
    expect(edited(1, { renorm: true })).toThrow(/BatchNormalization\): renorm true is not supported/);
    expect(edited(0, { kernel_regularizer: { class_name: 'OrthogonalRegularizer', config: {} } })).toThrow(/kernel_regularizer .* is not supported \(supported: L1L2, L1, L2\)/);
    expect(edited(1, { momentum: 1.5 })).toThrow(/momentum must be a number in \[0, 1\], got 1.5/);
  });
});
