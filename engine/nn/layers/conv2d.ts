/** Conv2D: a 2-D convolution over NHWC images, with an optional fused ReLU. */
import type { Padding, Shape } from '../../backends/backend.js';
import { conv2d } from '../../ops/conv2d.js';
import { conv2dGeometry } from '../../ops/geometry.js';
import type { Tensor } from '../../tensor.js';
import { checkRegularizer, type Regularizer } from '../regularizers.js';
import { type Activation, Layer, type WeightSpec, argsOf, checkPositiveInt, expectImage, withFusedRelu } from './base.js';
import { type ConvWindowArgs, convWindow } from './conv-window.js';

export interface Conv2DArgs extends ConvWindowArgs {
  filters: number;
  /** Keras's kernel_regularizer: l1·Σ|w| + l2·Σw² added to the loss. */
  kernelRegularizer?: { l1?: number; l2?: number } | null;
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
  readonly kernelRegularizer: Regularizer | null;

  constructor(args: Conv2DArgs) {
    super(argsOf('Conv2D', args).inputShape);
    this.filters = checkPositiveInt('Conv2D', 'filters', args.filters);
    ({ kernelSize: this.kernelSize, strides: this.strides, padding: this.padding, activation: this.activation, useBias: this.useBias } = convWindow('Conv2D', args));
    this.kernelRegularizer = checkRegularizer('Conv2D', 'kernelRegularizer', args.kernelRegularizer);
  }

  override weightSpecs(inputShape: Shape): WeightSpec[] {
    const specs: WeightSpec[] = [{ name: 'kernel', shape: [...this.kernelSize, inputShape[2], this.filters], init: 'glorotUniform', regularizer: this.kernelRegularizer }];
    if (this.useBias) specs.push({ name: 'bias', shape: [this.filters], init: 'zeros' });
    return specs;
  }

  outputShape(inputShape: Shape): number[] {
    expectImage(this.label, inputShape);
    const g = conv2dGeometry(this.label, [1, ...inputShape], [...this.kernelSize, inputShape[2], this.filters], this.strides, this.padding);
    return [g.outH, g.outW, g.outC];
  }

  call(x: Tensor, weights: readonly Tensor[]): Tensor {
    return withFusedRelu(this.activation, (fused) => conv2d(x, weights[0], {
      strides: this.strides,
      padding: this.padding,
      bias: this.useBias ? weights[1] : null,
      activation: fused,
    }));
  }

  config(): Record<string, unknown> {
    return {
      filters: this.filters, kernel_size: this.kernelSize, strides: this.strides, padding: this.padding,
      activation: this.activation, use_bias: this.useBias,
      ...(this.kernelRegularizer ? { kernel_regularizer: { ...this.kernelRegularizer } } : {}),
    };
  }
}
