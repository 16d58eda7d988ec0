/**
 * fromPixels on the WebGPU backend: the pixels go from the source straight into a texture
 * (queue.copyExternalImageToTexture for bitmaps, canvases, video frames and images;
 * queue.writeTexture for ImageData, whose bytes are in memory already; see copyToTexture for
 * video frames on adapters that cannot import them), then one compute pass
 * (from-pixels.wgsl.ts) converts and resizes them into the tensor's buffer. Nothing is read back.
 *
 * Ordering: the output buffer is filled by the backend (a recorded dispatch), the backend is
 * flushed, then this pass is submitted; the queue keeps that order, and the backend's later
 * kernels, submitted after, see the result.
 */
import type { TensorData } from '../backends/backend.js';
import type { GPUStorage, WebGPUBackend } from '../backends/webgpu/webgpu-backend.js';
import { FROM_PIXELS_WGSL } from './from-pixels.wgsl.js';

export interface FromPixelsLaunch {
  srcWidth: number;
  srcHeight: number;
  outWidth: number;
  outHeight: number;
  channels: 1 | 3;
  invert: boolean;
}

/** RGBA bytes already in memory (ImageData, or { data, width, height } in Node). */
export interface RawPixels {
  readonly data: Uint8ClampedArray | Uint8Array;
  readonly width: number;
  readonly height: number;
}

const WORKGROUP = 64;
const MAX_GROUPS_X = 65535;

interface Pipeline {
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
}
const pipelines = new WeakMap<GPUDevice, Pipeline>();

function pipelineFor(device: GPUDevice): Pipeline {
  let p = pipelines.get(device);
  if (!p) {
    const layout = device.createBindGroupLayout({
      label: 'fromPixels',
      entries: [
        { binding: 0, visibility: GPUShaderStage.COMPUTE, texture: { sampleType: 'unfilterable-float' } },
        { binding: 1, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
        { binding: 2, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } },
      ],
    });
    const module = device.createShaderModule({ label: 'fromPixels', code: FROM_PIXELS_WGSL });
    const pipeline = device.createComputePipeline({
      label: 'fromPixels', layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }), compute: { module, entryPoint: 'main' },
    });
    p = { pipeline, layout };
    pipelines.set(device, p);
  }
  return p;
}

/**
 * copyExternalImageToTexture, with one fallback: some adapters cannot import video frames (Chrome
 * on SwiftShader throws OperationError for every VideoFrame and <video>); those are drawn on a 2D
 * OffscreenCanvas first, which is copied instead (on the GPU where the browser accelerates 2D
 * canvases, through memory otherwise).
 */
function copyToTexture(device: GPUDevice, source: GPUCopyExternalImageSource, texture: GPUTexture, l: FromPixelsLaunch): void {
  const size = [l.srcWidth, l.srcHeight];
  try {
    device.queue.copyExternalImageToTexture({ source }, { texture, premultipliedAlpha: false }, size);
    return;
  } catch (e) {
    const name = (source as object).constructor?.name ?? 'source';
    const isVideo = typeof (source as { displayWidth?: unknown }).displayWidth === 'number' || typeof (source as { videoWidth?: unknown }).videoWidth === 'number';
    if (!isVideo || (e as Error).name !== 'OperationError' || typeof OffscreenCanvas === 'undefined') {
      throw new Error(`fromPixels: WebGPU could not copy the ${name} (${l.srcWidth}x${l.srcHeight}) into a texture: ${(e as Error).message}`);
    }
  }
  const canvas = new OffscreenCanvas(l.srcWidth, l.srcHeight);
  canvas.getContext('2d')!.drawImage(source as CanvasImageSource, 0, 0);
  device.queue.copyExternalImageToTexture({ source: canvas }, { texture, premultipliedAlpha: false }, size);
}

export function fromPixelsWebGPU(backend: WebGPUBackend, source: GPUCopyExternalImageSource | RawPixels, raw: boolean, l: FromPixelsLaunch): TensorData<GPUStorage> {
  const device = backend.device;
  const texture = device.createTexture({
    label: `fromPixels ${l.srcWidth}x${l.srcHeight}`,
    size: [l.srcWidth, l.srcHeight],
    format: 'rgba8unorm',
    usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST | GPUTextureUsage.RENDER_ATTACHMENT,
  });
  if (raw) {
    const { data } = source as RawPixels;
    device.queue.writeTexture({ texture }, data as Uint8Array<ArrayBuffer>, { bytesPerRow: 4 * l.srcWidth, rowsPerImage: l.srcHeight }, [l.srcWidth, l.srcHeight]);
  } else {
    copyToTexture(device, source as GPUCopyExternalImageSource, texture, l);
  }
  const out = backend.fill([1, l.outHeight, l.outWidth, l.channels], 'float32', 0);
  backend.flush();

  const count = l.outWidth * l.outHeight;
  const groups = Math.ceil(count / WORKGROUP);
  const gx = Math.min(groups, MAX_GROUPS_X);
  const gy = Math.ceil(groups / gx);
  const params = device.createBuffer({ label: 'fromPixels params', size: 32, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(params, 0, new Uint32Array([
    l.srcWidth, l.srcHeight, l.outWidth, l.outHeight, l.channels, l.invert ? 1 : 0, gx * WORKGROUP, 0,
  ]));
  const { pipeline, layout } = pipelineFor(device);
  const bindGroup = device.createBindGroup({
    label: 'fromPixels',
    layout,
    entries: [
      { binding: 0, resource: texture.createView() },
      { binding: 1, resource: { buffer: out.storage.buffer, offset: out.storage.byteOffset, size: 4 * count * l.channels } },
      { binding: 2, resource: { buffer: params } },
    ],
  });
  const encoder = device.createCommandEncoder({ label: 'fromPixels' });
  const pass = encoder.beginComputePass({ label: 'fromPixels' });
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(gx, gy);
  pass.end();
  device.queue.submit([encoder.finish()]);
  // Freed once the submitted work is done.
  texture.destroy();
  params.destroy();
  return out;
}
