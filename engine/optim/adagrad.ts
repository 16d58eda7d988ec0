/**
 * Adagrad with Keras 3 semantics and defaults (learningRate 1e-3, initialAccumulatorValue 0.1,
 * epsilon 1e-7):
 *   w -= lr * weightDecay * w                  (only with weightDecay)
 *   accumulator += g^2
 *   w -= lr * g / sqrt(accumulator + epsilon)
 * One slot, 'accumulator', which starts at initialAccumulatorValue. One kernel call per
 * update (see optimizer.ts).
 */
import type { KernelTable, TensorData } from '../backends/backend.js';
import { FlatOptimizer, type OptimizerBaseOptions, type OptimizerConfig, OptionReader, type StepValues } from './optimizer.js';

export interface AdagradOptions extends OptimizerBaseOptions {
  initialAccumulatorValue?: number;
  epsilon?: number;
}

export class Adagrad extends FlatOptimizer {
  readonly className = 'Adagrad';
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;

  constructor(options: AdagradOptions = {}) {
    const o = new OptionReader('Adagrad', options, ['initialAccumulatorValue', 'epsilon']);
    super(o, { learningRate: 0.001 });
    this.initialAccumulatorValue = o.nonNegative('initialAccumulatorValue', 0.1);
    this.epsilon = o.positive('epsilon', 1e-7);
  }

  slotNames(): readonly string[] {
    return ['accumulator'];
  }

  protected override initialSlotValue(): number {
    return this.initialAccumulatorValue;
  }

  protected ownConfig(): OptimizerConfig {
    return { initialAccumulatorValue: this.initialAccumulatorValue, epsilon: this.epsilon };
  }

  protected update(k: KernelTable<unknown>, param: TensorData, grad: TensorData, [accumulator]: readonly TensorData[], s: StepValues): void {
    k.adagrad(param, grad, accumulator, { learningRate: s.learningRate, epsilon: this.epsilon, decay: s.decay });
  }
}
