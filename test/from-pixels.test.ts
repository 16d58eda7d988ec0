/**
 * fromPixels in Node, from RGBA bytes (the one source Node has; the browser sources are
 * test/from-pixels-browser.test.ts): the CPU rule against a float64 reference written out here,
 * against `npm run predict --image`'s preprocessing (same luma, same resize), and WebGPU (texture
 * upload + compute pass) against the CPU, for shrinking, enlarging, odd ratios, RGB, inversion
 * and alpha; and its errors.
 */
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { WebGPUBackend } from '../engine/backends/webgpu/webgpu-backend.js';
import { fromPixels, type FromPixelsOptions, type RawPixels } from '../engine/ops/from-pixels.js';
import { setBackend } from '../engine/runtime.js';
import { pngToInput } from '../model/predict-cli.js';
import { nodeGPU } from '../node/webgpu.js';

const cpu = new CpuBackend('float32');
let gpu: WebGPUBackend;
beforeAll(async () => { gpu = await WebGPUBackend.create(nodeGPU(), { precompile: false }); });
afterAll(() => setBackend(cpu));

/** A w x h RGBA picture with structure in every channel; alpha varies when asked. */
function picture(w: number, h: number, withAlpha = false): RawPixels {
  const data = new Uint8ClampedArray(4 * w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = 4 * (y * w + x);
      data[p] = (x * 37 + y * 11) % 256;
      data[p + 1] = (x * y * 7) % 256;
      data[p + 2] = x < w / 2 ? 250 : (y * 53) % 256;
      data[p + 3] = withAlpha ? (x * 29 + y * 5) % 256 : 255;
    }
  }
  return { data, width: w, height: h };
}

async function run(backend: CpuBackend | WebGPUBackend, src: RawPixels, options: FromPixelsOptions): Promise<{ shape: number[]; values: Float32Array }> {
  setBackend(backend);
  const t = fromPixels(src, options);
  const values = (await t.data()) as Float32Array;
  const shape = [...t.shape];
  t.dispose();
  return { shape, values };
}

/** The rule of fromPixels, straight from its definition in float64: 2-D weights, no separability. */
function reference(src: RawPixels, outH: number, outW: number, gray: boolean, invert: boolean): Float64Array {
  const { width: w, height: h, data } = src;
  const axis = (n: number, m: number, o: number): [number, number][] => {
    const s = n / m;
    if (n === m) return [[o, 1]];
    if (n > m) {
      const out: [number, number][] = [];
      for (let i = 0; i < n; i++) {
        const cover = Math.min((o + 1) * s, i + 1) - Math.max(o * s, i);
        if (cover > 0) out.push([i, cover / s]);
      }
      return out;
    }
    const c = Math.min(n - 1, Math.max(0, (o + 0.5) * s - 0.5));
    const i0 = Math.floor(c);
    return [[i0, 1 - (c - i0)], [Math.min(n - 1, i0 + 1), c - i0]];
  };
  const ch = gray ? 1 : 3;
  const out = new Float64Array(outH * outW * ch);
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      for (let c = 0; c < ch; c++) {
        let acc = 0;
        for (const [y, ky] of axis(h, outH, oy)) {
          for (const [x, kx] of axis(w, outW, ox)) {
            const p = 4 * (y * w + x);
            const [r, g, b, a] = [data[p], data[p + 1], data[p + 2], data[p + 3] / 255];
            let v = gray ? (r === g && g === b ? r : 0.299 * r + 0.587 * g + 0.114 * b) / 255 : data[p + c] / 255;
            if (invert) v = 1 - v;
            acc += ky * kx * v * a;
          }
        }
        out[(oy * outW + ox) * ch + c] = Math.min(1, Math.max(0, acc));
      }
    }
  }
  return out;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const CASES: { name: string; w: number; h: number; alpha?: boolean; options: FromPixelsOptions; shape: number[] }[] = [
  { name: 'grayscale 84x84 -> 28x28 (3x area average)', w: 84, h: 84, options: { grayscale: true, size: 28 }, shape: [1, 28, 28, 1] },
  { name: 'grayscale 100x60 -> [28, 20] (fractional coverage)', w: 100, h: 60, options: { grayscale: true, size: [28, 20] }, shape: [1, 28, 20, 1] },
  { name: 'RGB 5x7 -> 12x9 (linear enlarging)', w: 5, h: 7, options: { size: [12, 9] }, shape: [1, 12, 9, 3] },
  { name: 'RGB 30x20 at its own size, with alpha', w: 30, h: 20, alpha: true, options: {}, shape: [1, 20, 30, 3] },
  { name: 'grayscale inverted 33x50 -> 28x28, with alpha', w: 33, h: 50, alpha: true, options: { grayscale: true, invert: true, size: 28 }, shape: [1, 28, 28, 1] },
];

describe('fromPixels from RGBA bytes', () => {
  for (const c of CASES) {
    it(`${c.name}: CPU = the reference, WebGPU = CPU`, async () => {
      const src = picture(c.w, c.h, c.alpha);
      const onCpu = await run(cpu, src, c.options);
      const onGpu = await run(gpu, src, c.options);
      expect(onCpu.shape).toEqual(c.shape);
      expect(onGpu.shape).toEqual(c.shape);
      const ref = reference(src, c.shape[1], c.shape[2], c.options.grayscale ?? false, c.options.invert ?? false);
      expect(maxDiff(onCpu.values, ref)).toBeLessThan(1e-6);
      expect(maxDiff(onGpu.values, onCpu.values)).toBeLessThan(1e-5);
      // Not flat: the picture's structure survives.
      expect(Math.max(...onCpu.values) - Math.min(...onCpu.values)).toBeGreaterThan(0.2);
    });
  }

  it("gives the input `npm run predict --image` computes for the same picture", async () => {
    const src = picture(84, 84);
    const png = new PNG({ width: 84, height: 84 });
    png.data.set(src.data);
    const cli = pngToInput(PNG.sync.write(png, { colorType: 6 }), { size: 28 });
    const ours = await run(cpu, src, { grayscale: true, size: 28 });
    expect(maxDiff(ours.values, cli)).toBeLessThan(1e-6);
    const inverted = pngToInput(PNG.sync.write(png, { colorType: 6 }), { size: 28, invert: true });
    expect(maxDiff((await run(gpu, src, { grayscale: true, size: 28, invert: true })).values, inverted)).toBeLessThan(1e-5);
  });

  it('bad sources and options are clear errors', () => {
    setBackend(cpu);
    expect(() => fromPixels(null as unknown as RawPixels)).toThrow('fromPixels: expected an ImageBitmap, canvas, VideoFrame, image, video, ImageData or { data, width, height }, got null');
    expect(() => fromPixels({ data: new Uint8Array(0), width: 0, height: 0 })).toThrow('fromPixels: the object has size 0x0; expected positive integers');
    expect(() => fromPixels({ data: new Uint8Array(10), width: 2, height: 2 })).toThrow('fromPixels: 2x2 RGBA pixels need 16 bytes, the data has 10');
    expect(() => fromPixels(picture(4, 4), { size: 0 })).toThrow('fromPixels: size must be a positive integer or [height, width] of them, got 0');
    expect(() => fromPixels(picture(4, 4), { size: [28, 2.5] })).toThrow('got [28,2.5]');
    expect(() => fromPixels({ width: 3, height: 3 } as unknown as RawPixels)).toThrow(/needs OffscreenCanvas \(a page or a worker\)/);
  });
});
