/**
 * Every optimizer against its Keras update written out by hand in float64, for 5 steps over two
 * parameters packed in one flat buffer (with padding between them): on the CPU backend in float64
 * (to 1e-12), in float32, and on WebGPU (SwiftShader), both to float32's precision. Also: weight
 * decay, learning-rate schedules driving the update, global-norm clipping above and below the
 * threshold, compile's names and errors, and that slots are freed with their store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../engine/backends/backend.js';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { WebGPUBackend } from '../engine/backends/webgpu/webgpu-backend.js';
import { Dense, Flatten } from '../engine/nn/layers.js';
import { ParameterStore } from '../engine/nn/parameter-store.js';
import { Sequential } from '../engine/nn/sequential.js';
import { Adagrad } from '../engine/optim/adagrad.js';
import { Adam, AdamW } from '../engine/optim/adam.js';
import type { Optimizer } from '../engine/optim/optimizer.js';
import { getOptimizer, optimizerFromConfig } from '../engine/optim/registry.js';
import { RMSprop } from '../engine/optim/rmsprop.js';
import { CosineDecay, ExponentialDecay, PiecewiseConstantDecay } from '../engine/optim/schedules.js';
import { SGD } from '../engine/optim/sgd.js';
import { getBackend, setBackend } from '../engine/runtime.js';
import { tensor } from '../engine/tensor.js';
import { nodeGPU } from '../node/webgpu.js';

// ---- The references: Keras 3's update rules, one scalar at a time, in float64.

interface Common {
  /** The learning rate of update `step` (0-based, Keras's iterations before the update). */
  lr: (step: number) => number;
  weightDecay?: number;
  clipNorm?: number;
}

type Rule = (w: number[], g: number[], slots: number[][], t: number, lr: number) => void;

/** Runs a rule over 5 steps, with clipping by the global norm and decoupled weight decay as Keras applies them. */
function byHand(w0: number[], steps: number[][], c: Common, slotCount: number, rule: Rule, slotInit = 0): number[] {
  const w = [...w0];
  const slots = Array.from({ length: slotCount }, () => w.map(() => slotInit));
  steps.forEach((g0, step) => {
    let g = [...g0];
    if (c.clipNorm !== undefined) {
      const norm = Math.sqrt(g.reduce((s, x) => s + x * x, 0));
      if (norm > c.clipNorm) g = g.map((x) => (x * c.clipNorm!) / norm);
    }
    const lr = c.lr(step);
    for (let i = 0; i < w.length; i++) w[i] -= w[i] * (c.weightDecay ?? 0) * lr;
    rule(w, g, slots, step + 1, lr);
  });
  return w;
}

const adamRule = (b1: number, b2: number, eps: number): Rule => (w, g, [m, v], t, lr) => {
  const alpha = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
  for (let i = 0; i < w.length; i++) {
    m[i] += (g[i] - m[i]) * (1 - b1);
    v[i] += (g[i] * g[i] - v[i]) * (1 - b2);
    w[i] -= (m[i] * alpha) / (Math.sqrt(v[i]) + eps);
  }
};

const sgdRule = (momentum: number, nesterov: boolean): Rule => (w, g, slots, _t, lr) => {
  for (let i = 0; i < w.length; i++) {
    if (momentum === 0) {
      w[i] -= g[i] * lr;
      continue;
    }
    const m = slots[0];
    m[i] = m[i] * momentum - g[i] * lr;
    w[i] += nesterov ? m[i] * momentum - g[i] * lr : m[i];
  }
};

const rmspropRule = (rho: number, momentum: number, eps: number, centered: boolean): Rule => (w, g, [vel, a, b], _t, lr) => {
  const mom = momentum > 0 ? a : null;
  const avg = centered ? (momentum > 0 ? b : a) : null;
  for (let i = 0; i < w.length; i++) {
    vel[i] = rho * vel[i] + (1 - rho) * g[i] * g[i];
    let denominator = vel[i] + eps;
    if (avg) {
      avg[i] = rho * avg[i] + (1 - rho) * g[i];
      denominator = vel[i] - avg[i] * avg[i] + eps;
    }
    const increment = (lr * g[i]) / Math.sqrt(denominator);
    if (mom) {
      mom[i] = momentum * mom[i] + increment;
      w[i] -= mom[i];
    } else {
      w[i] -= increment;
    }
  }
};

const adagradRule = (eps: number): Rule => (w, g, [acc], _t, lr) => {
  for (let i = 0; i < w.length; i++) {
    acc[i] += g[i] * g[i];
    w[i] -= (lr * g[i]) / Math.sqrt(acc[i] + eps);
  }
};

// ---- The inputs: a [2, 3] and a [5] parameter (the second starts at element 64 of the flat buffer).

const W0 = [0.5, -1.25, 2, 0.1, -0.3, 0.8, -0.7, 1.5, 0.05, -2.2, 0.9];
const GRADS = [
  [0.1, -0.2, 0.3, 1e-3, -5, 0.4, 0.2, -0.1, 0.05, 2, -1],
  [0.05, 0.4, -0.3, 2e-3, -4, 0.3, -0.2, 0.1, 0.02, 1.5, -0.8],
  [-0.2, 0.1, 0, 0.5, 3, -0.1, 0.3, 0.2, -0.04, -1, 0.6],
  [0.3, -0.3, 0.2, -0.5, 1, 0.2, -0.3, 0.05, 0.1, 0.5, 0.3],
  [0.15, 0.2, -0.1, 0.25, -2, -0.3, 0.1, -0.2, 0.03, -0.7, 0.4],
];

function storeOn(backend: Backend): ParameterStore {
  return new ParameterStore(backend, [
    { name: 'a', shape: [2, 3], values: W0.slice(0, 6) },
    { name: 'b', shape: [5], values: W0.slice(6) },
  ]);
}

/** Five updates on `backend`, the weights read back. */
async function fiveSteps(backend: Backend, optimizer: Optimizer): Promise<number[]> {
  setBackend(backend);
  const store = storeOn(backend);
  for (const g of GRADS) {
    const grads = [tensor(g.slice(0, 6), [2, 3]), tensor(g.slice(6), [5])];
    optimizer.applyGradients(store, grads);
    grads.forEach((t) => t.dispose());
  }
  // The flat buffer itself, in the backend's float type (store.read() gives float32).
  const flat = await store.flat.data();
  const got = [...Array.from(flat.subarray(0, 6)), ...Array.from(flat.subarray(64, 69))];
  optimizer.dispose();
  store.dispose();
  return got;
}

interface Case {
  name: string;
  make: () => Optimizer;
  expected: () => number[];
}

const constant = (lr: number) => () => lr;
const cases: Case[] = [
  { name: 'Adam, Keras defaults', make: () => new Adam(), expected: () => byHand(W0, GRADS, { lr: constant(1e-3) }, 2, adamRule(0.9, 0.999, 1e-7)) },
  {
    name: 'Adam, lr 0.05, beta1 0.8, globalClipNorm 2 (steps 1, 2, 3 and 5 clipped, step 4 not)',
    make: () => new Adam({ learningRate: 0.05, beta1: 0.8, globalClipNorm: 2 }),
    expected: () => byHand(W0, GRADS, { lr: constant(0.05), clipNorm: 2 }, 2, adamRule(0.8, 0.999, 1e-7)),
  },
  {
    name: 'AdamW, lr 0.01, weightDecay 0.1',
    make: () => new AdamW({ learningRate: 0.01, weightDecay: 0.1 }),
    expected: () => byHand(W0, GRADS, { lr: constant(0.01), weightDecay: 0.1 }, 2, adamRule(0.9, 0.999, 1e-7)),
  },
  {
    name: 'AdamW, Keras defaults (weightDecay 0.004)',
    make: () => new AdamW(),
    expected: () => byHand(W0, GRADS, { lr: constant(1e-3), weightDecay: 0.004 }, 2, adamRule(0.9, 0.999, 1e-7)),
  },
  { name: 'SGD, Keras defaults', make: () => new SGD(), expected: () => byHand(W0, GRADS, { lr: constant(0.01) }, 0, sgdRule(0, false)) },
  {
    name: 'SGD, momentum 0.9',
    make: () => new SGD({ learningRate: 0.05, momentum: 0.9 }),
    expected: () => byHand(W0, GRADS, { lr: constant(0.05) }, 1, sgdRule(0.9, false)),
  },
  {
    name: 'SGD, momentum 0.9, Nesterov, weightDecay 0.01',
    make: () => new SGD({ learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01 }),
    expected: () => byHand(W0, GRADS, { lr: constant(0.05), weightDecay: 0.01 }, 1, sgdRule(0.9, true)),
  },
  {
    name: 'SGD under ExponentialDecay (staircase, every 2 steps)',
    make: () => new SGD({ learningRate: new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 2, decayRate: 0.5, staircase: true }) }),
    expected: () => byHand(W0, GRADS, { lr: (s) => 0.1 * 0.5 ** Math.floor(s / 2) }, 0, sgdRule(0, false)),
  },
  { name: 'RMSprop, Keras defaults', make: () => new RMSprop(), expected: () => byHand(W0, GRADS, { lr: constant(1e-3) }, 1, rmspropRule(0.9, 0, 1e-7, false)) },
  {
    name: 'RMSprop, momentum 0.5, centered, rho 0.8',
    make: () => new RMSprop({ learningRate: 0.01, rho: 0.8, momentum: 0.5, centered: true }),
    expected: () => byHand(W0, GRADS, { lr: constant(0.01) }, 3, rmspropRule(0.8, 0.5, 1e-7, true)),
  },
  {
    name: 'RMSprop, centered, under CosineDecay with a 2-step warm-up',
    make: () => new RMSprop({ centered: true, learningRate: new CosineDecay({ initialLearningRate: 0, warmupTarget: 0.02, warmupSteps: 2, decaySteps: 4 }) }),
    expected: () => byHand(W0, GRADS, {
      lr: (s) => (s < 2 ? 0.02 * (s / 2) : 0.02 * 0.5 * (1 + Math.cos((Math.PI * (s - 2)) / 4))),
    }, 2, rmspropRule(0.9, 0, 1e-7, true)),
  },
  { name: 'Adagrad, Keras defaults', make: () => new Adagrad(), expected: () => byHand(W0, GRADS, { lr: constant(1e-3) }, 1, adagradRule(1e-7), 0.1) },
  {
    name: 'Adagrad, lr 0.1, initialAccumulatorValue 0.5, PiecewiseConstantDecay',
    make: () => new Adagrad({ initialAccumulatorValue: 0.5, learningRate: new PiecewiseConstantDecay({ boundaries: [1, 3], values: [0.1, 0.05, 0.01] }) }),
    expected: () => byHand(W0, GRADS, { lr: (s) => (s <= 1 ? 0.1 : s <= 3 ? 0.05 : 0.01) }, 1, adagradRule(1e-7), 0.5),
  },
];

/** |got - want| <= rel * |want| + abs, element by element, with the first failure named. */
function expectClose(got: number[], want: number[], rel: number, abs: number, what: string): void {
  expect(got).toHaveLength(want.length);
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]);
    expect(err, `${what}: element ${i}: ${got[i]} vs ${want[i]}`).toBeLessThanOrEqual(rel * Math.abs(want[i]) + abs);
  }
}

let gpu: WebGPUBackend | null = null;
beforeAll(async () => {
  gpu = await WebGPUBackend.create(nodeGPU(), { precompile: false });
}, 120_000);
afterAll(() => gpu?.device.destroy());

describe.each(cases.map((c) => [c.name, c] as const))('%s: 5 steps against the update by hand (float64)', (_name, c) => {
  it('CPU float64, to 1e-12', async () => {
    expectClose(await fiveSteps(new CpuBackend('float64'), c.make()), c.expected(), 1e-12, 1e-13, 'cpu float64');
  });
  it('CPU float32 and WebGPU (SwiftShader), to float32 precision', async () => {
    const want = c.expected();
    // Five steps of float32 rounding, each amplified at most a few times by the update.
    expectClose(await fiveSteps(new CpuBackend('float32'), c.make()), want, 2e-6, 2e-6, 'cpu float32');
    expect(gpu, 'a WebGPU adapter (the test fails, not skips, without one)').not.toBeNull();
    expectClose(await fiveSteps(gpu!, c.make()), want, 2e-6, 2e-6, 'webgpu');
  });
});

describe('the updates differ where they should (a check of the references themselves)', () => {
  it('Nesterov, centering, weight decay and clipping each change the result', () => {
    const at = (lr: number) => ({ lr: constant(lr) });
    const differ = (a: number[], b: number[]) => a.some((x, i) => Math.abs(x - b[i]) > 1e-6);
    expect(differ(byHand(W0, GRADS, at(0.05), 1, sgdRule(0.9, true)), byHand(W0, GRADS, at(0.05), 1, sgdRule(0.9, false)))).toBe(true);
    expect(differ(byHand(W0, GRADS, at(0.01), 2, rmspropRule(0.9, 0, 1e-7, true)), byHand(W0, GRADS, at(0.01), 1, rmspropRule(0.9, 0, 1e-7, false)))).toBe(true);
    expect(differ(byHand(W0, GRADS, { ...at(0.01), weightDecay: 0.1 }, 2, adamRule(0.9, 0.999, 1e-7)), byHand(W0, GRADS, at(0.01), 2, adamRule(0.9, 0.999, 1e-7)))).toBe(true);
    expect(differ(byHand(W0, GRADS, { ...at(0.05), clipNorm: 2 }, 2, adamRule(0.8, 0.999, 1e-7)), byHand(W0, GRADS, at(0.05), 2, adamRule(0.8, 0.999, 1e-7)))).toBe(true);
  });
});

describe('global-norm clipping (globalClipNorm, Keras global_clipnorm)', () => {
  // The gradients' global norms per step: 5.51, 4.39, 3.29, 1.40, 2.22.
  const norms = GRADS.map((g) => Math.sqrt(g.reduce((s, x) => s + x * x, 0)));

  it('a threshold above every norm leaves the update as without clipping; below, the clipped gradient has the threshold as its norm', async () => {
    expect(Math.max(...norms)).toBeLessThan(7);
    expect(norms[0]).toBeGreaterThan(3);
    const cpu = new CpuBackend('float64');
    const plain = await fiveSteps(cpu, new SGD({ learningRate: 0.1 }));
    expect(await fiveSteps(cpu, new SGD({ learningRate: 0.1, globalClipNorm: 7 }))).toEqual(plain);
    // One SGD step moves w by lr * g_clipped: its norm is lr * threshold.
    setBackend(cpu);
    for (const backend of [cpu, gpu!]) {
      setBackend(backend);
      const store = storeOn(backend);
      new SGD({ learningRate: 1, globalClipNorm: 3 }).applyGradients(store, [tensor(GRADS[0].slice(0, 6), [2, 3]), tensor(GRADS[0].slice(6), [5])]);
      const moved = (await store.read()).flatMap((a) => Array.from(a)).map((w, i) => W0[i] - w);
      const movedNorm = Math.sqrt(moved.reduce((s, x) => s + x * x, 0));
      expect(movedNorm, backend.name).toBeCloseTo(3, 5);
      // The direction is the gradient's.
      moved.forEach((d, i) => expect(d, `${backend.name} element ${i}`).toBeCloseTo((GRADS[0][i] * 3) / norms[0], 5));
      store.dispose();
    }
  });

  it('reads nothing back: clipped updates with a schedule submit nothing on WebGPU until the weights are read', async () => {
    setBackend(gpu!);
    const store = storeOn(gpu!);
    const grads = [tensor(GRADS[0].slice(0, 6), [2, 3]), tensor(GRADS[0].slice(6), [5])];
    await store.read();
    const opt = new Adam({ globalClipNorm: 1, learningRate: new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5 }) });
    const submits = gpu!.submitCount;
    for (let i = 0; i < 3; i++) opt.applyGradients(store, grads);
    expect(gpu!.submitCount, 'no submit (so no host read) during the updates').toBe(submits);
    await store.read();
    expect(gpu!.submitCount).toBeGreaterThan(submits);
    opt.dispose();
    store.dispose();
  });
});

describe('options, names and errors', () => {
  it('has Keras defaults and reports them in getConfig, which rebuilds the same optimizer', () => {
    const configs = [new Adam(), new AdamW(), new SGD(), new RMSprop(), new Adagrad()].map((o) => [o.className, o.getConfig()] as const);
    expect(Object.fromEntries(configs)).toEqual({
      Adam: { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0, globalClipNorm: null },
      AdamW: { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0.004, globalClipNorm: null },
      SGD: { learningRate: 0.01, momentum: 0, nesterov: false, weightDecay: 0, globalClipNorm: null },
      RMSprop: { learningRate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false, weightDecay: 0, globalClipNorm: null },
      Adagrad: { learningRate: 0.001, initialAccumulatorValue: 0.1, epsilon: 1e-7, weightDecay: 0, globalClipNorm: null },
    });
    const withSchedule = new SGD({ momentum: 0.5, learningRate: new CosineDecay({ initialLearningRate: 0.1, decaySteps: 10, alpha: 0.1 }) });
    const again = optimizerFromConfig('SGD', JSON.parse(JSON.stringify(withSchedule.getConfig())));
    expect(again.getConfig()).toEqual(withSchedule.getConfig());
    expect(again.schedule!.at(5)).toBe(withSchedule.schedule!.at(5));
    expect(new RMSprop({ momentum: 0.9, centered: true }).slotNames()).toEqual(['velocity', 'momentum', 'average_gradient']);
    expect(new SGD().slotNames()).toEqual([]);
    expect(new SGD({ momentum: 0.1 }).slotNames()).toEqual(['momentum']);
  });

  it('compile takes each name (any case) or an Optimizer; anything else is a clear error', () => {
    const model = () => new Sequential([new Flatten({ inputShape: [2, 2, 1] }), new Dense({ units: 2 })]);
    for (const [name, className] of [['adam', 'Adam'], ['sgd', 'SGD'], ['rmsprop', 'RMSprop'], ['adamw', 'AdamW'], ['adagrad', 'Adagrad'], ['SGD', 'SGD']] as const) {
      expect(model().compile({ optimizer: name as 'sgd' }).optimizer.className).toBe(className);
    }
    const mine = new SGD({ momentum: 0.9 });
    expect(model().compile({ optimizer: mine }).optimizer).toBe(mine);
    expect(model().compile().optimizer.className).toBe('Adam');
    expect(() => model().compile({ optimizer: 'adamax' as 'adam' })).toThrow(
      "compile: optimizer must be one of 'adam', 'sgd', 'rmsprop', 'adamw', 'adagrad' or an Optimizer (new SGD({ momentum: 0.9 }), new AdamW(), ...), got 'adamax'",
    );
    expect(() => getOptimizer({ applyGradients: 1 })).toThrow(/^compile: optimizer must be one of .*got \{"applyGradients":1\}/);
  });

  it('bad options name the optimizer, the option and the value', () => {
    expect(() => new SGD({ momentum: 1.5 })).toThrow('SGD: momentum must be in [0, 1], got 1.5');
    expect(() => new SGD({ nesterov: 'yes' as unknown as boolean })).toThrow("SGD: nesterov must be true or false, got 'yes'");
    expect(() => new SGD({ momentun: 0.9 } as object)).toThrow("SGD: unknown option 'momentun' (expected momentum, nesterov, learningRate, weightDecay, globalClipNorm)");
    expect(() => new RMSprop({ rho: 1 })).toThrow('RMSprop: rho must be in [0, 1), got 1');
    expect(() => new RMSprop({ epsilon: 0 })).toThrow('RMSprop: epsilon must be > 0 and finite, got 0');
    expect(() => new AdamW({ weightDecay: -0.1 })).toThrow('AdamW: weightDecay must be >= 0 and finite, got -0.1');
    expect(() => new AdamW({ beta2: NaN })).toThrow('AdamW: beta2 must be in [0, 1), got NaN');
    expect(() => new Adagrad({ initialAccumulatorValue: -1 })).toThrow('Adagrad: initialAccumulatorValue must be >= 0 and finite, got -1');
    expect(() => new Adagrad({ learningRate: 0 })).toThrow('Adagrad: learningRate must be > 0 and finite, got 0 (or give a schedule');
    expect(() => new Adam({ globalClipNorm: 0 })).toThrow('Adam: globalClipNorm must be > 0 and finite (or null for none), got 0');
    expect(() => new Adam('fast' as unknown as object)).toThrow("Adam: expected an options object, got 'fast'");
    const sched = new SGD({ learningRate: new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.9 }) });
    expect(() => { sched.learningRate = 0.01; }).toThrow('SGD: the learning rate follows a ExponentialDecay schedule and cannot be set');
    const fixed = new SGD();
    expect(() => { fixed.learningRate = -1; }).toThrow('SGD: learningRate must be > 0 and finite, got -1');
    fixed.learningRate = 0.5;
    expect(fixed.learningRate).toBe(0.5);
    expect(fixed.getConfig().learningRate).toBe(0.01);
  });

  it('setState refuses slots of another optimizer or layout, naming them', () => {
    setBackend(new CpuBackend('float32'));
    const store = storeOn(getBackend());
    const rms = new RMSprop({ momentum: 0.9 });
    expect(() => rms.setState(store, { iterations: 1, learningRate: 0.1, slots: { m: new Float32Array(128), v: new Float32Array(128) } }))
      .toThrow('RMSprop.setState: expected the slots [velocity, momentum], got [m, v]');
    expect(() => rms.setState(store, { iterations: 1, learningRate: 0.1, slots: { velocity: new Float32Array(3), momentum: new Float32Array(128) } }))
      .toThrow("RMSprop.setState: slot velocity needs 128 values (the store's flat length), got 3");
    expect(() => rms.setState(store, { iterations: -1, learningRate: 0.1, slots: {} })).toThrow('RMSprop.setState: iterations must be an integer >= 0, got -1');
    rms.dispose();
    store.dispose();
  });
});

describe('who owns the slots', () => {
  it("model.dispose() frees the optimizer's slots and gradient buffer: memory goes back to where it was (CPU and WebGPU)", async () => {
    for (const backend of [new CpuBackend('float32'), gpu!]) {
      setBackend(backend);
      const before = backend.memory().usedBytes;
      const x = { values: Float32Array.from({ length: 8 * 4 }, (_, i) => Math.cos(i)), shape: [8, 2, 2, 1] };
      const y = [0, 1, 2, 0, 1, 2, 0, 1];
      for (const optimizer of ['adam', 'sgd', 'rmsprop', 'adamw', 'adagrad'] as const) {
        const model = new Sequential([new Flatten({ inputShape: [2, 2, 1] }), new Dense({ units: 3 })]).compile({ optimizer });
        await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
        const optimizerOf = model.optimizer;
        expect(backend.memory().usedBytes, `${backend.name} ${optimizer}: slots live while the model does`).toBeGreaterThan(before);
        model.dispose();
        expect(backend.memory().usedBytes, `${backend.name} ${optimizer} after model.dispose()`).toBe(before);
        // The optimizer stays usable: a new model gets fresh slots.
        const next = new Sequential([new Flatten({ inputShape: [2, 2, 1] }), new Dense({ units: 3 })]).compile({ optimizer: optimizerOf });
        await next.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
        next.dispose();
        expect(backend.memory().usedBytes, `${backend.name} ${optimizer}: after the second model`).toBe(before);
      }
    }
  });

  it("moving a model to another backend (the device-loss fallback's path) frees the old store's slots; the optimizer carries on", async () => {
    const from = new CpuBackend('float32');
    const to = new CpuBackend('float32');
    setBackend(from);
    const before = from.memory().usedBytes;
    const x = { values: Float32Array.from({ length: 8 * 4 }, (_, i) => Math.cos(i)), shape: [8, 2, 2, 1] };
    const y = [0, 1, 2, 0, 1, 2, 0, 1];
    const model = new Sequential([new Flatten({ inputShape: [2, 2, 1] }), new Dense({ units: 3 })]).compile({ optimizer: 'rmsprop' });
    await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
    const state = await model.optimizer.state(model.store);
    model.moveTo(to, await model.getWeights());
    expect(from.memory().usedBytes, 'nothing of the model or its optimizer is left on the old backend').toBe(before);
    setBackend(to);
    model.optimizer.setState(model.store, state);
    await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
    expect(model.optimizer.iterations).toBe(4);
    model.dispose();
    expect(to.memory().usedBytes).toBe(0);
  });

  it('release(store) and dispose() free the slots without touching the store', async () => {
    const backend = new CpuBackend('float32');
    setBackend(backend);
    const store = storeOn(backend);
    const base = backend.memory().usedBytes;
    const opt = new Adam();
    opt.applyGradients(store, [tensor(GRADS[0].slice(0, 6), [2, 3]), tensor(GRADS[0].slice(6), [5])]);
    expect(backend.memory().usedBytes - base).toBeGreaterThanOrEqual(3 * 128 * 4);
    opt.release(store);
    expect(backend.memory().usedBytes - base).toBeLessThan(3 * 128 * 4);
    opt.applyGradients(store, [tensor(GRADS[1].slice(0, 6), [2, 3]), tensor(GRADS[1].slice(6), [5])]);
    opt.dispose();
    expect(backend.memory().usedBytes - base).toBeLessThan(3 * 128 * 4);
    expect((await store.read())[0]).toHaveLength(6);
    store.dispose();
  });
});
