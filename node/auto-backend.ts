/**
 * Node only: `--backend auto` by measurement across every driver this machine has. The Vulkan
 * loader takes one driver per process, so each installed driver (SwiftShader, lavapipe: see
 * node/webgpu-adapter.ts) runs engine/calibrate.ts's step in a child process of its own
 * (node/calibrate-child.ts); the CPU backend runs it here. The fastest step wins; this process
 * then starts Dawn on the winning driver. Figures are cached per driver, CPU and kernels version
 * (memory, and the file store when given), and every figure behind the choice is logged.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Backend } from '../engine/backends/backend.js';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { cacheGet, cacheSet, kernelsVersion, type TuneStore } from '../engine/backends/webgpu/tune-cache.js';
import { WebGPUBackend, type WebGPUBackendOptions } from '../engine/backends/webgpu/webgpu-backend.js';
import { timeCalibrationStep } from '../engine/calibrate.js';
import { setBackend } from '../engine/runtime.js';
import { adapterEnv, NODE_ADAPTERS, parseAdapterName, type NodeAdapterName } from './webgpu-adapter.js';
import { nodeGPU } from './webgpu.js';

export interface NodeAutoOptions {
  /** Images per calibration step (default 32) and timed steps (default 2). */
  batch?: number;
  steps?: number;
  /** A file store (node/tune-store.ts) for the figures, besides memory. */
  store?: TuneStore | null;
  log?: (line: string) => void;
  /** Most seconds a driver's child may take (default 180). */
  timeoutS?: number;
  /** The environment that says which drivers to measure (default process.env; see candidateDrivers). */
  env?: NodeJS.ProcessEnv;
  /** Passed to WebGPUBackend.create when WebGPU wins (default: every pipeline precompiled). */
  webgpu?: WebGPUBackendOptions;
}

/** One candidate's figure: the CPU backend (driver null) or WebGPU on a driver. */
export interface BackendFigure {
  what: string;
  stepMs: number;
  note: string;
  driver: NodeAdapterName | null;
}

interface DriverFigure {
  name: NodeAdapterName;
  adapter: string;
  stepMs: number;
  firstMs: number;
}

/** The drivers setup installed (their ICD files exist). */
export function installedDrivers(): NodeAdapterName[] {
  return NODE_ADAPTERS.filter((name) => {
    try {
      const icd = adapterEnv(name, {}).VK_ICD_FILENAMES;
      return existsSync(icd);
    } catch {
      return false;
    }
  });
}

/**
 * The drivers to measure: the one this process was started for (WEBGPU_ADAPTER, or a
 * VK_ICD_FILENAMES naming an installed driver) when set, else every installed one.
 */
export function candidateDrivers(env: NodeJS.ProcessEnv = process.env): { names: NodeAdapterName[]; fixed: boolean } {
  if (env.WEBGPU_ADAPTER) return { names: [parseAdapterName(env.WEBGPU_ADAPTER, 'WEBGPU_ADAPTER')], fixed: true };
  const installed = installedDrivers();
  if (env.VK_ICD_FILENAMES) return { names: installed.filter((n) => adapterEnv(n, {}).VK_ICD_FILENAMES === env.VK_ICD_FILENAMES), fixed: true };
  return { names: installed, fixed: false };
}

const CHILD = fileURLToPath(new URL(`./calibrate-child${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));

function measureDriver(name: NodeAdapterName, batch: number, steps: number, timeoutS: number): Promise<DriverFigure> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.VK_ICD_FILENAMES;
  Object.assign(env, adapterEnv(name, env), { WEBGPU_ADAPTER: name });
  return new Promise((resolve, reject) => {
    // From the sources (.ts) the child needs tsx's loader; the built package runs as it is.
    const loader = CHILD.endsWith('.ts') ? ['--import', 'tsx'] : [];
    const child = spawn(process.execPath, [...loader, CHILD, name, String(batch), String(steps)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutS * 1000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').reverse().find((l) => l.startsWith('{'));
      if (!line) {
        reject(new Error(`calibration child for '${name}' exited with ${code} and no result${err ? `: ${err.trim().split('\n').slice(-3).join(' / ')}` : ''}`));
        return;
      }
      const r = JSON.parse(line) as { ok: boolean; error?: string; adapter?: string; stepMs?: number; firstMs?: number };
      if (!r.ok) reject(new Error(r.error));
      else resolve({ name, adapter: r.adapter!, stepMs: r.stepMs!, firstMs: r.firstMs! });
    });
  });
}

/**
 * Measures (or finds cached) the calibration step on the CPU backend and on each candidate
 * driver, logs every figure and returns them with the fastest. Starts nothing in this process.
 */
export async function measureNodeBackends(options: NodeAutoOptions = {}): Promise<{ figures: BackendFigure[]; best: BackendFigure; fixed: boolean; cpu: CpuBackend }> {
  const log = options.log ?? ((l: string) => console.info(l));
  const batch = options.batch ?? 32;
  const steps = options.steps ?? 2;
  const cpu = new CpuBackend('float32');
  const figures: BackendFigure[] = [];

  const cpuKey = `calibrate|node cpu|${cpu.describe()}|batch ${batch}|kernels ${kernelsVersion()}`;
  let cpuMs = await cacheGet(cpuKey, options.store, log);
  let cpuNote = 'cached';
  if (typeof cpuMs !== 'number') {
    await cpu.ready();
    cpuMs = (await timeCalibrationStep(cpu, { batch, steps })).stepMs;
    cpuNote = 'measured now';
    await cacheSet(cpuKey, cpuMs, options.store, log);
  }
  figures.push({ what: cpu.describe(), stepMs: cpuMs as number, note: cpuNote, driver: null });

  const drivers = candidateDrivers(options.env);
  for (const name of drivers.names) {
    const key = `calibrate|node driver ${name}|${adapterEnv(name, {}).VK_ICD_FILENAMES}|batch ${batch}|kernels ${kernelsVersion()}`;
    const hit = (await cacheGet(key, options.store, log)) as DriverFigure | undefined;
    if (hit && typeof hit.stepMs === 'number') {
      figures.push({ what: `webgpu on ${name}: ${hit.adapter}`, stepMs: hit.stepMs, note: 'cached', driver: name });
      continue;
    }
    try {
      const f = await measureDriver(name, batch, steps, options.timeoutS ?? 180);
      await cacheSet(key, f, options.store, log);
      figures.push({ what: `webgpu on ${name}: ${f.adapter}`, stepMs: f.stepMs, note: `measured now in a process of its own, first step ${f.firstMs.toFixed(0)} ms`, driver: name });
    } catch (e) {
      log(`engine: auto: driver '${name}' could not be measured: ${(e as Error).message}`);
    }
  }
  const best = figures.reduce((a, b) => (b.stepMs < a.stepMs ? b : a));
  log(`engine: auto timed a ${batch}-image training step on each backend this machine has${options.store ? ` (cache: ${options.store.where})` : ''}:`);
  for (const f of figures) log(`  ${f.what}: ${f.stepMs.toFixed(1)} ms (${f.note})${f === best ? '  <- chosen' : ''}`);
  return { figures, best, fixed: drivers.fixed, cpu };
}

/**
 * Chooses the backend by measurement (measureNodeBackends) and makes it current: the CPU
 * backend, or WebGPU on the fastest driver (this process's Dawn starts on it, so call this
 * before nodeGPU()).
 */
export async function nodeAutoBackend(options: NodeAutoOptions = {}): Promise<Backend> {
  const log = options.log ?? ((l: string) => console.info(l));
  const { best, fixed, cpu } = await measureNodeBackends(options);
  if (!best.driver) {
    setBackend(cpu);
    return cpu;
  }
  const gpu = await WebGPUBackend.create(nodeGPU(fixed ? {} : { adapter: best.driver }), options.webgpu);
  log(`engine: using ${gpu.describe()}: the fastest by measurement`);
  setBackend(gpu);
  return gpu;
}
