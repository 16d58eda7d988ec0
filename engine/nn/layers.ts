/**
 * Keras-style layers. A layer declares its parameters when built for an input
 * shape (without the batch axis), and computes its output from tensors handed
 * to it by the model, which owns every parameter in one ParameterStore.
 */
import type { Padding, Shape } from '../backends/backend.js';
import { conv2d } from '../ops/conv2d.js';
import { conv2dGeometry, pool2dGeometry } from '../ops/geometry.js';
import { dense } from '../ops/matmul.js';
import { maxPool2d } from '../ops/maxpool2d.js';
import { relu } from '../ops/relu.js';
import { flatten, reshape } from '../ops/reshape.js';
import { softmax } from '../ops/softmax.js';
import type { Tensor } from '../tensor.js';
import { checkPadding, positivePair } from '../ops/validate.js';
import { show } from './show.js';
import type { Initializer } from './initializers.js';
import { applyLayer, type SymbolicTensor } from './functional/symbolic.js';

export type Activation = 'linear' | 'relu' | 'softmax';

export interface WeightSpec {
  /** Keras's weight name: 'kernel' or 'bias'. */
  readonly name: string;
  readonly shape: Shape;
  readonly init: Initializer;
}

export abstract class Layer {
  /** Keras class name, e.g. 'Conv2D'. */
  abstract readonly className: string;
  /** Unique within a model (conv2d, conv2d_1, ...); set by the model. */
  name = '';
  /** Input shape without the batch axis, when given to the first layer. */
  readonly inputShape?: Shape;
  protected constructor(inputShape?: readonly number[]) {
    if (inputShape !== undefined) {
      const ok = Array.isArray(inputShape) && inputShape.length > 0 && inputShape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 1);
      if (!ok) throw new Error(`${new.target.name}: inputShape must be a non-empty array of positive integers (no batch axis), got ${show(inputShape)}`);
    }
    this.inputShape = inputShape ? [...inputShape] : undefined;
  }
  /** The weights this layer needs for an input of `inputShape` (no batch axis). */
  weightSpecs(_inputShape: Shape): WeightSpec[] {
    return [];
  }
  /** Output shape without the batch axis; throws with the layer's name on a shape it cannot take. */
  abstract outputShape(inputShape: Shape): number[];
  /** Forward pass; `weights` come in weightSpecs' order. */
  abstract call(x: Tensor, weights: readonly Tensor[]): Tensor;
  /** Keras's `config` for model.json. */
  abstract config(): Record<string, unknown>;
  /** The functional API: this layer on symbolic inputs (functional/symbolic.ts) gives its symbolic output. */
  apply(...inputs: SymbolicTensor[] | [SymbolicTensor[]]): SymbolicTensor {
    return applyLayer(this, inputs);
  }
}

function activate(y: Tensor, activation: Activation): Tensor {
  if (activation === 'relu') return relu(y);
  if (activation === 'softmax') return softmax(y);
  return y;
}

function checkActivation(layer: string, a: unknown): Activation {
  if (a !== 'linear' && a !== 'relu' && a !== 'softmax') {
    throw new Error(`${layer}: unknown activation ${show(a)} (expected 'linear', 'relu' or 'softmax')`);
  }
  return a;
}

/** A layer's constructor argument must be an options object (a bare number or nothing would fail deep inside). */
function argsOf<A>(layer: string, args: A): A {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) throw new Error(`${layer}: expected an options object, got ${show(args)}`);
  return args;
}

function checkBool(layer: string, name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new Error(`${layer}: ${name} must be true or false, got ${show(v)}`);
  return v;
}

export interface Conv2DArgs {
  filters: number;
  kernelSize: number | [number, number];
  strides?: number | [number, number];
  padding?: Padding;
  activation?: Activation;
  useBias?: boolean;
  inputShape?: number[];
}

export class Conv2D extends Layer {
  readonly className = 'Conv2D';
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;
  readonly activation: Activation;
  readonly useBias: boolean;

  constructor(args: Conv2DArgs) {
    super(argsOf('Conv2D', args).inputShape);
    if (!Number.isInteger(args.filters) || args.filters < 1) throw new Error(`Conv2D: filters must be a positive integer, got ${show(args.filters)}`);
    this.filters = args.filters;
    this.kernelSize = positivePair('Conv2D', 'kernelSize', args.kernelSize);
    this.strides = positivePair('Conv2D', 'strides', args.strides ?? 1);
    this.padding = checkPadding('Conv2D', args.padding ?? 'valid');
    this.activation = checkActivation('Conv2D', args.activation ?? 'linear');
    this.useBias = checkBool('Conv2D', 'useBias', args.useBias ?? true);
  }

  override weightSpecs(inputShape: Shape): WeightSpec[] {
    const specs: WeightSpec[] = [{ name: 'kernel', shape: [...this.kernelSize, inputShape[2], this.filters], init: 'glorotUniform' }];
    if (this.useBias) specs.push({ name: 'bias', shape: [this.filters], init: 'zeros' });
    return specs;
  }

  outputShape(inputShape: Shape): number[] {
    if (inputShape.length !== 3) {
      throw new Error(`${this.name || 'Conv2D'}: expected input of shape [height, width, channels], got [${inputShape}]`);
    }
    const g = conv2dGeometry(this.name || 'Conv2D', [1, ...inputShape], [...this.kernelSize, inputShape[2], this.filters], this.strides, this.padding);
    return [g.outH, g.outW, g.outC];
  }

  call(x: Tensor, weights: readonly Tensor[]): Tensor {
    const fused = this.activation === 'relu';
    const y = conv2d(x, weights[0], {
      strides: this.strides,
      padding: this.padding,
      bias: this.useBias ? weights[1] : null,
      activation: fused ? 'relu' : 'linear',
    });
    return fused ? y : activate(y, this.activation);
  }

  config(): Record<string, unknown> {
    return {
      filters: this.filters, kernel_size: this.kernelSize, strides: this.strides, padding: this.padding,
      activation: this.activation, use_bias: this.useBias,
    };
  }
}

export interface MaxPooling2DArgs {
  poolSize?: number | [number, number];
  strides?: number | [number, number];
  padding?: Padding;
  inputShape?: number[];
}

export class MaxPooling2D extends Layer {
  readonly className = 'MaxPooling2D';
  readonly poolSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;

  constructor(args: MaxPooling2DArgs = {}) {
    super(argsOf('MaxPooling2D', args).inputShape);
    this.poolSize = positivePair('MaxPooling2D', 'poolSize', args.poolSize ?? 2);
    this.strides = positivePair('MaxPooling2D', 'strides', args.strides ?? this.poolSize);
    this.padding = checkPadding('MaxPooling2D', args.padding ?? 'valid');
  }

  outputShape(inputShape: Shape): number[] {
    if (inputShape.length !== 3) {
      throw new Error(`${this.name || 'MaxPooling2D'}: expected input of shape [height, width, channels], got [${inputShape}]`);
    }
    const g = pool2dGeometry(this.name || 'MaxPooling2D', [1, ...inputShape], this.poolSize, this.strides, this.padding);
    return [g.outH, g.outW, g.channels];
  }

  call(x: Tensor): Tensor {
    return maxPool2d(x, { poolSize: this.poolSize, strides: this.strides, padding: this.padding });
  }

  config(): Record<string, unknown> {
    return { pool_size: this.poolSize, strides: this.strides, padding: this.padding };
  }
}

export class Flatten extends Layer {
  readonly className = 'Flatten';
  constructor(args: { inputShape?: number[] } = {}) {
    super(argsOf('Flatten', args).inputShape);
  }
  outputShape(inputShape: Shape): number[] {
    return [inputShape.reduce((a, b) => a * b, 1)];
  }
  call(x: Tensor): Tensor {
    return flatten(x);
  }
  config(): Record<string, unknown> {
    return {};
  }
}

export interface DenseArgs {
  units: number;
  activation?: Activation;
  useBias?: boolean;
  inputShape?: number[];
}

export class Dense extends Layer {
  readonly className = 'Dense';
  readonly units: number;
  readonly activation: Activation;
  readonly useBias: boolean;

  constructor(args: DenseArgs) {
    super(argsOf('Dense', args).inputShape);
    if (!Number.isInteger(args.units) || args.units < 1) throw new Error(`Dense: units must be a positive integer, got ${show(args.units)}`);
    this.units = args.units;
    this.activation = checkActivation('Dense', args.activation ?? 'linear');
    this.useBias = checkBool('Dense', 'useBias', args.useBias ?? true);
  }

  override weightSpecs(inputShape: Shape): WeightSpec[] {
    const specs: WeightSpec[] = [{ name: 'kernel', shape: [inputShape[inputShape.length - 1], this.units], init: 'glorotUniform' }];
    if (this.useBias) specs.push({ name: 'bias', shape: [this.units], init: 'zeros' });
    return specs;
  }

  /** As Keras's: on [..., features] it maps the last axis (e.g. each token of a sequence). */
  outputShape(inputShape: Shape): number[] {
    if (inputShape.length < 1) throw new Error(`${this.name || 'Dense'}: expected an input [..., features], got [${inputShape}]`);
    return [...inputShape.slice(0, -1), this.units];
  }

  call(x: Tensor, weights: readonly Tensor[]): Tensor {
    const rows = x.rank > 2 ? reshape(x, [-1, x.shape[x.rank - 1]]) : x;
    const y = activate(dense(rows, weights[0], this.useBias ? weights[1] : null), this.activation);
    return x.rank > 2 ? reshape(y, [...x.shape.slice(0, -1), this.units]) : y;
  }

  config(): Record<string, unknown> {
    return { units: this.units, activation: this.activation, use_bias: this.useBias };
  }
}
