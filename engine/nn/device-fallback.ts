/**
 * fit on a WebGPU device that may be lost (a driver reset, an unplugged GPU, destroy()).
 * training.ts's fit runs its loop through `fitGuardingDevice`.
 *
 * - By default (`onDeviceLost: 'throw'`) a loss is an error that names the epoch and how
 *   many steps had run since the last epoch end, and says how to continue instead.
 * - With `onDeviceLost: 'cpu'` fit keeps a host copy of the weights and of the optimizer's
 *   state, taken at the start and at every epoch end. On a loss it moves the model to a new
 *   CPU backend (which becomes the current backend), restores that copy, tells `onFallback`
 *   (default: a line on console.warn) how many steps it redoes, and trains on from that epoch
 *   end. A run that loses its device thus ends as a CPU run started from that epoch would.
 *
 * The callbacks run inside one guard callback, which records which of them have finished an
 * epoch's end: a loss during those (a callback reading the weights, a checkpoint) keeps the
 * epoch, and the CPU runs the callbacks that had not finished, so each sees every epoch once.
 * (A callback that changed its own state before it failed on the lost device runs again from
 * its start.) The host copy costs one read-back of the weights and of the optimizer's slots per epoch.
 */
import type { Backend } from '../backends/backend.js';
import { loadCpuBackend } from '../backends/cpu/load.js';
import { WebGPUBackend } from '../backends/webgpu/webgpu-backend.js';
import { show } from './show.js';
import type { Optimizer, OptimizerState } from '../optim/optimizer.js';
import { setBackend } from '../runtime.js';
import { type Callback, type EpochLogs, History, type TrainingContext } from './callbacks.js';
import type { TrainableModel } from './trainable-model.js';
import type { Compiled, FitOptions, HostData } from './training.js';

export type DeviceLostPolicy = 'throw' | 'cpu';

export interface DeviceFallbackReport {
  /** The 0-based epoch during which the device was lost. */
  epoch: number;
  /** Epochs complete in the host copy: training continues after this many. */
  resumedAfterEpoch: number;
  /** Optimizer steps taken since that copy, which the CPU takes again. */
  stepsRedone: number;
  /** The loss as the device reported it. */
  reason: string;
  /** The CPU backend training continues on (now the current backend). */
  backend: Backend;
}

export type FitLoop = (model: TrainableModel, compiled: Compiled, x: HostData, y: ArrayLike<number>, options: FitOptions) => Promise<History>;

interface HostCopy {
  /** Epochs complete when it was taken. */
  epochsDone: number;
  iterations: number;
  weights: Float32Array[] | null;
  optimizerState: OptimizerState | null;
}

async function hostCopy(model: TrainableModel, optimizer: Optimizer, epochsDone: number, withValues: boolean): Promise<HostCopy> {
  if (!withValues) return { epochsDone, iterations: optimizer.iterations, weights: null, optimizerState: null };
  const weights = await model.getWeights();
  const optimizerState = await optimizer.state(model.store);
  return { epochsDone, iterations: optimizerState.iterations, weights, optimizerState };
}

/** The one callback fit sees: it keeps the host copy and runs the caller's callbacks, recording how far each epoch end got. */
class EpochGuard implements Callback {
  readonly history = new History();
  /** The epoch end whose callbacks have not all finished (a loss came during them). */
  pending: { epoch: number; logs: EpochLogs; next: number; ctx: TrainingContext } | null = null;
  epochInProgress: number;
  private began = false;

  constructor(
    private readonly callbacks: readonly Callback[],
    private readonly model: TrainableModel,
    private readonly optimizer: Optimizer,
    private readonly keepCopies: boolean,
    public copy: HostCopy,
  ) {
    this.epochInProgress = copy.epochsDone;
  }

  async onTrainBegin(ctx: TrainingContext): Promise<void> {
    if (this.began) return; // a resumed loop is the same training, not a new one
    this.began = true;
    for (const cb of this.callbacks) await cb.onTrainBegin?.(ctx);
  }

  /** Forwards per-step reports to callbacks that take them. */
  async onBatchEnd(...args: unknown[]): Promise<void> {
    for (const cb of this.callbacks) {
      const f = (cb as { onBatchEnd?: (...a: unknown[]) => unknown }).onBatchEnd;
      if (f) await f.apply(cb, args);
    }
  }

  async onEpochEnd(epoch: number, logs: EpochLogs, ctx: TrainingContext): Promise<void> {
    // The copy first: if the device is lost while it is read, this epoch is redone whole.
    this.copy = await hostCopy(this.model, this.optimizer, epoch + 1, this.keepCopies);
    this.history.record(epoch, logs);
    this.pending = { epoch, logs, next: 0, ctx };
    await this.finishEpochEnd();
  }

  async finishEpochEnd(): Promise<void> {
    const p = this.pending;
    if (!p) return;
    while (p.next < this.callbacks.length) {
      await this.callbacks[p.next].onEpochEnd?.(p.epoch, p.logs, p.ctx);
      p.next++;
    }
    this.pending = null;
    this.epochInProgress = p.epoch + 1;
  }

  async onTrainEnd(ctx: TrainingContext): Promise<void> {
    for (const cb of this.callbacks) await cb.onTrainEnd?.(ctx);
  }
}

/** Runs `loop` (fit's), handling a lost WebGPU device as `options.onDeviceLost` says. */
export async function fitGuardingDevice(
  model: TrainableModel, compiled: Compiled, x: HostData, y: ArrayLike<number>, options: FitOptions, loop: FitLoop,
): Promise<History> {
  const policy = options.onDeviceLost ?? 'throw';
  if (policy !== 'throw' && policy !== 'cpu') throw new Error(`fit: onDeviceLost must be 'throw' or 'cpu', got ${show(policy)}`);
  const device = model.store.backend;
  if (!(device instanceof WebGPUBackend)) return loop(model, compiled, x, y, options);

  let lost: GPUDeviceLostInfo | null = null;
  const lostPromise = device.device.lost.then((info) => (lost = info));
  const initialEpoch = options.initialEpoch ?? 0;
  const optimizer = compiled.optimizer;
  const guard = new EpochGuard(options.callbacks ?? [], model, optimizer, policy === 'cpu', await hostCopy(model, optimizer, initialEpoch, policy === 'cpu'));
  try {
    await loop(model, compiled, x, y, { ...options, callbacks: [guard] });
    return guard.history;
  } catch (e) {
    // The backend sees the loss through the same promise; give it a moment to settle.
    await Promise.race([lostPromise, new Promise((r) => setTimeout(r, 100))]);
    const info = lost as GPUDeviceLostInfo | null;
    if (!info) throw e;
    const reason = `${info.reason}: ${info.message || 'no message'}`;
    const epoch = guard.pending?.epoch ?? guard.epochInProgress;
    const copy = guard.copy;
    const stepsRedone = optimizer.iterations - copy.iterations;
    if (policy === 'throw' || !copy.weights || !copy.optimizerState) {
      throw new Error(
        `fit: the WebGPU device was lost (${reason}) during epoch ${epoch + 1}, ${stepsRedone} steps after ` +
          `${copy.epochsDone === 0 ? 'the start' : `the end of epoch ${copy.epochsDone}`}; training cannot go on on this device. ` +
          `Pass onDeviceLost: 'cpu' to fit to continue on the CPU backend from the last epoch end (${(e as Error).message})`,
      );
    }
    const { CpuBackend } = await loadCpuBackend('fit');
    const cpu = new CpuBackend(device.floatDType);
    setBackend(cpu);
    // moveTo disposes the lost device's store, which releases the optimizer's slots for it;
    // the optimizer itself (the caller's object) lives on, with slots on the CPU store.
    model.moveTo(cpu, copy.weights);
    optimizer.setState(model.store, copy.optimizerState);
    const report: DeviceFallbackReport = { epoch, resumedAfterEpoch: copy.epochsDone, stepsRedone, reason, backend: cpu };
    (options.onFallback ?? ((r) => console.warn(describeFallback(r))))(report);
    // A loss during the callbacks of an epoch end keeps that epoch: finish them on the CPU.
    const ctx = guard.pending?.ctx;
    await guard.finishEpochEnd();
    if (ctx?.stopTraining || copy.epochsDone >= (options.epochs ?? 1)) {
      await guard.onTrainEnd({ model, initialEpoch, stopTraining: true });
      return guard.history;
    }
    await loop(model, compiled, x, y, { ...options, initialEpoch: copy.epochsDone, callbacks: [guard] });
    return guard.history;
  }
}

export function describeFallback(r: DeviceFallbackReport): string {
  const from = r.resumedAfterEpoch === 0 ? 'the initial weights' : `the weights at the end of epoch ${r.resumedAfterEpoch}`;
  return `fit: the WebGPU device was lost (${r.reason}) during epoch ${r.epoch + 1}; continuing on ${r.backend.describe()} ` +
    `from ${from} (a host copy), redoing ${r.stepsRedone} step${r.stepsRedone === 1 ? '' : 's'}`;
}
