/**
 * Keras's functional Model: `new Model({ inputs, outputs })` over symbolic tensors
 * (symbolic.ts). It runs its nodes in topological order (graph.ts); a shared layer's weights
 * exist once. Like Sequential it owns every weight in one ParameterStore, initialised from a
 * seeded RNG on first use, and trains with the same fit/evaluate/predict (training.ts), through
 * the TrainableModel interface. fit, evaluate, predict and `apply` take one input and give one
 * output; `applyAll` runs a model of several.
 */
import type { Backend } from '../../backends/backend.js';
import { fmt } from '../../ops/validate.js';
import { Random } from '../../random.js';
import { getBackend } from '../../runtime.js';
import { Tensor } from '../../tensor.js';
import { CallContext, INFERENCE } from '../call-context.js';
import { initialValues } from '../initializers.js';
import type { Layer, WeightSpec } from '../layers.js';
import { ModelWeights, type WeightRef } from '../model-weights.js';
import type { ParameterStore } from '../parameter-store.js';
import type { ModelWeight } from '../model-weights.js';
import { show } from '../show.js';
import { KerasModel } from '../keras-model.js';
import { type Graph, traceGraph } from './graph.js';
import { InputLayer } from './input.js';
import { type LayerNode, type SymbolicTensor, isMultiInput, weightSpecsOn } from './symbolic.js';

export interface ModelArgs {
  inputs: SymbolicTensor | SymbolicTensor[];
  outputs: SymbolicTensor | SymbolicTensor[];
  name?: string;
  /** Seed of the weight initialisation. */
  seed?: number;
}

/** Where a layer's weights are in the model's weight list. */
interface LayerWeights {
  readonly specs: WeightSpec[];
  readonly firstWeight: number;
}

export interface ModelLayerRow {
  name: string;
  className: string;
  /** The output shape (no batch axis), or null when a shared layer's nodes differ. */
  outputShape: number[] | null;
  params: number;
  /** Of `params`, those the optimizer updates now. */
  trainableParams: number;
  /** Per node of the layer in this model, the tensors it reads, as Keras writes them: 'conv2d[0][0]'. */
  connectedTo: string[][];
}

export class Model extends KerasModel {
  readonly name: string;
  readonly inputs: readonly SymbolicTensor[];
  readonly outputs: readonly SymbolicTensor[];
  /** Every layer once, in topological order (the InputLayers first). */
  readonly layers: readonly Layer[];
  private readonly graph: Graph;
  private weightsOf: Map<Layer, LayerWeights> | null = null;
  private weightStores: ModelWeights | null = null;
  private readonly seed: number;

  constructor(args: ModelArgs) {
    super();
    if (typeof args !== 'object' || args === null || Array.isArray(args)) {
      throw new Error(`Model: expected { inputs, outputs } (SymbolicTensors from input() and layer.apply), got ${show(args)}`);
    }
    this.name = args.name ?? 'functional';
    if (typeof this.name !== 'string' || this.name === '') throw new Error(`Model: name must be a non-empty string, got ${show(args.name)}`);
    this.seed = args.seed ?? 42;
    if (!Number.isInteger(this.seed)) throw new Error(`Model: seed must be an integer, got ${show(this.seed)}`);
    this.graph = traceGraph(this.name, args.inputs, args.outputs);
    this.inputs = this.graph.inputs;
    this.outputs = this.graph.outputs;
    this.layers = this.graph.layers;
  }

  /** The nodes in execution order (inputs first). */
  get nodes(): readonly LayerNode[] {
    return this.graph.nodes;
  }

  /** Keras's node index of `node` within this model (0 for a layer applied once). */
  nodeIndex(node: LayerNode): number {
    const k = this.graph.nodeIndex.get(node);
    if (k === undefined) throw new Error(`${this.name}: the node of ${node.layer.name} is not part of this model`);
    return k;
  }

  getLayer(name: string): Layer {
    const layer = this.layers.find((l) => l.name === name);
    if (!layer) throw new Error(`${this.name}.getLayer: no layer named ${show(name)} (layers: ${this.layers.map((l) => l.name).join(', ')})`);
    return layer;
  }

  private single(what: 'inputs' | 'outputs', op: string): SymbolicTensor {
    const list = this[what];
    if (list.length !== 1) {
      throw new Error(`${this.name}.${op}: the model has ${list.length} ${what}; fit, evaluate, predict and apply take models of one input and one output (use applyAll)`);
    }
    return list[0];
  }

  /** The shape of one input sample (a model of one input). */
  get inputShape(): number[] {
    return [...this.single('inputs', 'inputShape').shape];
  }

  /** The shape of one output sample (a model of one output). */
  get outputShape(): number[] {
    return [...this.single('outputs', 'outputShape').shape];
  }

  /**
   * Creates the weights (done on first use): per layer, at its first node, in topological order;
   * trainable and non-trainable ones in two stores, as Sequential (model-weights.ts).
   */
  build(op = 'build'): this {
    this.assertLive(op);
    if (this.weightStores) return this;
    const rng = new Random(this.seed);
    const weightsOf = new Map<Layer, LayerWeights>();
    const refs: WeightRef[] = [];
    const values: ArrayLike<number>[] = [];
    for (const node of this.graph.nodes) {
      if (weightsOf.has(node.layer)) continue;
      const layerSpecs = weightSpecsOn(node.layer, node.inputs.map((x) => x.shape));
      weightsOf.set(node.layer, { specs: layerSpecs, firstWeight: refs.length });
      for (const spec of layerSpecs) {
        refs.push({ name: `${node.layer.name}/${spec.name}`, spec, layer: node.layer });
        values.push(initialValues(spec.init, spec.shape, rng));
      }
    }
    this.weightStores = new ModelWeights(this.name, refs, getBackend(), values);
    this.weightsOf = weightsOf;
    return this;
  }

  private get stores(): ModelWeights {
    this.build('weights');
    return this.weightStores!;
  }

  /** The trainable weights' store: what the optimizer updates. */
  get store(): ParameterStore {
    return this.stores.store;
  }

  /** The non-trainable weights' store (moving statistics, frozen layers' weights). */
  get nonTrainableStore(): ParameterStore {
    return this.stores.nonTrainableStore;
  }

  /** The trainable weights as tensors: what gradients are taken for. */
  get parameters(): Tensor[] {
    return this.store.tensors;
  }

  /** Every weight tensor, trainable or not, in the model's weight order. */
  get weights(): Tensor[] {
    return this.stores.tensors;
  }

  /** Every weight's name, shape and whether it is trainable now (getWeights' order). */
  weightList(): ModelWeight[] {
    return this.stores.list();
  }

  regularizationLoss(): Tensor | null {
    return this.stores.regularizationLoss();
  }

  /** Every weight's values, trainable or not (Keras's count_params). */
  countParams(): number {
    return this.stores.count;
  }

  /** Per layer, its weights' names and shapes in the model's weight order (the tfjs format's manifest). */
  layerWeights(): { layer: Layer; weights: { name: string; shape: number[] }[] }[] {
    this.build('layerWeights');
    return this.layers.map((layer) => ({ layer, weights: this.weightsOf!.get(layer)!.specs.map((s) => ({ name: s.name, shape: [...s.shape] })) }));
  }

  /**
   * Forward pass of a model of one input and one output, over a batch [batch, ...inputShape].
   * `ctx` says whether this is a training pass (default: inference); its state updates are
   * applied by whoever made it (ctx.applyUpdates(), as trainStep does).
   */
  apply(x: Tensor, ctx: CallContext = INFERENCE): Tensor {
    this.single('inputs', 'apply');
    this.single('outputs', 'apply');
    return this.applyAll([x], ctx)[0];
  }

  /** Forward pass over one batch per input (in `inputs` order); the outputs in `outputs` order. */
  applyAll(xs: readonly Tensor[], ctx: CallContext = INFERENCE): Tensor[] {
    const values = this.run('apply', xs, ctx);
    return this.outputs.map((t) => values.get(t)!);
  }

  /**
   * Every layer node's output for a batch of a one-input model, in execution order (the
   * InputLayers left out): what the report's feature maps read, as Sequential.layerOutputs.
   */
  nodeOutputs(x: Tensor, ctx: CallContext = INFERENCE): { layer: Layer; output: Tensor }[] {
    this.single('inputs', 'nodeOutputs');
    const values = this.run('nodeOutputs', [x], ctx);
    return this.graph.nodes.filter((n) => !(n.layer instanceof InputLayer)).map((n) => ({ layer: n.layer, output: values.get(n.output)! }));
  }

  /** Runs every node on the input batches; each symbolic tensor's value. */
  private run(op: string, xs: readonly Tensor[], ctx: CallContext): Map<SymbolicTensor, Tensor> {
    this.build(op);
    if (!(ctx instanceof CallContext)) throw new Error(`${this.name}.apply: ctx must be a CallContext (new CallContext({ training })), got ${show(ctx)}`);
    if (!Array.isArray(xs) || xs.length !== this.inputs.length) {
      throw new Error(`${this.name}.applyAll: expected an array of ${this.inputs.length} input batches, got ${Array.isArray(xs) ? `${xs.length}` : show(xs)}`);
    }
    const batch = xs[0] instanceof Tensor ? xs[0].shape[0] : undefined;
    xs.forEach((x, i) => {
      const want = this.inputs[i].shape;
      const name = this.inputs[i].node.layer.name;
      if (!(x instanceof Tensor)) throw new Error(`${this.name}: input '${name}' is ${show(x)}, expected a Tensor [batch, ${want.join(', ')}]`);
      if (x.rank !== want.length + 1 || want.some((d, k) => x.shape[k + 1] !== d)) {
        throw new Error(`${this.name}: expected input '${name}' of shape [batch, ${want.join(', ')}], got ${fmt(x.shape)}`);
      }
      if (x.shape[0] === 0) throw new Error(`${this.name}: the batch is empty (input '${name}' ${fmt(x.shape)}); expected at least one sample`);
      if (x.shape[0] !== batch) throw new Error(`${this.name}: the inputs' batches differ (${xs.map((t) => fmt(t.shape)).join(', ')})`);
    });
    const all = this.weights;
    const values = new Map<SymbolicTensor, Tensor>();
    this.inputs.forEach((t, i) => values.set(t, xs[i]));
    for (const node of this.graph.nodes) {
      if (node.layer instanceof InputLayer) continue;
      const w = this.weightsOf!.get(node.layer)!;
      const weights = all.slice(w.firstWeight, w.firstWeight + w.specs.length);
      const ins = node.inputs.map((x) => values.get(x)!);
      values.set(node.output, isMultiInput(node.layer) ? node.layer.callOn(ins, weights, ctx) : node.layer.call(ins[0], weights, ctx));
    }
    return values;
  }

  /** Per layer: name, class, output shape, parameter count and the tensors it reads. */
  layerTable(): ModelLayerRow[] {
    this.build('summary');
    const size = (s: WeightSpec) => s.shape.reduce((a, d) => a * d, 1);
    return this.layers.map((layer) => {
      const nodes = this.graph.nodes.filter((n) => n.layer === layer);
      const shapes = nodes.map((n) => n.output.shape);
      const specs = this.weightsOf!.get(layer)!.specs;
      const same = shapes.every((s) => s.length === shapes[0].length && s.every((d, i) => d === shapes[0][i]));
      return {
        name: layer.name,
        className: layer.className,
        outputShape: same ? [...shapes[0]] : null,
        params: specs.reduce((n, s) => n + size(s), 0),
        trainableParams: layer.trainable ? specs.reduce((n, s) => n + (s.trainable === false ? 0 : size(s)), 0) : 0,
        connectedTo: nodes.map((n) => n.inputs.map((x) => `${x.node.layer.name}[${this.nodeIndex(x.node)}][0]`)),
      };
    });
  }

  /** Keras-style summary with the "Connected to" column; printed with `print` (console.log by default) and returned. */
  summary(print: ((line: string) => void) | null = console.log): string {
    const rows = this.layerTable();
    const shapeOf = (r: ModelLayerRow) => (r.outputShape ? `(None, ${r.outputShape.join(', ')})` : 'multiple');
    const w1 = Math.max(31, ...rows.map((r) => r.name.length + r.className.length + 5));
    const w2 = Math.max(22, ...rows.map((r) => shapeOf(r).length + 2));
    const w3 = 12;
    const line = (a: string, b: string, c: string, d: string) => ` ${a.padEnd(w1)}${b.padEnd(w2)}${c.padEnd(w3)}${d}`.trimEnd();
    const links = rows.map((r) => r.connectedTo.flat().map((t) => `'${t}'`));
    const w4 = Math.max(14, ...links.flat().map((t) => t.length + 2));
    const width = w1 + w2 + w3 + w4 + 1;
    const total = rows.reduce((n, r) => n + r.params, 0);
    const trainable = rows.reduce((n, r) => n + r.trainableParams, 0);
    const body = rows.flatMap((r, i) => {
      const ls = links[i].length === 0 ? ['[]'] : links[i].map((t, k) => `${k === 0 ? '[' : ' '}${t}${k === links[i].length - 1 ? ']' : ','}`);
      return [
        line(`${r.name} (${r.className})`, shapeOf(r), r.params.toLocaleString('en-US'), ls[0]),
        ...ls.slice(1).map((t) => line('', '', '', t)),
        ...(i < rows.length - 1 ? [''] : []),
      ];
    });
    const out = [
      `Model: "${this.name}"`,
      '_'.repeat(width),
      line('Layer (type)', 'Output Shape', 'Param #', 'Connected to'),
      '='.repeat(width),
      ...body,
      '='.repeat(width),
      `Total params: ${total.toLocaleString('en-US')}`,
      `Trainable params: ${trainable.toLocaleString('en-US')}`,
      `Non-trainable params: ${(total - trainable).toLocaleString('en-US')}`,
      '_'.repeat(width),
    ].join('\n');
    if (print) print(out);
    return out;
  }

  /** Every weight as a host array (weightList's order), trainable or not. */
  getWeights(): Promise<Float32Array[]> {
    this.assertLive('getWeights');
    return this.stores.read();
  }

  /** Overwrites every weight from host arrays (weightList's order). */
  setWeights(values: readonly ArrayLike<number>[]): void {
    this.assertLive('setWeights');
    this.stores.assign(values);
  }

  /** Re-creates every weight on `backend` from host values (the training fallback on a lost device). */
  moveTo(backend: Backend, weights: readonly ArrayLike<number>[]): void {
    this.stores.moveTo(backend, weights);
  }

  /** Frees the weights; every later use of the model throws. Idempotent. */
  dispose(): void {
    this.weightStores?.dispose();
    this.weightStores = null;
    this.weightsOf = null;
    this.disposed = true;
  }
}
