/**
 * Every weight of a model in two stores (sequential.ts describes the rule): the trainable ones
 * in the ParameterStore the optimizer updates; BatchNormalization's moving statistics and every
 * weight of a frozen layer in a second store no optimizer sees. Which weight lives where follows
 * the layers' `trainable` flags at the time of use. Sequential and the functional Model each
 * hold their weights in one of these.
 */
import type { Backend } from '../backends/backend.js';
import { add } from '../ops/binary.js';
import { Tensor } from '../tensor.js';
import type { Layer, WeightSpec } from './layers.js';
import { ParameterStore } from './parameter-store.js';
import { penalty } from './regularizers.js';
import { show } from './show.js';

/** One weight of a model, in its weight order. */
export interface ModelWeight {
  /** '<layer>/<weight>', e.g. 'batch_normalization/moving_mean'. */
  readonly name: string;
  readonly shape: number[];
  /** Whether the optimizer updates it now: the spec is trainable and its layer is not frozen. */
  readonly trainable: boolean;
}

export interface WeightRef {
  /** '<layer>/<weight>'. */
  readonly name: string;
  readonly spec: WeightSpec;
  readonly layer: Layer;
}

/** Where each weight lives: the index into the trainable or the non-trainable store. */
interface Split {
  readonly signature: string;
  readonly slots: readonly { trainable: boolean; index: number }[];
}

function splitOf(weights: readonly WeightRef[]): Split {
  let t = 0;
  let f = 0;
  const slots = weights.map((w) => (w.layer.trainable && w.spec.trainable !== false ? { trainable: true, index: t++ } : { trainable: false, index: f++ }));
  return { signature: slots.map((s) => (s.trainable ? '1' : '0')).join(''), slots };
}

export class ModelWeights {
  private split!: Split;
  private trainableStore!: ParameterStore;
  private fixedStore!: ParameterStore;

  /** `values`: the initial values of `refs`, in order. */
  constructor(
    private readonly modelName: string,
    readonly refs: readonly WeightRef[],
    backend: Backend,
    values: readonly ArrayLike<number>[],
  ) {
    this.createStores(backend, values);
  }

  private createStores(backend: Backend, values: readonly (ArrayLike<number> | Tensor)[]): void {
    const split = splitOf(this.refs);
    const specsOf = (trainable: boolean) => this.refs.flatMap((w, i) => {
      if (split.slots[i].trainable !== trainable) return [];
      const v = values[i];
      return [{ name: w.name, shape: w.spec.shape, values: v instanceof Tensor ? new Float32Array(v.size) : v }];
    });
    const trainableStore = new ParameterStore(backend, specsOf(true));
    const fixedStore = new ParameterStore(backend, specsOf(false));
    for (const p of fixedStore.parameters) p.tensor.requiresGrad = false;
    // Weights already on the device move with device-side copies.
    values.forEach((v, i) => {
      if (!(v instanceof Tensor)) return;
      const slot = split.slots[i];
      backend.kernels.copyInto(v.handle, (slot.trainable ? trainableStore : fixedStore).parameters[slot.index].tensor.handle);
    });
    this.trainableStore = trainableStore;
    this.fixedStore = fixedStore;
    this.split = split;
  }

  /** Moves weights between the stores when a layer's trainable flag changed since they were made. */
  private sync(): void {
    if (splitOf(this.refs).signature === this.split.signature) return;
    const oldTrainable = this.trainableStore;
    const oldFixed = this.fixedStore;
    this.createStores(oldTrainable.backend, this.tensorsOf());
    oldTrainable.dispose();
    oldFixed.dispose();
  }

  private tensorsOf(): Tensor[] {
    return this.split.slots.map((s) => (s.trainable ? this.trainableStore : this.fixedStore).parameters[s.index].tensor);
  }

  /** The trainable weights' store: what the optimizer updates. */
  get store(): ParameterStore {
    this.sync();
    return this.trainableStore;
  }

  get nonTrainableStore(): ParameterStore {
    this.sync();
    return this.fixedStore;
  }

  /** Every weight tensor in order, trainable or not. */
  get tensors(): Tensor[] {
    this.sync();
    return this.tensorsOf();
  }

  list(): ModelWeight[] {
    this.sync();
    return this.refs.map((w, i) => ({ name: w.name, shape: [...w.spec.shape], trainable: this.split.slots[i].trainable }));
  }

  /** The regularizer penalties summed, or null when no weight has one. */
  regularizationLoss(): Tensor | null {
    const weights = this.tensors;
    let total: Tensor | null = null;
    weights.forEach((w, i) => {
      const r = this.refs[i].spec.regularizer;
      const p = r ? penalty(r, w) : null;
      if (p) total = total ? add(total, p) : p;
    });
    return total;
  }

  /** Every weight's values, trainable or not. */
  get count(): number {
    return this.store.count + this.fixedStore.count;
  }

  async read(): Promise<Float32Array[]> {
    this.sync();
    const trainable = await this.trainableStore.read();
    const fixed = await this.fixedStore.read();
    return this.split.slots.map((s) => (s.trainable ? trainable : fixed)[s.index]);
  }

  assign(values: readonly ArrayLike<number>[]): void {
    const name = this.modelName;
    if (!Array.isArray(values)) throw new Error(`${name}.setWeights: expected an array of weight arrays, got ${show(values)}`);
    this.sync();
    const slots = this.split.slots;
    if (values.length !== slots.length) throw new Error(`${name}.setWeights: expected ${slots.length} arrays (${this.refs.map((w) => w.name).join(', ')}), got ${values.length}`);
    slots.forEach((s, i) => {
      const store = s.trainable ? this.trainableStore : this.fixedStore;
      const p = store.parameters[s.index];
      const v = values[i] as unknown;
      if (!(Array.isArray(v) || ArrayBuffer.isView(v))) throw new Error(`${name}.setWeights: array ${i} (${p.name}) is ${show(v)}, expected an array of ${p.tensor.size} numbers`);
      store.assign(p, values[i]);
    });
  }

  /** Re-creates every weight on `backend` from host values; the old stores are freed. */
  moveTo(backend: Backend, values: readonly ArrayLike<number>[]): void {
    if (values.length !== this.refs.length) throw new Error(`${this.modelName}.moveTo: expected ${this.refs.length} arrays, got ${values.length}`);
    const oldTrainable = this.trainableStore;
    const oldFixed = this.fixedStore;
    this.createStores(backend, values);
    oldTrainable.dispose();
    oldFixed.dispose();
  }

  dispose(): void {
    this.trainableStore.dispose();
    this.fixedStore.dispose();
  }
}
