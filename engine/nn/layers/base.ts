/**
 * The Layer base class and what the layers share (argument checks, activations).
 *
 * A layer declares its weights when built for an input shape (without the batch axis) and
 * computes its output from tensors handed to it by the model, which owns every weight:
 * - trainable weights (kernel, bias, gamma, ...) live in the model's ParameterStore, the one flat
 *   buffer the optimizer updates;
 * - non-trainable weights (BatchNormalization's moving mean and variance, `trainable: false` in
 *   the spec) and every weight of a frozen layer (`layer.trainable = false`) live in a second
 *   store that no optimizer ever sees, so nothing can move them, weight decay included.
 * `call` gets the weights in weightSpecs' order, wherever they live, and a CallContext that
 * says whether this is a training pass (call-context.ts).
 */
import type { Shape } from '../../backends/backend.js';
import { relu } from '../../ops/relu.js';
import { softmax } from '../../ops/softmax.js';
import type { Tensor } from '../../tensor.js';
import type { CallContext } from '../call-context.js';
import type { Initializer } from '../initializers.js';
import type { Regularizer } from '../regularizers.js';
import { show } from '../show.js';
import { applyLayer, type SymbolicTensor } from '../functional/symbolic.js';

export interface WeightSpec {
  /** Keras's weight name: 'kernel', 'bias', 'gamma', 'moving_mean', ... */
  readonly name: string;
  readonly shape: Shape;
  readonly init: Initializer;
  /** false for state that no gradient moves (BN's moving statistics); default true. */
  readonly trainable?: boolean;
  /** Added to the training loss (regularizers.ts). */
  readonly regularizer?: Regularizer | null;
}

export abstract class Layer {
  /** Keras class name, e.g. 'Conv2D'. */
  abstract readonly className: string;
  /** Unique within a model (conv2d, conv2d_1, ...); set by the model. */
  name = '';
  /**
   * false freezes the layer: its weights move to the model's non-trainable store at the next
   * training step (or build), and a frozen BatchNormalization runs in inference mode, as in Keras.
   */
  trainable = true;
  /** Input shape without the batch axis, when given to the first layer. */
  readonly inputShape?: Shape;
  protected constructor(inputShape?: readonly number[]) {
    if (inputShape !== undefined) {
      const ok = Array.isArray(inputShape) && inputShape.length > 0 && inputShape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 1);
      if (!ok) throw new Error(`${new.target.name}: inputShape must be a non-empty array of positive integers (no batch axis), got ${show(inputShape)}`);
    }
    this.inputShape = inputShape ? [...inputShape] : undefined;
  }
  /** The weights this layer needs for an input of `inputShape` (no batch axis), in Keras's order. */
  weightSpecs(_inputShape: Shape): WeightSpec[] {
    return [];
  }
  /** Output shape without the batch axis; throws with the layer's name on a shape it cannot take. */
  abstract outputShape(inputShape: Shape): number[];
  /** Forward pass; `weights` come in weightSpecs' order. */
  abstract call(x: Tensor, weights: readonly Tensor[], ctx: CallContext): Tensor;
  /** Keras's `config` for model.json (without name, trainable and dtype, which the model adds). */
  abstract config(): Record<string, unknown>;
  /** The name errors use: the model-given name, or the class before the layer is added. */
  protected get label(): string {
    return this.name || this.className;
  }
  /** The functional API: this layer on symbolic inputs (functional/symbolic.ts) gives its symbolic output. */
  apply(...inputs: SymbolicTensor[] | [SymbolicTensor[]]): SymbolicTensor {
    return applyLayer(this, inputs);
  }
}

/** Every activation name a layer takes (Keras's and tfjs's names). */
export const ACTIVATION_NAMES = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax', 'softplus', 'elu', 'gelu', 'gelu_new', 'swish'] as const;
export type Activation = (typeof ACTIVATION_NAMES)[number];

/**
 * The functions behind the names. ./nn has the tutorial's three; the others use the
 * op families of the ./ops subpath, so layers/activation-functions.ts registers them when it is
 * loaded: it comes with ActivationLayer, so with the ./layers subpath, engine/index.ts and
 * tfjs-format, and the main bundle stays without them.
 */
const FUNCTIONS = new Map<Activation, (x: Tensor) => Tensor>([['linear', (x) => x], ['relu', relu], ['softmax', softmax]]);

export function registerActivations(fns: Partial<Record<Activation, (x: Tensor) => Tensor>>): void {
  for (const [name, fn] of Object.entries(fns)) FUNCTIONS.set(name as Activation, fn as (x: Tensor) => Tensor);
}

export function activate(y: Tensor, activation: Activation): Tensor {
  return FUNCTIONS.get(activation)!(y);
}

/**
 * A convolution with ReLU fused into its kernel when the activation is ReLU, and any other
 * activation applied after it (Conv2D and DepthwiseConv2D share this rule).
 */
export function withFusedRelu(activation: Activation, conv: (fused: 'relu' | 'linear') => Tensor): Tensor {
  if (activation === 'relu') return conv('relu');
  return activate(conv('linear'), activation);
}

export function checkActivation(layer: string, a: unknown): Activation {
  if (typeof a !== 'string' || !(ACTIVATION_NAMES as readonly string[]).includes(a)) {
    throw new Error(`${layer}: unknown activation ${show(a)} (expected one of ${ACTIVATION_NAMES.map((n) => `'${n}'`).join(', ')})`);
  }
  if (!FUNCTIONS.has(a as Activation)) {
    throw new Error(`${layer}: activation '${a}' is in the package's layers subpath (webgpu-tensor-engine/layers): load it once; webgpu-tensor-engine/nn alone has only 'linear', 'relu' and 'softmax'`);
  }
  return a as Activation;
}

/** A layer's constructor argument must be an options object (a bare number or nothing would fail deep inside). */
export function argsOf<A>(layer: string, args: A): A {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) throw new Error(`${layer}: expected an options object, got ${show(args)}`);
  return args;
}

export function checkBool(layer: string, name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new Error(`${layer}: ${name} must be true or false, got ${show(v)}`);
  return v;
}

export function checkPositiveInt(layer: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new Error(`${layer}: ${name} must be a positive integer, got ${show(v)}`);
  return v;
}

/** Throws unless the input (no batch axis) is [height, width, channels]. */
export function expectImage(layer: string, inputShape: Shape): void {
  if (inputShape.length !== 3) throw new Error(`${layer}: expected input of shape [height, width, channels], got [${inputShape}]`);
}
