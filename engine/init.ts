/**
 * Backend choice: `await init({ backend: 'webgpu' | 'cpu' | 'auto' })` makes the backend, sets
 * it as current (runtime.setBackend) and returns it.
 *
 * - 'webgpu' needs a GPU object: `navigator.gpu` in a page or worker (found automatically), or in
 *   Node the `gpu` option, e.g. `nodeGPU()` from node/webgpu.ts (the `webgpu` package plus a
 *   Vulkan driver). It throws when there is no API or no adapter.
 * - 'auto' (the default) uses WebGPU when an adapter exists and the CPU otherwise, and logs which
 *   it chose and why.
 * - 'cpu' is the typed-array backend (float32, or float64 with `floatDType`).
 * - `device`: an app that already owns a GPUDevice (for rendering, say) passes it, with 'webgpu' or
 *   'auto'; its limits are checked against what the kernels need (engine/device-limits.ts), with an
 *   error naming each one that falls short. Tensors then live on the app's device: its own passes
 *   can bind `tensor.handle.storage` ({ buffer, byteOffset, byteSize }) with no copy through the CPU.
 */
import type { Backend, FloatDType } from './backends/backend.js';
import { CpuBackend } from './backends/cpu/cpu-backend.js';
import { DEFAULT_TILING, WebGPUBackend, type WebGPUBackendOptions } from './backends/webgpu/webgpu-backend.js';
import { checkDeviceLimits, limitNeeds } from './device-limits.js';
import { setBackend } from './runtime.js';

export type BackendChoice = 'webgpu' | 'cpu' | 'auto';

export interface InitOptions {
  backend?: BackendChoice;
  /** The WebGPU entry point; defaults to navigator.gpu where it exists. */
  gpu?: GPU | null;
  /** A GPUDevice the app made: the engine runs on it instead of requesting its own (see above). */
  device?: GPUDevice;
  /** Options for the WebGPU backend (tiling, limits for tests, ...). */
  webgpu?: WebGPUBackendOptions;
  /** The CPU backend's float type (default float32). */
  floatDType?: FloatDType;
  /**
   * With 'auto': 'avoid' takes the CPU backend when the only adapter is a fallback
   * (software) one. On SwiftShader the CPU backend trains the tutorial CNN about 3x faster
   * (README, Results). Default 'use', so 'auto' means "WebGPU whenever an adapter exists".
   */
  fallbackAdapter?: 'use' | 'avoid';
  /** Where the choice is logged (default console.info; pass () => {} to silence). */
  log?: (line: string) => void;
}

function navigatorGPU(): GPU | null {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  return nav?.gpu ?? null;
}

export async function init(options: InitOptions = {}): Promise<Backend> {
  const choice = options.backend ?? 'auto';
  const log = options.log ?? ((line: string) => console.info(line));
  if (choice !== 'webgpu' && choice !== 'cpu' && choice !== 'auto') {
    throw new Error(`init: backend must be 'webgpu', 'cpu' or 'auto', got '${String(choice)}'`);
  }
  const cpu = (why: string): Backend => {
    const backend = new CpuBackend(options.floatDType ?? 'float32');
    log(`engine: using the CPU backend (${backend.floatDType}): ${why}`);
    setBackend(backend);
    return backend;
  };
  if (choice === 'cpu') {
    if (options.device) throw new Error("init: a GPUDevice was passed but backend is 'cpu'; pass backend 'webgpu' to run on the device");
    return cpu('asked for');
  }
  if (options.device) return onAppDevice(options.device, options, log);

  const gpu = options.gpu ?? navigatorGPU();
  if (!gpu) {
    const why = 'no WebGPU API (navigator.gpu is absent; in Node pass { gpu: nodeGPU() } from node/webgpu.ts)';
    if (choice === 'webgpu') throw new Error(`init: backend 'webgpu' was asked for but there is ${why}`);
    return cpu(why);
  }
  const adapter = options.webgpu?.adapter ?? (await gpu.requestAdapter({ powerPreference: options.webgpu?.powerPreference ?? 'high-performance' }));
  if (!adapter) {
    const why = 'the WebGPU API found no adapter (no GPU driver; in Node a Vulkan driver such as SwiftShader is needed)';
    if (choice === 'webgpu') throw new Error(`init: backend 'webgpu' was asked for but ${why}`);
    return cpu(why);
  }
  const info = (adapter as GPUAdapter & { info?: GPUAdapterInfo }).info;
  const isFallback = (info as (GPUAdapterInfo & { isFallbackAdapter?: boolean }) | undefined)?.isFallbackAdapter
    ?? (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter ?? false;
  if (choice === 'auto' && isFallback && options.fallbackAdapter === 'avoid') {
    return cpu(`the only WebGPU adapter (${[info?.vendor, info?.architecture].filter(Boolean).join(' ') || 'unknown'}) is a software fallback adapter, which is slower than the CPU backend here`);
  }
  const backend = await WebGPUBackend.create(gpu, { ...options.webgpu, adapter });
  log(
    `engine: using ${backend.describe()}: ${choice === 'auto' ? 'auto found a WebGPU adapter' : 'asked for'}` +
      (backend.isFallbackAdapter ? ' (a software adapter: expect CPU-like speed)' : ''),
  );
  setBackend(backend);
  return backend;
}

async function onAppDevice(device: GPUDevice, options: InitOptions, log: (line: string) => void): Promise<Backend> {
  if (typeof device !== 'object' || device === null || typeof device.createBuffer !== 'function' || typeof device.limits !== 'object') {
    throw new Error(`init: device must be a GPUDevice, got ${device === null ? 'null' : typeof device}`);
  }
  checkDeviceLimits(device, limitNeeds({ ...DEFAULT_TILING, ...options.webgpu?.tiling }));
  const backend = await WebGPUBackend.fromDevice(device, options.webgpu);
  log(`engine: using ${backend.describe()}: on the app's GPUDevice`);
  setBackend(backend);
  return backend;
}
