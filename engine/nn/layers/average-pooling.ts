/**
 * AveragePooling2D (padded taps are not counted in an average, as in TensorFlow), and the global
 * poolings GlobalAveragePooling2D and GlobalMaxPooling2D ([height, width, channels] -> [channels]).
 * Their ops are in the ./ops subpath, so these layers are in ./layers.
 */
import type { Shape } from '../../backends/backend.js';
import { avgPool2d, globalAvgPool2d, globalMaxPool2d } from '../../ops/pooling.js';
import type { Tensor } from '../../tensor.js';
import { Layer, argsOf, expectImage } from './base.js';
import { Pooling2D, type Pooling2DArgs } from './pooling.js';

export type AveragePooling2DArgs = Pooling2DArgs;

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
