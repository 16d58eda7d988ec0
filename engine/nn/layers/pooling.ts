/** Pooling layers over NHWC images: MaxPooling2D. */
import type { Padding, Shape } from '../../backends/backend.js';
import { pool2dGeometry } from '../../ops/geometry.js';
import { maxPool2d } from '../../ops/maxpool2d.js';
import { checkPadding, positivePair } from '../../ops/validate.js';
import type { Tensor } from '../../tensor.js';
import { Layer, argsOf, expectImage } from './base.js';

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
    expectImage(this.label, inputShape);
    const g = pool2dGeometry(this.label, [1, ...inputShape], this.poolSize, this.strides, this.padding);
    return [g.outH, g.outW, g.channels];
  }

  call(x: Tensor): Tensor {
    return maxPool2d(x, { poolSize: this.poolSize, strides: this.strides, padding: this.padding });
  }

  config(): Record<string, unknown> {
    return { pool_size: this.poolSize, strides: this.strides, padding: this.padding };
  }
}
