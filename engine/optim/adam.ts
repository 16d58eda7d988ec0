/**
 * Adam with Keras semantics and defaults (lr 1e-3, beta1 0.9, beta2 0.999, epsilon 1e-7):
 *   lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t)
 *   m = beta1*m + (1-beta1)*g;  v = beta2*v + (1-beta2)*g^2
 *   w -= lr_t * m / (sqrt(v) + epsilon)
 * epsilon is added to sqrt(v), not to the bias-corrected sqrt(v_hat) (TensorFlow.js's
 * tf.train.adam does the latter; the two differ in the first steps).
 * One kernel call updates every parameter of a ParameterStore.
 */
import type { AdamStepScalars } from '../backends/backend.js';
import type { ParameterStore } from '../nn/parameter-store.js';
import { show } from '../nn/show.js';
import type { Tensor } from '../tensor.js';

export interface AdamOptions {
  learningRate?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

interface Slots {
  grad: Tensor;
  gradViews: Tensor[];
  m: Tensor;
  v: Tensor;
}

export class Adam {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** Steps taken (t in the formulas). */
  iterations = 0;
  private slots = new Map<ParameterStore, Slots>();

  constructor(options: AdamOptions = {}) {
    this.learningRate = options.learningRate ?? 0.001;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-7;
    for (const [k, v] of Object.entries({ learningRate: this.learningRate, epsilon: this.epsilon })) {
      if (!(typeof v === 'number' && Number.isFinite(v) && v > 0)) throw new Error(`Adam: ${k} must be > 0 and finite, got ${show(v)}`);
    }
    for (const [k, v] of Object.entries({ beta1: this.beta1, beta2: this.beta2 })) {
      if (!(typeof v === 'number' && v >= 0 && v < 1)) throw new Error(`Adam: ${k} must be in [0, 1), got ${show(v)}`);
    }
  }

  /** The scalars of step t (1-based). */
  stepScalars(t: number): AdamStepScalars {
    const stepSize = (this.learningRate * Math.sqrt(1 - this.beta2 ** t)) / (1 - this.beta1 ** t);
    return { stepSize, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }

  private slotsFor(store: ParameterStore): Slots {
    let s = this.slots.get(store);
    if (!s) {
      const grad = store.zerosLike();
      s = { grad, gradViews: store.viewsOf(grad), m: store.zerosLike(), v: store.zerosLike() };
      this.slots.set(store, s);
    }
    return s;
  }

  /** Applies grads (one per parameter, in the store's order) in one update of the flat buffers. */
  applyGradients(store: ParameterStore, grads: readonly Tensor[]): void {
    const params = store.parameters;
    if (grads.length !== params.length) {
      throw new Error(`Adam.applyGradients: ${params.length} parameters but ${grads.length} gradients`);
    }
    const s = this.slotsFor(store);
    const k = store.backend.kernels;
    grads.forEach((g, i) => {
      const p = params[i].tensor;
      if (g.size !== p.size) {
        throw new Error(`Adam.applyGradients: gradient ${i} has shape [${g.shape}] but parameter ${params[i].name} has [${p.shape}]`);
      }
      k.copyInto(g.handle, s.gradViews[i].handle);
    });
    this.iterations++;
    k.adam(store.flat.handle, s.grad.handle, s.m.handle, s.v.handle, this.stepScalars(this.iterations));
  }

  /** Moments as host arrays (for checkpoints). */
  async state(store: ParameterStore): Promise<{ iterations: number; m: Float32Array; v: Float32Array }> {
    const s = this.slotsFor(store);
    return { iterations: this.iterations, m: Float32Array.from(await s.m.data()), v: Float32Array.from(await s.v.data()) };
  }

  /** Restores moments saved by state(). */
  setState(store: ParameterStore, state: { iterations: number; m: ArrayLike<number>; v: ArrayLike<number> }): void {
    const s = this.slotsFor(store);
    const b = store.backend;
    for (const [dst, values] of [[s.m, state.m], [s.v, state.v]] as const) {
      if (values.length !== dst.size) throw new Error(`Adam.setState: expected ${dst.size} moment values, got ${values.length}`);
      const src = b.upload(values, dst.shape, dst.dtype);
      b.kernels.copyInto(src, dst.handle);
      b.release(src.storage);
    }
    this.iterations = state.iterations;
  }

  dispose(): void {
    for (const s of this.slots.values()) {
      s.gradViews.forEach((t) => t.dispose());
      s.grad.dispose();
      s.m.dispose();
      s.v.dispose();
    }
    this.slots.clear();
  }
}
