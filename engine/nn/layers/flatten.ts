/** Flatten: [batch, ...] -> [batch, features], sharing storage with its input (Keras's Flatten). */
import type { Shape } from '../../backends/backend.js';
import { flatten } from '../../ops/reshape.js';
import type { Tensor } from '../../tensor.js';
import { Layer, argsOf } from './base.js';

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
