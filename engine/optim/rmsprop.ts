/**
 * RMSprop with Keras 3 semantics and defaults (learningRate 1e-3, rho 0.9, momentum 0,
 * epsilon 1e-7, centered false). Keras 3 adds epsilon inside the square root:
 *   w -= lr * weightDecay * w                           (only with weightDecay)
 *   velocity = rho * velocity + (1 - rho) * g^2
 *   centered: average = rho * average + (1 - rho) * g;  denominator = velocity - average^2 + epsilon
 *   else:     denominator = velocity + epsilon
 *   increment = lr * g / sqrt(denominator)
 *   momentum > 0: mom = momentum * mom + increment; w -= mom.   else: w -= increment
 * Slots, as Keras names them: velocity, then momentum (when momentum > 0), then
 * average_gradient (when centered). One kernel call per update (see optimizer.ts).
 */
import type { KernelTable, TensorData } from '../backends/backend.js';
import { FlatOptimizer, type OptimizerBaseOptions, type OptimizerConfig, OptionReader, type StepValues } from './optimizer.js';

export interface RmspropOptions extends OptimizerBaseOptions {
  rho?: number;
  momentum?: number;
  epsilon?: number;
  centered?: boolean;
}

export class RMSprop extends FlatOptimizer {
  readonly className = 'RMSprop';
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly centered: boolean;

  constructor(options: RmspropOptions = {}) {
    const o = new OptionReader('RMSprop', options, ['rho', 'momentum', 'epsilon', 'centered']);
    super(o, { learningRate: 0.001 });
    this.rho = o.fraction('rho', 0.9);
    this.momentum = o.fraction('momentum', 0);
    this.epsilon = o.positive('epsilon', 1e-7);
    this.centered = o.bool('centered', false);
  }

  slotNames(): readonly string[] {
    return ['velocity', ...(this.momentum > 0 ? ['momentum'] : []), ...(this.centered ? ['average_gradient'] : [])];
  }

  protected ownConfig(): OptimizerConfig {
    return { rho: this.rho, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered };
  }

  protected update(k: KernelTable<unknown>, param: TensorData, grad: TensorData, slots: readonly TensorData[], s: StepValues): void {
    const [velocity, ...rest] = slots;
    const momentum = this.momentum > 0 ? rest.shift()! : null;
    const average = this.centered ? rest.shift()! : null;
    k.rmsprop(param, grad, velocity, momentum, average, {
      learningRate: s.learningRate, rho: this.rho, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered, decay: s.decay,
    });
  }
}
