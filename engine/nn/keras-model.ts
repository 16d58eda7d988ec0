/**
 * What Sequential and the functional Model share as Keras models: the disposed guard and
 * compile, fit, evaluate and predict, which only forward to training.ts. The subclasses own how
 * layers are connected and where the weights live.
 */
import type { Backend } from '../backends/backend.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { Tensor } from '../tensor.js';
import type { History } from './callbacks.js';
import type { CallContext } from './call-context.js';
import type { ParameterStore } from './parameter-store.js';
import type { TrainableModel } from './trainable-model.js';
import {
  type Compiled, type CompileOptions, type FitOptions, type HostData, compileOptions, evaluate, fit, predict,
} from './training.js';

export abstract class KerasModel implements TrainableModel {
  abstract readonly name: string;
  abstract readonly inputShape: number[];
  abstract readonly outputShape: number[];
  abstract readonly store: ParameterStore;
  abstract readonly parameters: Tensor[];
  private compiled: Compiled | null = null;
  protected disposed = false;

  abstract build(op?: string): unknown;
  abstract apply(x: Tensor, ctx?: CallContext): Tensor;
  abstract regularizationLoss(): Tensor | null;
  abstract getWeights(): Promise<Float32Array[]>;
  abstract setWeights(values: readonly ArrayLike<number>[]): void;
  abstract moveTo(backend: Backend, weights: readonly ArrayLike<number>[]): void;
  /** Frees the weights; every later use of the model throws. Idempotent. */
  abstract dispose(): void;

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** A disposed model stays disposed: rebuilding it would silently bring back fresh random weights. */
  protected assertLive(op: string): void {
    if (this.disposed) throw new Error(`${this.name}.${op}: the model was disposed; make a new model (or load a saved one)`);
  }

  /** Keras's compile: the optimizer, the loss and the metrics. */
  compile(options: CompileOptions = {}): this {
    this.assertLive('compile');
    this.compiled = compileOptions(options);
    return this;
  }

  private requireCompiled(op: string): Compiled {
    this.assertLive(op);
    if (!this.compiled) throw new Error(`${this.name}.${op}: call compile() first`);
    return this.compiled;
  }

  /** The optimizer given to compile(). */
  get optimizer(): Optimizer {
    return this.requireCompiled('optimizer').optimizer;
  }

  fit(x: HostData, y: ArrayLike<number>, options?: FitOptions): Promise<History> {
    return fit(this, this.requireCompiled('fit'), x, y, options);
  }

  evaluate(x: HostData, y: ArrayLike<number>, options?: { batchSize?: number }): Promise<{ loss: number; accuracy: number }> {
    return evaluate(this, this.requireCompiled('evaluate'), x, y, options);
  }

  /** The model's outputs [n, ...outputShape] for host samples (logits for the tutorial's CNN), as one host array. */
  predict(x: HostData, options?: { batchSize?: number }): Promise<Float32Array> {
    this.assertLive('predict');
    return predict(this, x, options);
  }
}
