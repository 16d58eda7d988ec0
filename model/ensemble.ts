/**
 * Ensembles of saved classifiers: the weighted mean of several models' class probabilities.
 *
 * Each model's outputs become probabilities first (the softmax of its logits, or its outputs as
 * they are when its last layer already applies softmax), then the probabilities are averaged,
 * weighted, per image. Averaging probabilities rather than logits is what makes models of
 * different architectures (and logit scales) combine fairly, and keeps the result a
 * distribution. The models may differ in anything but their input and output shapes, and they
 * may be Sequential or functional (the loader reads model.json's class_name).
 *
 * Used by `npm run predict -- --ensemble` (one image) and `npm run evaluate` (the test set).
 */
import { resolve } from 'node:path';
import { Model } from '../engine/nn/functional/model.js';
import type { HostData } from '../engine/nn/training.js';
import { Sequential } from '../engine/nn/sequential.js';
import { softmax } from './metrics.js';
import { loadLayersModel } from './saved-model.js';

/** A saved classifier, Sequential or functional. */
export type Classifier = Sequential | Model;

/** Whether the model's output layer applies softmax itself (its outputs are probabilities already). */
export function endsInSoftmax(model: Classifier): boolean {
  const last = model instanceof Sequential ? model.layers[model.layers.length - 1] : model.outputs[0]?.node.layer;
  return (last as { activation?: string } | undefined)?.activation === 'softmax';
}

/** The number of classes of a classifier: its output must be a vector per image. */
export function classCount(model: Classifier, what: string): number {
  const out = model.outputShape;
  if (out.length !== 1) throw new Error(`${what}: the model's output has shape [${out.join(', ')}] per image; a classifier outputs one vector of class scores`);
  return out[0];
}

/** Row-wise probabilities of `outputs` ([rows, classes] row-major): softmax of logits, or the outputs as they are. */
export function probabilitiesOf(outputs: Float32Array, classes: number, alreadyProbabilities: boolean): Float32Array {
  if (alreadyProbabilities) return Float32Array.from(outputs);
  const out = new Float32Array(outputs.length);
  for (let r = 0; r < outputs.length; r += classes) out.set(softmax(outputs.subarray(r, r + classes)), r);
  return out;
}

/**
 * Ensemble weights: one positive finite number per model, normalised to sum 1 (equal weights
 * when none are given). `source` names the weights in errors (the CLI's '--weights').
 */
export function normaliseWeights(count: number, weights?: readonly number[], source = 'weights'): number[] {
  if (!Number.isInteger(count) || count < 1) throw new Error(`ensemble: expected at least one model, got ${count}`);
  if (weights === undefined) return new Array<number>(count).fill(1 / count);
  if (weights.length !== count) throw new Error(`${source}: expected one weight per model (${count}), got ${weights.length}: [${weights.join(', ')}]`);
  weights.forEach((w, i) => {
    if (typeof w !== 'number' || !Number.isFinite(w) || w <= 0) throw new Error(`${source}: weight ${i + 1} is ${String(w)}; each weight must be a positive finite number`);
  });
  const sum = weights.reduce((a, b) => a + b, 0);
  if (!Number.isFinite(sum)) throw new Error(`${source}: the weights' sum overflows (${weights.join(', ')}); scale them down`);
  return weights.map((w) => w / sum);
}

/**
 * The weighted mean of several models' probabilities (each [rows, classes] row-major, the same
 * size); `weights` are normalised first (normaliseWeights).
 */
export function averageProbabilities(perModel: readonly Float32Array[], weights?: readonly number[]): Float32Array {
  const w = normaliseWeights(perModel.length, weights);
  const n = perModel[0].length;
  perModel.forEach((p, i) => {
    if (p.length !== n) throw new Error(`ensemble: model ${i + 1} gave ${p.length} probabilities, model 1 gave ${n}`);
  });
  // Accumulated in float64, rounded once.
  const sum = new Float64Array(n);
  perModel.forEach((p, m) => {
    for (let j = 0; j < n; j++) sum[j] += w[m] * p[j];
  });
  return Float32Array.from(sum);
}

/** Parses '--weights 1,2,0.5' (comma-separated numbers; empty items and non-numbers are errors). */
export function parseWeightList(text: string, flag = '--weights'): number[] {
  return text.split(',').map((item, i) => {
    const v = item.trim() === '' ? NaN : Number(item);
    if (!Number.isFinite(v) || v <= 0) throw new Error(`${flag}: item ${i + 1} ('${item}') is not a positive finite number (expected e.g. ${flag} 1,2,1)`);
    return v;
  });
}

/** Splits 'DIR1,DIR2' into folders (empty items are errors; a folder repeated twice is allowed, for weighting). */
export function parseModelList(text: string, flag: string): string[] {
  const dirs = text.split(',').map((d) => d.trim());
  const empty = dirs.findIndex((d) => d === '');
  if (empty >= 0) throw new Error(`${flag}: item ${empty + 1} of '${text}' is empty (expected DIR1,DIR2,...)`);
  return dirs;
}

export interface EnsembleMember {
  /** The folder it was loaded from, as given. */
  dir: string;
  model: Classifier;
  /** Its normalised weight. */
  weight: number;
}

/** Loaded models whose input and output shapes agree, with their normalised weights. */
export class Ensemble {
  private constructor(
    readonly members: readonly EnsembleMember[],
    readonly inputShape: number[],
    readonly classes: number,
  ) {}

  /**
   * Loads every folder (on the current backend) and checks that they fit together: the same
   * input shape and the same number of classes, else an error naming both models. On an error
   * the models loaded so far are freed.
   */
  static async load(dirs: readonly string[], weights?: readonly number[], weightsSource = 'weights'): Promise<Ensemble> {
    const w = normaliseWeights(dirs.length, weights, weightsSource);
    const members: EnsembleMember[] = [];
    try {
      for (const [i, dir] of dirs.entries()) {
        const model = await loadLayersModel(resolve(dir));
        members.push({ dir, model, weight: w[i] });
        const first = members[0];
        const classes = classCount(model, dir);
        const firstClasses = classCount(first.model, first.dir);
        if (classes !== firstClasses) {
          throw new Error(`ensemble: ${dir} outputs ${classes} classes but ${first.dir} outputs ${firstClasses}; only models of the same classes can be averaged`);
        }
        const a = model.inputShape;
        const b = first.model.inputShape;
        if (a.length !== b.length || a.some((d, k) => d !== b[k])) {
          throw new Error(`ensemble: ${dir} takes inputs of shape [${a.join(', ')}] but ${first.dir} takes [${b.join(', ')}]; the models must take the same images`);
        }
      }
    } catch (err) {
      for (const m of members) m.model.dispose();
      throw err;
    }
    return new Ensemble(members, members[0].model.inputShape, classCount(members[0].model, members[0].dir));
  }

  /** Each model's probabilities for the samples ([n, classes] row-major), in member order. */
  async memberProbabilities(x: HostData, options: { batchSize?: number } = {}): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (const m of this.members) out.push(probabilitiesOf(await m.model.predict(x, options), this.classes, endsInSoftmax(m.model)));
    return out;
  }

  /** The ensemble's probabilities: the members' weighted mean. */
  combine(perModel: readonly Float32Array[]): Float32Array {
    return averageProbabilities(perModel, this.members.map((m) => m.weight));
  }

  dispose(): void {
    for (const m of this.members) m.model.dispose();
  }
}

/** Keras's epsilon: probabilities are clipped to [EPSILON, 1] before the log, so a confident miss costs -log(1e-7), not Infinity. */
export const PROBABILITY_EPSILON = 1e-7;

/**
 * Mean cross-entropy and accuracy of probabilities ([n, classes]) against integer labels, in
 * float64: loss = mean of -log(max(p[label], 1e-7)) (Keras's clipping), accuracy = the share of
 * rows whose largest probability (first on ties) is the label.
 */
export function scoreProbabilities(probabilities: Float32Array, labels: ArrayLike<number>, classes: number): { loss: number; accuracy: number } {
  const n = labels.length;
  if (probabilities.length !== n * classes) throw new Error(`scoreProbabilities: ${probabilities.length} probabilities for ${n} labels of ${classes} classes`);
  if (n === 0) throw new Error('scoreProbabilities: no samples');
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0 || label >= classes) throw new Error(`scoreProbabilities: label ${i} is ${label}, expected a class index in 0..${classes - 1}`);
    const row = probabilities.subarray(i * classes, (i + 1) * classes);
    loss -= Math.log(Math.min(1, Math.max(PROBABILITY_EPSILON, row[label])));
    let best = 0;
    for (let c = 1; c < classes; c++) if (row[c] > row[best]) best = c;
    if (best === label) correct++;
  }
  return { loss: loss / n, accuracy: correct / n };
}
