/**
 * Training callbacks and the History that fit() returns, with Keras's names
 * and behaviour.
 */
import type { TrainableModel } from './trainable-model.js';

/** Per-epoch metrics, named as Keras names them. */
export interface EpochLogs {
  loss: number;
  accuracy?: number;
  val_loss?: number;
  val_accuracy?: number;
}

export type MetricName = keyof EpochLogs;

export interface TrainingContext {
  readonly model: TrainableModel;
  /** The epoch fit() started from (> 0 when resuming). */
  readonly initialEpoch: number;
  /** Set to true to stop after the current epoch (Keras's model.stop_training). */
  stopTraining: boolean;
}

/** What fit reports after each step: the step's mean loss over its batch. */
export interface BatchLogs {
  loss: number;
  /** Samples in the batch. */
  size: number;
}

/** What onMetricsRead gets. */
export interface MetricsReadLogs {
  running: EpochLogs;
  recent: EpochLogs;
  /**
   * The mean global L2 norm of the gradients (before clipping) over the steps just read, measured
   * on the device in each step and read with the losses; absent when the optimizer does not
   * measure it (Optimizer.applyGradientsMeasuringNorm) or replicas train.
   */
  gradNorm?: number;
}

export interface Callback {
  onTrainBegin?(ctx: TrainingContext): void | Promise<void>;
  /**
   * After each step (0-based `step` within the 0-based `epoch`). fit reads losses in groups of
   * `readEvery` steps, so this runs for the group's steps in order once the group is read.
   */
  onBatchEnd?(epoch: number, step: number, logs: BatchLogs, ctx: TrainingContext): void | Promise<void>;
  /**
   * After each read of the device metrics (every `readEvery` steps, and at an epoch's last step),
   * with no read of its own: `steps` steps of `epoch` are done; `running` holds the epoch's means
   * so far (what the progress bar shows), `recent` the means of the steps read just now.
   */
  onMetricsRead?(epoch: number, steps: number, logs: MetricsReadLogs, ctx: TrainingContext): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: EpochLogs, ctx: TrainingContext): void | Promise<void>;
  onTrainEnd?(ctx: TrainingContext): void | Promise<void>;
}

export class History {
  /** Epoch indices run (0-based, as Keras's history.epoch). */
  readonly epoch: number[] = [];
  readonly history: { [K in MetricName]: number[] } = { loss: [], accuracy: [], val_loss: [], val_accuracy: [] };

  record(epoch: number, logs: EpochLogs): void {
    this.epoch.push(epoch);
    for (const key of Object.keys(this.history) as MetricName[]) {
      const v = logs[key];
      if (v !== undefined) this.history[key].push(v);
    }
  }

  /** Drops metrics never recorded, so keys match what fit computed. */
  toJSON(): { epoch: number[]; history: Partial<Record<MetricName, number[]>> } {
    const history: Partial<Record<MetricName, number[]>> = {};
    for (const [k, v] of Object.entries(this.history)) if (v.length) history[k as MetricName] = v;
    return { epoch: this.epoch, history };
  }
}

export interface EarlyStoppingOptions {
  monitor?: MetricName;
  /** Epochs without improvement before stopping. */
  patience?: number;
  /** An improvement must exceed this. */
  minDelta?: number;
  /** 'auto' minimises losses and maximises accuracies. */
  mode?: 'auto' | 'min' | 'max';
  restoreBestWeights?: boolean;
}

/**
 * Keras 3's EarlyStopping: after each epoch, an improvement over the best value
 * (by more than minDelta) resets the wait; otherwise the wait grows and, once it
 * reaches `patience` (and the epoch is not the first), training stops. With
 * restoreBestWeights the weights of the best epoch are restored when training
 * ends, as Keras 3 does in on_train_end.
 */
export class EarlyStopping implements Callback {
  readonly monitor: MetricName;
  readonly patience: number;
  readonly minDelta: number;
  readonly restoreBestWeights: boolean;
  private readonly sign: 1 | -1;
  wait = 0;
  best = Infinity;
  bestEpoch = -1;
  stoppedEpoch = -1;
  bestWeights: Float32Array[] | null = null;

  constructor(options: EarlyStoppingOptions = {}) {
    this.monitor = options.monitor ?? 'val_loss';
    this.patience = options.patience ?? 0;
    this.minDelta = Math.abs(options.minDelta ?? 0);
    this.restoreBestWeights = options.restoreBestWeights ?? false;
    const mode = options.mode ?? 'auto';
    const maximise = mode === 'max' || (mode === 'auto' && this.monitor.includes('acc'));
    // Internally always minimise sign * value.
    this.sign = maximise ? -1 : 1;
  }

  /** Resets, unless fit resumes from a later epoch (then the state comes from setState). */
  onTrainBegin(ctx: TrainingContext): void {
    if (ctx.initialEpoch > 0) return;
    this.wait = 0;
    this.best = Infinity;
    this.bestEpoch = -1;
    this.stoppedEpoch = -1;
    this.bestWeights = null;
  }

  async onEpochEnd(epoch: number, logs: EpochLogs, ctx: TrainingContext): Promise<void> {
    const value = logs[this.monitor];
    if (value === undefined) {
      throw new Error(`EarlyStopping: the monitored metric '${this.monitor}' is not in the logs (${Object.keys(logs).join(', ')}); pass validationData to fit`);
    }
    const current = this.sign * value;
    if (this.restoreBestWeights && this.bestWeights === null) {
      this.bestWeights = await ctx.model.getWeights();
      this.bestEpoch = epoch;
    }
    this.wait++;
    if (current < this.best - this.minDelta) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.bestWeights = await ctx.model.getWeights();
      this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      ctx.stopTraining = true;
    }
  }

  onTrainEnd(ctx: TrainingContext): void {
    if (this.restoreBestWeights && this.bestWeights) ctx.model.setWeights(this.bestWeights);
  }

  /** The best monitored value in its own sign. */
  get bestValue(): number {
    return this.sign * this.best;
  }

  /** State for checkpoints, so a resumed run stops where an uninterrupted one would. */
  state(): { wait: number; best: number; bestEpoch: number; bestWeights: number[][] | null } {
    return { wait: this.wait, best: this.best, bestEpoch: this.bestEpoch, bestWeights: this.bestWeights?.map((w) => Array.from(w)) ?? null };
  }

  setState(s: { wait: number; best: number; bestEpoch: number; bestWeights: number[][] | null }): void {
    this.wait = s.wait;
    this.best = s.best;
    this.bestEpoch = s.bestEpoch;
    this.bestWeights = s.bestWeights?.map((w) => Float32Array.from(w)) ?? null;
  }
}

/** Thrown by TerminateOnNaN: where the loss first stopped being finite (0-based epoch and step). */
export class NonFiniteLossError extends Error {
  constructor(
    message: string,
    readonly epoch: number,
    /** 0-based step within the epoch; -1 for a validation loss. */
    readonly step: number,
    readonly loss: number,
  ) {
    super(message);
    this.name = 'NonFiniteLossError';
  }
}

/**
 * Keras's TerminateOnNaN, made loud: at the first non-finite training loss (checked after
 * every step) or validation loss (after every epoch) it throws a NonFiniteLossError naming
 * the step and the epoch. Keras stops and returns instead; throwing means a diverged run can
 * never pass for a finished one. The epoch in which it throws never reaches onEpochEnd of the
 * callbacks after this one, so put it first: a checkpointing callback then keeps the last
 * epoch whose losses were all finite.
 */
export class TerminateOnNaN implements Callback {
  onBatchEnd(epoch: number, step: number, logs: BatchLogs): void {
    if (!Number.isFinite(logs.loss)) {
      throw new NonFiniteLossError(
        `TerminateOnNaN: the training loss was ${logs.loss} at step ${step + 1} of epoch ${epoch + 1} (both counted from 1); ` +
          `training stopped, the weights are no longer trustworthy (look for NaN or Infinity in the inputs, or lower the learning rate)`,
        epoch, step, logs.loss,
      );
    }
  }

  onEpochEnd(epoch: number, logs: EpochLogs): void {
    for (const key of ['loss', 'val_loss'] as const) {
      const v = logs[key];
      if (v !== undefined && !Number.isFinite(v)) {
        const what = key === 'loss' ? 'training' : 'validation';
        throw new NonFiniteLossError(
          `TerminateOnNaN: the ${what} loss was ${v} after epoch ${epoch + 1} (counted from 1); training stopped ` +
            `before this epoch's later callbacks (look for NaN or Infinity in the ${what} data)`,
          epoch, -1, v,
        );
      }
    }
  }
}

export interface ReduceLROnPlateauOptions {
  /** The metric watched (default 'val_loss'). */
  monitor?: MetricName;
  /** new rate = rate * factor; in (0, 1) (default 0.1). */
  factor?: number;
  /** Epochs without improvement before the rate is lowered (default 10). */
  patience?: number;
  /** 'auto' minimises losses and maximises accuracies. */
  mode?: 'auto' | 'min' | 'max';
  /** An improvement must exceed this (default 1e-4). */
  minDelta?: number;
  /** Epochs after a reduction during which waiting does not count (default 0). */
  cooldown?: number;
  /** The rate never goes below this (default 0). */
  minLr?: number;
}

/**
 * Keras 3's ReduceLROnPlateau: after each epoch, a monitored value better than the best by
 * more than minDelta resets the wait; otherwise, outside a cooldown, the wait grows, and when it
 * reaches `patience` the optimizer's learning rate becomes max(rate * factor, minLr) (if it is
 * above minLr), the wait restarts and a cooldown of `cooldown` epochs begins. During a cooldown
 * each epoch counts it down and resets the wait. The optimizer must have a number for its
 * learning rate, not a schedule (as in Keras).
 */
export class ReduceLROnPlateau implements Callback {
  readonly monitor: MetricName;
  readonly factor: number;
  readonly patience: number;
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;
  private readonly sign: 1 | -1;
  wait = 0;
  cooldownCounter = 0;
  /** The best value, times -1 when maximising. */
  best = Infinity;

  constructor(options: ReduceLROnPlateauOptions = {}) {
    const where = 'ReduceLROnPlateau';
    const allowed = ['monitor', 'factor', 'patience', 'mode', 'minDelta', 'cooldown', 'minLr'];
    for (const k of Object.keys(options)) if (!allowed.includes(k)) throw new Error(`${where}: unknown option '${k}' (expected ${allowed.join(', ')})`);
    this.monitor = options.monitor ?? 'val_loss';
    if (!['loss', 'accuracy', 'val_loss', 'val_accuracy'].includes(this.monitor)) {
      throw new Error(`${where}: monitor must be 'loss', 'accuracy', 'val_loss' or 'val_accuracy', got ${JSON.stringify(this.monitor)}`);
    }
    const number = (key: string, v: number, ok: boolean, what: string): number => {
      if (!(typeof v === 'number' && Number.isFinite(v) && ok)) throw new Error(`${where}: ${key} must be ${what}, got ${String(v)}`);
      return v;
    };
    const factor = options.factor ?? 0.1;
    this.factor = number('factor', factor, factor > 0 && factor < 1, 'in (0, 1) (Keras refuses a factor >= 1)');
    const patience = options.patience ?? 10;
    this.patience = number('patience', patience, Number.isInteger(patience) && patience >= 0, 'an integer >= 0');
    const minDelta = options.minDelta ?? 1e-4;
    this.minDelta = Math.abs(number('minDelta', minDelta, true, 'a finite number'));
    const cooldown = options.cooldown ?? 0;
    this.cooldown = number('cooldown', cooldown, Number.isInteger(cooldown) && cooldown >= 0, 'an integer >= 0');
    const minLr = options.minLr ?? 0;
    this.minLr = number('minLr', minLr, minLr >= 0, '>= 0');
    const mode = options.mode ?? 'auto';
    if (mode !== 'auto' && mode !== 'min' && mode !== 'max') throw new Error(`${where}: mode must be 'auto', 'min' or 'max', got ${JSON.stringify(mode)}`);
    this.sign = mode === 'max' || (mode === 'auto' && this.monitor.includes('acc')) ? -1 : 1;
  }

  /** Resets, unless fit resumes from a later epoch (then the state comes from setState). */
  onTrainBegin(ctx: TrainingContext): void {
    if (ctx.initialEpoch > 0) return;
    this.wait = 0;
    this.cooldownCounter = 0;
    this.best = Infinity;
  }

  onEpochEnd(_epoch: number, logs: EpochLogs, ctx: TrainingContext): void {
    const value = logs[this.monitor];
    if (value === undefined) {
      throw new Error(`ReduceLROnPlateau: the monitored metric '${this.monitor}' is not in the logs (${Object.keys(logs).join(', ')}); pass validationData to fit`);
    }
    const optimizer = ctx.model.optimizer;
    if (optimizer.schedule) {
      throw new Error(`ReduceLROnPlateau: the optimizer's learning rate follows a ${optimizer.schedule.className} schedule, which it cannot lower; give the optimizer a number`);
    }
    const current = this.sign * value;
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.wait = 0;
    }
    if (current < this.best - this.minDelta) {
      this.best = current;
      this.wait = 0;
      return;
    }
    if (this.cooldownCounter > 0) return;
    this.wait++;
    if (this.wait < this.patience) return;
    const old = optimizer.learningRate;
    // Keras compares in float32 (its learning rate is a float32 variable): at minLr it stops.
    if (Math.fround(old) > Math.fround(this.minLr)) {
      optimizer.learningRate = Math.max(old * this.factor, this.minLr);
      this.cooldownCounter = this.cooldown;
      this.wait = 0;
    }
  }

  /** State for checkpoints, so a resumed run lowers the rate where an uninterrupted one would. */
  state(): { wait: number; cooldownCounter: number; best: number | null } {
    return { wait: this.wait, cooldownCounter: this.cooldownCounter, best: Number.isFinite(this.best) ? this.best : null };
  }

  setState(s: { wait: number; cooldownCounter: number; best: number | null }): void {
    this.wait = s.wait;
    this.cooldownCounter = s.cooldownCounter;
    this.best = s.best ?? Infinity;
  }
}
