/**
 * What a layer's forward pass is told about the pass it is in (Keras's `training` argument),
 * and how a layer changes its non-trainable state during a training step.
 *
 * - `training`: true in fit's training steps (and trainStep); false in evaluate, predict and a
 *   plain model.apply(x). Dropout drops only when it is true; BatchNormalization uses the
 *   batch's statistics when it is true, its moving statistics otherwise.
 * - `addUpdate(target, value)`: a layer schedules one of its non-trainable weights (BN's moving
 *   mean and variance) to take a new value. The training step applies the updates after the
 *   backward pass and the optimizer update, as device-side copies recorded into the same
 *   command encoder, so a step is still one submit. Outside training there are none to apply.
 * - `seedFor(layer)`: the seed of a random op for this step: a hash of the step number (the
 *   optimizer's iteration count, which checkpoints keep, so a resumed run drops the same
 *   elements as an uninterrupted one) and the layer's name.
 */
import { mix32 } from '../counter-hash.js';
import type { Tensor } from '../tensor.js';

export interface CallContextOptions {
  training: boolean;
  /** The training step's number (optimizer iterations before the step); seeds dropout. */
  step?: number;
}

interface Update {
  readonly target: Tensor;
  readonly value: Tensor;
}

export class CallContext {
  readonly training: boolean;
  readonly step: number;
  private readonly updates: Update[] = [];

  constructor(options: CallContextOptions) {
    if (typeof options?.training !== 'boolean') throw new Error(`CallContext: training must be true or false, got ${String(options?.training)}`);
    this.training = options.training;
    this.step = options.step ?? 0;
    if (!Number.isInteger(this.step) || this.step < 0) throw new Error(`CallContext: step must be an integer >= 0, got ${String(options.step)}`);
  }

  /** Schedules `target` (a non-trainable weight) to be overwritten with `value` at the end of the step. */
  addUpdate(target: Tensor, value: Tensor): void {
    if (!this.training) throw new Error('CallContext.addUpdate: state updates happen only in training steps (training is false)');
    if (target.size !== value.size || target.dtype !== value.dtype) {
      throw new Error(`CallContext.addUpdate: the value [${value.shape}] ${value.dtype} does not fit the target [${target.shape}] ${target.dtype}`);
    }
    if (target.requiresGrad) throw new Error(`CallContext.addUpdate: the target [${target.shape}] is a trainable weight; only non-trainable state may be updated this way`);
    this.updates.push({ target, value });
  }

  /** Number of updates scheduled so far. */
  get pendingUpdates(): number {
    return this.updates.length;
  }

  /** Copies every scheduled value into its target, in the order scheduled (recorded, not submitted). */
  applyUpdates(): void {
    for (const { target, value } of this.updates) target.backend.kernels.copyInto(value.handle, target.handle);
    this.updates.length = 0;
  }

  /** A seed in [0, 2^32) for a random op of `layerName` in this step; `salt` is the layer's own seed, if it has one. */
  seedFor(layerName: string, salt = 0): number {
    let h = mix32((this.step >>> 0) ^ 0x85ebca6b);
    h = mix32((h ^ (salt >>> 0)) >>> 0);
    for (let i = 0; i < layerName.length; i++) h = mix32((h ^ layerName.charCodeAt(i)) >>> 0);
    return h;
  }
}

/** The context of evaluate, predict and model.apply(x) without options. */
export const INFERENCE = new CallContext({ training: false });
