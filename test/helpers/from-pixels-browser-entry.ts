/**
 * The page side of test/from-pixels-browser.test.ts: draws a picture on a canvas, hands it to
 * fromPixels as every kind of source the browser has (ImageData, canvas, OffscreenCanvas,
 * ImageBitmap, VideoFrame, <img>), on the CPU backend and on WebGPU, and reports, per source and
 * option set, how far WebGPU is from the CPU and how far each source is from the ImageData result.
 */
import { CpuBackend } from '../../engine/backends/cpu/cpu-backend.js';
import { WebGPUBackend } from '../../engine/backends/webgpu/webgpu-backend.js';
import { fromPixels, type FromPixelsOptions, type PixelSource } from '../../engine/ops/from-pixels.js';
import { setBackend } from '../../engine/runtime.js';

export interface FromPixelsReport {
  adapter: string | null;
  error: string | null;
  /** Whether this adapter copies a VideoFrame into a texture directly (else fromPixels draws it on a 2D canvas first). */
  videoFrameDirect: boolean | string;
  results: { source: string; options: string; shape: number[]; gpuVsCpu: number; vsImageData: number; spread: number; error?: string }[];
}

const W = 96;
const H = 80;

function draw(ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D): void {
  ctx.fillStyle = 'rgb(10, 20, 30)';
  ctx.fillRect(0, 0, W, H);
  const g = ctx.createLinearGradient(0, 0, W, H);
  g.addColorStop(0, 'rgb(255, 0, 0)');
  g.addColorStop(1, 'rgb(0, 0, 255)');
  ctx.fillStyle = g;
  ctx.fillRect(8, 8, 60, 40);
  ctx.fillStyle = 'rgb(240, 240, 240)';
  ctx.beginPath();
  ctx.arc(70, 55, 18, 0, 2 * Math.PI);
  ctx.fill();
  ctx.fillStyle = 'rgb(0, 200, 80)';
  ctx.fillRect(40, 60, 50, 12);
}

async function values(source: PixelSource, options: FromPixelsOptions): Promise<{ shape: number[]; data: Float32Array }> {
  const t = fromPixels(source, options);
  const data = (await t.data()) as Float32Array;
  const shape = [...t.shape];
  t.dispose();
  return { shape, data };
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

async function run(): Promise<FromPixelsReport> {
  const gpuApi = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpuApi) return { adapter: null, error: 'navigator.gpu is missing', videoFrameDirect: false, results: [] };
  let gpu: WebGPUBackend;
  try {
    gpu = await WebGPUBackend.create(gpuApi, { precompile: false });
  } catch (e) {
    return { adapter: null, error: String(e), videoFrameDirect: false, results: [] };
  }
  const cpu = new CpuBackend('float32');
  const canvas = document.createElement('canvas');
  canvas.width = W;
  canvas.height = H;
  const ctx = canvas.getContext('2d')!;
  draw(ctx);
  const imageData = ctx.getImageData(0, 0, W, H);
  const offscreen = new OffscreenCanvas(W, H);
  draw(offscreen.getContext('2d')!);
  const bitmap = await createImageBitmap(canvas);
  const frame = new VideoFrame(canvas, { timestamp: 0 });
  const img = new Image();
  img.src = canvas.toDataURL('image/png');
  await img.decode();
  let videoFrameDirect: boolean | string = true;
  try {
    const t = gpu.device.createTexture({ size: [W, H], format: 'rgba8unorm', usage: GPUTextureUsage.COPY_DST | GPUTextureUsage.RENDER_ATTACHMENT });
    gpu.device.queue.copyExternalImageToTexture({ source: frame }, { texture: t }, [W, H]);
    t.destroy();
  } catch (e) {
    videoFrameDirect = `no: ${(e as Error).message}`;
  }
  const sources: [string, PixelSource][] = [
    ['ImageData', imageData], ['HTMLCanvasElement', canvas], ['OffscreenCanvas', offscreen],
    ['ImageBitmap', bitmap], ['VideoFrame', frame], ['HTMLImageElement', img],
  ];
  const optionSets: FromPixelsOptions[] = [{ grayscale: true, size: 28 }, { size: [20, 24] }, { grayscale: true, invert: true, size: [28, 28] }, {}];
  const results: FromPixelsReport['results'] = [];
  for (const options of optionSets) {
    setBackend(cpu);
    const reference = await values(imageData, options);
    for (const [name, source] of sources) {
      const row = { source: name, options: JSON.stringify(options), shape: [] as number[], gpuVsCpu: NaN, vsImageData: NaN, spread: 0 };
      try {
        setBackend(cpu);
        const onCpu = await values(source, options);
        setBackend(gpu);
        const onGpu = await values(source, options);
        row.shape = onGpu.shape;
        row.gpuVsCpu = maxDiff(onGpu.data, onCpu.data);
        row.vsImageData = maxDiff(onGpu.data, reference.data);
        row.spread = Math.max(...onCpu.data) - Math.min(...onCpu.data);
      } catch (e) {
        results.push({ ...row, error: String(e) });
        continue;
      }
      results.push(row);
    }
  }
  frame.close();
  return { adapter: gpu.describe(), error: null, videoFrameDirect, results };
}

(window as unknown as { runFromPixels: () => Promise<FromPixelsReport> }).runFromPixels = () =>
  run().catch((e) => ({ adapter: null, error: String((e as Error).stack ?? e), videoFrameDirect: false, results: [] }));
