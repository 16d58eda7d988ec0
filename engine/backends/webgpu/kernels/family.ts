/**
 * A kernel family: the descriptors of a few related WGSL programs and the kernels of the table
 * built on them, in one file (kernels/<family>.ts), beside nothing else.
 *
 * A family file answers, for each kernel it owns, the questions a newcomer asks:
 * - which WGSL runs, and which variant when (the `programs`, the choice in `table`);
 * - how it is launched (a Program descriptor: workgroup kind and grid; see launch.ts);
 * - what the uniforms hold (the `params` of each launch, named as in the WGSL struct);
 * - where its CPU twin and its gradient rule live (`<family>Facts`, beside the family: file
 *   paths, checked by test/kernel-coverage.test.ts), and the parity suite exercises it (same
 *   test). The facts are a separate constant, which only the test reads, so that the bundles
 *   leave them out (about 5 kB of the main entry's JavaScript); the family's kernel names are
 *   the facts' keys (`family<keyof typeof xFacts.kernels>`), so the two cannot drift.
 *
 * Kernels reach the device only through `Gpu`, the backend's small generic surface: allocate,
 * launch a program, copy, fill. No family touches an encoder, a pipeline or a bind group.
 */
import type { DType, KernelName, KernelTable, Shape, TensorData } from '../../backend.js';
import type { Extent, Program, ProgramShape, Tiling } from '../launch.js';
import type { Replay, TunedKernel, VariantName } from '../variants.js';

/** A range of a GPU buffer. `owned` ranges came from the pool and go back to it on release. */
export interface GPUStorage {
  readonly buffer: GPUBuffer;
  readonly byteOffset: number;
  readonly byteSize: number;
  readonly owned: boolean;
}

export type T = TensorData<GPUStorage>;

/** Uniform values by member name: numbers, or arrays written as consecutive 32-bit words. */
export type Params = Record<string, number | readonly number[]>;

/** What a family's kernels may do on the device (implemented by WebGPUBackend). */
export interface Gpu {
  readonly tiling: Tiling;
  /** The device has the `subgroups` feature (the 'subgroup' variants can run). */
  readonly subgroups: boolean;
  /**
   * The variant of a tuned kernel to run for this shape (variants.ts): forced, tuned, or
   * 'blocked'. `replay` makes a repeatable launch of the same call with fresh inputs of the same
   * shapes; it is called only while the tuner records the shapes a model uses.
   */
  variant(kernel: TunedKernel, shapeKey: string, replay: () => Replay): VariantName;
  /** A new output tensor from the pool. `what` names it in errors and buffer labels. */
  out(shape: Shape, dtype: DType, what: string): T;
  /** A temporary float32 range of `count` elements; give it back with `release`. */
  scratch(count: number, what: string): GPUStorage;
  release(storage: GPUStorage): void;
  /** Records one launch of `program` over `extent`; buffers and uniforms by their WGSL names. */
  launch(program: ProgramShape & { readonly source?: unknown }, extent: Extent, buffers: Record<string, GPUStorage>, params: Params): void;
  /**
   * Whether `program` runs without compiling now; if not, it starts compiling in the background
   * and the family runs another program meanwhile (WebGPUBackend.ready).
   */
  ready(program: ProgramShape): boolean;
  /** Blocks a blocked program needs for a rows x cols output (for planning chunked reductions). */
  blockCount(program: ProgramShape, rows: number, cols: number): number;
  /** Fills n elements of `storage` with `value` (bit pattern of dtype). */
  fillRange(storage: GPUStorage, n: number, dtype: DType, value: number): void;
  /** Copies `bytes` bytes between ranges (possibly of the same buffer). */
  copy(src: GPUStorage, dst: GPUStorage, bytes: number): void;
  /**
   * The error slot of `op` (include/labels.wgsl): bind it as `labelError`. A kernel that finds a
   * bad input records it there (with label_report.wgsl launched after it); the next read()
   * throws an Error built by `describe(position, value)`.
   */
  errorWord(op: string, describe: (position: number, value: number) => string): GPUStorage;
}

/** Where a kernel's CPU twin and gradient rule live (paths from the repository root). */
export interface KernelFacts {
  /** The CPU implementation's file (engine/backends/cpu/...). */
  readonly cpu: string;
  /** The op file that records this kernel's backward rule, or why it has none. */
  readonly gradient: string | { readonly none: string };
}

/** A family's facts: what it computes, and where each of its kernels' CPU twin and gradient rule live. */
export interface FamilyFacts {
  /** What the family computes, in a line. */
  readonly about: string;
  readonly kernels: Readonly<Partial<Record<KernelName, KernelFacts>>>;
}

export interface KernelFamily<K extends KernelName> {
  /** Its programs, one per WGSL file; the variants of one kernel are separate programs. */
  readonly programs: Readonly<Record<string, import('../launch.js').Program>>;
  /** For the tuned kernels (variants.ts): the programs each variant runs. */
  readonly variants?: Readonly<Partial<Record<TunedKernel, Readonly<Record<VariantName, readonly Program[]>>>>>;
  /** The kernels, built on the generic Gpu surface. */
  readonly table: (gpu: Gpu) => Pick<KernelTable<GPUStorage>, K>;
}

/** Identity with the type spelled out: `export const x = family<keyof typeof xFacts.kernels>({...})`. */
export function family<K extends KernelName>(f: KernelFamily<K>): KernelFamily<K> {
  return f;
}
