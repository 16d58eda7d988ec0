/**
 * Learning-rate schedules with Keras 3's semantics and defaults
 * (keras.optimizers.schedules). A schedule maps the optimizer's step count, the number of
 * updates already applied (Keras's `optimizer.iterations`, so the first update uses step 0),
 * to a learning rate. It is evaluated on the host in float64 when an update is recorded, and
 * the value goes into the update kernel's uniforms: nothing is read back from the device and a
 * step stays one submit. (Keras evaluates in float32; the values differ in the last bits.)
 *
 * - ExponentialDecay: initialLearningRate * decayRate ^ (step / decaySteps), the exponent
 *   floored when `staircase`.
 * - PiecewiseConstantDecay: values[0] while step <= boundaries[0], values[i] while
 *   boundaries[i-1] < step <= boundaries[i], the last value after the last boundary.
 * - CosineDecay: with warmupSteps > 0 (and warmupTarget), a linear warm-up from
 *   initialLearningRate to warmupTarget over warmupSteps, then a cosine from warmupTarget
 *   down to alpha * warmupTarget over decaySteps; without warm-up the cosine starts at
 *   initialLearningRate. After the end it stays at the floor.
 */
import { show } from '../nn/show.js';

/** A schedule as JSON (checkpoints, getConfig): Keras's { class_name, config } in camelCase. */
export interface ScheduleRecord {
  readonly className: string;
  readonly config: Record<string, number | boolean | number[] | null>;
}

export abstract class LearningRateSchedule {
  abstract readonly className: string;
  /** The learning rate of the update taken after `step` updates (step 0 is the first). */
  abstract at(step: number): number;
  abstract getConfig(): ScheduleRecord['config'];

  toJSON(): ScheduleRecord {
    return { className: this.className, config: this.getConfig() };
  }
}

function options<T extends object>(className: string, given: unknown, allowed: readonly (keyof T & string)[]): Partial<T> {
  if (given === null || typeof given !== 'object' || Array.isArray(given)) {
    throw new Error(`${className}: expected an options object { ${allowed.join(', ')} }, got ${show(given)}`);
  }
  for (const k of Object.keys(given)) {
    if (!(allowed as readonly string[]).includes(k)) throw new Error(`${className}: unknown option '${k}' (expected ${allowed.join(', ')})`);
  }
  return given as Partial<T>;
}

function positive(className: string, key: string, v: unknown): number {
  if (!(typeof v === 'number' && Number.isFinite(v) && v > 0)) throw new Error(`${className}: ${key} must be > 0 and finite, got ${show(v)}`);
  return v;
}

function nonNegative(className: string, key: string, v: unknown): number {
  if (!(typeof v === 'number' && Number.isFinite(v) && v >= 0)) throw new Error(`${className}: ${key} must be >= 0 and finite, got ${show(v)}`);
  return v;
}

function checkStep(className: string, step: number): void {
  if (!(Number.isInteger(step) && step >= 0)) throw new Error(`${className}: the step must be an integer >= 0, got ${show(step)}`);
}

export interface ExponentialDecayOptions {
  initialLearningRate: number;
  decaySteps: number;
  decayRate: number;
  /** Decay in whole periods of decaySteps (default false). */
  staircase?: boolean;
}

export class ExponentialDecay extends LearningRateSchedule {
  readonly className = 'ExponentialDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly decayRate: number;
  readonly staircase: boolean;

  constructor(opts: ExponentialDecayOptions) {
    super();
    const o = options<ExponentialDecayOptions>('ExponentialDecay', opts, ['initialLearningRate', 'decaySteps', 'decayRate', 'staircase']);
    this.initialLearningRate = positive(this.className, 'initialLearningRate', o.initialLearningRate);
    this.decaySteps = positive(this.className, 'decaySteps', o.decaySteps);
    this.decayRate = positive(this.className, 'decayRate', o.decayRate);
    const staircase = o.staircase ?? false;
    if (typeof staircase !== 'boolean') throw new Error(`ExponentialDecay: staircase must be true or false, got ${show(staircase)}`);
    this.staircase = staircase;
  }

  at(step: number): number {
    checkStep(this.className, step);
    const p = step / this.decaySteps;
    return this.initialLearningRate * this.decayRate ** (this.staircase ? Math.floor(p) : p);
  }

  getConfig(): ScheduleRecord['config'] {
    return { initialLearningRate: this.initialLearningRate, decaySteps: this.decaySteps, decayRate: this.decayRate, staircase: this.staircase };
  }
}

export interface PiecewiseConstantDecayOptions {
  /** Increasing step counts. */
  boundaries: number[];
  /** One more value than boundaries, each > 0. */
  values: number[];
}

export class PiecewiseConstantDecay extends LearningRateSchedule {
  readonly className = 'PiecewiseConstantDecay';
  readonly boundaries: readonly number[];
  readonly values: readonly number[];

  constructor(opts: PiecewiseConstantDecayOptions) {
    super();
    const o = options<PiecewiseConstantDecayOptions>('PiecewiseConstantDecay', opts, ['boundaries', 'values']);
    const { boundaries, values } = o;
    if (!Array.isArray(boundaries) || boundaries.length === 0) {
      throw new Error(`PiecewiseConstantDecay: boundaries must be a non-empty array of increasing step counts, got ${show(boundaries)}`);
    }
    boundaries.forEach((b, i) => {
      if (!(typeof b === 'number' && Number.isFinite(b) && b >= 0 && (i === 0 || b > boundaries[i - 1]))) {
        throw new Error(`PiecewiseConstantDecay: boundaries must be increasing finite numbers >= 0, got ${show(boundaries)} (at index ${i})`);
      }
    });
    if (!Array.isArray(values) || values.length !== boundaries.length + 1) {
      throw new Error(`PiecewiseConstantDecay: values must have one more element than boundaries (${boundaries.length + 1}), got ${show(values)}`);
    }
    values.forEach((v, i) => positive(this.className, `values[${i}]`, v));
    this.boundaries = [...boundaries];
    this.values = [...values];
  }

  at(step: number): number {
    checkStep(this.className, step);
    const i = this.boundaries.findIndex((b) => step <= b);
    return this.values[i < 0 ? this.values.length - 1 : i];
  }

  getConfig(): ScheduleRecord['config'] {
    return { boundaries: [...this.boundaries], values: [...this.values] };
  }
}

export interface CosineDecayOptions {
  /** The start of the warm-up, or of the cosine when there is none. */
  initialLearningRate: number;
  /** Steps of the cosine (after the warm-up). */
  decaySteps: number;
  /** The floor, as a fraction of the cosine's start (default 0). */
  alpha?: number;
  /** The rate the warm-up reaches (needed when warmupSteps > 0). */
  warmupTarget?: number | null;
  /** Steps of the linear warm-up (default 0). */
  warmupSteps?: number;
}

export class CosineDecay extends LearningRateSchedule {
  readonly className = 'CosineDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly alpha: number;
  readonly warmupTarget: number | null;
  readonly warmupSteps: number;

  constructor(opts: CosineDecayOptions) {
    super();
    const o = options<CosineDecayOptions>('CosineDecay', opts, ['initialLearningRate', 'decaySteps', 'alpha', 'warmupTarget', 'warmupSteps']);
    // Keras allows a warm-up from 0.
    this.initialLearningRate = nonNegative(this.className, 'initialLearningRate', o.initialLearningRate);
    this.decaySteps = positive(this.className, 'decaySteps', o.decaySteps);
    this.alpha = nonNegative(this.className, 'alpha', o.alpha ?? 0);
    if (this.alpha > 1) throw new Error(`CosineDecay: alpha must be in [0, 1], got ${show(this.alpha)}`);
    this.warmupTarget = o.warmupTarget === undefined || o.warmupTarget === null ? null : positive(this.className, 'warmupTarget', o.warmupTarget);
    this.warmupSteps = nonNegative(this.className, 'warmupSteps', o.warmupSteps ?? 0);
    if (this.warmupSteps > 0 && this.warmupTarget === null) {
      throw new Error(`CosineDecay: warmupSteps is ${this.warmupSteps} but warmupTarget is not set; give the rate the warm-up reaches`);
    }
    if (this.warmupTarget === null && this.initialLearningRate === 0) {
      throw new Error('CosineDecay: initialLearningRate must be > 0 without a warm-up, got 0');
    }
  }

  private cosine(step: number, from: number): number {
    const decayed = 0.5 * (1 + Math.cos(Math.PI * (step / this.decaySteps)));
    return from * ((1 - this.alpha) * decayed + this.alpha);
  }

  at(step: number): number {
    checkStep(this.className, step);
    if (this.warmupTarget === null) return this.cosine(Math.min(step, this.decaySteps), this.initialLearningRate);
    const s = Math.min(step, this.decaySteps + this.warmupSteps);
    if (s < this.warmupSteps) return (this.warmupTarget - this.initialLearningRate) * (s / this.warmupSteps) + this.initialLearningRate;
    return this.cosine(s - this.warmupSteps, this.warmupTarget);
  }

  getConfig(): ScheduleRecord['config'] {
    return {
      initialLearningRate: this.initialLearningRate, decaySteps: this.decaySteps, alpha: this.alpha,
      warmupTarget: this.warmupTarget, warmupSteps: this.warmupSteps,
    };
  }
}

const SCHEDULES = { ExponentialDecay, PiecewiseConstantDecay, CosineDecay } as const;

/** A schedule back from its JSON record (checkpoints); errors name what is wrong. */
export function scheduleFromRecord(record: unknown): LearningRateSchedule {
  const r = record as Partial<ScheduleRecord> | null;
  const names = Object.keys(SCHEDULES).join(', ');
  if (r === null || typeof r !== 'object' || typeof r.className !== 'string' || !(r.className in SCHEDULES)) {
    throw new Error(`learning-rate schedule: expected { className: one of ${names}, config }, got ${show(record)}`);
  }
  const Schedule = SCHEDULES[r.className as keyof typeof SCHEDULES] as new (o: unknown) => LearningRateSchedule;
  return new Schedule(r.config);
}
