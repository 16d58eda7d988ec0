/**
 * Keras's Activation layer: an activation function as a layer of its own. Named ActivationLayer
 * here because `Activation` is the type of the activation names; its className is 'Activation'.
 */
import type { Shape } from '../../backends/backend.js';
import type { Tensor } from '../../tensor.js';
import { EXTENDED_ACTIVATIONS } from './activation-functions.js';
import { type Activation, Layer, activate, argsOf, checkActivation, registerActivations } from './base.js';

export interface ActivationArgs {
  activation: Activation;
  inputShape?: number[];
}

export class ActivationLayer extends Layer {
  readonly className = 'Activation';
  readonly activation: Activation;

  constructor(args: ActivationArgs) {
    super(argsOf('ActivationLayer', args).inputShape);
    registerActivations(EXTENDED_ACTIVATIONS);
    this.activation = checkActivation('ActivationLayer', args.activation);
  }

  outputShape(inputShape: Shape): number[] {
    // softmax normalises the last axis, which must exist (Keras's input is at least [features]).
    if (inputShape.length < 1) throw new Error(`${this.label}: expected an input with at least one axis besides the batch, got [${inputShape}]`);
    return [...inputShape];
  }

  call(x: Tensor): Tensor {
    return activate(x, this.activation);
  }

  config(): Record<string, unknown> {
    return { activation: this.activation };
  }
}
