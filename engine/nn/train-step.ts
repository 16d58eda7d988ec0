/**
 * One training step of a classifier: forward, sparse softmax cross-entropy,
 * backward and one optimizer update, inside a tidy scope. On WebGPU every
 * kernel is recorded into one command encoder and submitted once, at the end;
 * the returned loss is read only if the caller awaits it.
 */
import { gradients } from '../autograd.js';
import { sparseSoftmaxCrossEntropy } from '../ops/cross-entropy.js';
import type { Adam } from '../optim/adam.js';
import { tidy } from '../runtime.js';
import type { Tensor } from '../tensor.js';
import type { Sequential } from './sequential.js';

export function trainStep(model: Sequential, optimizer: Adam, x: Tensor, labels: Tensor | ArrayLike<number>): Tensor {
  const loss = tidy(() => {
    const logits = model.apply(x);
    const l = sparseSoftmaxCrossEntropy(logits, labels);
    const grads = gradients(l, model.parameters);
    optimizer.applyGradients(model.store, grads);
    return l;
  });
  loss.backend.flush();
  // The loss keeps its graph alive only through its node; drop it so the step's tensors can go.
  loss.node = null;
  return loss;
}
