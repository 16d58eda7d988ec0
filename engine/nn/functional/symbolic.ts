/**
 * The Keras functional API's graph: a SymbolicTensor stands for a batch of values that do not
 * exist yet (its shape has no batch axis); `layer.apply(x)` on symbolic tensors records a node
 * (one application of that layer) and returns the node's symbolic output. `new Model({ inputs,
 * outputs })` (model.ts) walks these nodes back from the outputs and runs them in order.
 *
 * Shapes are checked when a layer is applied, so a misfit fails at the line that made it, with
 * the layer's name and both shapes. A layer applied more than once is shared: every application
 * uses the same weights, so each one must give the weights the same shapes.
 *
 * This file imports nothing from layers.ts at run time (layers.ts imports it, for Layer.apply).
 */
import type { Shape } from '../../backends/backend.js';
import type { Tensor } from '../../tensor.js';
import type { CallContext } from '../call-context.js';
import type { Layer, WeightSpec } from '../layers.js';
import { show } from '../show.js';

/** One application of a layer to symbolic inputs. */
export interface LayerNode {
  readonly layer: Layer;
  readonly inputs: readonly SymbolicTensor[];
  readonly output: SymbolicTensor;
}

export class SymbolicTensor {
  /** @internal Made by input() and Layer.apply, never directly. */
  constructor(
    /** The shape of one sample (no batch axis). */
    readonly shape: readonly number[],
    /** The node that produces it; for an input(), a node of its InputLayer with no inputs. */
    readonly node: LayerNode,
  ) {}

  toString(): string {
    return `SymbolicTensor(${this.node.layer.name || this.node.layer.className}, [None, ${this.shape.join(', ')}])`;
  }
}

/**
 * A layer of several inputs (Add, Concatenate, MultiHeadAttention). The single-input methods of
 * Layer are its one-input case; the model calls these with every input's shape and tensor.
 */
export interface MultiInput {
  readonly minInputs: number;
  readonly maxInputs: number;
  outputShapeOf(inputShapes: readonly Shape[]): number[];
  weightSpecsOf(inputShapes: readonly Shape[]): WeightSpec[];
  callOn(xs: readonly Tensor[], weights: readonly Tensor[], ctx: CallContext): Tensor;
}

export function isMultiInput(layer: Layer): layer is Layer & MultiInput {
  return typeof (layer as Partial<MultiInput>).callOn === 'function';
}

/** A layer's name in messages: its model-given name, or its class before it has one. */
export function layerLabel(layer: Layer): string {
  return layer.name ? `'${layer.name}' (${layer.className})` : layer.className;
}

const shapeText = (s: readonly number[]): string => `[None, ${s.join(', ')}]`;

/** Every node each layer has, in the order it was applied (a shared layer has several). */
const nodesOf = new WeakMap<Layer, LayerNode[]>();

export function layerNodes(layer: Layer): readonly LayerNode[] {
  return nodesOf.get(layer) ?? [];
}

/** The output shape of `layer` on these input shapes; throws naming the layer and the shapes. */
export function outputShapeOn(layer: Layer, shapes: readonly Shape[]): number[] {
  try {
    return isMultiInput(layer) ? layer.outputShapeOf(shapes) : layer.outputShape(shapes[0]);
  } catch (e) {
    const got = shapes.map(shapeText).join(' and ');
    throw new Error(`${layerLabel(layer)} cannot be applied to ${got}: ${(e as Error).message}`);
  }
}

/** The weights `layer` needs on these input shapes. */
export function weightSpecsOn(layer: Layer, shapes: readonly Shape[]): WeightSpec[] {
  return isMultiInput(layer) ? layer.weightSpecsOf(shapes) : layer.weightSpecs(shapes[0]);
}

/** Records a node of `layer` on symbolic `inputs` and returns its output (Layer.apply). */
export function applyLayer(layer: Layer, inputs: readonly unknown[]): SymbolicTensor {
  const label = layerLabel(layer);
  if (inputs.length === 1 && Array.isArray(inputs[0])) inputs = inputs[0];
  inputs.forEach((x, i) => {
    if (!(x instanceof SymbolicTensor)) {
      const eager = typeof x === 'object' && x !== null && 'dataSync' in x;
      throw new Error(
        `${label}.apply: input ${i} is ${eager ? 'a Tensor' : show(x)}, expected a SymbolicTensor from input() or another layer's apply` +
          (eager ? '; a layer holds no weights of its own, so run it eagerly inside a Sequential or a Model' : ''),
      );
    }
  });
  const xs = inputs as SymbolicTensor[];
  const [min, max] = isMultiInput(layer) ? [layer.minInputs, layer.maxInputs] : [1, 1];
  if (xs.length < min || xs.length > max) {
    const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    throw new Error(`${label}.apply: expected ${want} input${min === 1 && max === 1 ? '' : 's'}, got ${xs.length}`);
  }
  const shapes = xs.map((x) => x.shape);
  if (!isMultiInput(layer) && layer.inputShape) {
    const want = layer.inputShape;
    if (want.length !== shapes[0].length || want.some((d, i) => d !== shapes[0][i])) {
      throw new Error(`${label} was declared with inputShape ${shapeText(want)} but is applied to ${shapeText(shapes[0])}`);
    }
  }
  const outShape = outputShapeOn(layer, shapes);
  const previous = layerNodes(layer);
  if (previous.length > 0) {
    // A shared layer: its weights were sized by its first application.
    const firstShapes = previous[0].inputs.map((x) => x.shape);
    const first = weightSpecsOn(layer, firstShapes);
    const now = weightSpecsOn(layer, shapes);
    const same = first.length === now.length && first.every((s, i) => s.shape.length === now[i].shape.length && s.shape.every((d, k) => d === now[i].shape[k]));
    if (!same) {
      throw new Error(
        `${label} is shared: it was first applied to ${firstShapes.map(shapeText).join(' and ')}, and its weights fit that; ` +
          `it cannot also be applied to ${shapes.map(shapeText).join(' and ')}`,
      );
    }
  }
  return addNode(layer, xs, outShape);
}

/** The node of an InputLayer (input.ts): no inputs, its shape as output. */
export function inputNode(layer: Layer, shape: readonly number[]): SymbolicTensor {
  if (layerNodes(layer).length > 0) throw new Error(`${layerLabel(layer)}: an InputLayer starts one graph input only`);
  return addNode(layer, [], [...shape]);
}

function addNode(layer: Layer, inputs: SymbolicTensor[], outShape: number[]): SymbolicTensor {
  const node = { layer, inputs } as { layer: Layer; inputs: SymbolicTensor[]; output: SymbolicTensor };
  node.output = new SymbolicTensor(outShape, node);
  nodesOf.set(layer, [...layerNodes(layer), node]);
  return node.output;
}
