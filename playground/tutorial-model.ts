/**
 * The model side of the playground, shared by the worker and its tests: the tutorial CNN's
 * architecture check, batches cut from the dataset's bytes, the forward pass that keeps the
 * conv layers' feature maps, and evaluation with a confusion matrix. Runs on whatever backend
 * is current (runtime.setBackend), in a worker or anywhere else.
 */
import { countCorrect } from '../engine/ops/argmax.js';
import { sparseSoftmaxCrossEntropy } from '../engine/ops/cross-entropy.js';
import { Conv2D, Dense, MaxPooling2D, type Layer } from '../engine/nn/layers.js';
import type { Sequential } from '../engine/nn/sequential.js';
import { noGrad, tidy } from '../engine/runtime.js';
import { tensor, type Tensor } from '../engine/tensor.js';
import { tutorialCnn } from '../model/cnn.js';
import { argmaxRows, confusionMatrix, softmax } from '../model/metrics.js';
import type { Evaluation, FeatureMap, Inspection, SplitBytes } from './protocol.js';

export const IMAGE_SIZE = 28;
export const PIXELS = IMAGE_SIZE * IMAGE_SIZE;
export const CLASSES = 10;

const BYTE_TO_UNIT = (() => {
  const t = new Float32Array(256);
  for (let i = 0; i < 256; i++) t[i] = i / 255;
  return t;
})();

/** One line per layer: class, hyper-parameters, activation and output shape. */
export function layerSignatures(model: Sequential): string[] {
  let shape = model.inputShape;
  return model.layers.map((layer: Layer) => {
    shape = layer.outputShape(shape);
    let what = layer.className;
    if (layer instanceof Conv2D) what += ` ${layer.filters} filters ${layer.kernelSize.join('x')} stride ${layer.strides.join('x')} ${layer.padding} ${layer.activation}`;
    else if (layer instanceof MaxPooling2D) what += ` ${layer.poolSize.join('x')} stride ${layer.strides.join('x')} ${layer.padding}`;
    else if (layer instanceof Dense) what += ` ${layer.units} units ${layer.activation}`;
    return `${what} -> [${shape.join(', ')}]`;
  });
}

const TUTORIAL = layerSignatures(tutorialCnn());
const TUTORIAL_INPUT = [IMAGE_SIZE, IMAGE_SIZE, 1];

/** Why `model` is not the tutorial CNN (model/cnn.ts), or null when it is. */
export function architectureProblem(model: Sequential): string | null {
  const lead = 'this model is not the tutorial CNN that the playground trains (model/cnn.ts)';
  const input = model.inputShape;
  if (input.join() !== TUTORIAL_INPUT.join()) return `${lead}: its input is [${input.join(', ')}], expected [${TUTORIAL_INPUT.join(', ')}]`;
  const got = layerSignatures(model);
  for (let i = 0; i < Math.max(got.length, TUTORIAL.length); i++) {
    if (got[i] !== TUTORIAL[i]) {
      const name = model.layers[i]?.name;
      return `${lead}: layer ${i + 1}${name ? ` '${name}'` : ''} is ${got[i] ?? 'missing'}, expected ${TUTORIAL[i] ?? 'no more layers'} ` +
        `(${got.length} layers, expected ${TUTORIAL.length})`;
    }
  }
  return null;
}

/** Images `indices` (or start..end) of a split as a batch [n, 28, 28, 1] in [0, 1], with labels. */
export function batchFrom(split: SplitBytes, indices: ArrayLike<number>): { x: Tensor; y: Tensor } {
  const n = indices.length;
  const xs = new Float32Array(n * PIXELS);
  const ys = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const src = indices[i];
    if (!(src >= 0 && src < split.count)) throw new Error(`batch: image index ${src} is out of range 0..${split.count - 1}`);
    const from = src * PIXELS;
    for (let p = 0; p < PIXELS; p++) xs[i * PIXELS + p] = BYTE_TO_UNIT[split.images[from + p]];
    ys[i] = split.labels[src];
  }
  return { x: tensor(xs, [n, IMAGE_SIZE, IMAGE_SIZE, 1]), y: tensor(ys, [n], 'int32') };
}

export function range(start: number, end: number): Int32Array {
  const r = new Int32Array(Math.max(0, end - start));
  for (let i = 0; i < r.length; i++) r[i] = start + i;
  return r;
}

/** The logits of one image x [1, 28, 28, 1] and the outputs of every Conv2D layer (after its activation). */
export async function inspect(model: Sequential, x: Tensor): Promise<Inspection> {
  if (x.shape.join() !== [1, IMAGE_SIZE, IMAGE_SIZE, 1].join()) throw new Error(`inspect: expected one image [1, 28, 28, 1], got [${x.shape.join(', ')}]`);
  const layerShapes = model.layerTable().map((r) => r.outputShape);
  const convAt = model.layers.flatMap((layer, i) => (layer instanceof Conv2D ? [i] : []));
  const convs = convAt.map((i) => ({ name: model.layers[i].name, shape: layerShapes[i] }));
  const outs = noGrad(() =>
    tidy(() => {
      const all = model.layerOutputs(x);
      return [all[all.length - 1], ...convAt.map((i) => all[i])];
    }),
  );
  model.store.backend.flush();
  const values = await Promise.all(outs.map((t) => t.data()));
  outs.forEach((t) => t.dispose());
  const logits = Float32Array.from(values[0]);
  const maps: FeatureMap[] = convs.map((c, i) => ({
    layer: c.name, shape: c.shape as [number, number, number], values: Float32Array.from(values[i + 1]),
  }));
  return { logits, probabilities: softmax(logits), maps };
}

/** Logits [indices.length, 10] of the split's images. */
export async function predictIndices(model: Sequential, split: SplitBytes, indices: ArrayLike<number>, batchSize = 256): Promise<Float32Array> {
  const out = new Float32Array(indices.length * CLASSES);
  for (let start = 0; start < indices.length; start += batchSize) {
    const part = Array.prototype.slice.call(indices, start, Math.min(indices.length, start + batchSize)) as number[];
    const { x, y } = batchFrom(split, part);
    y.dispose();
    const logits = noGrad(() => tidy(() => model.apply(x)));
    x.dispose();
    out.set(await logits.data(), start * CLASSES);
    logits.dispose();
  }
  return out;
}

/** Loss, accuracy and confusion matrix (rows = true class) on the first `count` images of `split`. */
export async function evaluateSplit(model: Sequential, split: SplitBytes, count: number, batchSize = 256, between?: () => Promise<void>): Promise<Evaluation> {
  const n = Math.min(count, split.count);
  if (n < 1) throw new Error('evaluate: no test images');
  let lossSum = 0;
  let correct = 0;
  const predicted = new Int32Array(n);
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    const { x, y } = batchFrom(split, range(start, end));
    const [logits, loss, right] = noGrad(() =>
      tidy(() => {
        const l = model.apply(x);
        return [l, sparseSoftmaxCrossEntropy(l, y), countCorrect(l, y)];
      }),
    );
    x.dispose();
    y.dispose();
    model.store.backend.flush();
    const [lv, lossV, rightV] = await Promise.all([logits.data(), loss.data(), right.data()]);
    [logits, loss, right].forEach((t) => t.dispose());
    predicted.set(argmaxRows(lv, CLASSES), start);
    lossSum += lossV[0] * (end - start);
    correct += rightV[0];
    await between?.();
  }
  const labels = split.labels.subarray(0, n);
  return { loss: lossSum / n, accuracy: correct / n, count: n, confusion: confusionMatrix(labels, predicted, CLASSES) };
}
