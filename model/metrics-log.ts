/**
 * The metrics log of a training run (`<out>/metrics.jsonl`): JSON lines a person can plot, written
 * as training goes. Two kinds of line, each a JSON object:
 *
 *   {"kind":"read","epoch":0,"step":10,"steps":235,"iteration":10,"seconds":9.1,
 *    "loss":1.02,"accuracy":0.64,"recent_loss":0.81,"recent_accuracy":0.71,"grad_norm":1.93,
 *    "learning_rate":0.001}
 *   {"kind":"epoch","epoch":0,"iteration":235,"seconds":215.3,"loss":0.55,"accuracy":0.80,
 *    "val_loss":0.41,"val_accuracy":0.85,"learning_rate":0.001}
 *
 * A "read" line is written each time fit reads its metrics from the device (every `readEvery`
 * steps and at the end of an epoch; Callback.onMetricsRead), so the log costs no read-back:
 * `loss`/`accuracy` are the epoch's running means, `recent_*` the means of the steps just read.
 * An "epoch" line follows each epoch with fit's logs. `epoch` is 0-based (as History and Keras's
 * CSVLogger), `step` counts the steps done in the epoch, `iteration` the optimizer's steps in all,
 * `seconds` the wall time since this process started training, `learning_rate` the rate of the
 * optimizer's last update (a schedule's value at that step) when it has one, `grad_norm` (read
 * lines) the mean global L2 norm of the gradients, before clipping, over the steps just read:
 * each step measures it on the device and fit reads it with the losses (MetricsReadLogs.gradNorm).
 * The report draws both against `iteration` (monitoringFromLog).
 *
 * A resumed run keeps the lines of the epochs its checkpoint holds and drops the rest (those of the
 * interrupted epoch, and a line cut short by a crash), so the log reads as one uninterrupted run.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Callback, EpochLogs, MetricsReadLogs, TrainingContext } from '../engine/nn/callbacks.js';
import type { Optimizer } from '../engine/optim/optimizer.js';
import type { MonitoringPoint } from './report/types.js';

export const METRICS_LOG_FILE = 'metrics.jsonl';

export type MetricsLogLine =
  | ({ kind: 'read'; epoch: number; step: number; steps: number } & LineCommon & Record<string, number | string>)
  | ({ kind: 'epoch'; epoch: number } & LineCommon & Record<string, number | string>);

interface LineCommon {
  iteration: number;
  seconds: number;
}

/** Reads a metrics log, skipping a last line cut short by a crash. */
export function readMetricsLog(path: string): MetricsLogLine[] {
  if (!existsSync(path)) return [];
  const lines: MetricsLogLine[] = [];
  for (const text of readFileSync(path, 'utf8').split('\n')) {
    if (!text.trim()) continue;
    try {
      const v = JSON.parse(text) as MetricsLogLine;
      if (v && typeof v === 'object' && (v.kind === 'read' || v.kind === 'epoch') && Number.isInteger(v.epoch)) lines.push(v);
    } catch {
      // A line cut short by a crash mid-write: the resumed run redoes that epoch anyway.
    }
  }
  return lines;
}

/** A fit callback that writes the metrics log; `steps` is the number of steps per epoch. */
export class MetricsLog implements Callback {
  private started = performance.now();

  constructor(
    readonly path: string,
    private readonly steps: number,
  ) {}

  onTrainBegin(ctx: TrainingContext): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const kept = ctx.initialEpoch > 0 ? readMetricsLog(this.path).filter((l) => l.epoch < ctx.initialEpoch) : [];
    writeFileSync(this.path, kept.map((l) => `${JSON.stringify(l)}\n`).join(''));
    this.started = performance.now();
  }

  onMetricsRead(epoch: number, step: number, logs: MetricsReadLogs, ctx: TrainingContext): void {
    const recent: Record<string, number> = {};
    for (const [k, v] of Object.entries(logs.recent)) if (v !== undefined) recent[`recent_${k}`] = v;
    const norm: Record<string, number> = logs.gradNorm !== undefined ? { grad_norm: logs.gradNorm } : {};
    this.write({ kind: 'read', epoch, step, steps: this.steps, ...this.common(ctx), ...defined(logs.running), ...recent, ...norm, ...this.rate(ctx) });
  }

  onEpochEnd(epoch: number, logs: EpochLogs, ctx: TrainingContext): void {
    this.write({ kind: 'epoch', epoch, ...this.common(ctx), ...defined(logs), ...this.rate(ctx) });
  }

  private common(ctx: TrainingContext): LineCommon {
    return { iteration: ctx.model.optimizer.iterations, seconds: Math.round(performance.now() - this.started) / 1000 };
  }

  /** The rate of the last update: a schedule's `learningRate` is already the next step's. */
  private rate(ctx: TrainingContext): Record<string, number> {
    const opt = ctx.model.optimizer as Partial<Optimizer>;
    const done = opt.iterations ?? 0;
    const lr = opt.schedule && done > 0 ? opt.schedule.at(done - 1) : opt.learningRate;
    return typeof lr === 'number' && Number.isFinite(lr) ? { learning_rate: lr } : {};
  }

  private write(line: MetricsLogLine): void {
    appendFileSync(this.path, `${JSON.stringify(line)}\n`);
  }
}

function defined(logs: EpochLogs): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(logs)) if (v !== undefined) out[k] = v;
  return out;
}

/**
 * The report's monitoring curves from a metrics log: one point per read line, against the
 * optimizer's step count, with the learning rate and the gradient norm where the line has them.
 */
export function monitoringFromLog(lines: readonly MetricsLogLine[]): MonitoringPoint[] {
  const points: MonitoringPoint[] = [];
  for (const l of lines) {
    if (l.kind !== 'read') continue;
    const p: MonitoringPoint = { iteration: l.iteration, epoch: l.epoch };
    if (typeof l.learning_rate === 'number') p.learningRate = l.learning_rate;
    if (typeof l.grad_norm === 'number') p.gradNorm = l.grad_norm;
    points.push(p);
  }
  return points;
}
