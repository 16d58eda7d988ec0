/**
 * The WebGPU backend: the device, its memory and its command stream, and one generic way to
 * launch a program. It knows no kernel: the kernels live in family files (kernels/*.ts), each a
 * few program descriptors plus the kernels built on them, and reach the device through the small
 * `Gpu` surface this class implements (allocate, launch, copy, fill, error words).
 *
 * What it promises:
 * - Storage is a buffer range {buffer, byteOffset, byteSize}, so `view` is zero-copy. Views
 *   must start at a multiple of minStorageBufferOffsetAlignment (256 bytes on most adapters):
 *   a storage binding cannot start anywhere else.
 * - Kernels record dispatches into ONE pending command encoder (one compute pass, ended only
 *   for copies); `flush()` submits it; `read()` flushes, copies to a MAP_READ buffer and maps.
 *   A training step is therefore one encoder and one submit unless something is read.
 * - A launch resolves its program once (pipeline cache keyed by WGSL text and override
 *   constants, programs.ts), plans its grid (launch.ts), writes its uniforms into a 256-byte slot
 *   of a ring of uniform buffers (written with queue.writeBuffer just before the submit; the slot
 *   is the bind group's dynamic offset), binds buffers by their WGSL names through a cache of
 *   bind groups (bind-group-cache.ts: a warm training step creates none) and folds the dispatch
 *   into 2-D/3-D past the per-dimension limit. Reads reuse their MAP_READ staging buffers
 *   (staging-buffers.ts).
 * - Uploads use queue.writeBuffer, which lands before the pending encoder runs, so they only
 *   take pool buffers that no recorded-but-unsubmitted command uses (see buffer-pool.ts).
 * - Errors never come back as numbers: WGSL compile errors name the kernel, the .wgsl file and
 *   line (programs.ts); each pending encoder is recorded inside validation and out-of-memory
 *   error scopes, and uncaptured errors are kept; kernels that find bad data on the GPU flag an
 *   error word (error-words.ts). The next read() or sync() throws any of these. A lost device
 *   makes every later call throw a clear error.
 * - The runtime parses no WGSL: layouts come from the build (shaders.generated.ts). Only a
 *   `shaderOverrides` string is reflected, by a reflector loaded on that path alone.
 */
import type { Backend, DType, KernelTable, MemoryInfo, Shape, TypedArray } from '../backend.js';
import { sizeOf } from '../backend.js';
import { BindGroupCache, type BindGroupCacheStats, type BufferBinding } from './bind-group-cache.js';
import { BufferPool, Usage, type PoolStats } from './buffer-pool.js';
import { ErrorWords } from './error-words.js';
import { allPrograms, kernelTable, variantPrograms } from './kernels/index.js';
import type { GPUStorage, Gpu, Params, T } from './kernels/family.js';
import { fillStorage } from './kernels/memory.js';
import { DEFAULT_TILING, blockCount, foldGroups, planGrid, workgroupConstants, type Extent, type Program, type ProgramShape, type Tiling } from './launch.js';
import { ProgramCache, type KernelProgram } from './programs.js';
import type { DispatchProfilerHook } from './profiler.js';
import type { ShaderSource } from './shader-layout.js';
import { SHADERS, type ShaderName } from './shaders.generated.js';
import { StagingBuffers, type StagingStats } from './staging-buffers.js';
import type { PollThrottle } from './poll-throttle.js';
import { checkForcedVariants, TUNED_KERNELS, type Replay, type TunedKernel, type VariantChoices, type VariantName } from './variants.js';

export type { GPUStorage } from './kernels/family.js';
export { DEFAULT_TILING, type Tiling } from './launch.js';

export interface WebGPUBackendOptions {
  powerPreference?: GPUPowerPreference;
  /** Use this adapter instead of requesting one. */
  adapter?: GPUAdapter;
  tiling?: Partial<Tiling>;
  /** Fold dispatches above this many workgroups per dimension (default: the device limit; tests lower it). */
  maxWorkgroupsPerDimension?: number;
  /**
   * Replace a kernel's WGSL (tests and bench/kernels-conv.ts use this): complete WGSL, no
   * includes. A string is reflected when the backend is created, with a reflector loaded only
   * then (Node, or a bundle that can import engine/backends/webgpu/reflect-layout.js); pass a
   * ShaderSource with its layout to need no reflector.
   */
  shaderOverrides?: Partial<Record<ShaderName, string | ShaderSource>>;
  /**
   * Compile every pipeline asynchronously in create() (default true), so any compile error shows
   * there; with false, a pipeline compiles on first use, or in precompileFor() for the programs
   * a given workload launches (the train CLI and bench:step do: the tutorial CNN's step uses 20 of 65).
   */
  precompile?: boolean;
  /**
   * Run this variant of a tuned kernel for every shape (variants.ts): the parity suite and the
   * tune bench use it. 'subgroup' needs the device's `subgroups` feature.
   */
  variants?: Partial<Record<TunedKernel, VariantName>>;
  /** The tuner's choices per kernel and shape (tuner.ts); shapes not listed run 'blocked'. */
  choices?: VariantChoices;
  /**
   * While awaiting the GPU, slow dawn.node's busy poll to a tick a millisecond after the first
   * 2 ms (poll-throttle.ts), so that it leaves the cores to a software adapter. Default: on in
   * Node on SwiftShader and lavapipe, off elsewhere (a page does not busy-poll; a real GPU loses
   * nothing to it).
   */
  throttlePoll?: boolean;
  /**
   * Tests: fill every new pool buffer with 0xFF bytes (NaN as f32) instead of zeros, so that a
   * kernel reading memory it never wrote gives NaN (buffer-pool.ts, POISON_BYTE). Default false.
   */
  poisonNewBuffers?: boolean;
  /**
   * Before a pipeline compiles on first use (a miss in the program cache), submit the commands
   * recorded so far, so the GPU runs them while the pipeline compiles. Default true: a step that
   * compiles nothing still submits once, and a first step that compiles its pipelines as it goes
   * overlaps compiling with running. The tutorial CNN's start at batch 256 (device + first step,
   * nothing precompiled), against precompileFor's concurrent compile before the first step, each
   * in a fresh process or browser, 2026-12-05, quiet: Chrome's SwiftShader 1.61-1.66x a warm step
   * against 1.90-2.11x, Node's SwiftShader 1.44-1.47x against 1.63-1.71x, lavapipe 1.71-1.81x
   * against 1.82-1.96x (README, issue 11 target 4).
   */
  submitWhileCompiling?: boolean;
}

/** A shape a tuned kernel was called with while shapes were recorded (tuner.ts). */
export interface TunedCall {
  readonly kernel: TunedKernel;
  readonly shape: string;
  readonly replay: () => Replay;
}

/** A program whose WGSL is not a file of shaders/ (engine/kernels/define-kernel.ts makes these). */
export interface SourceProgram extends ProgramShape {
  readonly source: ShaderSource;
}

const UNIFORM_SLOT = 256;
const UNIFORM_CHUNK = 256 * UNIFORM_SLOT;
/** Storage buffers a kernel may bind: the portable minimum of maxStorageBuffersPerShaderStage. */
const MAX_STORAGE_BINDINGS = 8;

function bytesOf(dtype: DType): number {
  if (dtype === 'float64') throw new Error('webgpu: float64 is not supported on WebGPU (use the CPU backend for float64 checks)');
  return 4;
}

// Loaded only for shaderOverrides strings. The specifier is a variable so that bundlers leave
// the import alone and the browser bundle ships no WGSL parser (test/engine-bundle.test.ts).
const REFLECTOR = './reflect-layout.js';
async function reflectOverrides(overrides: WebGPUBackendOptions['shaderOverrides']): Promise<Partial<Record<ShaderName, ShaderSource>>> {
  const out: Partial<Record<ShaderName, ShaderSource>> = {};
  const entries = Object.entries(overrides ?? {}) as [ShaderName, string | ShaderSource][];
  if (entries.length === 0) return out;
  let reflect: ((name: string, code: string) => ShaderSource['layout']) | null = null;
  for (const [name, o] of entries) {
    if (!(name in SHADERS)) throw new Error(`webgpu: shaderOverrides names '${name}', which is no kernel (expected one of ${Object.keys(SHADERS).join(', ')})`);
    if (typeof o !== 'string') {
      out[name] = o;
      continue;
    }
    if (!reflect) {
      try {
        reflect = ((await import(/* @vite-ignore */ REFLECTOR)) as typeof import('./reflect-layout.js')).reflectLayout;
      } catch (e) {
        throw new Error(
          `webgpu: shaderOverrides.${name} is a WGSL string, which needs the WGSL reflector (${REFLECTOR}) and it could not be loaded ` +
            `(${(e as Error).message}); pass { code, layout } instead (layout from reflectLayout in engine/backends/webgpu/reflect-layout.ts)`,
        );
      }
    }
    out[name] = { code: o, layout: reflect(name, o) };
  }
  return out;
}

export class WebGPUBackend implements Backend<GPUStorage>, Gpu {
  readonly name = 'webgpu';
  readonly floatDType = 'float32' as const;
  readonly kernels: KernelTable<GPUStorage>;
  readonly tiling: Tiling;
  readonly maxWorkgroupsPerDimension: number;
  /** Bytes a view's offset must be a multiple of. */
  readonly viewAlignment: number;
  dispatchCount = 0;
  submitCount = 0;
  /** Optional per-dispatch timing (profiler.ts): when set, each dispatch gets its own compute pass. */
  profiler: DispatchProfilerHook | null = null;
  /** The device has the `subgroups` feature (requested whenever the adapter has it). */
  readonly subgroups: boolean;
  /** Throttles Node's poll during GPU waits (poll-throttle.ts; `stats` counts), or null where it does not. */
  readonly pollThrottle: PollThrottle | null;
  readonly #forcedVariants: Partial<Record<TunedKernel, VariantName>>;
  readonly #forcedNow = new Map<TunedKernel, VariantName>();
  #tunedChoices: VariantChoices = {};
  #shapeLog: Map<string, TunedCall> | null = null;
  /** While precompileFor() traces its workload: the programs it launches (nothing is dispatched). */
  #traced: Set<Program | SourceProgram> | null = null;
  /** Programs ready() answered false for; #warmQueue holds those whose compile has not started. */
  readonly #warming = new Set<Program>();
  readonly #warmQueue: Program[] = [];
  #warmCompiles: Promise<void>[] = [];

  readonly #pool: BufferPool;
  /** Bind groups reused across dispatches and steps (bind-group-cache.ts). */
  readonly #bindGroups: BindGroupCache;
  /** MAP_READ buffers reused across reads (staging-buffers.ts). */
  readonly #staging: StagingBuffers;
  readonly #programs: ProgramCache;
  readonly #submitWhileCompiling: boolean;
  readonly #shaders: Record<ShaderName, ShaderSource>;
  /** Each descriptor's compiled program (the tiling is fixed, so one per descriptor). */
  readonly #resolved = new Map<Program | SourceProgram, KernelProgram>();
  readonly #errorWords: ErrorWords;
  #encoder: GPUCommandEncoder | null = null;
  #pass: GPUComputePassEncoder | null = null;
  readonly #uniformChunks: { buffer: GPUBuffer; mirror: Uint8Array }[] = [];
  #uniformUsed = 0;
  #errors: string[] = [];
  #scopePromises: Promise<GPUError | null>[] = [];
  #lostMessage: string | null = null;

  private constructor(
    readonly device: GPUDevice,
    readonly adapterInfo: GPUAdapterInfo,
    readonly isFallbackAdapter: boolean,
    options: WebGPUBackendOptions,
    overrides: Partial<Record<ShaderName, ShaderSource>>,
    pollThrottle: PollThrottle | null,
  ) {
    this.tiling = { ...DEFAULT_TILING, ...adapterTiling(adapterInfo), ...options.tiling };
    this.maxWorkgroupsPerDimension = Math.min(
      options.maxWorkgroupsPerDimension ?? Infinity,
      device.limits.maxComputeWorkgroupsPerDimension,
    );
    this.viewAlignment = device.limits.minStorageBufferOffsetAlignment;
    this.subgroups = device.features.has('subgroups');
    this.pollThrottle = pollThrottle;
    this.#forcedVariants = { ...options.variants };
    checkForcedVariants(this.#forcedVariants, this.subgroups);
    if (options.choices) this.setChoices(options.choices);
    this.#shaders = { ...SHADERS, ...overrides };
    this.#bindGroups = new BindGroupCache(device);
    this.#submitWhileCompiling = options.submitWhileCompiling ?? true;
    this.#pool = new BufferPool(device, device.limits.maxBufferSize, (b) => this.#bindGroups.forgetBuffer(b), options.poisonNewBuffers);
    this.#staging = new StagingBuffers(device);
    this.#programs = new ProgramCache(device, Math.min(MAX_STORAGE_BINDINGS, device.limits.maxStorageBuffersPerShaderStage), (e) => this.#errors.push(e.message));
    this.#errorWords = new ErrorWords(device);
    device.addEventListener('uncapturederror', (ev) => {
      this.#errors.push((ev as GPUUncapturedErrorEvent).error.message);
    });
    void device.lost.then((info) => {
      this.#lostMessage = `webgpu: the device was lost (${info.reason}): ${info.message || 'no message'}`;
    });
    this.kernels = kernelTable(this);
  }

  /** Requests an adapter and a device with the limits the kernels need (the adapter's maxima). */
  static async create(gpu: GPU, options: WebGPUBackendOptions = {}): Promise<WebGPUBackend> {
    const overrides = await reflectOverrides(options.shaderOverrides);
    const adapter = options.adapter ?? (await gpu.requestAdapter({ powerPreference: options.powerPreference ?? 'high-performance' }));
    if (!adapter) {
      throw new Error('webgpu: no adapter found (in Node, a Vulkan driver is needed: see README, "WebGPU in Node")');
    }
    const wanted = [
      'maxStorageBuffersPerShaderStage', 'maxStorageBufferBindingSize', 'maxBufferSize',
      'maxComputeWorkgroupStorageSize', 'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupSizeX',
      'maxComputeWorkgroupSizeY', 'maxComputeWorkgroupsPerDimension',
    ] as const;
    const requiredLimits: Record<string, number> = {};
    for (const k of wanted) requiredLimits[k] = adapter.limits[k];
    const requiredFeatures: GPUFeatureName[] = [];
    if (adapter.features.has('timestamp-query')) requiredFeatures.push('timestamp-query');
    if (adapter.features.has('subgroups')) requiredFeatures.push('subgroups');
    const device = await adapter.requestDevice({ label: 'tensor-engine', requiredLimits, requiredFeatures });
    const info = adapter.info;
    const fallback = Boolean(info.isFallbackAdapter ?? (adapter as unknown as { isFallbackAdapter?: boolean }).isFallbackAdapter);
    const backend = new WebGPUBackend(device, info, fallback, options, overrides, await createPollThrottle(options, info));
    if (options.precompile !== false) await backend.precompile();
    return backend;
  }

  /**
   * Runs on a device the app made (init({ backend: 'webgpu', device }) checks its limits first).
   * The app keeps owning it: the engine never destroys it, and any uncaptured error on it, the
   * app's too, fails the engine's next read.
   */
  static async fromDevice(device: GPUDevice, options: WebGPUBackendOptions = {}): Promise<WebGPUBackend> {
    const overrides = await reflectOverrides(options.shaderOverrides);
    const info = (device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo ?? options.adapter?.info
      ?? ({ vendor: '', architecture: '', device: '', description: "the app's GPUDevice" } as GPUAdapterInfo);
    const backend = new WebGPUBackend(device, info, Boolean(info.isFallbackAdapter), options, overrides, await createPollThrottle(options, info));
    if (options.precompile !== false) await backend.precompile();
    return backend;
  }

  /**
   * Compiles, concurrently, every program of the default variants and of the variants forced or
   * chosen (rejects with a WgslCompileError naming kernel, file and line). Other variants
   * compile on first use.
   */
  async precompile(): Promise<void> {
    const wanted = new Set<Program>(allPrograms().filter((p) => !p.variant));
    for (const k of TUNED_KERNELS) {
      const chosen = new Set<VariantName>(Object.values(this.#tunedChoices[k] ?? {}));
      const forced = this.#forcedVariants[k];
      if (forced) chosen.add(forced);
      for (const v of chosen) for (const p of variantPrograms(k, v)) wanted.add(p);
    }
    await Promise.all([...wanted].map((p) => this.#compileProgram(p)));
  }

  /**
   * Compiles, concurrently, just the programs `workload` launches, and returns how many it
   * launches. The workload runs traced: its ops allocate and upload as usual, but no launch is
   * recorded or compiled, so no kernel writes anything, and what it computes is garbage. Give it
   * a probe (a throwaway model and optimizer stepped on zeros) and dispose what it made.
   */
  async precompileFor(workload: () => void): Promise<number> {
    const traced = new Set<Program | SourceProgram>();
    this.#traced = traced;
    try {
      workload();
    } finally {
      this.#traced = null;
    }
    await Promise.all([...traced].map((p) => this.#compileProgram(p)));
    return traced.size;
  }

  async #compileProgram(p: Program | SourceProgram): Promise<void> {
    if ('variant' in p && p.variant === 'subgroup' && !this.subgroups) return;
    if (this.#resolved.has(p)) return;
    const source = 'source' in p ? p.source : this.#shaders[p.shader];
    this.#resolved.set(p, await this.#programs.compile(p.shader, source, workgroupConstants(p, this.tiling)));
  }

  // ---------------------------------------------------------------- variants (variants.ts)

  /** The variant of a tuned kernel for this shape: forced, tuned, or 'blocked'. */
  variant(kernel: TunedKernel, shapeKey: string, replay: () => Replay): VariantName {
    const log = this.#shapeLog;
    if (log && !log.has(`${kernel}\u0000${shapeKey}`)) log.set(`${kernel}\u0000${shapeKey}`, { kernel, shape: shapeKey, replay });
    const v = this.#forcedNow.get(kernel) ?? this.#forcedVariants[kernel] ?? this.#tunedChoices[kernel]?.[shapeKey] ?? 'blocked';
    return v === 'subgroup' && !this.subgroups ? 'blocked' : v;
  }

  /** The variants this device can run. */
  availableVariants(): VariantName[] {
    return this.subgroups ? ['blocked', 'tiled', 'subgroup'] : ['blocked', 'tiled'];
  }

  /** Runs `fn` with `variant` forced for `kernel` (the tuner times each candidate so). */
  withVariant<R>(kernel: TunedKernel, variant: VariantName, fn: () => R): R {
    if (variant === 'subgroup' && !this.subgroups) throw new Error(`webgpu: variant 'subgroup' of ${kernel} needs the 'subgroups' feature, which this device lacks`);
    const before = this.#forcedNow.get(kernel);
    this.#forcedNow.set(kernel, variant);
    try {
      return fn();
    } finally {
      if (before === undefined) this.#forcedNow.delete(kernel);
      else this.#forcedNow.set(kernel, before);
    }
  }

  /** Runs `fn` and returns each (tuned kernel, shape) it called, once, with a way to replay it. */
  recordShapes(fn: () => void): TunedCall[] {
    const log = new Map<string, TunedCall>();
    this.#shapeLog = log;
    try {
      fn();
    } finally {
      this.#shapeLog = null;
    }
    return [...log.values()];
  }

  /** The tuner's choices in force (a copy). */
  get choices(): VariantChoices {
    return JSON.parse(JSON.stringify(this.#tunedChoices)) as VariantChoices;
  }

  /** Adds tuned choices (per kernel and shape); later calls of those shapes run them. */
  setChoices(choices: VariantChoices): void {
    for (const [k, byShape] of Object.entries(choices) as [TunedKernel, Record<string, VariantName>][]) {
      checkForcedVariants(Object.fromEntries(Object.values(byShape).map((v) => [k, v === 'subgroup' && !this.subgroups ? 'blocked' : v])), this.subgroups);
      this.#tunedChoices[k] = { ...this.#tunedChoices[k], ...byShape };
    }
  }

  get compileMs(): number {
    return this.#programs.compileMs;
  }

  /** Pipelines compiled so far (each program once per set of override constants). */
  get pipelineCount(): number {
    return this.#programs.size;
  }

  describe(): string {
    return `webgpu: ${adapterName(this.adapterInfo) || 'unknown adapter'}${this.isFallbackAdapter ? ' (fallback/software adapter)' : ''}`;
  }

  memory(): MemoryInfo {
    return this.#pool.memory();
  }

  /** The pool's statistics (buffer-pool.ts), plus the uniform ring, which lives outside the pool. */
  memoryStats(): PoolStats & { uniformBytes: number } {
    return { ...this.#pool.stats(), uniformBytes: this.#uniformChunks.length * UNIFORM_CHUNK };
  }

  /** The native objects kept for reuse: bind groups (bind-group-cache.ts) and read staging buffers (staging-buffers.ts). */
  reuseStats(): { bindGroups: BindGroupCacheStats; staging: StagingStats } {
    return { bindGroups: this.#bindGroups.stats(), staging: this.#staging.stats() };
  }

  /** Restarts the pool's high-water marks from what is held now. */
  resetPeakMemory(): void {
    this.#pool.resetPeak();
  }

  // ---------------------------------------------------------------- memory

  #alloc(count: number, dtype: DType, what: string, forUpload = false): GPUStorage {
    const byteSize = count * bytesOf(dtype);
    if (byteSize > this.device.limits.maxStorageBufferBindingSize) {
      throw new Error(
        `webgpu: ${what} of ${count} elements (${byteSize} bytes) exceeds maxStorageBufferBindingSize (${this.device.limits.maxStorageBufferBindingSize})`,
      );
    }
    const buffer = this.#pool.acquire(Math.max(byteSize, 4), forUpload, what);
    return { buffer, byteOffset: 0, byteSize, owned: true };
  }

  out(shape: Shape, dtype: DType, what: string): T {
    return { storage: this.#alloc(sizeOf(shape), dtype, what), shape: [...shape], dtype };
  }

  scratch(count: number, what: string): GPUStorage {
    return this.#alloc(count, 'float32', what);
  }

  upload(values: ArrayLike<number>, shape: Shape, dtype: DType): T {
    this.#assertAlive('upload');
    const n = sizeOf(shape);
    const storage = this.#alloc(n, dtype, 'upload', true);
    if (n > 0) {
      const host = dtype === 'int32' ? Int32Array.from(values) : Float32Array.from(values);
      this.device.queue.writeBuffer(storage.buffer, 0, host.buffer, host.byteOffset, host.byteLength);
    }
    return { storage, shape: [...shape], dtype };
  }

  fill(shape: Shape, dtype: DType, value: number): T {
    const t = this.out(shape, dtype, 'fill');
    fillStorage(this, t.storage, sizeOf(shape), dtype, value);
    return t;
  }

  fillRange(storage: GPUStorage, n: number, dtype: DType, value: number): void {
    fillStorage(this, storage, n, dtype, value);
  }

  view(t: T, offset: number, shape: Shape): T {
    const bpe = bytesOf(t.dtype);
    const n = sizeOf(shape);
    const byteOffset = t.storage.byteOffset + offset * bpe;
    if (offset < 0 || offset * bpe + n * bpe > t.storage.byteSize) {
      throw new Error(`webgpu view: elements [${offset}, ${offset + n}) fall outside an array of ${t.storage.byteSize / bpe}`);
    }
    if (byteOffset % this.viewAlignment !== 0) {
      throw new Error(
        `webgpu view: element offset ${offset} is byte offset ${byteOffset}, not a multiple of this device's ` +
          `minStorageBufferOffsetAlignment (${this.viewAlignment} bytes = ${this.viewAlignment / bpe} elements); align views to it`,
      );
    }
    return { storage: { buffer: t.storage.buffer, byteOffset, byteSize: n * bpe, owned: false }, shape: [...shape], dtype: t.dtype };
  }

  release(storage: GPUStorage): void {
    if (storage.owned) this.#pool.release(storage.buffer);
  }

  /** Destroys pooled buffers that no tensor holds (their bind groups go too), and the kept staging buffers. */
  trim(): void {
    this.flush();
    this.#pool.trim();
    this.#staging.clear();
  }

  copy(src: GPUStorage, dst: GPUStorage, bytes: number): void {
    const enc = this.#endPass();
    if (src.buffer === dst.buffer) {
      // A buffer cannot be both source and destination of one copy: go through a temporary.
      const tmp = this.#alloc(bytes / 4, 'float32', 'copy temp');
      enc.copyBufferToBuffer(src.buffer, src.byteOffset, tmp.buffer, 0, bytes);
      enc.copyBufferToBuffer(tmp.buffer, 0, dst.buffer, dst.byteOffset, bytes);
      this.#pool.release(tmp.buffer);
    } else {
      enc.copyBufferToBuffer(src.buffer, src.byteOffset, dst.buffer, dst.byteOffset, bytes);
    }
  }

  errorWord(op: string, describe: (position: number, value: number) => string): GPUStorage {
    return this.#errorWords.slot(op, describe);
  }

  // ---------------------------------------------------------------- submission

  #getEncoder(): GPUCommandEncoder {
    this.#assertAlive('record');
    if (!this.#encoder) {
      this.device.pushErrorScope('out-of-memory');
      this.device.pushErrorScope('validation');
      this.#encoder = this.device.createCommandEncoder({ label: `step encoder #${this.submitCount}` });
    }
    return this.#encoder;
  }

  #getPass(): GPUComputePassEncoder {
    if (!this.#pass) this.#pass = this.#getEncoder().beginComputePass({ label: `kernels #${this.submitCount}` });
    return this.#pass;
  }

  #endPass(): GPUCommandEncoder {
    const enc = this.#getEncoder();
    if (this.#pass) {
      this.#pass.end();
      this.#pass = null;
    }
    return enc;
  }

  flush(): void {
    if (!this.#encoder) return;
    const enc = this.#endPass();
    this.profiler?.beforeFinish(enc);
    for (let i = 0; i * UNIFORM_CHUNK < this.#uniformUsed; i++) {
      const c = this.#uniformChunks[i];
      this.device.queue.writeBuffer(c.buffer, 0, c.mirror.buffer, 0, Math.min(UNIFORM_CHUNK, this.#uniformUsed - i * UNIFORM_CHUNK));
    }
    this.device.queue.submit([enc.finish({ label: `step #${this.submitCount}` })]);
    this.profiler?.afterSubmit(this.device.queue);
    this.submitCount++;
    this.#encoder = null;
    this.#uniformUsed = 0;
    this.#pool.settle();
    const validation = this.device.popErrorScope();
    const oom = this.device.popErrorScope();
    this.#scopePromises.push(validation, oom);
  }

  /** Waits for submitted work and throws the first error any of it raised. */
  async sync(): Promise<void> {
    if (this.#errorWords.pending) {
      const staging = this.#staging.acquire(this.#errorWords.byteSize, 'read error words');
      await this.#readStaging(staging, this.#errorWords.byteSize, 0, (enc) => this.#errorWords.recordCopy(enc, staging, 0));
      return;
    }
    this.flush();
    await this.#wait(() => this.device.queue.onSubmittedWorkDone());
    this.#startWarming();
    await this.#throwErrors();
  }

  async #throwErrors(): Promise<void> {
    await this.#programs.settled(); // compile errors first: they explain the validation errors after them
    const scopes = this.#scopePromises;
    this.#scopePromises = [];
    for (const e of await Promise.all(scopes)) if (e) this.#errors.push(e.message);
    this.#assertAlive('read');
    if (this.#errors.length) {
      const msgs = this.#errors;
      this.#errors = [];
      throw new Error(`webgpu: ${msgs.length} GPU error(s); first: ${msgs[0]}`);
    }
  }

  async read(t: T): Promise<TypedArray> {
    this.#assertAlive('read');
    const n = sizeOf(t.shape);
    const bytes = n * bytesOf(t.dtype);
    if (n === 0 && !this.#errorWords.pending) return t.dtype === 'int32' ? new Int32Array(0) : new Float32Array(0);
    const words = this.#errorWords.pending ? this.#errorWords.byteSize : 0;
    const staging = this.#staging.acquire(bytes + words, `read ${bytes}B`);
    const copy = await this.#readStaging(staging, bytes + words, bytes, (enc) => {
      if (bytes > 0) enc.copyBufferToBuffer(t.storage.buffer, t.storage.byteOffset, staging, 0, bytes);
      return this.#errorWords.recordCopy(enc, staging, bytes);
    });
    const data = copy.slice(0, bytes);
    return t.dtype === 'int32' ? new Int32Array(data) : new Float32Array(data);
  }

  /**
   * Records copies into `staging` (after all pending work), submits, maps its first `bytes` and
   * returns them, after throwing any GPU error and any error word the copies brought back (the
   * words, if copied, start at `wordsAt`). The staging buffer goes back to the staging pool.
   */
  async #readStaging(
    staging: GPUBuffer, bytes: number, wordsAt: number, record: (enc: GPUCommandEncoder) => ((bytes: ArrayBuffer) => void) | null,
  ): Promise<ArrayBuffer> {
    const checkWords = record(this.#endPass());
    this.flush();
    try {
      await this.#wait(() => staging.mapAsync(1 /* GPUMapMode.READ */, 0, bytes));
    } catch (e) {
      staging.destroy();
      await this.#throwErrors();
      throw e;
    }
    this.#startWarming();
    const copy = staging.getMappedRange(0, bytes).slice(0);
    staging.unmap();
    this.#staging.release(staging);
    await this.#throwErrors();
    checkWords?.(copy.slice(wordsAt));
    return copy;
  }

  /**
   * The pending command encoder, outside any compute pass, for commands of the caller's own
   * (the tuner's timestamp passes, tuner.ts); they run in order with the recorded launches.
   */
  commandEncoder(): GPUCommandEncoder {
    return this.#endPass();
  }

  /** Awaits the GPU promise `start` makes, with Node's poll throttled where it is (poll-throttle.ts). */
  #wait(start: () => Promise<void>): Promise<void> {
    return this.pollThrottle ? this.pollThrottle.around(start) : start();
  }

  #assertAlive(what: string): void {
    if (this.#lostMessage) throw new Error(`${this.#lostMessage} (during ${what})`);
  }

  // ---------------------------------------------------------------- launch

  /** [x, y, z] workgroup counts for `groups` workgroups, folded so no dimension exceeds the limit. */
  fold(groups: number): [number, number, number] {
    return foldGroups(groups, this.maxWorkgroupsPerDimension);
  }

  /**
   * Whether `program` can run without compiling now: its pipeline is compiled, or precompileFor()
   * is tracing (and will compile it before any step). Otherwise the answer is false, so the
   * family runs a program that is quicker to compile, and `program` is queued to compile in the
   * background (createComputePipelineAsync) once the next read or sync has waited for the GPU:
   * started at once, its compile took the cores from the first step's kernels and compiles
   * (Node's SwiftShader: lazy start 2.03x a warm step, against 1.4x). For kernels whose fast form
   * compiles slowly (the 16 x 16 conv kernels: about 1.7 s more for a step's pipelines on
   * SwiftShader), so that a first step does not wait for them (issue 11, target 4); both forms
   * make the same sums in the same order. A compile error reaches a later read.
   */
  ready(program: Program): boolean {
    // Every compile of a descriptor (at creation, precompileFor, first use, here) lands in #resolved.
    if (this.#resolved.has(program) || this.#traced) return true;
    if (!this.#warming.has(program)) {
      this.#warming.add(program);
      this.#warmQueue.push(program);
    }
    return false;
  }

  /** Starts compiling what ready() queued (after a wait for the GPU: the step that asked is done). */
  #startWarming(): void {
    for (const program of this.#warmQueue.splice(0)) {
      this.#warmCompiles.push(this.#compileProgram(program).catch((e: unknown) => {
        this.#errors.push(e instanceof Error ? e.message : String(e));
      }));
    }
  }

  /**
   * Starts what ready() queued and waits until every background compile has finished, so the
   * next step runs the programs a warm step runs (benchmarks and tests; training need not wait).
   */
  async warmed(): Promise<void> {
    this.#startWarming();
    await Promise.all(this.#warmCompiles.splice(0));
  }

  blockCount(program: Program, rows: number, cols: number): number {
    return blockCount(program, this.#shaders[program.shader].layout, rows, cols);
  }

  /** Records one launch of `program` over `extent`: buffers and uniforms by their WGSL names. */
  launch(program: Program | SourceProgram, extent: Extent, buffers: Record<string, GPUStorage>, params: Params): void {
    if (this.#traced) {
      this.#traced.add(program);
      return;
    }
    const kp = this.#resolve(program);
    const { groups, gridParams } = planGrid(program, kp.shader, this.tiling, extent);
    if (groups === 0) return;
    for (const k in gridParams) {
      if (k in params) throw new Error(`webgpu: kernel '${program.shader}' sets the grid uniform '${k}', which the launch computes`);
    }
    this.#dispatch(kp, groups, buffers, Object.keys(gridParams).length ? { ...params, ...gridParams } : params);
  }

  #resolve(program: Program | SourceProgram): KernelProgram {
    let kp = this.#resolved.get(program);
    if (!kp) {
      const source = 'source' in program ? program.source : this.#shaders[program.shader];
      const constants = workgroupConstants(program, this.tiling);
      // Let the GPU run what is recorded while this pipeline compiles (submitWhileCompiling).
      if (this.#submitWhileCompiling && !this.profiler && !this.#programs.has(program.shader, source, constants)) this.flush();
      kp = this.#programs.get(program.shader, source, constants);
      this.#resolved.set(program, kp);
    }
    return kp;
  }

  #writeParams(program: KernelProgram, params: Params): { buffer: GPUBuffer; offset: number; size: number } {
    const u = program.shader.uniform!;
    if (u.size > UNIFORM_SLOT) throw new Error(`webgpu: kernel '${program.name}' uniform struct exceeds ${UNIFORM_SLOT} bytes`);
    const chunkIndex = Math.floor(this.#uniformUsed / UNIFORM_CHUNK);
    const offset = this.#uniformUsed % UNIFORM_CHUNK;
    if (chunkIndex === this.#uniformChunks.length) {
      this.#uniformChunks.push({
        buffer: this.device.createBuffer({ label: `uniforms #${chunkIndex}`, size: UNIFORM_CHUNK, usage: Usage.UNIFORM | Usage.COPY_DST }),
        mirror: new Uint8Array(UNIFORM_CHUNK),
      });
    }
    const chunk = this.#uniformChunks[chunkIndex];
    chunk.mirror.fill(0, offset, offset + UNIFORM_SLOT);
    const dv = new DataView(chunk.mirror.buffer, offset, UNIFORM_SLOT);
    let seen = 0;
    for (const m of u.members) {
      const v = params[m.name];
      if (v === undefined) {
        if (!m.name.startsWith('_')) throw new Error(`webgpu: kernel '${program.name}' needs uniform '${m.name}'`);
        continue;
      }
      seen++;
      if (typeof v === 'number') {
        if (m.type === 'f32') dv.setFloat32(m.offset, v, true);
        else if (m.type === 'i32') dv.setInt32(m.offset, v, true);
        else dv.setUint32(m.offset, v, true);
      } else {
        if (v.length * 4 > m.size) throw new Error(`webgpu: kernel '${program.name}' uniform '${m.name}' holds ${m.size / 4} words, got ${v.length}`);
        v.forEach((w, i) => dv.setUint32(m.offset + 4 * i, w, true));
      }
    }
    if (seen !== Object.keys(params).length) {
      const unknown = Object.keys(params).filter((k) => !u.members.some((m) => m.name === k));
      throw new Error(`webgpu: kernel '${program.name}' has no uniform '${unknown[0]}'`);
    }
    this.#uniformUsed += UNIFORM_SLOT;
    return { buffer: chunk.buffer, offset, size: u.size };
  }

  /** Records one dispatch of `groups` workgroups (folded into 2-D/3-D as needed). */
  #dispatch(program: KernelProgram, groups: number, buffers: Record<string, GPUStorage>, params: Params): void {
    const bindings: BufferBinding[] = [];
    // The uniform slot is the binding's dynamic offset, so the cached group binds the slot's chunk from 0.
    const dynamicOffsets: number[] = [];
    for (const b of program.shader.bindings) {
      if (b.kind === 'uniform') {
        const u = this.#writeParams(program, params);
        bindings.push({ binding: b.binding, buffer: u.buffer, offset: 0, size: u.size });
        dynamicOffsets.push(u.offset);
      } else {
        const s = buffers[b.name];
        if (!s) throw new Error(`webgpu: kernel '${program.name}' needs buffer '${b.name}'`);
        bindings.push({ binding: b.binding, buffer: s.buffer, offset: s.byteOffset, size: Math.max(4, s.byteSize) });
      }
    }
    const profiler = this.profiler;
    const pass = profiler ? this.#endPass().beginComputePass(profiler.passDescriptor(program.name, groups)) : this.#getPass();
    const bindGroup = this.#bindGroups.get(program.layout, bindings, `bind ${program.name}`);
    pass.setPipeline(program.pipeline);
    pass.setBindGroup(0, bindGroup, dynamicOffsets);
    const [x, y, z] = this.fold(groups);
    pass.dispatchWorkgroups(x, y, z);
    this.dispatchCount++;
    if (profiler) {
      pass.end();
      if (profiler.submitEachDispatch) this.flush();
    }
  }
}

/**
 * Tiling defaults that differ by adapter, each measured (bench/kernels-conv.ts, batch 256, the
 * CNN's conv2 and conv3, 2026-12-01): reading 4 channels as a vec4 in the forward and
 * input-gradient kernels (Tiling.channelVec4) ran 1.07-1.21x the scalar gathers on SwiftShader,
 * but 0.39-0.72x on lavapipe (llvmpipe), whose compiler vectorises across lanes and pays for the
 * in-register transposes. It stays on for every other adapter: real GPUs reward fewer, wider
 * loads. (Not a tuner variant yet: the tuner picks among blocked/tiled/subgroup per shape.)
 *
 * SwiftShader takes the 16 x 16 channel-vec4 conv kernels (Tiling.wideBlocks): its per-lane
 * gathers make loads per multiply-add the cost, and it spills an 8 x 8 block's accumulators
 * already. Node, batch 256, interleaved in one process, quiet, 2026-12-05: 8 x 32 blocks first
 * ran conv2's forward pass, input and filter gradients 1.31x, 1.16x and 1.21x the 8 x 8 kernels
 * (8 x 64 blocks were slower, 0.87x); 16 x 16 blocks, which load 32 floats per 256 multiply-adds
 * against 40, then ran 1.12x, 1.19x and 1.14x the 8 x 32 ones (conv3 1.15x, 1.33x, 1.06x), the
 * whole step 1.10x. On lavapipe the wide filter gradients ran 0.64-0.70x (8 x 32 and 16 x 16).
 * Where the 16 x 16 forms do not run (other channel counts, or a first step, before they have
 * compiled), SwiftShader now takes the scalar-gather 8 x 8 forms (channelVec4 off): on
 * 2026-12-06 (quiet) they ran conv2's and conv3's forward pass and input gradient 1.05-1.11x the
 * channel-vec4 8 x 8 ones in Node (bench/kernels-conv.ts --variants vec4,narrow, medians of 7),
 * Chrome's 8 x 8 step 1.03x (1,090-1,141 against 1,135-1,175 ms), and compiled in 0.7x the time
 * (Chrome: 91 and 104 against 126 and 150 ms), so a lazy first step in Chrome took 1,621-1,724
 * against 1,830-1,843 ms. (On 12-01 the channel-vec4 ones had measured 1.07-1.21x faster there.)
 *
 * The software adapters (SwiftShader, lavapipe) run a workgroup at a time per CPU thread and pay
 * for each one, so their element-wise kernels are capped at 256 workgroups (Tiling.elementGroups).
 * The tutorial step at batch 256, quiet, 2026-12-02: on lavapipe 1.16-1.22x faster (three pairs
 * of separate processes, medians of 7; caps 64 to 4,096 tried in one process, 256 best, and 128
 * or 256 invocations a workgroup no better than 64); on Node's SwiftShader 0.96x and 1.01x in
 * separate processes (1.15-1.17x with both devices in one process), so neutral there; kept so
 * that both software drivers take the same path. Real GPUs keep no cap: 16,384 invocations
 * would leave most of a large GPU idle.
 */
export function adapterTiling(info: AdapterNames): Partial<Tiling> {
  const software = isSoftwareAdapter(info) ? { elementGroups: 256 } : {};
  if (/llvmpipe/i.test(adapterName(info))) return { ...software, channelVec4: false };
  return /swiftshader/i.test(adapterName(info)) ? { ...software, wideBlocks: true, channelVec4: false } : software;
}

type AdapterNames = Pick<GPUAdapterInfo, 'architecture' | 'device' | 'description' | 'vendor'>;

/** The adapter's names that are set, in one line (describe(), adapterTiling, isSoftwareAdapter). */
function adapterName(i: AdapterNames): string {
  return [i.vendor, i.architecture, i.device, i.description].filter((s) => s).join(' ');
}

/** An adapter that computes on the host's CPU cores: lavapipe (llvmpipe) or SwiftShader. */
export function isSoftwareAdapter(info: AdapterNames): boolean {
  return /llvmpipe|swiftshader/i.test(adapterName(info));
}

/** Running in Node, where dawn.node busy-polls while a GPU promise is pending (poll-throttle.ts). */
function inNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

// Loaded only where the poll is throttled (Node on a software adapter), through a variable
// specifier as REFLECTOR is, so the browser bundle, which never throttles, does not carry it.
// The package's Node entry is the unbundled dist/, where the import resolves (scripts/build.mjs
// emits the file); a single-file bundle run in Node finds no file there and polls as usual.
const POLL_THROTTLE = './poll-throttle.js';
async function createPollThrottle(options: WebGPUBackendOptions, info: GPUAdapterInfo): Promise<PollThrottle | null> {
  if (!(options.throttlePoll ?? (inNode() && isSoftwareAdapter(info)))) return null;
  try {
    return new ((await import(/* @vite-ignore */ POLL_THROTTLE)) as typeof import('./poll-throttle.js')).PollThrottle();
  } catch {
    return null;
  }
}
