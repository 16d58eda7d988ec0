/**
 * Adam and AdamW with Keras 3 semantics and defaults (learningRate 1e-3, beta1 0.9,
 * beta2 0.999, epsilon 1e-7; AdamW adds weightDecay 0.004):
 *   lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t)
 *   w -= lr * weightDecay * w            (decoupled weight decay: AdamW, or any weightDecay)
 *   m = beta1*m + (1-beta1)*g;  v = beta2*v + (1-beta2)*g^2
 *   w -= lr_t * m / (sqrt(v) + epsilon)
 * epsilon is added to sqrt(v), not to the bias-corrected sqrt(v_hat) (TensorFlow.js's
 * tf.train.adam does the latter; the two differ in the first steps). Keras's amsgrad is not
 * offered. One kernel call updates every parameter of a ParameterStore (see optimizer.ts).
 */
import type { AdamStepScalars, KernelTable, TensorData } from '../backends/backend.js';
import { FlatOptimizer, type OptimizerBaseOptions, type OptimizerConfig, OptionReader, type StepValues } from './optimizer.js';

export interface AdamOptions extends OptimizerBaseOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

const ADAM_OPTIONS = ['beta1', 'beta2', 'epsilon'] as const;

export class Adam extends FlatOptimizer {
  readonly className: string = 'Adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  /** `defaults` is for subclasses (AdamW): the class name errors and checkpoints use, and the default weight decay. */
  constructor(options: AdamOptions = {}, defaults: { className: string; weightDecay: number } = { className: 'Adam', weightDecay: 0 }) {
    const o = new OptionReader(defaults.className, options, ADAM_OPTIONS);
    super(o, { learningRate: 0.001, weightDecay: defaults.weightDecay });
    this.className = defaults.className;
    this.epsilon = o.positive('epsilon', 1e-7);
    this.beta1 = o.fraction('beta1', 0.9);
    this.beta2 = o.fraction('beta2', 0.999);
  }

  slotNames(): readonly string[] {
    return ['m', 'v'];
  }

  protected ownConfig(): OptimizerConfig {
    return { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }

  /** The scalars of step t (1-based) at learning rate lr (default: the current one). */
  stepScalars(t: number, lr = this.learningRate, decay = lr * this.weightDecay): AdamStepScalars {
    const stepSize = (lr * Math.sqrt(1 - this.beta2 ** t)) / (1 - this.beta1 ** t);
    return { stepSize, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, decay };
  }

  protected update(k: KernelTable<unknown>, param: TensorData, grad: TensorData, [m, v]: readonly TensorData[], s: StepValues): void {
    k.adam(param, grad, m, v, this.stepScalars(s.step, s.learningRate, s.decay));
  }
}

/** Keras's AdamW: Adam whose weightDecay defaults to 0.004 (decoupled: w -= lr * weightDecay * w each step). */
export class AdamW extends Adam {
  constructor(options: AdamOptions = {}) {
    super(options, { className: 'AdamW', weightDecay: 0.004 });
  }
}
