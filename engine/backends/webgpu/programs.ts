/**
 * The pipeline cache: one compiled pipeline per (kernel, WGSL text, override constants), compiled
 * asynchronously at start-up or synchronously on a miss, with its bind-group layout built from
 * the layout reflected at build time (shaders.generated.ts; no WGSL is parsed here).
 *
 * Compile errors become a WgslCompileError that names the kernel, the source .wgsl file and the
 * line it was written on (through the generator's line map, so a line of an included prelude is
 * reported in the prelude), and the compiler's message.
 */
import { locate, type ShaderLayout, type ShaderSource } from './shader-layout.js';

export interface KernelProgram {
  readonly name: string;
  readonly pipeline: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
  readonly shader: ShaderLayout;
}

export type Constants = Record<string, number>;

/** A WGSL compile error: which kernel, which source file and line, what the compiler said. */
export class WgslCompileError extends Error {
  constructor(
    readonly kernel: string,
    /** The .wgsl file the line was written in (an included prelude, or the kernel's own file). */
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly compilerMessage: string,
    readonly sourceLine: string,
  ) {
    super(`WGSL compile error in kernel '${kernel}' (${file}:${line}:${column}): ${compilerMessage}\n  ${line} | ${sourceLine}`);
    this.name = 'WgslCompileError';
  }
}

export class ProgramCache {
  readonly #programs = new Map<string, KernelProgram>();
  readonly #pending = new Map<string, Promise<KernelProgram>>();
  /** Checks of pipelines compiled synchronously (get), still running. */
  #checks: Promise<void>[] = [];
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
    return this.#programs.size;
  }

  /** Whether this program is compiled already (get() would not compile it). */
  has(name: string, source: ShaderSource, constants: Constants): boolean {
    return this.#programs.has(ProgramCache.key(name, source.code, constants));
  }

  /** Waits for the checks of synchronously compiled pipelines (their errors go to onAsyncError). */
  async settled(): Promise<void> {
    const checks = this.#checks;
    this.#checks = [];
    await Promise.all(checks);
  }

  /** Compiles (once) with createComputePipelineAsync; compile errors reject with a WgslCompileError. */
  compile(name: string, source: ShaderSource, constants: Constants): Promise<KernelProgram> {
    const key = ProgramCache.key(name, source.code, constants);
    const done = this.#programs.get(key);
    if (done) return Promise.resolve(done);
    let p = this.#pending.get(key);
    if (!p) {
      p = this.#build(name, source, constants, key).finally(() => this.#pending.delete(key));
      this.#pending.set(key, p);
    }
    return p;
  }

  /**
   * The program, compiled synchronously on a miss (kernels are called synchronously by ops).
   * A compile error found this way is reported through onAsyncError (read() then throws it).
   */
  get(name: string, source: ShaderSource, constants: Constants): KernelProgram {
    const key = ProgramCache.key(name, source.code, constants);
    const hit = this.#programs.get(key);
    if (hit) return hit;
    const t0 = performance.now();
    // Inside an error scope, so the compiler's message comes back as a WgslCompileError (file and
    // line) rather than as an uncaptured device error.
    this.device.pushErrorScope('validation');
    const module = this.device.createShaderModule({ label: `kernel ${name}`, code: source.code });
    const d = this.#describe(name, source.layout, module, constants);
    const program: KernelProgram = { name, layout: d.layout, shader: source.layout, pipeline: this.device.createComputePipeline(d.descriptor) };
    const scope = this.device.popErrorScope();
    this.#checks.push(
      this.#checkModule(name, source, module)
        .then(async () => {
          const e = await scope;
          if (e) throw new Error(`webgpu: pipeline for kernel '${name}' failed: ${e.message}`);
        })
        .catch((e: Error) => this.onAsyncError(e)),
    );
    this.#programs.set(key, program);
    this.compileMs += performance.now() - t0;
    return program;
  }

  #describe(name: string, shader: ShaderLayout, module: GPUShaderModule, constants: Constants) {
    const { bindings } = shader;
    const storageCount = bindings.filter((b) => b.kind !== 'uniform').length;
    if (storageCount > Math.min(8, this.maxStorageBuffers)) {
      throw new Error(`webgpu: kernel '${name}' binds ${storageCount} storage buffers; the portable limit is 8`);
    }
    const layout = this.device.createBindGroupLayout({
      label: `layout ${name}`,
      // The uniform ring's slot is a dynamic offset, so one bind group serves every slot (bind-group-cache.ts).
      entries: bindings.map((b) => ({ binding: b.binding, visibility: 4 /* GPUShaderStage.COMPUTE */, buffer: { type: b.kind, hasDynamicOffset: b.kind === 'uniform' } })),
    });
    const descriptor: GPUComputePipelineDescriptor = {
      label: `pipeline ${name} ${JSON.stringify(constants)}`,
      layout: this.device.createPipelineLayout({ label: `pipeline layout ${name}`, bindGroupLayouts: [layout] }),
      compute: { module, entryPoint: 'main', constants },
    };
    return { layout, descriptor };
  }

  async #build(name: string, source: ShaderSource, constants: Constants, key: string): Promise<KernelProgram> {
    const t0 = performance.now();
    this.device.pushErrorScope('validation');
    const module = this.device.createShaderModule({ label: `kernel ${name}`, code: source.code });
    const scopeError = await this.device.popErrorScope();
    await this.#checkModule(name, source, module, scopeError);
    const d = this.#describe(name, source.layout, module, constants);
    let pipeline: GPUComputePipeline;
    try {
      pipeline = await this.device.createComputePipelineAsync(d.descriptor);
    } catch (e) {
      throw new Error(`webgpu: pipeline for kernel '${name}' failed: ${(e as Error).message}`);
    }
    const program: KernelProgram = { name, pipeline, layout: d.layout, shader: source.layout };
    this.#programs.set(key, program);
    this.compileMs += performance.now() - t0;
    return program;
  }

  /** Throws a WgslCompileError for the first error the compiler reports on the module. */
  async #checkModule(name: string, source: ShaderSource, module: GPUShaderModule, scopeError?: GPUError | null): Promise<void> {
    const info = await module.getCompilationInfo();
    const err = info.messages.find((m) => m.type === 'error');
    if (err) {
      const at = locate(source.lines, err.lineNum, `shaders/${name}.wgsl (override)`);
      throw new WgslCompileError(name, at.file, at.line, err.linePos, err.message, source.code.split('\n')[err.lineNum - 1] ?? '');
    }
    if (scopeError) throw new Error(`WGSL compile error in kernel '${name}': ${scopeError.message}`);
  }
}
