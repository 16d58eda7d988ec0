/**
 * Kernel programs: the pipeline cache (keyed by kernel name, WGSL text and override constants),
 * bind-group layouts derived from the WGSL with wgsl_reflect, and WGSL compile errors that name
 * the kernel, the line and the message.
 */
import { WgslReflect } from 'wgsl_reflect/wgsl_reflect.module.js';

export interface UniformMember {
  readonly name: string;
  readonly offset: number;
  readonly size: number;
  /** 'u32' | 'i32' | 'f32' for scalars; arrays and vectors are written as consecutive 32-bit words. */
  readonly type: string;
}

export interface BindingInfo {
  readonly name: string;
  readonly binding: number;
  readonly kind: 'uniform' | 'read-only-storage' | 'storage';
}

export interface KernelProgram {
  readonly name: string;
  readonly pipeline: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
  readonly bindings: readonly BindingInfo[];
  /** The uniform struct's members and byte size (one uniform binding per kernel, or none). */
  readonly uniform: { readonly binding: number; readonly size: number; readonly members: readonly UniformMember[] } | null;
}

export type Constants = Record<string, number>;

/** A WGSL compile error: which kernel, which line, what the compiler said. */
export class WgslCompileError extends Error {
  constructor(
    readonly kernel: string,
    readonly line: number,
    readonly column: number,
    readonly compilerMessage: string,
    readonly sourceLine: string,
  ) {
    super(`WGSL compile error in kernel '${kernel}' (shaders/${kernel}.wgsl:${line}:${column}): ${compilerMessage}\n  ${line} | ${sourceLine}`);
    this.name = 'WgslCompileError';
  }
}

interface Reflected {
  bindings: BindingInfo[];
  uniform: KernelProgram['uniform'];
}

function reflect(name: string, code: string): Reflected {
  let r: WgslReflect;
  try {
    r = new WgslReflect(code);
  } catch (e) {
    throw new Error(`webgpu: wgsl_reflect could not parse kernel '${name}': ${(e as Error).message}`);
  }
  const bindings: BindingInfo[] = [];
  let uniform: KernelProgram['uniform'] = null;
  for (const u of r.uniforms) {
    if (u.group !== 0) throw new Error(`webgpu: kernel '${name}' binds '${u.name}' in group ${u.group}; kernels use group 0 only`);
    if (uniform) throw new Error(`webgpu: kernel '${name}' declares more than one uniform binding`);
    const members = (u.members ?? []).map((m) => ({ name: m.name, offset: m.offset, size: m.size, type: m.type.name }));
    uniform = { binding: u.binding, size: Math.ceil(u.size / 16) * 16, members };
    bindings.push({ name: u.name, binding: u.binding, kind: 'uniform' });
  }
  for (const s of r.storage) {
    if (s.group !== 0) throw new Error(`webgpu: kernel '${name}' binds '${s.name}' in group ${s.group}; kernels use group 0 only`);
    bindings.push({ name: s.name, binding: s.binding, kind: s.access === 'read' ? 'read-only-storage' : 'storage' });
  }
  bindings.sort((a, b) => a.binding - b.binding);
  return { bindings, uniform };
}

export class ProgramCache {
  private readonly programs = new Map<string, KernelProgram>();
  private readonly pending = new Map<string, Promise<KernelProgram>>();
  compileMs = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly maxStorageBuffers: number,
    private readonly onAsyncError: (e: Error) => void,
  ) {}

  static key(name: string, code: string, constants: Constants): string {
    return `${name}\u0000${code}\u0000${JSON.stringify(Object.entries(constants).sort())}`;
  }

  get size(): number {
    return this.programs.size;
  }

  /** Compiles (once) with createComputePipelineAsync; compile errors reject with a WgslCompileError. */
  compile(name: string, code: string, constants: Constants): Promise<KernelProgram> {
    const key = ProgramCache.key(name, code, constants);
    const done = this.programs.get(key);
    if (done) return Promise.resolve(done);
    let p = this.pending.get(key);
    if (!p) {
      p = this.build(name, code, constants, key).finally(() => this.pending.delete(key));
      this.pending.set(key, p);
    }
    return p;
  }

  /**
   * The program, compiled synchronously on a miss (kernels are called synchronously by ops).
   * A compile error found this way is reported through onAsyncError (read() then throws it).
   */
  get(name: string, code: string, constants: Constants): KernelProgram {
    const key = ProgramCache.key(name, code, constants);
    const hit = this.programs.get(key);
    if (hit) return hit;
    const t0 = performance.now();
    const module = this.device.createShaderModule({ label: `kernel ${name}`, code });
    void this.checkModule(name, code, module).catch((e: Error) => this.onAsyncError(e));
    const d = this.describe(name, code, module, constants);
    const program: KernelProgram = { ...d, name, pipeline: this.device.createComputePipeline(d.descriptor) };
    this.programs.set(key, program);
    this.compileMs += performance.now() - t0;
    return program;
  }

  private describe(name: string, code: string, module: GPUShaderModule, constants: Constants) {
    const { bindings, uniform } = reflect(name, code);
    const storageCount = bindings.filter((b) => b.kind !== 'uniform').length;
    if (storageCount > Math.min(8, this.maxStorageBuffers)) {
      throw new Error(`webgpu: kernel '${name}' binds ${storageCount} storage buffers; the portable limit is 8`);
    }
    const layout = this.device.createBindGroupLayout({
      label: `layout ${name}`,
      entries: bindings.map((b) => ({ binding: b.binding, visibility: 4 /* GPUShaderStage.COMPUTE */, buffer: { type: b.kind } })),
    });
    const descriptor: GPUComputePipelineDescriptor = {
      label: `pipeline ${name} ${JSON.stringify(constants)}`,
      layout: this.device.createPipelineLayout({ label: `pipeline layout ${name}`, bindGroupLayouts: [layout] }),
      compute: { module, entryPoint: 'main', constants },
    };
    return { layout, bindings, uniform, descriptor };
  }

  private async build(name: string, code: string, constants: Constants, key: string): Promise<KernelProgram> {
    const t0 = performance.now();
    this.device.pushErrorScope('validation');
    const module = this.device.createShaderModule({ label: `kernel ${name}`, code });
    const scopeError = await this.device.popErrorScope();
    await this.checkModule(name, code, module, scopeError);
    const d = this.describe(name, code, module, constants);
    let pipeline: GPUComputePipeline;
    try {
      pipeline = await this.device.createComputePipelineAsync(d.descriptor);
    } catch (e) {
      throw new Error(`webgpu: pipeline for kernel '${name}' failed: ${(e as Error).message}`);
    }
    const program: KernelProgram = { name, pipeline, layout: d.layout, bindings: d.bindings, uniform: d.uniform };
    this.programs.set(key, program);
    this.compileMs += performance.now() - t0;
    return program;
  }

  /** Throws a WgslCompileError for the first error the compiler reports on the module. */
  private async checkModule(name: string, code: string, module: GPUShaderModule, scopeError?: GPUError | null): Promise<void> {
    const info = await module.getCompilationInfo();
    const err = info.messages.find((m) => m.type === 'error');
    if (err) {
      const line = err.lineNum;
      throw new WgslCompileError(name, line, err.linePos, err.message, code.split('\n')[line - 1] ?? '');
    }
    if (scopeError) throw new Error(`WGSL compile error in kernel '${name}': ${scopeError.message}`);
  }
}
