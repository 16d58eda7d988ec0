/**
 * SGD with Keras 3 semantics and defaults (learningRate 0.01, momentum 0, nesterov false):
 *   w -= lr * weightDecay * w                         (only with weightDecay)
 *   momentum 0:  w -= lr * g                          (no slot)
 *   else:        velocity = momentum * velocity - lr * g
 *                w += velocity, or with Nesterov w += momentum * velocity - lr * g
 * One kernel call updates every parameter of a ParameterStore (see optimizer.ts).
 */
import type { KernelTable, TensorData } from '../backends/backend.js';
import { FlatOptimizer, type OptimizerBaseOptions, type OptimizerConfig, OptionReader, type StepValues } from './optimizer.js';

export interface SgdOptions extends OptimizerBaseOptions {
  /** In [0, 1] (Keras's range). */
  momentum?: number;
  nesterov?: boolean;
}

export class SGD extends FlatOptimizer {
  readonly className = 'SGD';
  readonly momentum: number;
  readonly nesterov: boolean;

  constructor(options: SgdOptions = {}) {
    const o = new OptionReader('SGD', options, ['momentum', 'nesterov']);
    super(o, { learningRate: 0.01 });
    this.momentum = o.fraction('momentum', 0, true);
    this.nesterov = o.bool('nesterov', false);
  }

  /** Keras keeps a 'momentum' slot only when momentum is not 0. */
  slotNames(): readonly string[] {
    return this.momentum === 0 ? [] : ['momentum'];
  }

  protected ownConfig(): OptimizerConfig {
    return { momentum: this.momentum, nesterov: this.nesterov };
  }

  protected update(k: KernelTable<unknown>, param: TensorData, grad: TensorData, slots: readonly TensorData[], s: StepValues): void {
    k.sgd(param, grad, slots[0] ?? null, { learningRate: s.learningRate, momentum: this.momentum, nesterov: this.nesterov, decay: s.decay });
  }
}
