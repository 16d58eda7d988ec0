/**
 * The learning-rate schedules (engine/optim/schedules.ts) at chosen steps, worked out by hand
 * from Keras 3's formulas, and ReduceLROnPlateau (engine/nn/callbacks.ts) over a scripted
 * sequence of epochs and inside fit.
 */
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { ReduceLROnPlateau, type EpochLogs, type TrainingContext } from '../engine/nn/callbacks.js';
import { Dense, Flatten } from '../engine/nn/layers.js';
import { Sequential } from '../engine/nn/sequential.js';
import type { Optimizer } from '../engine/optim/optimizer.js';
import { CosineDecay, ExponentialDecay, PiecewiseConstantDecay, scheduleFromRecord } from '../engine/optim/schedules.js';
import { SGD } from '../engine/optim/sgd.js';
import { setBackend } from '../engine/runtime.js';

describe('schedules, at chosen steps', () => {
  it('ExponentialDecay: 0.1 * 0.5^(step/10), floored with staircase', () => {
    const smooth = new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 });
    expect(smooth.at(0)).toBe(0.1);
    expect(smooth.at(5)).toBeCloseTo(0.1 / Math.SQRT2, 15);
    expect(smooth.at(10)).toBeCloseTo(0.05, 15);
    expect(smooth.at(30)).toBeCloseTo(0.0125, 15);
    const stairs = new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5, staircase: true });
    expect([0, 9, 10, 15, 19, 20].map((s) => stairs.at(s))).toEqual([0.1, 0.1, 0.05, 0.05, 0.05, 0.025]);
  });

  it('PiecewiseConstantDecay: values[0] up to and including the first boundary', () => {
    const p = new PiecewiseConstantDecay({ boundaries: [100, 200], values: [1, 0.5, 0.1] });
    expect([0, 100, 101, 200, 201, 10_000].map((s) => p.at(s))).toEqual([1, 1, 0.5, 0.5, 0.1, 0.1]);
  });

  it('CosineDecay without warm-up: from the initial rate down to alpha times it, then flat', () => {
    const c = new CosineDecay({ initialLearningRate: 0.1, decaySteps: 100, alpha: 0.1 });
    expect(c.at(0)).toBeCloseTo(0.1, 15);
    expect(c.at(50)).toBeCloseTo(0.1 * (0.9 * 0.5 + 0.1), 15); // cos(pi/2) = 0
    expect(c.at(25)).toBeCloseTo(0.1 * (0.9 * 0.5 * (1 + Math.SQRT1_2) + 0.1), 15);
    expect(c.at(100)).toBeCloseTo(0.01, 15);
    expect(c.at(150)).toBeCloseTo(0.01, 15);
  });

  it('CosineDecay with a linear warm-up: 0 to the target over warmupSteps, then the cosine from the target', () => {
    const c = new CosineDecay({ initialLearningRate: 0, warmupTarget: 0.1, warmupSteps: 10, decaySteps: 100 });
    expect(c.at(0)).toBe(0);
    expect(c.at(5)).toBeCloseTo(0.05, 15);
    expect(c.at(9)).toBeCloseTo(0.09, 15);
    expect(c.at(10)).toBeCloseTo(0.1, 15);
    expect(c.at(60)).toBeCloseTo(0.05, 15);
    expect(c.at(110)).toBeCloseTo(0, 15);
    expect(c.at(5000)).toBeCloseTo(0, 15);
    const fromHalf = new CosineDecay({ initialLearningRate: 0.05, warmupTarget: 0.1, warmupSteps: 4, decaySteps: 8 });
    expect(fromHalf.at(2)).toBeCloseTo(0.075, 15);
  });

  it('round-trip through their JSON records', () => {
    for (const s of [
      new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 7, decayRate: 0.9, staircase: true }),
      new PiecewiseConstantDecay({ boundaries: [3, 9], values: [0.3, 0.2, 0.1] }),
      new CosineDecay({ initialLearningRate: 0, warmupTarget: 0.2, warmupSteps: 3, decaySteps: 11, alpha: 0.05 }),
    ]) {
      const back = scheduleFromRecord(JSON.parse(JSON.stringify(s.toJSON())));
      expect(back.className).toBe(s.className);
      for (const step of [0, 2, 3, 5, 9, 13, 40]) expect(back.at(step)).toBe(s.at(step));
    }
  });

  it('bad options name the schedule, the option and the value', () => {
    expect(() => new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 0, decayRate: 0.5 })).toThrow('ExponentialDecay: decaySteps must be > 0 and finite, got 0');
    expect(() => new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5, stairs: true } as object as never)).toThrow(
      "ExponentialDecay: unknown option 'stairs' (expected initialLearningRate, decaySteps, decayRate, staircase)",
    );
    expect(() => new PiecewiseConstantDecay({ boundaries: [10, 5], values: [1, 2, 3] })).toThrow(
      'PiecewiseConstantDecay: boundaries must be increasing finite numbers >= 0, got [10, 5] (at index 1)',
    );
    expect(() => new PiecewiseConstantDecay({ boundaries: [10], values: [1] })).toThrow(
      'PiecewiseConstantDecay: values must have one more element than boundaries (2), got [1]',
    );
    expect(() => new CosineDecay({ initialLearningRate: 0.1, decaySteps: 10, warmupSteps: 5 })).toThrow(
      'CosineDecay: warmupSteps is 5 but warmupTarget is not set',
    );
    expect(() => new CosineDecay({ initialLearningRate: 0.1, decaySteps: 10, alpha: 2 })).toThrow('CosineDecay: alpha must be in [0, 1], got 2');
    expect(() => new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5 }).at(-1)).toThrow(
      'ExponentialDecay: the step must be an integer >= 0, got -1',
    );
    expect(() => scheduleFromRecord({ className: 'StepDecay', config: {} })).toThrow(
      /^learning-rate schedule: expected \{ className: one of ExponentialDecay, PiecewiseConstantDecay, CosineDecay, config \}, got \{"className":"StepDecay"/,
    );
  });
});

/** Runs the callback over scripted epoch logs; returns the learning rate after each epoch. */
function plateau(cb: ReduceLROnPlateau, optimizer: Optimizer, values: number[], key: keyof EpochLogs = 'val_loss'): number[] {
  const ctx = { model: { optimizer }, stopTraining: false, initialEpoch: 0 } as unknown as TrainingContext;
  cb.onTrainBegin(ctx);
  return values.map((v, epoch) => {
    cb.onEpochEnd(epoch, { loss: 1, [key]: v }, ctx);
    return optimizer.learningRate;
  });
}

describe('ReduceLROnPlateau (Keras semantics)', () => {
  it('lowers by factor after patience epochs without an improvement of more than minDelta, with cooldown and minLr', () => {
    const cb = new ReduceLROnPlateau({ factor: 0.5, patience: 2, minDelta: 0.01, cooldown: 1, minLr: 0.02 });
    const lrs = plateau(cb, new SGD({ learningRate: 0.1 }), [1, 0.9, 0.95, 0.95, 0.95, 0.895, 0.95, 0.95, 0.95, 0.95, 0.5]);
    // Epoch by epoch: 0 and 1 improve; 2, 3 wait 1, 2 -> 0.05 (cooldown 1); 4 ends the cooldown and
    // waits 1; 5 (0.895, not below 0.9 - 0.01) waits 2 -> 0.025; 6, 7 -> max(0.0125, 0.02); 8, 9 at minLr stay; 10 improves.
    expect(lrs).toEqual([0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.02, 0.02, 0.02, 0.02]);
    expect(cb.best).toBe(0.5);
    expect(cb.wait).toBe(0);
  });

  it("maximises accuracy in 'auto' mode; keeps its state across a resumed fit", () => {
    const cb = new ReduceLROnPlateau({ monitor: 'val_accuracy', factor: 0.1, patience: 1, minDelta: 0 });
    const opt = new SGD({ learningRate: 1 });
    expect(plateau(cb, opt, [0.5, 0.6, 0.6, 0.7, 0.65], 'val_accuracy')).toEqual([1, 1, 0.1, 0.1, 0.1 * 0.1]);
    const resumed = new ReduceLROnPlateau({ monitor: 'val_accuracy', factor: 0.1, patience: 1, minDelta: 0 });
    resumed.setState(cb.state());
    expect(resumed.state()).toEqual({ wait: 0, cooldownCounter: 0, best: -0.7 });
  });

  it('lowers the learning rate of a real fit, which the next updates use', async () => {
    setBackend(new CpuBackend('float32'));
    const model = new Sequential([new Flatten({ inputShape: [2, 2, 1] }), new Dense({ units: 3 })]).compile({ optimizer: new SGD({ learningRate: 0.1 }) });
    const x = { values: Float32Array.from({ length: 16 }, (_, i) => Math.sin(i)), shape: [4, 2, 2, 1] };
    // minDelta 10: no epoch after the first counts as an improvement; patience 0 lowers at each.
    await model.fit(x, [0, 1, 2, 0], { epochs: 3, batchSize: 4, verbose: 0, callbacks: [new ReduceLROnPlateau({ monitor: 'loss', patience: 0, minDelta: 10 })] });
    expect(model.optimizer.learningRate).toBeCloseTo(0.001, 15);
    model.dispose();
  });

  it('errors: a schedule it cannot lower, a missing metric, a factor of 1 or more, unknown options', () => {
    const scheduled = new SGD({ learningRate: new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 5, decayRate: 0.5 }) });
    expect(() => plateau(new ReduceLROnPlateau(), scheduled, [1])).toThrow(
      "ReduceLROnPlateau: the optimizer's learning rate follows a ExponentialDecay schedule, which it cannot lower; give the optimizer a number",
    );
    expect(() => plateau(new ReduceLROnPlateau(), new SGD(), [1], 'loss')).toThrow(
      "ReduceLROnPlateau: the monitored metric 'val_loss' is not in the logs (loss); pass validationData to fit",
    );
    expect(() => new ReduceLROnPlateau({ factor: 1 })).toThrow('ReduceLROnPlateau: factor must be in (0, 1) (Keras refuses a factor >= 1), got 1');
    expect(() => new ReduceLROnPlateau({ patience: 1.5 })).toThrow('ReduceLROnPlateau: patience must be an integer >= 0, got 1.5');
    expect(() => new ReduceLROnPlateau({ min_lr: 0.1 } as object)).toThrow("ReduceLROnPlateau: unknown option 'min_lr'");
  });
});
