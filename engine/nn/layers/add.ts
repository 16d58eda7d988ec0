/** Keras's Add: the element-wise sum of two or more inputs of one shape (a residual connection). */
import type { Shape } from '../../backends/backend.js';
import { add } from '../../ops/binary.js';
import type { Tensor } from '../../tensor.js';
import { MultiInputLayer, optionsObject } from './multi-input-layer.js';

export class Add extends MultiInputLayer {
  readonly className = 'Add';
  readonly minInputs = 2;
  readonly maxInputs = Infinity;

  constructor(args: Record<string, never> = {}) {
    optionsObject('Add', args);
    super(undefined);
  }

  outputShapeOf(shapes: readonly Shape[]): number[] {
    if (shapes.length < 2) throw new Error(`Add: needs at least 2 inputs, got ${shapes.length}`);
    const first = shapes[0];
    for (const s of shapes) {
      if (s.length !== first.length || s.some((d, i) => d !== first[i])) {
        throw new Error(`Add: every input must have the same shape, got ${shapes.map((t) => `[None, ${t.join(', ')}]`).join(', ')}`);
      }
    }
    return [...first];
  }

  callOn(xs: readonly Tensor[]): Tensor {
    return xs.slice(1).reduce((sum, x) => add(sum, x), xs[0]);
  }

  config(): Record<string, unknown> {
    return {};
  }
}
