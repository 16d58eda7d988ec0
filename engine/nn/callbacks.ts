/**
 * Training callbacks and the History that fit() returns, with Keras's names
 * and behaviour.
 */
import type { Sequential } from './sequential.js';

/** Per-epoch metrics, named as Keras names them. */
export interface EpochLogs {
  loss: number;
  accuracy?: number;
  val_loss?: number;
  val_accuracy?: number;
}

export type MetricName = keyof EpochLogs;

export interface TrainingContext {
  readonly model: Sequential;
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
