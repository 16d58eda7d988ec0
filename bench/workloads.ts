/**
 * The benchmark workloads, shared by Node (bench/step.ts, bench/run.ts --node), the page
 * (bench/page/) and the tests: the tutorial CNN's training step and inference, on this engine (any
 * backend) and on TensorFlow.js (any registered backend), from the same synthetic data and, where
 * asked, the same weights. Nothing here is Node- or browser-specific.
 */
import type { Backend } from '../engine/backends/backend.js';
import type { WebGPUBackend } from '../engine/backends/webgpu/webgpu-backend.js';
import type { Sequential } from '../engine/nn/sequential.js';
import { trainStep } from '../engine/nn/train-step.js';
import { Adam, type AdamOptions } from '../engine/optim/adam.js';
import { Random } from '../engine/random.js';
import { noGrad, setBackend, tidy } from '../engine/runtime.js';
import { tensor, type Tensor } from '../engine/tensor.js';
import { tutorialCnn } from '../model/cnn.js';

export type TF = typeof import('@tensorflow/tfjs');

export interface Batch {
  readonly batch: number;
  /** [batch, 28, 28, 1] pixels in [0, 1). */
  readonly images: Float32Array;
  /** [batch] class indices 0..9. */
  readonly labels: Int32Array;
}

/** Uniform pixels and labels 0..9 (the same stream as bench/cpu-step.ts). */
export function syntheticBatch(batch: number, seed = 1): Batch {
  const rng = new Random(seed);
  const images = Float32Array.from({ length: batch * 28 * 28 }, () => rng.next());
  const labels = Int32Array.from({ length: batch }, () => rng.int(10));
  return { batch, images, labels };
}

export interface EngineTrainer {
  readonly model: Sequential;
  /** One training step; resolves when the loss is on the host (so the GPU work is done). */
  step(): Promise<number>;
  /** Records one step without waiting (the loss is disposed); call backend.flush()/read to finish. */
  stepNoWait(): void;
  dispose(): void;
}

/** The tutorial CNN with Adam on `backend`, made current; the batch is uploaded once. */
export function engineTrainer(backend: Backend, data: Batch, seed = 1, adam: AdamOptions = {}): EngineTrainer {
  setBackend(backend);
  const model = tutorialCnn(seed);
  model.build();
  const opt = new Adam(adam);
  const x = tensor(data.images, [data.batch, 28, 28, 1]);
  const y = tensor(data.labels, [data.batch], 'int32');
  return {
    model,
    async step() {
      const loss = trainStep(model, opt, x, y);
      const v = (await loss.data())[0];
      loss.dispose();
      return v;
    },
    stepNoWait() {
      trainStep(model, opt, x, y).dispose();
    },
    dispose() {
      x.dispose();
      y.dispose();
      opt.dispose();
    },
  };
}

/**
 * The train CLI's start on a backend made with `precompile: false`: one step of a throwaway
 * trainer traced, and just the programs it launches compiled (WebGPUBackend.precompileFor).
 * Returns how many programs that is.
 */
export async function precompileTrainerStep(backend: WebGPUBackend, data: Batch): Promise<number> {
  const probe = engineTrainer(backend, data);
  try {
    return await backend.precompileFor(() => probe.stepNoWait());
  } finally {
    probe.dispose();
    probe.model.dispose();
  }
}

/** Logits for `count` images (cycled from `data`) in batches of `batchSize`; returns the number classified. */
export async function engineInference(backend: Backend, model: Sequential, data: Batch, count: number, batchSize: number): Promise<number> {
  setBackend(backend);
  let done = 0;
  let pending: Tensor | null = null;
  const x = tensor(data.images, [data.batch, 28, 28, 1]);
  while (done < count) {
    const n = Math.min(batchSize, count - done, data.batch);
    const xb = n === data.batch ? x : tensor(data.images.subarray(0, n * 784), [n, 28, 28, 1]);
    const logits = noGrad(() => tidy(() => model.apply(xb)));
    if (xb !== x) xb.dispose();
    backend.flush();
    // Keep one batch in flight: read the previous batch's logits while this one runs.
    if (pending) {
      await pending.data();
      pending.dispose();
    }
    pending = logits;
    done += n;
  }
  if (pending) {
    await pending.data();
    pending.dispose();
  }
  x.dispose();
  return done;
}

/** The same CNN in TensorFlow.js Layers (same layer order and weight order as tutorialCnn). */
export function tfjsModel(tf: TF) {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 128, activation: 'relu' }),
      tf.layers.dense({ units: 10 }),
    ],
  });
  return model;
}

export interface TfjsTrainer {
  readonly model: ReturnType<typeof tfjsModel>;
  step(): Promise<number>;
  dispose(): void;
}

/**
 * The tfjs model on the current tfjs backend, compiled with Adam (lr 0.001, Keras defaults) and
 * softmax cross-entropy from logits; `weights` (in getWeights order) copied in when given.
 * Note: tfjs adds epsilon to sqrt(v̂) (bias-corrected), Keras and this engine to sqrt(v): the same
 * work, but the steps differ where |gradient| is near epsilon / sqrt(1 - beta2^t).
 */
export function tfjsTrainer(tf: TF, data: Batch, weights?: readonly Float32Array[], epsilon = 1e-7): TfjsTrainer {
  const model = tfjsModel(tf);
  if (weights) setTfjsWeights(tf, model, weights);
  model.compile({ optimizer: tf.train.adam(0.001, 0.9, 0.999, epsilon), loss: tf.losses.softmaxCrossEntropy });
  const x = tf.tensor4d(data.images, [data.batch, 28, 28, 1]);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(data.labels, 'int32'), 10));
  return {
    model,
    async step() {
      const loss = await model.trainOnBatch(x, y);
      return Array.isArray(loss) ? loss[0] : loss;
    },
    dispose() {
      x.dispose();
      y.dispose();
      model.dispose();
    },
  };
}

export function setTfjsWeights(tf: TF, model: ReturnType<typeof tfjsModel>, weights: readonly Float32Array[]): void {
  const shapes = model.getWeights().map((w) => w.shape);
  if (shapes.length !== weights.length) throw new Error(`tfjs model has ${shapes.length} weights, got ${weights.length}`);
  const ts = weights.map((w, i) => tf.tensor(w, shapes[i]));
  model.setWeights(ts);
  ts.forEach((t) => t.dispose());
}

/** Inference on `count` images in batches, one batch in flight, reading each batch's logits. */
export async function tfjsInference(tf: TF, model: ReturnType<typeof tfjsModel>, data: Batch, count: number, batchSize: number): Promise<number> {
  const x = tf.tensor4d(data.images, [data.batch, 28, 28, 1]);
  let done = 0;
  while (done < count) {
    const n = Math.min(batchSize, count - done, data.batch);
    const logits = tf.tidy(() => model.predict(n === data.batch ? x : x.slice(0, n)) as import('@tensorflow/tfjs').Tensor);
    await logits.data();
    logits.dispose();
    done += n;
  }
  x.dispose();
  return done;
}
