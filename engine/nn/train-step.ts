/**
 * One training step of a classifier: forward with training = true, sparse softmax
 * cross-entropy plus the weights' regularizer penalties, backward, one optimizer
 * update of the trainable store (measuring the gradients' global norm when asked), then the
 * layers' state updates (BatchNormalization's moving statistics, call-context.ts), inside a tidy scope. On WebGPU every kernel is
 * recorded into one command encoder and submitted once, at the end; the returned loss
 * (and correct count) are read only if the caller awaits them.
 */
import { gradients } from '../autograd.js';
import { countCorrect } from '../ops/argmax.js';
import { labelsTensor, sparseSoftmaxCrossEntropy } from '../ops/cross-entropy.js';
import type { Optimizer } from '../optim/optimizer.js';
import { tidy } from '../runtime.js';
import { add } from '../ops/binary.js';
import { CallContext } from './call-context.js';
import { fmt } from '../ops/validate.js';
import { Tensor } from '../tensor.js';
import { describeData } from './describe-data.js';
import type { TrainableModel } from './trainable-model.js';

export interface StepResult {
  /** Mean loss over the batch plus the regularizer penalties (scalar, still on the device). */
  loss: Tensor;
  /** Correct predictions in the batch (int32 scalar), when asked for. */
  correct: Tensor | null;
  /**
   * The global L2 norm of the step's gradients before any clipping (scalar, on the device), when
   * asked for and the optimizer measures it (Optimizer.applyGradientsMeasuringNorm); else null.
   */
  gradNorm: Tensor | null;
}

export function trainStepWithMetrics(
  model: TrainableModel,
  optimizer: Optimizer,
  x: Tensor,
  labels: Tensor,
  withAccuracy: boolean,
  labelSmoothing = 0,
  withGradNorm = false,
): StepResult {
  const result = tidy(() => {
    // The optimizer's step count seeds dropout: checkpoints keep it, so a resumed run drops alike.
    const ctx = new CallContext({ training: true, step: optimizer.iterations });
    const logits = model.apply(x, ctx);
    const dataLoss = sparseSoftmaxCrossEntropy(logits, labels, { labelSmoothing });
    const penalty = model.regularizationLoss();
    const loss = penalty ? add(dataLoss, penalty) : dataLoss;
    const correct = withAccuracy ? countCorrect(logits, labels) : null;
    const params = model.parameters;
    let gradNorm: Tensor | null = null;
    // With every layer frozen there is nothing to update (Keras trains nothing either).
    if (params.length > 0) {
      const grads = gradients(loss, params);
      if (withGradNorm && optimizer.applyGradientsMeasuringNorm) gradNorm = optimizer.applyGradientsMeasuringNorm(model.store, grads);
      else optimizer.applyGradients(model.store, grads);
    }
    ctx.applyUpdates();
    return { loss, correct, gradNorm };
  });
  // gradients() has cut the graph, so the tidy freed the step's intermediates.
  x.backend.flush();
  return result;
}

/** A step that returns only the loss; host labels are checked (integers in range) and uploaded. */
export function trainStep(model: TrainableModel, optimizer: Optimizer, x: Tensor, labels: Tensor | ArrayLike<number>): Tensor {
  if (!(x instanceof Tensor)) throw new Error(`trainStep: expected x as a Tensor [batch, ${model.inputShape.join(', ')}], got ${describeData(x)}`);
  if (x.rank > 0 && x.shape[0] === 0) {
    throw new Error(`trainStep: x has an empty batch (shape ${fmt(x.shape)}); expected at least one sample`);
  }
  const classes = model.outputShape[model.outputShape.length - 1];
  const labelT = labelsTensor('trainStep', labels, x.shape[0], classes, x);
  const { loss } = trainStepWithMetrics(model, optimizer, x, labelT, false);
  if (labelT !== labels) labelT.dispose();
  return loss;
}
