/**
 * The WebGPU backend: hand-written WGSL kernels (shaders/*.wgsl, embedded by
 * scripts/gen-shaders.mjs) behind the Backend contract.
 *
 * - Storage is a buffer range {buffer, byteOffset, byteSize}, so `view` is zero-copy. Views
 *   must start at a multiple of minStorageBufferOffsetAlignment (256 bytes on most adapters):
 *   a storage binding cannot start anywhere else.
 * - Kernels record dispatches into ONE pending command encoder (one compute pass, ended only
 *   for copies); `flush()` submits it; `read()` flushes, copies to a MAP_READ buffer and maps.
 *   A training step is therefore one encoder and one submit unless something is read.
 * - Uniform parameters: each dispatch gets its own 256-byte slot in a ring of uniform buffers;
 *   the slots are written with queue.writeBuffer just before the submit.
 * - Uploads use queue.writeBuffer, which lands before the pending encoder runs, so they only
 *   take pool buffers that no recorded-but-unsubmitted command uses (see buffer-pool.ts).
 * - Errors: WGSL compile errors name the kernel, line and message (programs.ts); each pending
 *   encoder is recorded inside validation and out-of-memory error scopes, and uncaptured errors
 *   are kept: the next read() or sync() throws them instead of returning wrong numbers.
 *   A lost device makes every later call throw a clear error.
 */
import type {
  AdamStepScalars, Backend, BinaryOp, Conv2DGeometry, DType, KernelTable, MemoryInfo, Pool2DGeometry, Shape,
  TensorData, TypedArray, UnaryOp,
} from '../backend.js';
import { sizeOf } from '../backend.js';
import { broadcastStrides } from '../../ops/geometry.js';
import { BufferPool, Usage } from './buffer-pool.js';
import { opFamilyKernels } from './op-family-kernels.js';
import { ProgramCache, type Constants, type KernelProgram } from './programs.js';
import type { DispatchProfilerHook } from './profiler.js';
import { SHADERS, type ShaderName } from './shaders.generated.js';

/** A range of a GPU buffer. `owned` ranges came from the pool and go back to it on release. */
export interface GPUStorage {
  readonly buffer: GPUBuffer;
  readonly byteOffset: number;
  readonly byteSize: number;
  readonly owned: boolean;
}

type T = TensorData<GPUStorage>;

/**
 * Workgroup shapes, chosen per adapter. The heavy kernels are register-blocked (4x4 outputs per
 * invocation, no workgroup memory), so a tile of the output is 4*wgY x 4*wgX.
 */
export interface Tiling {
  /** Invocations per workgroup of the 1-D (element-wise, per-row) kernels. */
  readonly elementwise: number;
  readonly matmul: readonly [wgX: number, wgY: number];
  /**
   * Conv workgroup shape. The 4x4 conv kernels tile the output 4*wgY x 4*wgX; the vec4 ones
   * (8x8 blocks per invocation, numbered linearly) only use wgX*wgY as the workgroup size.
   * Measured on Node + SwiftShader (bench/kernels-conv.ts, conv2 at batch 256, same run):
   * [4, 4], [8, 8] and [16, 16] within +-6% of each other for all three conv kernels.
   */
  readonly conv: readonly [wgX: number, wgY: number];
  /** Target number of invocations when splitting long reductions into chunks (sum, filter gradient). */
  readonly reductionThreads: number;
  /**
   * Use the vec4-load matmul variant, and the vec4 conv kernels (8x8 register blocks: forward
   * and filter gradient when outC % 4 == 0, input gradient when inC % 4 == 0), where the shapes
   * allow it. On SwiftShader the vec4 conv kernels measured 2-2.3x (forward, input gradient) and
   * 1.6-2.1x (filter gradient) the 4x4 ones on the CNN's conv2/conv3 at batch 256.
   */
  readonly vec4: boolean;
}

export const DEFAULT_TILING: Tiling = { elementwise: 64, matmul: [8, 8], conv: [8, 8], reductionThreads: 16384, vec4: true };

export interface WebGPUBackendOptions {
  powerPreference?: GPUPowerPreference;
  /** Use this adapter instead of requesting one. */
  adapter?: GPUAdapter;
  tiling?: Partial<Tiling>;
  /** Fold dispatches above this many workgroups per dimension (default: the device limit; tests lower it). */
  maxWorkgroupsPerDimension?: number;
  /** Replace a kernel's WGSL (tests use this to check compile errors). */
  shaderOverrides?: Partial<Record<ShaderName, string>>;
  /** Compile every pipeline asynchronously in create() (default true); otherwise on first use. */
  precompile?: boolean;
}

const UNIFORM_SLOT = 256;
const UNIFORM_CHUNK = 256 * UNIFORM_SLOT;

const UNARY_CODES: Record<UnaryOp, number> = { neg: 0, exp: 1, log: 2, relu: 3 };
const BINARY_CODES: Record<BinaryOp, number> = { add: 0, sub: 1, mul: 2, div: 3 };

type Params = Record<string, number | readonly number[]>;

function bytesOf(dtype: DType): number {
  if (dtype === 'float64') throw new Error('webgpu: float64 is not supported on WebGPU (use the CPU backend for float64 checks)');
  return 4;
}

export class WebGPUBackend implements Backend<GPUStorage> {
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

  private readonly pool: BufferPool;
  private readonly programs: ProgramCache;
  private readonly shaders: Record<ShaderName, string>;
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private readonly uniformChunks: { buffer: GPUBuffer; mirror: Uint8Array }[] = [];
  private uniformUsed = 0;
  private errors: string[] = [];
  private scopePromises: Promise<GPUError | null>[] = [];
  private lostMessage: string | null = null;

  private constructor(
    readonly device: GPUDevice,
    readonly adapterInfo: GPUAdapterInfo,
    readonly isFallbackAdapter: boolean,
    options: WebGPUBackendOptions,
  ) {
    this.tiling = { ...DEFAULT_TILING, ...options.tiling };
    this.maxWorkgroupsPerDimension = Math.min(
      options.maxWorkgroupsPerDimension ?? Infinity,
      device.limits.maxComputeWorkgroupsPerDimension,
    );
    this.viewAlignment = device.limits.minStorageBufferOffsetAlignment;
    this.shaders = { ...SHADERS, ...options.shaderOverrides };
    this.pool = new BufferPool(device, device.limits.maxBufferSize);
    this.programs = new ProgramCache(device, device.limits.maxStorageBuffersPerShaderStage, (e) => this.errors.push(e.message));
    device.addEventListener('uncapturederror', (ev) => {
      this.errors.push((ev as GPUUncapturedErrorEvent).error.message);
    });
    void device.lost.then((info) => {
      this.lostMessage = `webgpu: the device was lost (${info.reason}): ${info.message || 'no message'}`;
    });
    this.kernels = this.makeKernels();
  }

  /** Requests an adapter and a device with the limits the kernels need (the adapter's maxima). */
  static async create(gpu: GPU, options: WebGPUBackendOptions = {}): Promise<WebGPUBackend> {
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
    const device = await adapter.requestDevice({ label: 'tensor-engine', requiredLimits, requiredFeatures });
    const info = adapter.info;
    const fallback = Boolean(info.isFallbackAdapter ?? (adapter as unknown as { isFallbackAdapter?: boolean }).isFallbackAdapter);
    const backend = new WebGPUBackend(device, info, fallback, options);
    if (options.precompile !== false) await backend.precompile();
    return backend;
  }

  /** Compiles every kernel's pipeline concurrently (rejects with a WgslCompileError naming kernel and line). */
  async precompile(): Promise<void> {
    await Promise.all((Object.keys(this.shaders) as ShaderName[]).map((k) => this.programs.compile(k, this.shaders[k], this.constantsFor(k))));
  }

  get compileMs(): number {
    return this.programs.compileMs;
  }

  describe(): string {
    const i = this.adapterInfo;
    const name = [i.vendor, i.architecture, i.device, i.description].filter((s) => s).join(' ') || 'unknown adapter';
    return `webgpu: ${name}${this.isFallbackAdapter ? ' (fallback/software adapter)' : ''}`;
  }

  memory(): MemoryInfo {
    return this.pool.memory();
  }

  // ---------------------------------------------------------------- memory

  private alloc(count: number, dtype: DType, what: string, forUpload = false): GPUStorage {
    const byteSize = count * bytesOf(dtype);
    if (byteSize > this.device.limits.maxStorageBufferBindingSize) {
      throw new Error(
        `webgpu: ${what} of ${count} elements (${byteSize} bytes) exceeds maxStorageBufferBindingSize (${this.device.limits.maxStorageBufferBindingSize})`,
      );
    }
    const buffer = this.pool.acquire(Math.max(byteSize, 4), forUpload, what);
    return { buffer, byteOffset: 0, byteSize, owned: true };
  }

  private out(shape: Shape, dtype: DType, what: string): T {
    return { storage: this.alloc(sizeOf(shape), dtype, what), shape: [...shape], dtype };
  }

  upload(values: ArrayLike<number>, shape: Shape, dtype: DType): T {
    this.assertAlive('upload');
    const n = sizeOf(shape);
    const storage = this.alloc(n, dtype, 'upload', true);
    if (n > 0) {
      const host = dtype === 'int32' ? Int32Array.from(values) : Float32Array.from(values);
      this.device.queue.writeBuffer(storage.buffer, 0, host.buffer, host.byteOffset, host.byteLength);
    }
    return { storage, shape: [...shape], dtype };
  }

  fill(shape: Shape, dtype: DType, value: number): T {
    const t = this.out(shape, dtype, 'fill');
    this.fillStorage(t.storage, sizeOf(shape), dtype, value);
    return t;
  }

  private fillStorage(s: GPUStorage, n: number, dtype: DType, value: number): void {
    const bits = new DataView(new ArrayBuffer(4));
    if (dtype === 'int32') bits.setInt32(0, value, true);
    else bits.setFloat32(0, value, true);
    this.run1d('fill', n, { out: s }, { n, value: bits.getUint32(0, true) });
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
    if (storage.owned) this.pool.release(storage.buffer);
  }

  /** Destroys pooled buffers that no tensor holds. */
  trim(): void {
    this.flush();
    this.pool.trim();
  }

  // ---------------------------------------------------------------- submission

  private getEncoder(): GPUCommandEncoder {
    this.assertAlive('record');
    if (!this.encoder) {
      this.device.pushErrorScope('out-of-memory');
      this.device.pushErrorScope('validation');
      this.encoder = this.device.createCommandEncoder({ label: `step encoder #${this.submitCount}` });
    }
    return this.encoder;
  }

  private getPass(): GPUComputePassEncoder {
    if (!this.pass) this.pass = this.getEncoder().beginComputePass({ label: `kernels #${this.submitCount}` });
    return this.pass;
  }

  private endPass(): GPUCommandEncoder {
    const enc = this.getEncoder();
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
    return enc;
  }

  flush(): void {
    if (!this.encoder) return;
    const enc = this.endPass();
    this.profiler?.beforeFinish(enc);
    for (let i = 0; i * UNIFORM_CHUNK < this.uniformUsed; i++) {
      const c = this.uniformChunks[i];
      this.device.queue.writeBuffer(c.buffer, 0, c.mirror.buffer, 0, Math.min(UNIFORM_CHUNK, this.uniformUsed - i * UNIFORM_CHUNK));
    }
    this.device.queue.submit([enc.finish({ label: `step #${this.submitCount}` })]);
    this.profiler?.afterSubmit(this.device.queue);
    this.submitCount++;
    this.encoder = null;
    this.uniformUsed = 0;
    this.pool.settle();
    const validation = this.device.popErrorScope();
    const oom = this.device.popErrorScope();
    this.scopePromises.push(validation, oom);
  }

  /** Waits for submitted work and throws the first error any of it raised. */
  async sync(): Promise<void> {
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
    await this.throwErrors();
  }

  private async throwErrors(): Promise<void> {
    const scopes = this.scopePromises;
    this.scopePromises = [];
    for (const e of await Promise.all(scopes)) if (e) this.errors.push(e.message);
    this.assertAlive('read');
    if (this.errors.length) {
      const msgs = this.errors;
      this.errors = [];
      throw new Error(`webgpu: ${msgs.length} GPU error(s); first: ${msgs[0]}`);
    }
  }

  async read(t: T): Promise<TypedArray> {
    this.assertAlive('read');
    const n = sizeOf(t.shape);
    const bytes = n * bytesOf(t.dtype);
    if (n === 0) return t.dtype === 'int32' ? new Int32Array(0) : new Float32Array(0);
    const staging = this.device.createBuffer({ label: `read ${bytes}B`, size: bytes, usage: Usage.MAP_READ | Usage.COPY_DST });
    this.endPass().copyBufferToBuffer(t.storage.buffer, t.storage.byteOffset, staging, 0, bytes);
    this.flush();
    try {
      await staging.mapAsync(1 /* GPUMapMode.READ */);
    } catch (e) {
      await this.throwErrors();
      throw e;
    }
    const copy = staging.getMappedRange().slice(0);
    staging.unmap();
    staging.destroy();
    await this.throwErrors();
    return t.dtype === 'int32' ? new Int32Array(copy) : new Float32Array(copy);
  }

  private assertAlive(what: string): void {
    if (this.lostMessage) throw new Error(`${this.lostMessage} (during ${what})`);
  }

  // ---------------------------------------------------------------- dispatch

  private constantsFor(kernel: ShaderName): Constants {
    switch (kernel) {
      case 'matmul':
      case 'matmul_vec4':
        return { WGX: this.tiling.matmul[0], WGY: this.tiling.matmul[1] };
      case 'conv2d':
      case 'conv2d_vec4':
      case 'conv2d_backprop_input':
      case 'conv2d_backprop_input_vec4':
      case 'conv2d_backprop_filter':
      case 'conv2d_backprop_filter_vec4':
        return { WGX: this.tiling.conv[0], WGY: this.tiling.conv[1] };
      default:
        return { WG: this.tiling.elementwise };
    }
  }

  private program(kernel: ShaderName): KernelProgram {
    return this.programs.get(kernel, this.shaders[kernel], this.constantsFor(kernel));
  }

  /** [x, y, z] workgroup counts for `groups` workgroups, folded so no dimension exceeds the limit. */
  fold(groups: number): [number, number, number] {
    const max = this.maxWorkgroupsPerDimension;
    if (groups <= max) return [groups, 1, 1];
    const y = Math.ceil(groups / max);
    if (y <= max) return [Math.ceil(groups / y), y, 1];
    const z = Math.ceil(groups / (max * max));
    if (z > max) throw new Error(`webgpu: ${groups} workgroups cannot be dispatched`);
    return [max, max, z];
  }

  private writeParams(program: KernelProgram, params: Params): { buffer: GPUBuffer; offset: number; size: number } {
    const u = program.uniform!;
    if (u.size > UNIFORM_SLOT) throw new Error(`webgpu: kernel '${program.name}' uniform struct exceeds ${UNIFORM_SLOT} bytes`);
    const chunkIndex = Math.floor(this.uniformUsed / UNIFORM_CHUNK);
    const offset = this.uniformUsed % UNIFORM_CHUNK;
    if (chunkIndex === this.uniformChunks.length) {
      this.uniformChunks.push({
        buffer: this.device.createBuffer({ label: `uniforms #${chunkIndex}`, size: UNIFORM_CHUNK, usage: Usage.UNIFORM | Usage.COPY_DST }),
        mirror: new Uint8Array(UNIFORM_CHUNK),
      });
    }
    const chunk = this.uniformChunks[chunkIndex];
    chunk.mirror.fill(0, offset, offset + UNIFORM_SLOT);
    const dv = new DataView(chunk.mirror.buffer, offset, UNIFORM_SLOT);
    const seen = new Set<string>();
    for (const m of u.members) {
      const v = params[m.name];
      if (v === undefined) {
        if (!m.name.startsWith('_')) throw new Error(`webgpu: kernel '${program.name}' needs uniform '${m.name}'`);
        continue;
      }
      seen.add(m.name);
      if (typeof v === 'number') {
        if (m.type === 'f32') dv.setFloat32(m.offset, v, true);
        else if (m.type === 'i32') dv.setInt32(m.offset, v, true);
        else dv.setUint32(m.offset, v, true);
      } else {
        if (v.length * 4 > m.size) throw new Error(`webgpu: kernel '${program.name}' uniform '${m.name}' holds ${m.size / 4} words, got ${v.length}`);
        v.forEach((w, i) => dv.setUint32(m.offset + 4 * i, w, true));
      }
    }
    for (const k of Object.keys(params)) {
      if (!seen.has(k)) throw new Error(`webgpu: kernel '${program.name}' has no uniform '${k}'`);
    }
    this.uniformUsed += UNIFORM_SLOT;
    return { buffer: chunk.buffer, offset, size: u.size };
  }

  /** Records one dispatch of `groups` workgroups (folded into 2-D/3-D as needed). */
  private dispatch(kernel: ShaderName, groups: number, buffers: Record<string, GPUStorage>, params: Params): void {
    if (groups === 0) return;
    const program = this.program(kernel);
    const entries: GPUBindGroupEntry[] = [];
    for (const b of program.bindings) {
      if (b.kind === 'uniform') {
        const u = this.writeParams(program, params);
        entries.push({ binding: b.binding, resource: { buffer: u.buffer, offset: u.offset, size: u.size } });
      } else {
        const s = buffers[b.name];
        if (!s) throw new Error(`webgpu: kernel '${kernel}' needs buffer '${b.name}'`);
        entries.push({ binding: b.binding, resource: { buffer: s.buffer, offset: s.byteOffset, size: Math.max(4, s.byteSize) } });
      }
    }
    const profiler = this.profiler;
    const pass = profiler ? this.endPass().beginComputePass(profiler.passDescriptor(kernel, groups)) : this.getPass();
    const bindGroup = this.device.createBindGroup({ label: `bind ${kernel}`, layout: program.layout, entries });
    pass.setPipeline(program.pipeline);
    pass.setBindGroup(0, bindGroup);
    const [x, y, z] = this.fold(groups);
    pass.dispatchWorkgroups(x, y, z);
    this.dispatchCount++;
    if (profiler) {
      pass.end();
      if (profiler.submitEachDispatch) this.flush();
    }
  }

  /** A 1-D kernel over `count` invocations. */
  private run1d(kernel: ShaderName, count: number, buffers: Record<string, GPUStorage>, params: Params): void {
    this.dispatch(kernel, Math.ceil(count / this.tiling.elementwise), buffers, params);
  }

  // ---------------------------------------------------------------- kernels

  /**
   * Sums x (a storage range holding `shape`) over `axes` into `dst`. Adjacent axes are merged,
   * and long reductions are split into chunks summed again by a second pass.
   */
  private sumInto(x: GPUStorage, shape: Shape, axes: readonly number[], dst: GPUStorage): void {
    // Collapse into runs of kept / reduced axes with their strides.
    const dims: { size: number; stride: number; red: boolean }[] = [];
    let stride = 1;
    for (let i = shape.length - 1; i >= 0; i--) {
      const size = shape[i];
      const red = axes.includes(i);
      if (size !== 1) {
        const inner = dims[0];
        if (inner && inner.red === red && inner.stride * inner.size === stride) inner.size *= size;
        else dims.unshift({ size, stride, red });
      }
      stride *= size;
    }
    const kept = dims.filter((d) => !d.red);
    const red = dims.filter((d) => d.red);
    const outSize = kept.reduce((n, d) => n * d.size, 1);
    const redSize = red.reduce((n, d) => n * d.size, 1);
    if (outSize === 0) return;
    if (kept.length > 4 || red.length > 4) throw new Error(`webgpu sum: shape [${shape}] over axes [${axes}] is too fragmented (rank > 8)`);
    this.sumRaw(x, kept, red, outSize, redSize, dst);
  }

  private sumRaw(
    x: GPUStorage,
    kept: readonly { size: number; stride: number }[],
    red: readonly { size: number; stride: number }[],
    outSize: number,
    redSize: number,
    dst: GPUStorage,
  ): void {
    let chunks = 1;
    if (redSize > 256 && outSize < this.tiling.reductionThreads) {
      chunks = Math.min(Math.ceil(redSize / 64), Math.ceil(this.tiling.reductionThreads / outSize));
    }
    const chunkLen = Math.max(1, Math.ceil(redSize / chunks));
    chunks = Math.max(1, Math.ceil(redSize / chunkLen));
    const pad4 = (v: number[]) => [...v, 0, 0, 0, 0].slice(0, 4);
    const target = chunks === 1 ? dst : this.alloc(outSize * chunks, 'float32', 'sum partials');
    this.run1d('sum', outSize * chunks, { x, out: target }, {
      outSize, chunks, chunkLen, redSize, keptRank: kept.length, redRank: red.length,
      keptShape: pad4(kept.map((d) => d.size)), keptStrides: pad4(kept.map((d) => d.stride)),
      redShape: pad4(red.map((d) => d.size)), redStrides: pad4(red.map((d) => d.stride)),
    });
    if (chunks > 1) {
      this.sumRaw(target, [{ size: outSize, stride: chunks }], [{ size: chunks, stride: 1 }], outSize, chunks, dst);
      this.pool.release(target.buffer);
    }
  }

  private makeKernels(): KernelTable<GPUStorage> {
    return {
      ...opFamilyKernels({
        out: (shape, dtype, what) => this.out(shape, dtype, what),
        run1d: (kernel, count, buffers, params) => this.run1d(kernel, count, buffers, params),
        fill: (storage, count, dtype, value) => this.fillStorage(storage, count, dtype, value),
      }),
      unary: (x, op) => {
        const y = this.out(x.shape, x.dtype, 'unary');
        const n = sizeOf(x.shape);
        this.run1d('unary', n, { x: x.storage, y: y.storage }, { n, op: UNARY_CODES[op] });
        return y;
      },
      scale: (x, factor) => {
        const y = this.out(x.shape, x.dtype, 'scale');
        const n = sizeOf(x.shape);
        this.run1d('scale', n, { x: x.storage, y: y.storage }, { n, factor });
        return y;
      },
      binary: (a, b, op, outShape) => this.binary(a, b, op, outShape),
      reluBackward: (dy, y) => {
        const dx = this.out(dy.shape, dy.dtype, 'reluBackward');
        const n = sizeOf(dy.shape);
        this.run1d('relu_backward', n, { dy: dy.storage, y: y.storage, dx: dx.storage }, { n });
        return dx;
      },
      sum: (x, axes, outShape) => {
        const out = this.out(outShape, x.dtype, 'sum');
        if (sizeOf(x.shape) === 0) this.fillStorage(out.storage, sizeOf(outShape), x.dtype, 0);
        else this.sumInto(x.storage, x.shape, axes, out.storage);
        return out;
      },
      argmax: (x) => {
        const cols = x.shape[x.shape.length - 1];
        const rows = cols === 0 ? 0 : sizeOf(x.shape) / cols;
        const out = this.out(x.shape.slice(0, -1), 'int32', 'argmax');
        this.run1d('argmax', rows, { x: x.storage, out: out.storage }, { rows, cols });
        return out;
      },
      countCorrect: (logits, labels) => {
        const [rows, cols] = logits.shape;
        const out = this.out([], 'int32', 'countCorrect');
        this.fillStorage(out.storage, 1, 'int32', 0);
        this.run1d('count_correct', rows, { logits: logits.storage, labels: labels.storage, count: out.storage }, { rows, cols });
        return out;
      },
      matmul: (a, b, transposeA, transposeB) => this.matmul(a, b, transposeA, transposeB),
      conv2d: (x, w, bias, g, relu) => {
        const y = this.out([g.batch, g.outH, g.outW, g.outC], x.dtype, 'conv2d');
        const M = g.batch * g.outH * g.outW;
        const [wx, wy] = this.tiling.conv;
        const buffers = { x: x.storage, w: w.storage, bias: (bias ?? w).storage, y: y.storage };
        const flags = (bias ? 1 : 0) | (relu ? 2 : 0);
        if (this.tiling.vec4 && g.outC % 4 === 0) {
          // 8 pixels x 8 channels per invocation, invocations numbered linearly (conv2d_vec4.wgsl).
          const tilesX = Math.ceil(g.outC / 8);
          const tilesY = Math.ceil(M / 8);
          this.dispatch('conv2d_vec4', Math.ceil((tilesX * tilesY) / (wx * wy)), buffers, { ...geometryParams(g), tilesX, tilesY, flags });
          return y;
        }
        const tilesX = Math.ceil(g.outC / (4 * wx));
        const tilesY = Math.ceil(M / (4 * wy));
        this.dispatch('conv2d', tilesX * tilesY, buffers, { ...geometryParams(g), tilesX, tilesY, flags });
        return y;
      },
      conv2dBackpropInput: (dy, w, g) => {
        const dx = this.out([g.batch, g.inH, g.inW, g.inC], dy.dtype, 'conv2dBackpropInput');
        const M = g.batch * g.inH * g.inW;
        const [wx, wy] = this.tiling.conv;
        if (this.tiling.vec4 && g.inC % 4 === 0) {
          // 8 pixels x 8 channels per invocation, invocations numbered linearly (conv2d_backprop_input_vec4.wgsl).
          const tilesX = Math.ceil(g.inC / 8);
          const tilesY = Math.ceil(M / 8);
          this.dispatch('conv2d_backprop_input_vec4', Math.ceil((tilesX * tilesY) / (wx * wy)), { dy: dy.storage, w: w.storage, dx: dx.storage }, {
            ...geometryParams(g), tilesX, tilesY,
          });
          return dx;
        }
        const tilesX = Math.ceil(g.inC / (4 * wx));
        const tilesY = Math.ceil(M / (4 * wy));
        this.dispatch('conv2d_backprop_input', tilesX * tilesY, { dy: dy.storage, w: w.storage, dx: dx.storage }, {
          ...geometryParams(g), tilesX, tilesY,
        });
        return dx;
      },
      conv2dBackpropFilter: (x, dy, g) => this.conv2dBackpropFilter(x, dy, g),
      maxPool2d: (x, g) => {
        const shape = [g.batch, g.outH, g.outW, g.channels];
        const y = this.out(shape, x.dtype, 'maxPool2d');
        const argmax = this.out(shape, 'int32', 'maxPool2d argmax');
        const n = sizeOf(shape);
        this.run1d('maxpool2d', n, { x: x.storage, y: y.storage, argmax: argmax.storage }, { n, ...poolParams(g) });
        return { y, argmax };
      },
      maxPool2dBackward: (dy, argmax, g) => {
        const dx = this.out([g.batch, g.inH, g.inW, g.channels], dy.dtype, 'maxPool2dBackward');
        const n = sizeOf(dx.shape);
        if (g.strideH >= g.poolH && g.strideW >= g.poolW) {
          // Non-overlapping windows: zero dx, then one invocation per output scatters its dy.
          // SwiftShader, pool1 at batch 256 ([256,26,26,32], 2x2/2), same checksum: 355 ms with the
          // gather, 135-145 ms with the scatter (read-back included), so about 2.5x.
          this.fillStorage(dx.storage, n, dy.dtype, 0);
          const m = sizeOf(dy.shape);
          this.run1d('maxpool2d_backward_scatter', m, { dy: dy.storage, argmax: argmax.storage, dx: dx.storage }, { n: m });
        } else {
          this.run1d('maxpool2d_backward', n, { dy: dy.storage, argmax: argmax.storage, dx: dx.storage }, { n, ...poolParams(g) });
        }
        return dx;
      },
      softmax: (x) => this.rowwise('softmax', x),
      logSoftmax: (x) => this.rowwise('log_softmax', x),
      softmaxCrossEntropy: (logits, labels) => {
        const [rows, cols] = logits.shape;
        const probs = this.out(logits.shape, logits.dtype, 'softmaxCrossEntropy probs');
        const loss = this.out([], logits.dtype, 'softmaxCrossEntropy loss');
        const rowLoss = this.alloc(rows, 'float32', 'softmaxCrossEntropy rows');
        this.run1d('softmax_xent', rows, { logits: logits.storage, labels: labels.storage, probs: probs.storage, rowLoss }, { rows, cols });
        const total = this.alloc(1, 'float32', 'softmaxCrossEntropy total');
        this.sumRaw(rowLoss, [], [{ size: rows, stride: 1 }], 1, rows, total);
        this.run1d('scale', 1, { x: total, y: loss.storage }, { n: 1, factor: 1 / rows });
        this.pool.release(rowLoss.buffer);
        this.pool.release(total.buffer);
        return { loss, probs };
      },
      softmaxCrossEntropyBackward: (probs, labels, dLoss) => {
        const [rows, cols] = probs.shape;
        const d = this.out(probs.shape, probs.dtype, 'softmaxCrossEntropyBackward');
        const n = rows * cols;
        this.run1d('softmax_xent_backward', n, { probs: probs.storage, labels: labels.storage, dLoss: dLoss.storage, dlogits: d.storage }, {
          n, cols, invRows: 1 / rows,
        });
        return d;
      },
      adam: (param, grad, m, v, s: AdamStepScalars) => {
        const n = sizeOf(param.shape);
        this.run1d('adam', n, { param: param.storage, grad: grad.storage, m: m.storage, v: v.storage }, {
          n, stepSize: s.stepSize, beta1: s.beta1, beta2: s.beta2, epsilon: s.epsilon,
        });
      },
      copyInto: (src, dst) => {
        const bytes = src.storage.byteSize;
        if (bytes !== dst.storage.byteSize) {
          throw new Error(`webgpu copyInto: source [${src.shape}] and destination [${dst.shape}] differ in size`);
        }
        if (bytes === 0) return;
        const enc = this.endPass();
        if (src.storage.buffer === dst.storage.buffer) {
          const tmp = this.alloc(bytes / 4, 'float32', 'copyInto temp');
          enc.copyBufferToBuffer(src.storage.buffer, src.storage.byteOffset, tmp.buffer, 0, bytes);
          enc.copyBufferToBuffer(tmp.buffer, 0, dst.storage.buffer, dst.storage.byteOffset, bytes);
          this.pool.release(tmp.buffer);
        } else {
          enc.copyBufferToBuffer(src.storage.buffer, src.storage.byteOffset, dst.storage.buffer, dst.storage.byteOffset, bytes);
        }
      },
    };
  }

  private binary(a: T, b: T, op: BinaryOp, outShape: Shape): T {
    const out = this.out(outShape, a.dtype, 'binary');
    const n = sizeOf(outShape);
    const rank = outShape.length;
    if (rank > 8) throw new Error(`webgpu binary: rank ${rank} > 8 is not supported`);
    const same = (s: Shape) => s.length === rank && s.every((d, i) => d === outShape[i]);
    const pad8 = (v: number[]) => [...v, 0, 0, 0, 0, 0, 0, 0, 0].slice(0, 8);
    this.run1d('binary', n, { a: a.storage, b: b.storage, out: out.storage }, {
      n, rank, op: BINARY_CODES[op], contiguous: same(a.shape) && same(b.shape) ? 1 : 0,
      shape: pad8([...outShape]), aStrides: pad8(broadcastStrides(a.shape, rank)), bStrides: pad8(broadcastStrides(b.shape, rank)),
    });
    return out;
  }

  private matmul(a: T, b: T, transposeA: boolean, transposeB: boolean): T {
    const [a0, a1] = a.shape;
    const [b0, b1] = b.shape;
    const M = transposeA ? a1 : a0;
    const K = transposeA ? a0 : a1;
    const N = transposeB ? b0 : b1;
    const c = this.out([M, N], a.dtype, 'matmul');
    const [wx, wy] = this.tiling.matmul;
    // vec4 loads need 16-byte-aligned rows: no transposes, K and N multiples of 4.
    if (this.tiling.vec4 && !transposeA && !transposeB && K % 4 === 0 && N % 4 === 0 && K > 0) {
      const tilesX = Math.ceil(N / 4 / wx);
      const tilesY = Math.ceil(M / (4 * wy));
      this.dispatch('matmul_vec4', tilesX * tilesY, { a: a.storage, b: b.storage, c: c.storage }, { M, N4: N / 4, K4: K / 4, tilesX, tilesY });
      return c;
    }
    const tilesX = Math.ceil(N / (4 * wx));
    const tilesY = Math.ceil(M / (4 * wy));
    this.dispatch('matmul', tilesX * tilesY, { a: a.storage, b: b.storage, c: c.storage }, {
      M, N, K, tilesX, tilesY,
      aRow: transposeA ? 1 : a1, aCol: transposeA ? a1 : 1,
      bRow: transposeB ? 1 : b1, bCol: transposeB ? b1 : 1,
    });
    return c;
  }

  private conv2dBackpropFilter(x: T, dy: T, g: Conv2DGeometry): T {
    const K = g.kH * g.kW * g.inC;
    const dw = this.out([g.kH, g.kW, g.inC, g.outC], x.dtype, 'conv2dBackpropFilter');
    const P = g.batch * g.outH * g.outW;
    const [wx, wy] = this.tiling.conv;
    // vec4: 8 rows x 8 channels per invocation, invocations numbered linearly (conv2d_backprop_filter_vec4.wgsl).
    const vec4 = this.tiling.vec4 && g.outC % 4 === 0;
    const tilesX = vec4 ? Math.ceil(g.outC / 8) : Math.ceil(g.outC / (4 * wx));
    const tilesY = vec4 ? Math.ceil(K / 8) : Math.ceil(K / (4 * wy));
    const blocks = vec4 ? tilesX * tilesY : Math.ceil(K / 4) * Math.ceil(g.outC / 4);
    let chunks = Math.max(1, Math.min(Math.ceil(this.tiling.reductionThreads / 2 / blocks), Math.ceil(P / 64)));
    const chunkLen = Math.max(1, Math.ceil(P / chunks));
    chunks = Math.max(1, Math.ceil(P / chunkLen));
    const partial = chunks === 1 ? dw.storage : this.alloc(chunks * K * g.outC, 'float32', 'conv2dBackpropFilter partials');
    const groups = vec4 ? Math.ceil((blocks * chunks) / (wx * wy)) : tilesX * tilesY * chunks;
    this.dispatch(vec4 ? 'conv2d_backprop_filter_vec4' : 'conv2d_backprop_filter', groups, { x: x.storage, dy: dy.storage, partial }, {
      ...geometryParams(g), tilesX, tilesY, chunks, chunkLen,
    });
    if (chunks > 1) {
      this.sumRaw(partial, [{ size: K * g.outC, stride: 1 }], [{ size: chunks, stride: K * g.outC }], K * g.outC, chunks, dw.storage);
      this.pool.release(partial.buffer);
    }
    return dw;
  }

  private rowwise(kernel: 'softmax' | 'log_softmax', x: T): T {
    const y = this.out(x.shape, x.dtype, kernel);
    const cols = x.shape[x.shape.length - 1];
    const rows = cols === 0 ? 0 : sizeOf(x.shape) / cols;
    this.run1d(kernel, rows, { x: x.storage, y: y.storage }, { rows, cols });
    return y;
  }
}

function geometryParams(g: Conv2DGeometry): Params {
  return {
    batch: g.batch, inH: g.inH, inW: g.inW, inC: g.inC, outH: g.outH, outW: g.outW, outC: g.outC,
    kH: g.kH, kW: g.kW, strideH: g.strideH, strideW: g.strideW, padTop: g.padTop, padLeft: g.padLeft,
  };
}

function poolParams(g: Pool2DGeometry): Params {
  return {
    inH: g.inH, inW: g.inW, channels: g.channels, outH: g.outH, outW: g.outW, poolH: g.poolH, poolW: g.poolW,
    strideH: g.strideH, strideW: g.strideW, padTop: g.padTop, padLeft: g.padLeft,
  };
}
