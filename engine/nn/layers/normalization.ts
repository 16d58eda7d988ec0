/**
 * Normalisation layers over the last axis (channels last, Keras's axis = -1):
 * - BatchNormalization: in training passes, the batch's mean and (biased) variance over every
 *   axis but the last, and the moving statistics updated as
 *   moving = moving·momentum + batch·(1 − momentum) (CallContext.addUpdate, applied at the end
 *   of the step); in inference passes, the moving statistics. Weights in Keras's order: gamma,
 *   beta (trainable), moving_mean, moving_variance (non-trainable). A frozen BatchNormalization
 *   (trainable = false) runs in inference mode even in fit and leaves its statistics alone, as
 *   Keras does since TensorFlow 2.0 (what transfer learning wants).
 * - LayerNormalization: each sample normalised over its last axis, then gamma and beta.
 */
import type { Shape } from '../../backends/backend.js';
import { sub } from '../../ops/binary.js';
import { batchNorm, batchNormTraining, layerNorm } from '../../ops/normalization.js';
import { scale as scaleBy } from '../../ops/unary.js';
import type { Tensor } from '../../tensor.js';
import type { CallContext } from '../call-context.js';
import { show } from '../show.js';
import { Layer, type WeightSpec, argsOf, checkBool } from './base.js';

function checkEpsilon(layer: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new Error(`${layer}: epsilon must be a finite number > 0, got ${show(v)}`);
  return v;
}

function checkLastAxis(layer: string, axis: unknown): void {
  if (axis !== undefined && axis !== -1) throw new Error(`${layer}: only axis -1 (the last, channels) is supported, got ${show(axis)}`);
}

function expectChannels(layer: string, inputShape: Shape): void {
  if (inputShape.length < 1) throw new Error(`${layer}: expected an input with a channel axis (last), got [${inputShape}]`);
}

/** gamma then beta, each when the layer's options ask for it (Keras's order). */
function affineSpecs(inputShape: Shape, center: boolean, scale: boolean): WeightSpec[] {
  const c = [inputShape[inputShape.length - 1]];
  const specs: WeightSpec[] = [];
  if (scale) specs.push({ name: 'gamma', shape: c, init: 'ones' });
  if (center) specs.push({ name: 'beta', shape: c, init: 'zeros' });
  return specs;
}

export interface BatchNormalizationArgs {
  /** Only -1 (the last axis). */
  axis?: number;
  /** Keras's default 0.99. */
  momentum?: number;
  /** Keras's default 1e-3. */
  epsilon?: number;
  /** Learn beta (default true). */
  center?: boolean;
  /** Learn gamma (default true). */
  scale?: boolean;
  inputShape?: number[];
}

export class BatchNormalization extends Layer {
  readonly className = 'BatchNormalization';
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;

  constructor(args: BatchNormalizationArgs = {}) {
    super(argsOf('BatchNormalization', args).inputShape);
    checkLastAxis('BatchNormalization', args.axis);
    const momentum = args.momentum ?? 0.99;
    if (typeof momentum !== 'number' || !(momentum >= 0 && momentum <= 1)) throw new Error(`BatchNormalization: momentum must be a number in [0, 1], got ${show(momentum)}`);
    this.momentum = momentum;
    this.epsilon = checkEpsilon('BatchNormalization', args.epsilon ?? 1e-3);
    this.center = checkBool('BatchNormalization', 'center', args.center ?? true);
    this.scale = checkBool('BatchNormalization', 'scale', args.scale ?? true);
  }

  override weightSpecs(inputShape: Shape): WeightSpec[] {
    const c = [inputShape[inputShape.length - 1]];
    return [
      ...affineSpecs(inputShape, this.center, this.scale),
      { name: 'moving_mean', shape: c, init: 'zeros', trainable: false },
      { name: 'moving_variance', shape: c, init: 'ones', trainable: false },
    ];
  }

  outputShape(inputShape: Shape): number[] {
    expectChannels(this.label, inputShape);
    return [...inputShape];
  }

  call(x: Tensor, weights: readonly Tensor[], ctx: CallContext): Tensor {
    let i = 0;
    const gamma = this.scale ? weights[i++] : null;
    const beta = this.center ? weights[i++] : null;
    const movingMean = weights[i++];
    const movingVariance = weights[i];
    if (!ctx.training || !this.trainable) {
      return batchNorm(x, { mean: movingMean, variance: movingVariance, scale: gamma, offset: beta, epsilon: this.epsilon });
    }
    const { y, mean, variance } = batchNormTraining(x, { scale: gamma, offset: beta, epsilon: this.epsilon });
    // moving − (moving − batch)·(1 − momentum), the form Keras and tfjs compute.
    const decay = 1 - this.momentum;
    ctx.addUpdate(movingMean, sub(movingMean, scaleBy(sub(movingMean, mean), decay)));
    ctx.addUpdate(movingVariance, sub(movingVariance, scaleBy(sub(movingVariance, variance), decay)));
    return y;
  }

  config(): Record<string, unknown> {
    return { axis: -1, momentum: this.momentum, epsilon: this.epsilon, center: this.center, scale: this.scale };
  }
}

export interface LayerNormalizationArgs {
  /** Only -1 (the last axis). */
  axis?: number;
  /** Keras's default 1e-3. */
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  inputShape?: number[];
}

export class LayerNormalization extends Layer {
  readonly className = 'LayerNormalization';
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;

  constructor(args: LayerNormalizationArgs = {}) {
    super(argsOf('LayerNormalization', args).inputShape);
    checkLastAxis('LayerNormalization', args.axis);
    this.epsilon = checkEpsilon('LayerNormalization', args.epsilon ?? 1e-3);
    this.center = checkBool('LayerNormalization', 'center', args.center ?? true);
    this.scale = checkBool('LayerNormalization', 'scale', args.scale ?? true);
  }

  override weightSpecs(inputShape: Shape): WeightSpec[] {
    return affineSpecs(inputShape, this.center, this.scale);
  }

  outputShape(inputShape: Shape): number[] {
    expectChannels(this.label, inputShape);
    return [...inputShape];
  }

  call(x: Tensor, weights: readonly Tensor[]): Tensor {
    let i = 0;
    const gamma = this.scale ? weights[i++] : null;
    const beta = this.center ? weights[i] : null;
    return layerNorm(x, { scale: gamma, offset: beta, epsilon: this.epsilon });
  }

  config(): Record<string, unknown> {
    return { axis: -1, epsilon: this.epsilon, center: this.center, scale: this.scale };
  }
}
