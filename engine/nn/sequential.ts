/**
 * Sequential: a stack of layers, Keras-style. Building it (on the current
 * backend) names the layers as Keras does, works out every shape, and puts all
 * weights in one ParameterStore, initialised from a seeded RNG.
 */
import type { Backend, Shape } from '../backends/backend.js';
import { getBackend } from '../runtime.js';
import { Random } from '../random.js';
import type { Tensor } from '../tensor.js';
import { fmt } from '../ops/validate.js';
import { show } from './show.js';
import { initialValues } from './initializers.js';
import { Layer, type WeightSpec } from './layers.js';
import { ParameterStore } from './parameter-store.js';
import type { History } from './callbacks.js';
import {
  type Compiled, type CompileOptions, type FitOptions, type HostData, compileOptions, evaluate, fit, predict,
} from './training.js';

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
  /** Index of the layer's first weight in the store. */
  readonly firstWeight: number;
}

export class Sequential {
  readonly name: string;
  readonly layers: Layer[] = [];
  private built: BuiltLayer[] | null = null;
  private parameterStore: ParameterStore | null = null;
  private seed: number;
  private compiled: Compiled | null = null;
  private disposed = false;

  constructor(layers: Layer[] = [], options: SequentialOptions = {}) {
    if (!Array.isArray(layers)) throw new Error(`Sequential: expected an array of layers, got ${show(layers)}`);
    this.name = options.name ?? 'sequential';
    this.seed = options.seed ?? 42;
    if (!Number.isInteger(this.seed)) throw new Error(`Sequential: seed must be an integer, got ${show(this.seed)}`);
    layers.forEach((l) => this.add(l));
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** A disposed model stays disposed: rebuilding it would silently bring back fresh random weights. */
  private assertLive(op: string): void {
    if (this.disposed) throw new Error(`${this.name}.${op}: the model was disposed; make a new model (or load a saved one)`);
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
    const specs: { name: string; shape: Shape; values: ArrayLike<number> }[] = [];
    for (const layer of this.layers) {
      const outputShape = layer.outputShape(shape);
      const layerSpecs = layer.weightSpecs(shape);
      built.push({ layer, inputShape: shape, outputShape, specs: layerSpecs, firstWeight: specs.length });
      for (const s of layerSpecs) specs.push({ name: `${layer.name}/${s.name}`, shape: s.shape, values: initialValues(s.init, s.shape, rng) });
      shape = outputShape;
    }
    this.parameterStore = new ParameterStore(getBackend(), specs);
    this.built = built;
    return this;
  }

  get store(): ParameterStore {
    this.build('store');
    return this.parameterStore!;
  }

  /** Trainable tensors in layer order (kernel, bias, kernel, bias, ...). */
  get parameters(): Tensor[] {
    return this.store.tensors;
  }

  /** Output shape without the batch axis. */
  get outputShape(): number[] {
    this.build('outputShape');
    return this.built![this.built!.length - 1].outputShape;
  }

  countParams(): number {
    return this.store.count;
  }

  /** Forward pass over a batch [batch, ...inputShape]. */
  apply(x: Tensor): Tensor {
    this.build('apply');
    const want = this.inputShape;
    if (x.rank !== want.length + 1 || want.some((d, i) => x.shape[i + 1] !== d)) {
      throw new Error(`${this.name}: expected input of shape [batch, ${want.join(', ')}], got ${fmt(x.shape)}`);
    }
    // An empty batch would otherwise surface as a shape error of a later layer (Flatten infers 0 features).
    if (x.shape[0] === 0) throw new Error(`${this.name}: the batch is empty (input ${fmt(x.shape)}); expected at least one sample`);
    const params = this.parameters;
    let y = x;
    for (const b of this.built!) {
      y = b.layer.call(y, params.slice(b.firstWeight, b.firstWeight + b.specs.length));
    }
    return y;
  }

  /** Per layer: name, class, output shape and parameter count. */
  layerTable(): { name: string; className: string; outputShape: number[]; params: number }[] {
    this.build('summary');
    return this.built!.map((b) => ({
      name: b.layer.name,
      className: b.layer.className,
      outputShape: b.outputShape,
      params: b.specs.reduce((n, s) => n + s.shape.reduce((a, d) => a * d, 1), 0),
    }));
  }

  /** Keras-style summary; printed with `print` (console.log by default) and returned. */
  summary(print: ((line: string) => void) | null = console.log): string {
    const rows = this.layerTable();
    // Keras's column widths, widened when a name does not fit.
    const w1 = Math.max(28, ...rows.map((r) => r.name.length + r.className.length + 4));
    const line = (a: string, b: string, c: string) => ` ${a.padEnd(w1)}${b.padEnd(26)}${c}`;
    const total = rows.reduce((n, r) => n + r.params, 0);
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
      `Trainable params: ${total.toLocaleString('en-US')}`,
      'Non-trainable params: 0',
      '_'.repeat(width),
    ].join('\n');
    if (print) print(out);
    return out;
  }

  /** Weights as host arrays, in parameter order. */
  getWeights(): Promise<Float32Array[]> {
    this.assertLive('getWeights');
    return this.store.read();
  }

  /** Overwrites every weight from host arrays (parameter order, shapes as in layerTable). */
  setWeights(values: readonly ArrayLike<number>[]): void {
    this.assertLive('setWeights');
    if (!Array.isArray(values)) throw new Error(`${this.name}.setWeights: expected an array of weight arrays, got ${show(values)}`);
    const params = this.store.parameters;
    if (values.length !== params.length) throw new Error(`${this.name}.setWeights: expected ${params.length} arrays, got ${values.length}`);
    params.forEach((p, i) => {
      const v = values[i] as unknown;
      if (!(Array.isArray(v) || ArrayBuffer.isView(v))) throw new Error(`${this.name}.setWeights: array ${i} (${p.name}) is ${show(v)}, expected an array of ${p.tensor.size} numbers`);
      this.store.assign(p, values[i]);
    });
  }

  /**
   * Re-creates every weight on `backend` from host values in parameter order (the training
   * fallback uses it when a WebGPU device is lost); layers, names and shapes stay. The old
   * store is freed; on a lost device that frees nothing on it, and cannot fail.
   */
  moveTo(backend: Backend, weights: readonly ArrayLike<number>[]): void {
    const old = this.store;
    if (weights.length !== old.parameters.length) throw new Error(`${this.name}.moveTo: expected ${old.parameters.length} arrays, got ${weights.length}`);
    const specs = old.parameters.map((p, i) => ({ name: p.name, shape: p.tensor.shape, values: weights[i] }));
    this.parameterStore = new ParameterStore(backend, specs);
    old.dispose();
  }

  /** Keras's compile: the optimizer (Adam), the loss and the metrics. */
  compile(options: CompileOptions = {}): this {
    this.assertLive('compile');
    this.compiled = compileOptions(options);
    return this;
  }

  private requireCompiled(op: string): Compiled {
    this.assertLive(op);
    if (!this.compiled) throw new Error(`${this.name}.${op}: call compile() first`);
    return this.compiled;
  }

  /** The optimizer given to compile(). */
  get optimizer(): Compiled['optimizer'] {
    return this.requireCompiled('optimizer').optimizer;
  }

  fit(x: HostData, y: ArrayLike<number>, options?: FitOptions): Promise<History> {
    return fit(this, this.requireCompiled('fit'), x, y, options);
  }

  evaluate(x: HostData, y: ArrayLike<number>, options?: { batchSize?: number }): Promise<{ loss: number; accuracy: number }> {
    return evaluate(this, this.requireCompiled('evaluate'), x, y, options);
  }

  /** Logits [n, classes] as a host array. */
  predict(x: HostData, options?: { batchSize?: number }): Promise<Float32Array> {
    this.assertLive('predict');
    return predict(this, x, options);
  }

  /** Frees the weights; every later use of the model throws. Idempotent. */
  dispose(): void {
    this.parameterStore?.dispose();
    this.parameterStore = null;
    this.built = null;
    this.disposed = true;
  }
}
