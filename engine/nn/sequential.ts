/**
 * Sequential: a stack of layers, Keras-style. Building it (on the current
 * backend) names the layers as Keras does, works out every shape, and creates
 * every weight, initialised from a seeded RNG, in two stores:
 * - `store`: the trainable weights, the one flat buffer the optimizer updates;
 * - the non-trainable store: BatchNormalization's moving statistics and every weight of a
 *   frozen layer (`layer.trainable = false`); no optimizer ever sees it.
 * Which weight lives where follows the layers' `trainable` flags at the time of use: flipping
 * one (before or after compile) takes effect at the next training step, apply or `store`
 * access, which moves the weights between the stores with device-side copies. The
 * optimizer's moments belong to the old trainable store, so they restart (from zero) for every
 * weight, as after a Keras recompile; its step count goes on.
 *
 * getWeights/setWeights/moveTo and the weight lists take ALL weights in layer order, each
 * layer's in Keras's order (BN: gamma, beta, moving_mean, moving_variance), whatever store
 * they are in; `parameters` is the trainable ones only (what gradients are taken for).
 */
import type { Backend } from '../backends/backend.js';
import { getBackend } from '../runtime.js';
import { Random } from '../random.js';
import type { Tensor } from '../tensor.js';
import { fmt } from '../ops/validate.js';
import { show } from './show.js';
import { initialValues } from './initializers.js';
// The base alone: the layers index would bring every layer into ./nn's bundle.
import { Layer, type WeightSpec } from './layers/base.js';
import { CallContext, INFERENCE } from './call-context.js';
import { ModelWeights, type ModelWeight, type WeightRef } from './model-weights.js';
import type { ParameterStore } from './parameter-store.js';
import { KerasModel } from './keras-model.js';

export interface SequentialOptions {
  /** Seed of the weight initialisation. */
  seed?: number;
  name?: string;
}

interface BuiltLayer {
  readonly layer: Layer;
  readonly inputShape: number[];
  readonly outputShape: number[];
  readonly specs: WeightSpec[];
  /** Index of the layer's first weight in the model's weight list (all weights, layer order). */
  readonly firstWeight: number;
}

export type { ModelWeight } from './model-weights.js';

export class Sequential extends KerasModel {
  readonly name: string;
  readonly layers: Layer[] = [];
  private built: BuiltLayer[] | null = null;
  /** Every weight, in the trainable and the non-trainable store (model-weights.ts). */
  private weightStores: ModelWeights | null = null;
  private seed: number;

  constructor(layers: Layer[] = [], options: SequentialOptions = {}) {
    super();
    if (!Array.isArray(layers)) throw new Error(`Sequential: expected an array of layers, got ${show(layers)}`);
    this.name = options.name ?? 'sequential';
    this.seed = options.seed ?? 42;
    if (!Number.isInteger(this.seed)) throw new Error(`Sequential: seed must be an integer, got ${show(this.seed)}`);
    layers.forEach((l) => this.add(l));
  }

  add(layer: Layer): this {
    this.assertLive('add');
    if (!(layer instanceof Layer)) throw new Error(`${this.name}.add: expected a Layer (Conv2D, Dense, ...), got ${show(layer)}`);
    if (this.built) throw new Error(`Sequential.add: the model is already built; add layers before the first call`);
    const count = this.layers.filter((l) => l.className === layer.className).length;
    const base = layer.className.replace(/([a-z])([A-Z])/g, '$1_$2').replace(/([0-9])D$/, '$1d').toLowerCase();
    layer.name = count === 0 ? base : `${base}_${count}`;
    this.layers.push(layer);
    return this;
  }

  /** Input shape without the batch axis, from the first layer's inputShape. */
  get inputShape(): number[] {
    const first = this.layers[0];
    if (!first?.inputShape) throw new Error('Sequential: the first layer needs an inputShape (e.g. inputShape: [28, 28, 1])');
    return [...first.inputShape];
  }

  /** Works out shapes and creates the weights (done on first use). */
  build(op = 'build'): this {
    this.assertLive(op);
    if (this.built) return this;
    if (this.layers.length === 0) throw new Error('Sequential: the model has no layers');
    const rng = new Random(this.seed);
    let shape: number[] = this.inputShape;
    const built: BuiltLayer[] = [];
    const refs: WeightRef[] = [];
    const values: ArrayLike<number>[] = [];
    for (const layer of this.layers) {
      const outputShape = layer.outputShape(shape);
      const layerSpecs = layer.weightSpecs(shape);
      built.push({ layer, inputShape: shape, outputShape, specs: layerSpecs, firstWeight: refs.length });
      for (const spec of layerSpecs) {
        refs.push({ name: `${layer.name}/${spec.name}`, spec, layer });
        values.push(initialValues(spec.init, spec.shape, rng));
      }
      shape = outputShape;
    }
    this.weightStores = new ModelWeights(this.name, refs, getBackend(), values);
    this.built = built;
    return this;
  }

  /** The weights, built on first use; `op` names the caller in a disposed model's error. */
  private storesFor(op: string): ModelWeights {
    this.build(op);
    return this.weightStores!;
  }

  /** The trainable weights' store: what the optimizer updates. */
  get store(): ParameterStore {
    return this.storesFor('store').store;
  }

  /** The non-trainable weights' store (moving statistics, frozen layers' weights); never given to an optimizer. */
  get nonTrainableStore(): ParameterStore {
    return this.storesFor('nonTrainableStore').nonTrainableStore;
  }

  /** Trainable tensors in layer order (kernel, bias, kernel, bias, ...): what gradients are taken for. */
  get parameters(): Tensor[] {
    return this.store.tensors;
  }

  /** Every weight tensor in layer order, trainable or not. */
  get weights(): Tensor[] {
    return this.storesFor('weights').tensors;
  }

  /** Every weight's name, shape and whether it is trainable now, in layer order (getWeights' order). */
  weightList(): ModelWeight[] {
    return this.storesFor('weightList').list();
  }

  /**
   * The sum of the weights' regularizer penalties (a scalar tensor), or null when no layer has a
   * regularizer. The training step adds it to the loss; evaluate reports the loss with it, as Keras.
   */
  regularizationLoss(): Tensor | null {
    return this.storesFor('regularizationLoss').regularizationLoss();
  }

  /** Output shape without the batch axis. */
  get outputShape(): number[] {
    this.build('outputShape');
    return this.built![this.built!.length - 1].outputShape;
  }

  /** Every weight's values, trainable or not (Keras's count_params). */
  countParams(): number {
    return this.storesFor('countParams').count;
  }

  /**
   * Forward pass over a batch [batch, ...inputShape]. `ctx` says whether this is a training
   * pass (default: inference); a training pass's state updates are applied by whoever made the
   * context (ctx.applyUpdates(), as trainStep does).
   */
  apply(x: Tensor, ctx: CallContext = INFERENCE): Tensor {
    const outputs = this.forward('apply', x, ctx);
    return outputs[outputs.length - 1];
  }

  /**
   * Every layer's output for a batch, in layer order (the last is apply's result): what the
   * report's feature maps and the playground's inspection read. Same checks and `ctx` as apply.
   */
  layerOutputs(x: Tensor, ctx: CallContext = INFERENCE): Tensor[] {
    return this.forward('layerOutputs', x, ctx);
  }

  private forward(op: string, x: Tensor, ctx: CallContext): Tensor[] {
    this.build(op);
    if (!(ctx instanceof CallContext)) throw new Error(`${this.name}.${op}: ctx must be a CallContext (new CallContext({ training })), got ${show(ctx)}`);
    const want = this.inputShape;
    if (x.rank !== want.length + 1 || want.some((d, i) => x.shape[i + 1] !== d)) {
      throw new Error(`${this.name}: expected input of shape [batch, ${want.join(', ')}], got ${fmt(x.shape)}`);
    }
    // An empty batch would otherwise surface as a shape error of a later layer (Flatten infers 0 features).
    if (x.shape[0] === 0) throw new Error(`${this.name}: the batch is empty (input ${fmt(x.shape)}); expected at least one sample`);
    const weights = this.weights;
    const outputs: Tensor[] = [];
    let y = x;
    for (const b of this.built!) {
      y = b.layer.call(y, weights.slice(b.firstWeight, b.firstWeight + b.specs.length), ctx);
      outputs.push(y);
    }
    return outputs;
  }

  /** Per layer: name, class, output shape and parameter count (all weights; `trainableParams` the trainable ones). */
  layerTable(): { name: string; className: string; outputShape: number[]; params: number; trainableParams: number }[] {
    this.build('summary');
    const size = (s: WeightSpec) => s.shape.reduce((a, d) => a * d, 1);
    return this.built!.map((b) => ({
      name: b.layer.name,
      className: b.layer.className,
      outputShape: b.outputShape,
      params: b.specs.reduce((n, s) => n + size(s), 0),
      trainableParams: b.layer.trainable ? b.specs.reduce((n, s) => n + (s.trainable === false ? 0 : size(s)), 0) : 0,
    }));
  }

  /** Keras-style summary; printed with `print` (console.log by default) and returned. */
  summary(print: ((line: string) => void) | null = console.log): string {
    const rows = this.layerTable();
    // Keras's column widths, widened when a name does not fit.
    const w1 = Math.max(28, ...rows.map((r) => r.name.length + r.className.length + 4));
    const line = (a: string, b: string, c: string) => ` ${a.padEnd(w1)}${b.padEnd(26)}${c}`;
    const total = rows.reduce((n, r) => n + r.params, 0);
    const trainable = rows.reduce((n, r) => n + r.trainableParams, 0);
    const width = w1 + 37;
    const out = [
      `Model: "${this.name}"`,
      '_'.repeat(width),
      line('Layer (type)', 'Output Shape', 'Param #'),
      '='.repeat(width),
      ...rows.flatMap((r, i) => [
        line(`${r.name} (${r.className})`, `(None, ${r.outputShape.join(', ')})`, r.params.toLocaleString('en-US')),
        ...(i < rows.length - 1 ? [''] : []),
      ]),
      '='.repeat(width),
      `Total params: ${total.toLocaleString('en-US')}`,
      `Trainable params: ${trainable.toLocaleString('en-US')}`,
      `Non-trainable params: ${(total - trainable).toLocaleString('en-US')}`,
      '_'.repeat(width),
    ].join('\n');
    if (print) print(out);
    return out;
  }

  /** Every weight as a host array, in layer order (weightList's order), trainable or not. */
  getWeights(): Promise<Float32Array[]> {
    // Not async: a disposed model throws here and now, as every other use does.
    this.assertLive('getWeights');
    return this.storesFor('getWeights').read();
  }

  /** Overwrites every weight from host arrays (layer order, as getWeights gives them; shapes as in weightList). */
  setWeights(values: readonly ArrayLike<number>[]): void {
    this.assertLive('setWeights');
    this.storesFor('setWeights').assign(values);
  }

  /**
   * Re-creates every weight on `backend` from host values in parameter order (the training
   * fallback uses it when a WebGPU device is lost); layers, names and shapes stay. The old
   * stores are freed; on a lost device that frees nothing on it, and cannot fail.
   */
  moveTo(backend: Backend, weights: readonly ArrayLike<number>[]): void {
    this.storesFor('moveTo').moveTo(backend, weights);
  }

  /** Frees the weights; every later use of the model throws. Idempotent. */
  dispose(): void {
    this.weightStores?.dispose();
    this.weightStores = null;
    this.built = null;
    this.disposed = true;
  }
}
