/**
 * DepthwiseConv2D: each input channel convolved with its own `depthMultiplier` filters
 * (depthwise_kernel [kH, kW, inC, multiplier], TensorFlow's layout); output channel
 * c·multiplier + m, as TensorFlow orders them.
 */
import type { Padding, Shape } from '../../backends/backend.js';
import { depthwiseConv2d } from '../../ops/conv-variants.js';
import { conv2dGeometry } from '../../ops/geometry.js';
import type { Tensor } from '../../tensor.js';
import { checkRegularizer, type Regularizer } from '../regularizers.js';
import { type Activation, Layer, type WeightSpec, argsOf, checkPositiveInt, expectImage, withFusedRelu } from './base.js';
import { type ConvWindowArgs, convWindow } from './conv-window.js';

export interface DepthwiseConv2DArgs extends ConvWindowArgs {
  /** Filters per input channel (default 1). */
  depthMultiplier?: number;
  /** Keras's depthwise_regularizer: l1·Σ|w| + l2·Σw² added to the loss. */
  depthwiseRegularizer?: { l1?: number; l2?: number } | null;
  inputShape?: number[];
}

export class DepthwiseConv2D extends Layer {
  readonly className = 'DepthwiseConv2D';
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;
  readonly depthMultiplier: number;
  readonly activation: Activation;
  readonly useBias: boolean;
  readonly depthwiseRegularizer: Regularizer | null;

  constructor(args: DepthwiseConv2DArgs) {
    super(argsOf('DepthwiseConv2D', args).inputShape);
    ({ kernelSize: this.kernelSize, strides: this.strides, padding: this.padding, activation: this.activation, useBias: this.useBias } = convWindow('DepthwiseConv2D', args));
    this.depthMultiplier = checkPositiveInt('DepthwiseConv2D', 'depthMultiplier', args.depthMultiplier ?? 1);
    this.depthwiseRegularizer = checkRegularizer('DepthwiseConv2D', 'depthwiseRegularizer', args.depthwiseRegularizer);
  }

  override weightSpecs(inputShape: Shape): WeightSpec[] {
    const c = inputShape[2];
    const specs: WeightSpec[] = [
      { name: 'depthwise_kernel', shape: [...this.kernelSize, c, this.depthMultiplier], init: 'glorotUniform', regularizer: this.depthwiseRegularizer },
    ];
    if (this.useBias) specs.push({ name: 'bias', shape: [c * this.depthMultiplier], init: 'zeros' });
    return specs;
  }

  outputShape(inputShape: Shape): number[] {
    expectImage(this.label, inputShape);
    const c = inputShape[2];
    // The geometry of the equivalent grouped conv (one group per channel).
    const g = conv2dGeometry(this.label, [1, ...inputShape], [...this.kernelSize, c, c * this.depthMultiplier], this.strides, this.padding);
    return [g.outH, g.outW, c * this.depthMultiplier];
  }

  call(x: Tensor, weights: readonly Tensor[]): Tensor {
    return withFusedRelu(this.activation, (fused) => depthwiseConv2d(x, weights[0], {
      strides: this.strides,
      padding: this.padding,
      bias: this.useBias ? weights[1] : null,
      activation: fused,
    }));
  }

  config(): Record<string, unknown> {
    return {
      kernel_size: this.kernelSize, strides: this.strides, padding: this.padding, depth_multiplier: this.depthMultiplier,
      activation: this.activation, use_bias: this.useBias,
      ...(this.depthwiseRegularizer ? { depthwise_regularizer: { ...this.depthwiseRegularizer } } : {}),
    };
  }
}
