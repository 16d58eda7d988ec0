/**
 * The base of layers that take several inputs (Add, Concatenate, MultiHeadAttention). Layer's
 * single-input methods are the one-input case, so code written against Layer keeps working.
 */
import type { Shape } from '../../backends/backend.js';
import type { Tensor } from '../../tensor.js';
import type { CallContext } from '../call-context.js';
import type { MultiInput } from '../functional/symbolic.js';
import { Layer, type WeightSpec } from './base.js';

export abstract class MultiInputLayer extends Layer implements MultiInput {
  abstract readonly minInputs: number;
  abstract readonly maxInputs: number;
  abstract outputShapeOf(inputShapes: readonly Shape[]): number[];
  weightSpecsOf(_inputShapes: readonly Shape[]): WeightSpec[] {
    return [];
  }
  abstract callOn(xs: readonly Tensor[], weights: readonly Tensor[], ctx: CallContext): Tensor;

  outputShape(inputShape: Shape): number[] {
    return this.outputShapeOf([inputShape]);
  }
  override weightSpecs(inputShape: Shape): WeightSpec[] {
    return this.weightSpecsOf([inputShape]);
  }
  call(x: Tensor, weights: readonly Tensor[], ctx: CallContext): Tensor {
    return this.callOn([x], weights, ctx);
  }
}

/** The options of a layer without settings of its own (Add). */
export function optionsObject<A extends object>(layer: string, args: A | undefined): A {
  if (args === undefined) return {} as A;
  if (typeof args !== 'object' || args === null || Array.isArray(args)) throw new Error(`${layer}: expected an options object, got ${JSON.stringify(args)}`);
  return args;
}
