/** Dense: y = activation(x·kernel + bias) over a flat input [features]. */
import type { Shape } from '../../backends/backend.js';
import { dense } from '../../ops/matmul.js';
import type { Tensor } from '../../tensor.js';
import { checkRegularizer, type Regularizer } from '../regularizers.js';
import { type Activation, Layer, type WeightSpec, activate, argsOf, checkActivation, checkBool, checkPositiveInt } from './base.js';

export interface DenseArgs {
  units: number;
  activation?: Activation;
  useBias?: boolean;
  /** Keras's kernel_regularizer: l1·Σ|w| + l2·Σw² added to the loss. */
  kernelRegularizer?: { l1?: number; l2?: number } | null;
  inputShape?: number[];
}

export class Dense extends Layer {
  readonly className = 'Dense';
  readonly units: number;
  readonly activation: Activation;
  readonly useBias: boolean;
  readonly kernelRegularizer: Regularizer | null;

  constructor(args: DenseArgs) {
    super(argsOf('Dense', args).inputShape);
    this.units = checkPositiveInt('Dense', 'units', args.units);
    this.activation = checkActivation('Dense', args.activation ?? 'linear');
    this.useBias = checkBool('Dense', 'useBias', args.useBias ?? true);
    this.kernelRegularizer = checkRegularizer('Dense', 'kernelRegularizer', args.kernelRegularizer);
  }

  override weightSpecs(inputShape: Shape): WeightSpec[] {
    const specs: WeightSpec[] = [{ name: 'kernel', shape: [inputShape[0], this.units], init: 'glorotUniform', regularizer: this.kernelRegularizer }];
    if (this.useBias) specs.push({ name: 'bias', shape: [this.units], init: 'zeros' });
    return specs;
  }

  outputShape(inputShape: Shape): number[] {
    if (inputShape.length !== 1) {
      throw new Error(`${this.label}: expected a flat input [features], got [${inputShape}]; add a Flatten layer first`);
    }
    return [this.units];
  }

  call(x: Tensor, weights: readonly Tensor[]): Tensor {
    return activate(dense(x, weights[0], this.useBias ? weights[1] : null), this.activation);
  }

  config(): Record<string, unknown> {
    return {
      units: this.units, activation: this.activation, use_bias: this.useBias,
      ...(this.kernelRegularizer ? { kernel_regularizer: { ...this.kernelRegularizer } } : {}),
    };
  }
}
