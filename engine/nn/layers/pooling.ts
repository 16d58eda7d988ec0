/** Window pooling over NHWC images: the shared base, and MaxPooling2D. */
import type { Padding, Shape } from '../../backends/backend.js';
import { pool2dGeometry } from '../../ops/geometry.js';
import { maxPool2d } from '../../ops/maxpool2d.js';
import { checkPadding, positivePair } from '../../ops/validate.js';
import type { Tensor } from '../../tensor.js';
import { Layer, argsOf, expectImage } from './base.js';

export interface Pooling2DArgs {
  poolSize?: number | [number, number];
  /** Default: poolSize. */
  strides?: number | [number, number];
  padding?: Padding;
  inputShape?: number[];
}
export type MaxPooling2DArgs = Pooling2DArgs;

export abstract class Pooling2D extends Layer {
  readonly poolSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;

  protected constructor(className: string, args: Pooling2DArgs) {
    super(argsOf(className, args).inputShape);
    this.poolSize = positivePair(className, 'poolSize', args.poolSize ?? 2);
    this.strides = positivePair(className, 'strides', args.strides ?? this.poolSize);
    this.padding = checkPadding(className, args.padding ?? 'valid');
  }

  outputShape(inputShape: Shape): number[] {
    expectImage(this.label, inputShape);
    const g = pool2dGeometry(this.label, [1, ...inputShape], this.poolSize, this.strides, this.padding);
    return [g.outH, g.outW, g.channels];
  }

  config(): Record<string, unknown> {
    return { pool_size: this.poolSize, strides: this.strides, padding: this.padding };
  }
}

export class MaxPooling2D extends Pooling2D {
  readonly className = 'MaxPooling2D';
  constructor(args: MaxPooling2DArgs = {}) {
    super('MaxPooling2D', args);
  }
  call(x: Tensor): Tensor {
    return maxPool2d(x, { poolSize: this.poolSize, strides: this.strides, padding: this.padding });
  }
}
