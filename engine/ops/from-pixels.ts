/**
 * fromPixels(source, { grayscale, size, invert }): a picture as a float32 tensor
 * [1, height, width, channels] with values in [0, 1], the layout the tutorial CNN takes
 * (`fromPixels(canvas, { grayscale: true, size: 28 })` gives its [1, 28, 28, 1] input).
 *
 * Sources: ImageBitmap, HTMLCanvasElement, OffscreenCanvas, VideoFrame, HTMLImageElement,
 * HTMLVideoElement, ImageData, or `{ data, width, height }` RGBA bytes (the one form Node has).
 *
 * - On WebGPU the pixels never pass through the CPU: copyExternalImageToTexture, then a compute
 *   pass (from-pixels-webgpu.ts). ImageData's bytes are in memory already and are written to the
 *   texture directly.
 * - On the CPU backend the pixels are read with a 2D OffscreenCanvas (a page or a worker), or
 *   taken as they are from ImageData, and converted here, by the same rule.
 *
 * The rule, per pixel: grayscale by luma (0.299 R + 0.587 G + 0.114 B) when asked, inverted
 * (1 - v) when asked, times alpha, so transparent pixels are the black background; then the
 * resize of from-pixels-resize.ts (area average shrinking, linear enlarging) and a clamp to
 * [0, 1]. It is the rule of `npm run predict --image`, except that a non-square source is
 * stretched to `size`, not padded: crop it first to keep its aspect ratio.
 *
 * Straight into a model: `noGrad(() => model.apply(fromPixels(canvas, { grayscale: true, size: 28 })))`.
 */
import type { WebGPUBackend } from '../backends/webgpu/webgpu-backend.js';
import { getBackend } from '../runtime.js';
import { Tensor } from '../tensor.js';
import { resizeWeights } from './from-pixels-resize.js';
import { fromPixelsWebGPU, type FromPixelsLaunch, type RawPixels } from './from-pixels-webgpu.js';

export type { RawPixels } from './from-pixels-webgpu.js';

export type PixelSource = GPUCopyExternalImageSource | RawPixels;

export interface FromPixelsOptions {
  /** One channel, by luma, instead of three (default false: RGB; alpha is never a channel). */
  grayscale?: boolean;
  /** Output size: `n` for n x n, or [height, width]. Default: the source's own size. */
  size?: number | readonly [height: number, width: number];
  /** 1 - value, before alpha: for dark drawings on a light background (default false). */
  invert?: boolean;
}

const LUMA = [0.299, 0.587, 0.114] as const;

function isRaw(s: PixelSource): s is RawPixels {
  const d = (s as { data?: unknown }).data;
  return d instanceof Uint8ClampedArray || d instanceof Uint8Array;
}

/** The source's pixel size (the size copyExternalImageToTexture and drawImage use). */
function sizeOf(s: PixelSource): [width: number, height: number] {
  const o = s as unknown as Record<string, unknown>;
  if (typeof o.displayWidth === 'number') return [o.displayWidth, o.displayHeight as number]; // VideoFrame
  if (typeof o.videoWidth === 'number') return [o.videoWidth, o.videoHeight as number]; // <video>
  if (typeof o.naturalWidth === 'number') return [o.naturalWidth, o.naturalHeight as number]; // <img>
  return [o.width as number, o.height as number];
}

function describeSource(s: unknown): string {
  if (s === null || s === undefined) return String(s);
  const name = (s as object).constructor?.name;
  return name && name !== 'Object' ? name : typeof s;
}

function positiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

export function fromPixels(source: PixelSource, options: FromPixelsOptions = {}): Tensor {
  if (typeof source !== 'object' || source === null) {
    throw new Error(`fromPixels: expected an ImageBitmap, canvas, VideoFrame, image, video, ImageData or { data, width, height }, got ${describeSource(source)}`);
  }
  const [srcWidth, srcHeight] = sizeOf(source);
  if (!positiveInt(srcWidth) || !positiveInt(srcHeight)) {
    throw new Error(`fromPixels: the ${describeSource(source)} has size ${String(srcWidth)}x${String(srcHeight)}; expected positive integers (an image not loaded yet, a closed VideoFrame, or not a picture?)`);
  }
  const raw = isRaw(source);
  if (raw && source.data.length !== 4 * srcWidth * srcHeight) {
    throw new Error(`fromPixels: ${srcWidth}x${srcHeight} RGBA pixels need ${4 * srcWidth * srcHeight} bytes, the data has ${source.data.length}`);
  }
  const size = options.size ?? [srcHeight, srcWidth];
  const [outHeight, outWidth] = typeof size === 'number' ? [size, size] : size;
  if (!positiveInt(outHeight) || !positiveInt(outWidth) || (typeof size !== 'number' && size.length !== 2)) {
    throw new Error(`fromPixels: size must be a positive integer or [height, width] of them, got ${JSON.stringify(size)}`);
  }
  const launch: FromPixelsLaunch = {
    srcWidth, srcHeight, outWidth, outHeight, channels: options.grayscale ? 1 : 3, invert: options.invert ?? false,
  };
  const backend = getBackend();
  if (backend.name === 'webgpu') {
    const wb = backend as unknown as WebGPUBackend;
    return Tensor.fromHandle(fromPixelsWebGPU(wb, source, raw, launch), backend);
  }
  const pixels = raw ? source : readWithCanvas(source, srcWidth, srcHeight);
  const values = convert(pixels.data, launch);
  return Tensor.fromHandle(backend.upload(values, [1, outHeight, outWidth, launch.channels], 'float32'), backend);
}

/** The source's RGBA bytes, drawn on a 2D OffscreenCanvas (CPU backend only). */
function readWithCanvas(source: GPUCopyExternalImageSource, width: number, height: number): ImageData {
  if (typeof OffscreenCanvas === 'undefined') {
    throw new Error(`fromPixels: reading a ${describeSource(source)} on the CPU backend needs OffscreenCanvas (a page or a worker); elsewhere pass ImageData or { data, width, height } RGBA bytes`);
  }
  const ctx = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('fromPixels: no 2D context on an OffscreenCanvas');
  ctx.drawImage(source as CanvasImageSource, 0, 0);
  return ctx.getImageData(0, 0, width, height);
}

/** RGBA bytes -> [outHeight, outWidth, channels] floats, by the rule in the header. */
function convert(rgba: ArrayLike<number>, l: FromPixelsLaunch): Float32Array {
  const { srcWidth: w, srcHeight: h, outWidth, outHeight, channels, invert } = l;
  // Per source pixel, the converted channel values (the GPU does this per texel read).
  const px = new Float64Array(w * h * channels);
  for (let p = 0; p < w * h; p++) {
    const r = rgba[4 * p];
    const g = rgba[4 * p + 1];
    const b = rgba[4 * p + 2];
    const alpha = rgba[4 * p + 3] / 255;
    if (channels === 1) {
      const luma = (r === g && g === b ? r : LUMA[0] * r + LUMA[1] * g + LUMA[2] * b) / 255;
      px[p] = (invert ? 1 - luma : luma) * alpha;
    } else {
      for (const [c, v] of [r, g, b].entries()) px[3 * p + c] = (invert ? 1 - v / 255 : v / 255) * alpha;
    }
  }
  const wx = resizeWeights(w, outWidth);
  const wy = resizeWeights(h, outHeight);
  const out = new Float32Array(outWidth * outHeight * channels);
  for (let oy = 0; oy < outHeight; oy++) {
    for (let ox = 0; ox < outWidth; ox++) {
      for (let c = 0; c < channels; c++) {
        let acc = 0;
        for (const [y, ky] of wy[oy]) for (const [x, kx] of wx[ox]) acc += ky * kx * px[(y * w + x) * channels + c];
        out[(oy * outWidth + ox) * channels + c] = Math.min(1, Math.max(0, acc));
      }
    }
  }
  return out;
}
