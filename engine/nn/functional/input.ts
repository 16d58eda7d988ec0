/** input(): the start of a functional graph, a SymbolicTensor produced by an InputLayer node. */
import type { Shape } from '../../backends/backend.js';
import type { Tensor } from '../../tensor.js';
import { Layer } from '../layers/base.js';
import { show } from '../show.js';
import { inputNode, type SymbolicTensor } from './symbolic.js';

/** Keras's InputLayer: it passes its batch through; a model checks the batch's shape against it. */
export class InputLayer extends Layer {
  readonly className = 'InputLayer';
  constructor(shape: readonly number[]) {
    super(shape);
  }
  outputShape(inputShape: Shape): number[] {
    return [...inputShape];
  }
  call(x: Tensor): Tensor {
    return x;
  }
  config(): Record<string, unknown> {
    return { batch_input_shape: [null, ...this.inputShape!] };
  }
}

export interface InputArgs {
  /** The shape of one sample, without the batch axis, e.g. [28, 28, 1]. */
  shape: number[];
  /** The InputLayer's name (default: input_layer, input_layer_1, ... given by the model). */
  name?: string;
}

/** Keras's `Input(shape)`: a symbolic batch of samples of `shape`. */
export function input(args: InputArgs): SymbolicTensor {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    throw new Error(`input: expected { shape: [...] } (the shape of one sample, no batch axis), got ${show(args)}`);
  }
  const { shape, name } = args;
  const ok = Array.isArray(shape) && shape.length > 0 && shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 1);
  if (!ok) throw new Error(`input: shape must be a non-empty array of positive integers (no batch axis), got ${show(shape)}`);
  if (name !== undefined && (typeof name !== 'string' || name === '')) throw new Error(`input: name must be a non-empty string, got ${show(name)}`);
  const layer = new InputLayer(shape);
  if (name) layer.name = name;
  return inputNode(layer, shape);
}
