/**
 * Backend choice: `await init({ backend: 'webgpu' | 'cpu' | 'auto' })` makes the backend, sets
 * it as current (runtime.setBackend) and returns it.
 *
 * - 'webgpu' needs a GPU object: `navigator.gpu` in a page or worker (found automatically), or in
 *   Node the `gpu` option, e.g. `nodeGPU()` from node/webgpu.ts (the `webgpu` package plus a
 *   Vulkan driver). It throws when there is no API or no adapter.
 * - 'auto' (the default) chooses by measurement: with a WebGPU adapter, it times one small
 *   training step on the CPU backend and on the adapter (engine/calibrate.ts) and takes the faster,
 *   logging both figures. The figures are cached per adapter and kernels version, in memory and,
 *   when `calibration.store` is given, in IndexedDB (a page) or a file (Node), so a machine
 *   measures once. Without an adapter it takes the CPU and says why. In Node,
 *   node/auto-backend.ts measures every installed driver, each in a process of its own.
 * - 'cpu' is the typed-array backend (float32, or float64 with `floatDType`). Its module is loaded
 *   when first needed (backends/cpu/load.ts), so the main entry's bundle does not carry it.
 * - `device`: an app that already owns a GPUDevice (for rendering, say) passes it, with 'webgpu' or
 *   'auto'; its limits are checked against what the kernels need (engine/device-limits.ts), with an
 *   error naming each one that falls short. Tensors then live on the app's device: its own passes
 *   can bind `tensor.handle.storage` ({ buffer, byteOffset, byteSize }) with no copy through the CPU.
 */
import type { Backend, FloatDType } from './backends/backend.js';
import { loadCpuBackend } from './backends/cpu/load.js';
import { DEFAULT_TILING, WebGPUBackend, type WebGPUBackendOptions } from './backends/webgpu/webgpu-backend.js';
import { adapterKey, cacheGet, cacheSet, type TuneStore } from './backends/webgpu/tune-cache.js';
import { timeCalibrationStep, type CalibrationOptions, type CalibrationTiming } from './calibrate.js';
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
   * With 'auto': the calibration step (batch, timed steps), where its figures are cached besides
   * memory (`store`: indexedDBStore() in a page, fileStore(path) from node/tune-store.ts in
   * Node), and `time`, which replaces the measurement (tests).
   */
  calibration?: CalibrationOptions & {
    store?: TuneStore | null;
    time?: (backend: Backend) => Promise<CalibrationTiming>;
  };
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
  const cpu = async (why: string): Promise<Backend> => {
    const { CpuBackend } = await loadCpuBackend('init');
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
  const backend = await WebGPUBackend.create(gpu, { ...options.webgpu, adapter });
  if (choice === 'auto') return chooseByMeasurement(backend, options, log);
  log(`engine: using ${backend.describe()}: asked for${backend.isFallbackAdapter ? ' (a software adapter: expect CPU-like speed)' : ''}`);
  setBackend(backend);
  return backend;
}

/** What the calibration cache keeps per adapter (and CPU, batch and kernels version). */
interface Calibrated {
  cpuMs: number;
  webgpuMs: number;
  webgpuFirstMs: number;
  batch: number;
  date: string;
}

function isCalibrated(v: unknown): v is Calibrated {
  const c = v as Partial<Calibrated> | null;
  return !!c && typeof c === 'object' && [c.cpuMs, c.webgpuMs, c.batch].every((n) => typeof n === 'number' && Number.isFinite(n));
}

/** 'auto' with an adapter: the calibration step on the CPU and on the adapter (or their cached figures), the faster wins. */
async function chooseByMeasurement(webgpu: WebGPUBackend, options: InitOptions, log: (line: string) => void): Promise<Backend> {
  const cal = options.calibration ?? {};
  const time = cal.time ?? ((be: Backend) => timeCalibrationStep(be, cal));
  const { CpuBackend } = await loadCpuBackend('init');
  const cpu = new CpuBackend(options.floatDType ?? 'float32');
  const batch = cal.batch ?? 32;
  const key = `calibrate|${adapterKey(webgpu.adapterInfo)}|${cpu.describe()}|batch ${batch}`;
  const hit = await cacheGet(key, cal.store, log);
  let figures: Calibrated;
  let how: string;
  if (isCalibrated(hit) && !cal.time) {
    figures = hit;
    how = `cached from ${hit.date}${cal.store ? ` (${cal.store.where})` : ''}`;
  } else {
    await cpu.ready();
    const c = await time(cpu);
    const g = await time(webgpu);
    figures = { cpuMs: c.stepMs, webgpuMs: g.stepMs, webgpuFirstMs: g.firstMs, batch, date: new Date().toISOString() };
    how = `measured now (WebGPU's first step ${g.firstMs.toFixed(0)} ms)`;
    if (!cal.time) await cacheSet(key, figures, cal.store, log);
  }
  const useGpu = figures.webgpuMs <= figures.cpuMs;
  log(
    `engine: auto timed a ${figures.batch}-image training step: CPU ${figures.cpuMs.toFixed(1)} ms, ` +
      `${webgpu.describe()} ${figures.webgpuMs.toFixed(1)} ms, ${how}: using ${useGpu ? 'webgpu' : 'the CPU backend'}`,
  );
  if (useGpu) {
    setBackend(webgpu);
    return webgpu;
  }
  webgpu.device.destroy();
  setBackend(cpu);
  return cpu;
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
