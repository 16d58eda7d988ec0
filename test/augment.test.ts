/**
 * The augment op and its CPU kernel (engine/ops/augment.ts, engine/backends/cpu/augment.ts): each
 * transform against an independent reference, the determinism that resuming relies on, the errors,
 * fit's use of it (training batches only, keyed by seed, epoch and step), and compile's label
 * smoothing. CPU==GPU parity is in the parity suite (test/helpers/augment-parity-cases.ts).
 */
import { describe, expect, it } from 'vitest';
import type { AugmentParams, Backend } from '../engine/backends/backend.js';
import { augmentDraws } from '../engine/backends/cpu/augment.js';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { Dense, Flatten } from '../engine/nn/layers.js';
import { Sequential } from '../engine/nn/sequential.js';
import { augment, augmentParams, type Augmentation } from '../engine/ops/augment.js';
import { sparseSoftmaxCrossEntropy } from '../engine/ops/cross-entropy.js';
import { softmaxCrossEntropy } from '../engine/ops/losses.js';
import { setBackend } from '../engine/runtime.js';
import { tensor, variable } from '../engine/tensor.js';
import { gradcheck } from './helpers/gradcheck.js';
import { Rng } from './helpers/rng.js';

const cpu = new CpuBackend('float32');
setBackend(cpu);

const N = 64;
const H = 9;
const W = 7;
const C = 2;
const plane = H * W * C;
const images = new Rng(5).values(N * plane, 0.1, 1);
const x = tensor(Float32Array.from(images), [N, H, W, C]);
const key = { seed: 11, epoch: 2, step: 5 };

function run(options: Augmentation, k = key, input = x): Float32Array {
  const y = augment(input, options, k);
  const v = y.dataSync() as Float32Array;
  if (y !== input) y.dispose();
  return v;
}

/** Pixel (b, r, c, ch) of the float32 input, 0 outside. */
function at(b: number, r: number, c: number, ch: number): number {
  if (r < 0 || r >= H || c < 0 || c >= W) return 0;
  return Math.fround(images[((b * H + r) * W + c) * C + ch]);
}

function params(options: Augmentation): AugmentParams {
  return augmentParams(options, key);
}

describe('augment: each transform', () => {
  it('returns x itself when every option is off', () => {
    expect(augment(x, {}, key)).toBe(x);
    expect(augment(x, { shift: 0, flip: false, rotation: 0, brightness: 0, noise: 0, cutout: 0 }, key)).toBe(x);
  });

  it('shift: each image moves by whole pixels in [-k, k], zeros fill in, and every shift occurs', () => {
    const y = run({ shift: 2 });
    const seen = new Set<string>();
    for (let b = 0; b < N; b++) {
      const d = augmentDraws(params({ shift: 2 }), b, H, W);
      expect(Math.abs(d.shiftY)).toBeLessThanOrEqual(2);
      expect(Math.abs(d.shiftX)).toBeLessThanOrEqual(2);
      seen.add(`${d.shiftY},${d.shiftX}`);
      for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) for (let ch = 0; ch < C; ch++) {
        expect(y[((b * H + r) * W + c) * C + ch]).toBe(at(b, r - d.shiftY, c - d.shiftX, ch));
      }
    }
    expect(seen.size).toBeGreaterThan(15); // of 25 possible
  });

  it('flip: each image is itself or its mirror, about half of them mirrored', () => {
    const y = run({ flip: true });
    let flipped = 0;
    for (let b = 0; b < N; b++) {
      const mirror = augmentDraws(params({ flip: true }), b, H, W).flip;
      if (mirror) flipped++;
      for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) for (let ch = 0; ch < C; ch++) {
        expect(y[((b * H + r) * W + c) * C + ch]).toBe(at(b, r, mirror ? W - 1 - c : c, ch));
      }
    }
    expect(flipped).toBeGreaterThan(N * 0.3);
    expect(flipped).toBeLessThan(N * 0.7);
  });

  it('rotation: bilinear about the centre, as Math.cos/Math.sin give it, angles within the limit', () => {
    const y = run({ rotation: 20 });
    const p = params({ rotation: 20 });
    let worst = 0;
    let moved = 0;
    for (let b = 0; b < N; b++) {
      const angle = augmentDraws(p, b, H, W).angle;
      expect(Math.abs(angle)).toBeLessThanOrEqual((20 * Math.PI) / 180 + 1e-7);
      const cs = Math.cos(angle);
      const sn = Math.sin(angle);
      for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) for (let ch = 0; ch < C; ch++) {
        const dy = r - (H - 1) / 2;
        const dx = c - (W - 1) / 2;
        const sy = cs * dy - sn * dx + (H - 1) / 2;
        const sx = sn * dy + cs * dx + (W - 1) / 2;
        const y0 = Math.floor(sy);
        const x0 = Math.floor(sx);
        const fy = sy - y0;
        const fx = sx - x0;
        const want = (1 - fy) * ((1 - fx) * at(b, y0, x0, ch) + fx * at(b, y0, x0 + 1, ch)) + fy * ((1 - fx) * at(b, y0 + 1, x0, ch) + fx * at(b, y0 + 1, x0 + 1, ch));
        const got = y[((b * H + r) * W + c) * C + ch];
        worst = Math.max(worst, Math.abs(got - want));
        if (Math.abs(got - at(b, r, c, ch)) > 1e-3) moved++;
      }
    }
    expect(worst).toBeLessThan(2e-6);
    expect(moved).toBeGreaterThan(N * plane * 0.5);
  });

  it('cutout: a k x k square of zeros per image, centred on a uniform pixel, clipped at the edges; the rest untouched', () => {
    const k = 4;
    const y = run({ cutout: k });
    const centres = new Set<string>();
    let clipped = 0;
    for (let b = 0; b < N; b++) {
      // The zeros, found from the output alone (every input value is at least 0.1).
      let r0 = H, r1 = -1, c0 = W, c1 = -1, zeros = 0;
      for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) for (let ch = 0; ch < C; ch++) {
        const v = y[((b * H + r) * W + c) * C + ch];
        if (v === 0) {
          zeros++;
          [r0, r1, c0, c1] = [Math.min(r0, r), Math.max(r1, r), Math.min(c0, c), Math.max(c1, c)];
        } else {
          expect(v).toBe(at(b, r, c, ch));
        }
      }
      // They form one rectangle, every channel: a k x k square less what falls outside the image.
      const rows = r1 - r0 + 1;
      const cols = c1 - c0 + 1;
      expect(zeros).toBe(rows * cols * C);
      expect(rows === k || r0 === 0 || r1 === H - 1).toBe(true);
      expect(cols === k || c0 === 0 || c1 === W - 1).toBe(true);
      if (rows < k || cols < k) clipped++;
      // Its centre: the square's first row and column plus k/2 (the draws say where).
      const d = augmentDraws(params({ cutout: k }), b, H, W);
      expect([Math.max(d.cutY, 0), Math.max(d.cutX, 0)]).toEqual([r0, c0]);
      centres.add(`${d.cutY + k / 2},${d.cutX + k / 2}`);
    }
    expect(centres.size).toBeGreaterThan(30); // of 63 pixels, over 64 images
    expect(clipped).toBeGreaterThan(0);
    expect(clipped).toBeLessThan(N);
  });

  it('brightness: one offset per image, uniform within [-b, b]', () => {
    const y = run({ brightness: 0.3 });
    const offsets: number[] = [];
    for (let b = 0; b < N; b++) {
      const delta = y[b * plane] - at(b, 0, 0, 0);
      offsets.push(delta);
      for (let i = 0; i < plane; i++) expect(y[b * plane + i] - Math.fround(images[b * plane + i])).toBeCloseTo(delta, 6);
    }
    expect(Math.max(...offsets.map(Math.abs))).toBeLessThanOrEqual(0.3 + 1e-6);
    expect(Math.max(...offsets) - Math.min(...offsets)).toBeGreaterThan(0.4);
  });

  it('noise: mean 0, standard deviation σ, bounded at 2√3σ, independent of the image', () => {
    const big = tensor(new Float32Array(200 * 28 * 28), [200, 28, 28, 1]);
    const y = run({ noise: 0.25 }, key, big);
    let s = 0;
    let s2 = 0;
    let peak = 0;
    for (const v of y) {
      s += v;
      s2 += v * v;
      peak = Math.max(peak, Math.abs(v));
    }
    const mean = s / y.length;
    const std = Math.sqrt(s2 / y.length - mean * mean);
    expect(Math.abs(mean)).toBeLessThan(0.002);
    expect(std).toBeGreaterThan(0.25 * 0.99);
    expect(std).toBeLessThan(0.25 * 1.01);
    expect(peak).toBeLessThanOrEqual(0.25 * 2 * Math.sqrt(3) + 1e-6);
    expect(peak).toBeGreaterThan(0.25 * 3);
    big.dispose();
  });
});

describe('augment: deterministic from (seed, epoch, step, sample index)', () => {
  const all: Augmentation = { shift: 2, flip: true, rotation: 15, brightness: 0.1, noise: 0.05, cutout: 3 };

  it('the same key gives the same bits on fresh backends and runs; another seed, epoch or step does not', () => {
    const a = run(all);
    setBackend(new CpuBackend('float32'));
    try {
      expect(run(all, key, tensor(Float32Array.from(images), [N, H, W, C]))).toEqual(a);
    } finally {
      setBackend(cpu);
    }
    for (const k of [{ ...key, seed: 12 }, { ...key, epoch: 3 }, { ...key, step: 6 }]) {
      const c = run(all, k);
      let same = 0;
      for (let i = 0; i < c.length; i++) if (c[i] === a[i]) same++;
      expect(same / c.length).toBeLessThan(0.2);
    }
  });

  it('an image depends on its position in the batch only, not on the batch size', () => {
    const full = run(all);
    const firstHalf = tensor(Float32Array.from(images.subarray(0, (N / 2) * plane)), [N / 2, H, W, C]);
    expect(run(all, key, firstHalf)).toEqual(full.subarray(0, (N / 2) * plane));
  });
});

describe('augment: errors name the op, the option and the value', () => {
  it.each([
    [{ shift: 1.5 }, /augment: shift must be an integer number of pixels in \[0, 32767\], got 1\.5/],
    [{ shift: -1 }, /augment: shift must be .* got -1/],
    [{ rotation: 60 }, /augment: rotation \(degrees\) must be a finite number in \[0, 45\], got 60/],
    [{ brightness: Number.NaN }, /augment: brightness must be a finite number in \[0, ∞\], got NaN/],
    [{ noise: -0.1 }, /augment: noise must be a finite number .* got -0\.1/],
    [{ flip: 'yes' }, /augment: flip must be true or false, got 'yes'|augment: flip must be true or false, got "yes"/],
    [{ cutout: 2.5 }, /augment: cutout must be an integer number of pixels in \[0, 32767\], got 2\.5/],
    [{ zoom: 0.1 }, /augment: unknown option zoom \(expected one of shift, flip, rotation, brightness, noise, cutout\)/],
  ])('%o', (options, message) => {
    expect(() => augment(x, options as Augmentation, key)).toThrow(message);
  });

  it('checks the key, the rank, the dtype and refuses an x that requires a gradient', () => {
    expect(() => augment(x, { flip: true }, { seed: -1 })).toThrow(/augment: key\.seed must be an integer in \[0, 2\^32\), got -1/);
    expect(() => augment(x, { flip: true }, { seed: 1, step: 0.5 })).toThrow(/augment: key\.step must be an integer/);
    expect(() => augment(tensor(new Float32Array(6), [2, 3]), { flip: true }, key)).toThrow(/augment: expected x of rank 4 \(NHWC images \[batch, height, width, channels\]\), got shape \[2, 3\]/);
    expect(() => augment(tensor(new Int32Array(4), [1, 2, 2, 1], 'int32'), { flip: true }, key)).toThrow(/augment: expected x of a float dtype, got int32/);
    const v = variable(new Float32Array(4), [1, 2, 2, 1]);
    expect(() => augment(v, { flip: true }, key)).toThrow(/augment: x \[1, 2, 2, 1\] requires a gradient, but augment has none: it acts on input data/);
  });
});

/** The augment calls a backend receives, with their parameters. */
function spyOnAugment(be: Backend): AugmentParams[] {
  const calls: AugmentParams[] = [];
  const original = be.kernels.augment;
  be.kernels.augment = (t, p) => {
    calls.push(p);
    return original(t, p);
  };
  return calls;
}

describe('fit with augment', () => {
  const n = 10;
  const data = { values: Float32Array.from(images.subarray(0, n * plane)), shape: [n, H, W, C] };
  const labels = Array.from({ length: n }, (_, i) => i % 3);
  const model = () => new Sequential([new Flatten({ inputShape: [H, W, C] }), new Dense({ units: 3 })], { seed: 3 });

  it('augments each training batch with the key (seed, epoch, step), never the validation data, and a resumed run gets the same keys', async () => {
    const be = new CpuBackend('float32');
    setBackend(be);
    try {
      const calls = spyOnAugment(be);
      const options = { epochs: 2, batchSize: 4, seed: 9, verbose: 0 as const, validationData: [data, labels] as [typeof data, number[]], augment: { shift: 1, noise: 0.1 } };
      await model().compile().fit(data, labels, options);
      expect(calls.length).toBe(6); // 3 steps per epoch, 2 epochs; validation adds none
      const want = [0, 1].flatMap((epoch) => [0, 1, 2].map((step) => augmentParams(options.augment, { seed: 9, epoch, step })));
      expect(calls).toEqual(want);
      calls.length = 0;
      await model().compile().fit(data, labels, { ...options, initialEpoch: 1 });
      expect(calls).toEqual(want.slice(3));
    } finally {
      setBackend(cpu);
    }
  });

  it('checks the options before the first step', async () => {
    const m = model().compile();
    await expect(m.fit(data, labels, { verbose: 0, augment: { rotation: 90 } })).rejects.toThrow(/fit: augment\.rotation \(degrees\) must be a finite number in \[0, 45\], got 90/);
    await expect(m.fit(data, labels, { verbose: 0, augment: { flip: true }, seed: 1.5 })).rejects.toThrow(/fit: seed must be an integer in \[0, 2\^32\) when augment is given/);
    expect(m.optimizer.iterations).toBe(0);
  });
});

describe('compile({ labelSmoothing })', () => {
  const n = 6;
  const data = { values: Float32Array.from(images.subarray(0, n * plane)), shape: [n, H, W, C] };
  const labels = [0, 1, 2, 2, 1, 0];

  it('evaluate reports the smoothed loss −Σ ((1−ε)·onehot + ε/K)·log softmax, as Keras does', async () => {
    const m = new Sequential([new Flatten({ inputShape: [H, W, C] }), new Dense({ units: 3 })], { seed: 4 }).compile({ labelSmoothing: 0.2 });
    const logits = await m.predict(data);
    let want = 0;
    for (let r = 0; r < n; r++) {
      const row = Array.from(logits.subarray(3 * r, 3 * r + 3));
      const lse = Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
      for (let k = 0; k < 3; k++) want -= ((k === labels[r] ? 0.8 : 0) + 0.2 / 3) * (row[k] - lse);
    }
    const { loss } = await m.evaluate(data, labels);
    expect(loss).toBeCloseTo(want / n, 5);
    const plain = await new Sequential([new Flatten({ inputShape: [H, W, C] }), new Dense({ units: 3 })], { seed: 4 }).compile().evaluate(data, labels);
    expect(Math.abs(plain.loss - loss)).toBeGreaterThan(1e-3);
  });

  it('sparseSoftmaxCrossEntropy({ labelSmoothing }): its gradient matches float64 finite differences (ε = 0.1, 10 classes)', () => {
    const be = new CpuBackend('float64');
    setBackend(be);
    try {
      const rng = new Rng(77);
      const labels = [3, 9, 0, 5, 5, 1, 7];
      const result = gradcheck((z) => sparseSoftmaxCrossEntropy(z, labels, { labelSmoothing: 0.1 }), [{ values: rng.values(70, -3, 3), shape: [7, 10] }]);
      expect(result.maxRelError, result.worst).toBeLessThan(1e-6);
      // The same value as the general loss of losses.ts, which shares its row kernels.
      const z = tensor(rng.values(70, -3, 3), [7, 10]);
      expect(sparseSoftmaxCrossEntropy(z, labels, { labelSmoothing: 0.1 }).dataSync()[0]).toBeCloseTo(softmaxCrossEntropy(z, labels, { labelSmoothing: 0.1 }).dataSync()[0], 12);
      expect(() => sparseSoftmaxCrossEntropy(z, labels, { labelSmoothing: 1 })).toThrow(/sparseSoftmaxCrossEntropy: labelSmoothing must be a number in \[0, 1\), got 1/);
    } finally {
      setBackend(cpu);
    }
  });

  it('is refused outside [0, 1)', () => {
    for (const v of [1, -0.1, Number.NaN, '0.1']) {
      expect(() => new Sequential([new Dense({ units: 2, inputShape: [2] })]).compile({ labelSmoothing: v as number })).toThrow(/compile: labelSmoothing must be a number in \[0, 1\), got/);
    }
  });
});
