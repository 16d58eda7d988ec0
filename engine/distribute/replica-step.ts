/**
 * What one replica does in a step, on its own backend: take the parameters it is
 * sent, run forward and backward on its share of the batch, and hand back the
 * gradient as one flat array in the ParameterStore's layout (the layout the
 * optimizer's flat buffers use), with the share's mean loss and correct count.
 * It applies no update: the coordinator averages every replica's gradient and
 * applies it once, through the model's own optimizer (replica-pool.ts).
 */
import { gradients } from '../autograd.js';
import { countCorrect } from '../ops/argmax.js';
import { sparseSoftmaxCrossEntropy } from '../ops/cross-entropy.js';
import { tidy } from '../runtime.js';
import { tensor, type Tensor } from '../tensor.js';
import type { Sequential } from '../nn/sequential.js';

export interface ReplicaGradients {
  /** Mean loss over the share. */
  loss: number;
  /** Correct predictions in the share (0 without accuracy). */
  correct: number;
  /** d(mean loss)/d(parameters), flat, in the store's layout (padding 0). */
  grads: Float32Array;
}

export class ReplicaTrainer {
  private readonly grad: Tensor;
  private readonly gradViews: Tensor[];

  constructor(readonly model: Sequential) {
    const store = model.store;
    this.grad = store.zerosLike();
    this.gradViews = store.viewsOf(this.grad);
  }

  /** Length of the flat parameter (and gradient) arrays, padding included. */
  get flatLength(): number {
    return this.model.store.flat.size;
  }

  /** Overwrites every parameter from a flat array in the store's layout. */
  setParameters(flat: Float32Array): void {
    const store = this.model.store;
    if (flat.length !== store.flat.size) throw new Error(`replica: got ${flat.length} parameter values, expected ${store.flat.size}`);
    const b = store.backend;
    const src = b.upload(flat, store.flat.shape, store.flat.dtype);
    b.kernels.copyInto(src, store.flat.handle);
    b.release(src.storage);
  }

  /** Forward and backward on `count` samples (x holds count * sample values). */
  async gradients(x: Float32Array, labels: Int32Array, withAccuracy: boolean): Promise<ReplicaGradients> {
    const model = this.model;
    const count = labels.length;
    const xb = tensor(x, [count, ...model.inputShape]);
    const yb = tensor(labels, [count], 'int32');
    const { loss, correct } = tidy(() => {
      const logits = model.apply(xb);
      const l = sparseSoftmaxCrossEntropy(logits, yb);
      const c = withAccuracy ? countCorrect(logits, yb) : null;
      const grads = gradients(l, model.parameters);
      const k = model.store.backend.kernels;
      grads.forEach((g, i) => k.copyInto(g.handle, this.gradViews[i].handle));
      return { loss: l, correct: c };
    });
    xb.dispose();
    yb.dispose();
    model.store.backend.flush();
    const flat = await this.grad.data();
    const lossValue = (await loss.data())[0];
    const correctValue = correct ? (await correct.data())[0] : 0;
    loss.dispose();
    correct?.dispose();
    return { loss: lossValue, correct: correctValue, grads: flat instanceof Float32Array ? flat : Float32Array.from(flat) };
  }

  dispose(): void {
    this.gradViews.forEach((t) => t.dispose());
    this.grad.dispose();
  }
}
