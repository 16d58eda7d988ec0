/** Reshape: a new shape for each sample, sharing storage with its input. */
import type { Shape } from '../../backends/backend.js';
import { reshape } from '../../ops/reshape.js';
import type { Tensor } from '../../tensor.js';
import { show } from '../show.js';
import { Layer, argsOf } from './base.js';

export interface ReshapeArgs {
  /** The output shape without the batch axis; one entry may be -1 (inferred). */
  targetShape: number[];
  inputShape?: number[];
}

export class Reshape extends Layer {
  readonly className = 'Reshape';
  readonly targetShape: number[];

  constructor(args: ReshapeArgs) {
    super(argsOf('Reshape', args).inputShape);
    const t = args.targetShape as unknown;
    const ok = Array.isArray(t) && t.length > 0 && t.every((d) => Number.isInteger(d) && (d >= 1 || d === -1)) && t.filter((d) => d === -1).length <= 1;
    if (!ok) throw new Error(`Reshape: targetShape must be a non-empty array of positive integers with at most one -1 (no batch axis), got ${show(t)}`);
    this.targetShape = [...(t as number[])];
  }

  outputShape(inputShape: Shape): number[] {
    const size = inputShape.reduce((a, b) => a * b, 1);
    const known = this.targetShape.reduce((a, d) => (d === -1 ? a : a * d), 1);
    const inferred = this.targetShape.includes(-1);
    if (inferred ? size % known !== 0 : size !== known) {
      throw new Error(`${this.label}: cannot reshape an input of shape [${inputShape}] (${size} values per sample) to [${this.targetShape}]${inferred ? '' : ` (${known} values)`}`);
    }
    return this.targetShape.map((d) => (d === -1 ? size / known : d));
  }

  call(x: Tensor): Tensor {
    return reshape(x, [x.shape[0], ...this.outputShape(x.shape.slice(1))]);
  }

  config(): Record<string, unknown> {
    return { target_shape: this.targetShape };
  }
}
