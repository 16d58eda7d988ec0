/**
 * Dropout: in training passes, each element is zeroed with probability `rate` and the others
 * scaled by 1/(1 − rate) (inverted dropout, as Keras); in inference passes, the identity.
 * The mask's seed changes every step (CallContext.seedFor: the step number and the layer's
 * name, mixed with the layer's own `seed` when given), so it is the same on CPU and WebGPU
 * and in a resumed run.
 */
import type { Shape } from '../../backends/backend.js';
import { dropout } from '../../ops/dropout.js';
import type { Tensor } from '../../tensor.js';
import type { CallContext } from '../call-context.js';
import { show } from '../show.js';
import { Layer, argsOf } from './base.js';

export interface DropoutArgs {
  /** Fraction of elements dropped, in [0, 1). */
  rate: number;
  /** Mixed into each step's seed (Keras's seed); default none. */
  seed?: number | null;
  inputShape?: number[];
}

export class Dropout extends Layer {
  readonly className = 'Dropout';
  readonly rate: number;
  readonly seed: number | null;

  constructor(args: DropoutArgs) {
    super(argsOf('Dropout', args).inputShape);
    if (typeof args.rate !== 'number' || !(args.rate >= 0 && args.rate < 1)) throw new Error(`Dropout: rate must be a number in [0, 1), got ${show(args.rate)}`);
    this.rate = args.rate;
    const seed = args.seed ?? null;
    if (seed !== null && (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)) throw new Error(`Dropout: seed must be an integer in [0, 2^32) or null, got ${show(seed)}`);
    this.seed = seed;
  }

  outputShape(inputShape: Shape): number[] {
    return [...inputShape];
  }

  call(x: Tensor, _weights: readonly Tensor[], ctx: CallContext): Tensor {
    if (!ctx.training || this.rate === 0) return x;
    return dropout(x, this.rate, ctx.seedFor(this.label, this.seed ?? 0));
  }

  config(): Record<string, unknown> {
    return { rate: this.rate, noise_shape: null, seed: this.seed };
  }
}
