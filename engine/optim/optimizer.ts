/**
 * The Optimizer interface that compile, the training step, checkpoints and the device
 * fallback use, and FlatOptimizer, the machinery every built-in optimizer shares.
 *
 * Every update is ONE kernel call over the ParameterStore's flat buffer
 * (nn/parameter-store.ts): the gradients are copied into a flat buffer of the same layout,
 * and each slot (Adam's moments, SGD's momentum, ...) is a flat buffer too. In the order of
 * Keras 3's `apply_gradients`, a step:
 * 1. clips the flat gradient by its global norm when `globalClipNorm` is set (Keras's
 *    `global_clipnorm`): a square and a sum on the device give the squared norm, and
 *    `clipByGlobalNorm` scales the gradient in place reading it there, so nothing is read
 *    back and the step stays one submit (three or four small dispatches added).
 *    applyGradientsMeasuringNorm returns that norm (before clipping) as a device scalar, from
 *    the same square and sum plus a sqrt, for fit's metrics log to read with the loss;
 * 2. applies decoupled weight decay, w -= learningRate * weightDecay * w (Keras 3's
 *    `weight_decay`, on every optimizer; AdamW defaults it to 0.004), inside the update
 *    kernel. It touches only the store it is given: frozen weights are not in it;
 * 3. runs the update with the learning rate of this step: a number, or a schedule
 *    (schedules.ts) evaluated on the host at `iterations` (0 for the first update) and
 *    passed in the kernel's uniforms;
 * 4. counts the step (`iterations`).
 * Keras's per-variable `clipnorm` and `clipvalue` are not offered.
 *
 * Ownership: an optimizer keeps, per ParameterStore it has updated, a flat gradient buffer
 * and its slots. They are freed when that store is disposed (model.dispose(), or a model
 * moving to another backend), by release(store), or all at once by dispose(). The
 * optimizer itself stays usable after any of these: its next update makes fresh slots.
 */
import type { KernelTable, TensorData } from '../backends/backend.js';
import type { ParameterStore } from '../nn/parameter-store.js';
import { show } from '../nn/show.js';
import { keep } from '../runtime.js';
import { Tensor } from '../tensor.js';
import { LearningRateSchedule, type ScheduleRecord, scheduleFromRecord } from './schedules.js';

/** An optimizer's settings as JSON (checkpoints compare and rebuild from it). */
export type OptimizerConfig = Record<string, number | boolean | null | ScheduleRecord>;

/** What a checkpoint or a backend switch carries: host copies of the slots, in the store's flat layout. */
export interface OptimizerState {
  /** Updates applied (Keras's `iterations`). */
  iterations: number;
  /**
   * The current learning rate (a callback such as ReduceLROnPlateau may have changed it); null under
   * a schedule. setState restores it, unless it is null (then the optimizer keeps its own).
   */
  learningRate: number | null;
  /** Each slot by name (slotNames()), as a flat array of the store's layout. */
  slots: Record<string, Float32Array>;
}

export interface Optimizer {
  /** Keras's class name: 'Adam', 'AdamW', 'SGD', 'RMSprop', 'Adagrad'. */
  readonly className: string;
  /** Updates applied so far; a schedule reads it. */
  iterations: number;
  /** The learning rate of the next update. Settable (by ReduceLROnPlateau) unless a schedule drives it. */
  learningRate: number;
  /** The schedule that drives the learning rate, or null for a fixed number. */
  readonly schedule: LearningRateSchedule | null;
  /** The names of the slot buffers this optimizer keeps per store, in order. */
  slotNames(): readonly string[];
  /** The settings it was made with, as JSON: `optimizerFromConfig(className, getConfig())` makes the same optimizer. */
  getConfig(): OptimizerConfig;
  /** One update of every parameter of `store`; `grads` in the store's parameter order. */
  applyGradients(store: ParameterStore, grads: readonly Tensor[]): void;
  /**
   * applyGradients that also returns the global L2 norm of `grads` (before any clipping) as a
   * scalar still on the device: fit logs it at its metrics reads. Optional for an Optimizer of
   * one's own; fit then logs no gradient norm.
   */
  applyGradientsMeasuringNorm?(store: ParameterStore, grads: readonly Tensor[]): Tensor;
  /** The slots for `store` read back to the host, with the step count. */
  state(store: ParameterStore): Promise<OptimizerState>;
  /** Restores what state() returned (possibly from another backend) for `store`. */
  setState(store: ParameterStore, state: OptimizerState): void;
  /** Frees the slots kept for `store` (done by itself when the store is disposed). */
  release(store: ParameterStore): void;
  /** Frees every slot of every store. */
  dispose(): void;
}

/** Options every built-in optimizer takes. */
export interface OptimizerBaseOptions {
  /** A number > 0, or a schedule (schedules.ts). */
  learningRate?: number | LearningRateSchedule;
  /** Decoupled weight decay (Keras 3): w -= learningRate * weightDecay * w before each update. Default 0 (AdamW: 0.004). */
  weightDecay?: number;
  /** Clip the gradient of the whole store to this global L2 norm (Keras's global_clipnorm); null or omitted: no clipping. */
  globalClipNorm?: number | null;
}

/** The per-step values a subclass's update kernel needs. */
export interface StepValues {
  /** The learning rate of this step. */
  readonly learningRate: number;
  /** learningRate * weightDecay (the kernels' `decay`). */
  readonly decay: number;
  /** 1-based number of this update (Adam's t). */
  readonly step: number;
}

/** Checks an optimizer's options, each error naming the optimizer, the option and the value. */
export class OptionReader {
  private readonly given: Record<string, unknown>;

  constructor(readonly className: string, options: unknown, allowed: readonly string[]) {
    if (options === undefined) options = {};
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw new Error(`${className}: expected an options object, got ${show(options)}`);
    }
    const all = [...allowed, 'learningRate', 'weightDecay', 'globalClipNorm'];
    for (const k of Object.keys(options)) {
      if (!all.includes(k)) throw new Error(`${className}: unknown option '${k}' (expected ${all.join(', ')})`);
    }
    this.given = options as Record<string, unknown>;
  }

  /** > 0 and finite. */
  positive(key: string, fallback: number): number {
    const v = this.given[key] ?? fallback;
    if (!(typeof v === 'number' && Number.isFinite(v) && v > 0)) throw new Error(`${this.className}: ${key} must be > 0 and finite, got ${show(v)}`);
    return v;
  }

  /** >= 0 and finite. */
  nonNegative(key: string, fallback: number): number {
    const v = this.given[key] ?? fallback;
    if (!(typeof v === 'number' && Number.isFinite(v) && v >= 0)) throw new Error(`${this.className}: ${key} must be >= 0 and finite, got ${show(v)}`);
    return v;
  }

  /** In [0, 1), or [0, 1] when `closed`. */
  fraction(key: string, fallback: number, closed = false): number {
    const v = this.given[key] ?? fallback;
    if (!(typeof v === 'number' && v >= 0 && (closed ? v <= 1 : v < 1))) {
      throw new Error(`${this.className}: ${key} must be in [0, 1${closed ? ']' : ')'}, got ${show(v)}`);
    }
    return v;
  }

  bool(key: string, fallback: boolean): boolean {
    const v = this.given[key] ?? fallback;
    if (typeof v !== 'boolean') throw new Error(`${this.className}: ${key} must be true or false, got ${show(v)}`);
    return v;
  }

  learningRate(fallback: number): number | LearningRateSchedule {
    const v = this.given.learningRate;
    if (v instanceof LearningRateSchedule) return v;
    if (v !== null && typeof v === 'object' && 'className' in v) return scheduleFromRecord(v);
    const lr = v ?? fallback;
    if (!(typeof lr === 'number' && Number.isFinite(lr) && lr > 0)) {
      throw new Error(`${this.className}: learningRate must be > 0 and finite, got ${show(lr)} (or give a schedule: ExponentialDecay, PiecewiseConstantDecay, CosineDecay)`);
    }
    return lr;
  }

  clipNorm(): number | null {
    const v = this.given.globalClipNorm;
    if (v === undefined || v === null) return null;
    if (!(typeof v === 'number' && Number.isFinite(v) && v > 0)) throw new Error(`${this.className}: globalClipNorm must be > 0 and finite (or null for none), got ${show(v)}`);
    return v;
  }
}

interface StoreSlots {
  /** The flat gradient, and its per-parameter views the gradients are copied into. */
  readonly grad: Tensor;
  readonly gradViews: Tensor[];
  /** One flat buffer per slot name. */
  readonly slots: Tensor[];
  readonly unsubscribe: () => void;
}

/** The shared part of the built-in optimizers: options, learning rate, clipping, slots, state. */
export abstract class FlatOptimizer implements Optimizer {
  abstract readonly className: string;
  iterations = 0;
  readonly schedule: LearningRateSchedule | null;
  readonly weightDecay: number;
  readonly globalClipNorm: number | null;
  /** The learning rate given to the constructor (getConfig); `learningRate` is the current one. */
  private readonly configuredLearningRate: number | null;
  private currentLearningRate: number;
  private readonly perStore = new Map<ParameterStore, StoreSlots>();

  protected constructor(o: OptionReader, defaults: { learningRate: number; weightDecay?: number }) {
    const lr = o.learningRate(defaults.learningRate);
    this.schedule = lr instanceof LearningRateSchedule ? lr : null;
    this.configuredLearningRate = typeof lr === 'number' ? lr : null;
    this.currentLearningRate = typeof lr === 'number' ? lr : NaN;
    this.weightDecay = o.nonNegative('weightDecay', defaults.weightDecay ?? 0);
    this.globalClipNorm = o.clipNorm();
  }

  get learningRate(): number {
    return this.schedule ? this.schedule.at(this.iterations) : this.currentLearningRate;
  }

  set learningRate(value: number) {
    if (this.schedule) {
      throw new Error(`${this.className}: the learning rate follows a ${this.schedule.className} schedule and cannot be set; make the optimizer with a number to change it during training`);
    }
    if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
      throw new Error(`${this.className}: learningRate must be > 0 and finite, got ${show(value)}`);
    }
    this.currentLearningRate = value;
  }

  abstract slotNames(): readonly string[];

  /** The optimizer's own settings, after learningRate and before weightDecay and globalClipNorm in getConfig(). */
  protected abstract ownConfig(): OptimizerConfig;

  /** Records the update kernel; `slots` in slotNames() order. */
  protected abstract update(kernels: KernelTable<unknown>, param: TensorData, grad: TensorData, slots: readonly TensorData[], step: StepValues): void;

  /** The value a slot starts at (Adagrad's accumulator starts at initialAccumulatorValue). */
  protected initialSlotValue(_slot: string): number {
    return 0;
  }

  getConfig(): OptimizerConfig {
    return {
      learningRate: this.schedule ? this.schedule.toJSON() : this.configuredLearningRate,
      ...this.ownConfig(),
      weightDecay: this.weightDecay,
      globalClipNorm: this.globalClipNorm,
    };
  }

  private slotsFor(store: ParameterStore): StoreSlots {
    let s = this.perStore.get(store);
    if (!s) {
      const grad = store.zerosLike();
      const b = store.backend;
      const slots = this.slotNames().map((name) => keep(Tensor.fromHandle(b.fill(store.flat.shape, store.flat.dtype, this.initialSlotValue(name)), b)));
      // The store's end is the slots' end: model.dispose() leaves nothing of this optimizer behind.
      const unsubscribe = store.onDispose(() => this.release(store));
      s = { grad, gradViews: store.viewsOf(grad), slots, unsubscribe };
      this.perStore.set(store, s);
    }
    return s;
  }

  applyGradients(store: ParameterStore, grads: readonly Tensor[]): void {
    this.step(store, grads, false);
  }

  applyGradientsMeasuringNorm(store: ParameterStore, grads: readonly Tensor[]): Tensor {
    return this.step(store, grads, true)!;
  }

  /** One update; with `measure`, the global norm of the gradients before clipping (a device scalar). */
  private step(store: ParameterStore, grads: readonly Tensor[], measure: boolean): Tensor | null {
    const params = store.parameters;
    if (!Array.isArray(grads)) throw new Error(`${this.className}.applyGradients: expected an array of ${params.length} gradient tensors, got ${show(grads)}`);
    if (grads.length !== params.length) {
      throw new Error(`${this.className}.applyGradients: ${params.length} parameters but ${grads.length} gradients`);
    }
    grads.forEach((g, i) => {
      const p = params[i].tensor;
      if (!(g instanceof Tensor) || g.size !== p.size) {
        const got = g instanceof Tensor ? `shape [${g.shape}]` : show(g);
        throw new Error(`${this.className}.applyGradients: gradient ${i} has ${got} but parameter ${params[i].name} has [${p.shape}]`);
      }
    });
    const s = this.slotsFor(store);
    const b = store.backend;
    const k = b.kernels;
    grads.forEach((g, i) => k.copyInto(g.handle, s.gradViews[i].handle));
    const learningRate = this.learningRate;
    let norm: Tensor | null = null;
    if (this.globalClipNorm !== null || measure) {
      // The squared norm stays on the device; the padding between views is zero and adds nothing.
      // Clipping and the measured norm share it (the norm is the one before clipping).
      const squares = k.unaryMath(s.grad.handle, 'square', 0, 0);
      const normSquared = k.sum(squares, [0], []);
      b.release(squares.storage);
      if (measure) norm = Tensor.fromHandle(k.unaryMath(normSquared, 'sqrt', 0, 0), b);
      if (this.globalClipNorm !== null) k.clipByGlobalNorm(s.grad.handle, normSquared, this.globalClipNorm);
      b.release(normSquared.storage);
    }
    this.iterations++;
    const step = { learningRate, decay: learningRate * this.weightDecay, step: this.iterations };
    this.update(k, store.flat.handle, s.grad.handle, s.slots.map((t) => t.handle), step);
    return norm;
  }

  async state(store: ParameterStore): Promise<OptimizerState> {
    const s = this.slotsFor(store);
    const names = this.slotNames();
    const slots: Record<string, Float32Array> = {};
    for (let i = 0; i < names.length; i++) slots[names[i]] = Float32Array.from(await s.slots[i].data());
    return { iterations: this.iterations, learningRate: this.schedule ? null : this.currentLearningRate, slots };
  }

  setState(store: ParameterStore, state: OptimizerState): void {
    const where = `${this.className}.setState`;
    if (state === null || typeof state !== 'object') throw new Error(`${where}: expected { iterations, learningRate, slots }, got ${show(state)}`);
    const { iterations, learningRate, slots } = state;
    if (!(Number.isInteger(iterations) && iterations >= 0)) throw new Error(`${where}: iterations must be an integer >= 0, got ${show(iterations)}`);
    const names = this.slotNames();
    const given = slots && typeof slots === 'object' ? Object.keys(slots) : [];
    if (given.length !== names.length || names.some((n) => !given.includes(n))) {
      throw new Error(`${where}: expected the slots [${names.join(', ')}], got [${given.join(', ')}]`);
    }
    const s = this.slotsFor(store);
    names.forEach((name, i) => {
      const dst = s.slots[i];
      const values = slots[name];
      if (!values || values.length !== dst.size) throw new Error(`${where}: slot ${name} needs ${dst.size} values (the store's flat length), got ${values?.length}`);
    });
    const b = store.backend;
    names.forEach((name, i) => {
      const dst = s.slots[i];
      const src = b.upload(slots[name], dst.shape, dst.dtype);
      b.kernels.copyInto(src, dst.handle);
      b.release(src.storage);
    });
    this.iterations = iterations;
    if (learningRate !== null && learningRate !== undefined && !this.schedule) this.learningRate = learningRate;
  }

  release(store: ParameterStore): void {
    const s = this.perStore.get(store);
    if (!s) return;
    this.perStore.delete(store);
    s.unsubscribe();
    s.gradViews.forEach((t) => t.dispose());
    s.grad.dispose();
    s.slots.forEach((t) => t.dispose());
  }

  dispose(): void {
    for (const store of [...this.perStore.keys()]) this.release(store);
  }
}

/** Whether `v` implements the Optimizer interface (compile accepts any such object). */
export function isOptimizer(v: unknown): v is Optimizer {
  const o = v as Partial<Optimizer> | null;
  return typeof o === 'object' && o !== null && typeof o.applyGradients === 'function' && typeof o.state === 'function'
    && typeof o.setState === 'function' && typeof o.slotNames === 'function' && typeof o.getConfig === 'function' && typeof o.className === 'string';
}
