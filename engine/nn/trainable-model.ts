/**
 * What fit, evaluate, predict, trainStep and the callbacks need of a model: Sequential and the
 * functional Model both implement it, so the training code exists once.
 */
import type { Backend } from '../backends/backend.js';
import type { Tensor } from '../tensor.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { CallContext } from './call-context.js';
import type { ParameterStore } from './parameter-store.js';

export interface TrainableModel {
  readonly name: string;
  /** The shape of one input sample (no batch axis). */
  readonly inputShape: number[];
  /** The shape of one output sample (no batch axis): [classes] for a classifier. */
  readonly outputShape: number[];
  /** Every trainable weight, in one flat buffer (built on first use): what the optimizer updates. */
  readonly store: ParameterStore;
  /** The store's weights as tensors, in parameter order: what gradients are taken for. */
  readonly parameters: Tensor[];
  /** The optimizer given to compile() (throws before compile). */
  readonly optimizer: Optimizer;
  /** Works out shapes and creates the weights, once; `op` names the caller in errors. */
  build(op?: string): unknown;
  /** Forward pass over a batch [batch, ...inputShape]; `ctx` says whether it is a training pass (default: inference). */
  apply(x: Tensor, ctx?: CallContext): Tensor;
  /** The weights' regularizer penalties summed (a scalar), or null when there are none. */
  regularizationLoss(): Tensor | null;
  /** Every weight, trainable or not, as host arrays in the model's weight order. */
  getWeights(): Promise<Float32Array[]>;
  setWeights(values: readonly ArrayLike<number>[]): void;
  /** Re-creates every weight on `backend` from host values (the fallback on a lost device). */
  moveTo(backend: Backend, weights: readonly ArrayLike<number>[]): void;
}
