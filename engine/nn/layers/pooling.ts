/**
 * Pooling layers over NHWC images: MaxPooling2D and AveragePooling2D (windows; padded taps are
 * not counted in an average, as in TensorFlow), GlobalAveragePooling2D and GlobalMaxPooling2D
 * ([height, width, channels] -> [channels]).
 */
import type { Padding, Shape } from '../../backends/backend.js';
import { pool2dGeometry } from '../../ops/geometry.js';
import { maxPool2d } from '../../ops/maxpool2d.js';
import { avgPool2d, globalAvgPool2d, globalMaxPool2d } from '../../ops/pooling.js';
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
export type AveragePooling2DArgs = Pooling2DArgs;

abstract class Pooling2D extends Layer {
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

export class AveragePooling2D extends Pooling2D {
  readonly className = 'AveragePooling2D';
  constructor(args: AveragePooling2DArgs = {}) {
    super('AveragePooling2D', args);
  }
  call(x: Tensor): Tensor {
    return avgPool2d(x, { poolSize: this.poolSize, strides: this.strides, padding: this.padding });
  }
}

abstract class GlobalPooling2D extends Layer {
  protected constructor(className: string, args: { inputShape?: number[] }) {
    super(argsOf(className, args).inputShape);
  }
  outputShape(inputShape: Shape): number[] {
    expectImage(this.label, inputShape);
    return [inputShape[2]];
  }
  config(): Record<string, unknown> {
    return {};
  }
}

export class GlobalAveragePooling2D extends GlobalPooling2D {
  readonly className = 'GlobalAveragePooling2D';
  constructor(args: { inputShape?: number[] } = {}) {
    super('GlobalAveragePooling2D', args);
  }
  call(x: Tensor): Tensor {
    return globalAvgPool2d(x);
  }
}

export class GlobalMaxPooling2D extends GlobalPooling2D {
  readonly className = 'GlobalMaxPooling2D';
  constructor(args: { inputShape?: number[] } = {}) {
    super('GlobalMaxPooling2D', args);
  }
  call(x: Tensor): Tensor {
    return globalMaxPool2d(x);
  }
}
