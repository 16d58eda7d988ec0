/**
 * The parity helper for kernels made with defineKernel: it runs the kernel on a backend (its WGSL
 * on WebGPU) and on the CPU backend (its `cpu` function) with the same seeded random inputs and
 * compares them element by element; when the kernel has a backward rule, it compares the
 * gradients of sum(y * w) for a random w as well.
 *
 * The tolerance is the parity suite's for element-wise kernels (test/helpers/webgpu-parity-cases.ts):
 * |got - want| <= rtol * |want| + atol * max(1, max |want|), rtol 1e-5 and atol 8 * 2^-24 by default.
 * NaN must meet NaN, and an infinity the same infinity. Browser-safe: no Node imports.
 */
import { gradients } from '../autograd.js';
import type { Backend, Shape, TypedArray } from '../backends/backend.js';
import { sizeOf } from '../backends/backend.js';
import { loadCpuBackend } from '../backends/cpu/load.js';
import { mul } from '../ops/binary.js';
import { sum } from '../ops/reduce.js';
import { Random } from '../random.js';
import { Tensor } from '../tensor.js';
import type { CustomKernel } from './define-kernel.js';

export interface KernelParityOptions<I extends string, S extends string> {
  /** The backend to check against the CPU reference (e.g. a WebGPUBackend). */
  readonly backend: Backend;
  /** The shape of each input. */
  readonly shapes: Readonly<Record<I, Shape>>;
  readonly scalars?: Readonly<Record<S, number>>;
  /** Input values are drawn uniformly from [min, max] (default [-3, 3]) per input, or from a function. */
  readonly range?: Partial<Record<I, readonly [min: number, max: number]>>;
  readonly seed?: number;
  readonly rtol?: number;
  readonly atol?: number;
  /** Compare gradients too (default: when the kernel has a backward rule). */
  readonly gradients?: boolean;
}

export interface ParityComparison {
  /** The worst |got - want| relative to the allowed error (<= 1 passes). */
  readonly worstRatio: number;
  readonly worst: string;
}

export interface KernelParityReport {
  readonly ok: boolean;
  readonly forward: ParityComparison;
  /** Per input, when gradients were compared. */
  readonly gradients?: Readonly<Record<string, ParityComparison>>;
  /** The first failure, in words; null when ok. */
  readonly problem: string | null;
}

const EPS32 = 2 ** -24;

export async function checkKernelParity<I extends string, S extends string>(
  kernel: CustomKernel<I, S>, options: KernelParityOptions<I, S>,
): Promise<KernelParityReport> {
  const def = kernel.definition;
  const rng = new Random(options.seed ?? 1);
  const values = def.inputs.map((k) => {
    const shape = options.shapes[k];
    if (!shape) throw new Error(`checkKernelParity(${def.name}): no shape given for input '${k}'`);
    const [lo, hi] = options.range?.[k] ?? [-3, 3];
    return Float32Array.from({ length: sizeOf(shape) }, () => lo + (hi - lo) * rng.next());
  });
  const withGradients = options.gradients ?? Boolean(def.backward);
  const run = async (be: Backend) => {
    const inputs = def.inputs.map((k, j) => Tensor.fromHandle(be.upload(values[j], options.shapes[k], be.floatDType), be, withGradients));
    const y = kernel(...inputs, ...(options.scalars ? [options.scalars] : []));
    const out: { y: TypedArray; grads: TypedArray[] } = { y: await y.data(), grads: [] };
    if (withGradients) {
      const w = Tensor.fromHandle(be.upload(Float32Array.from({ length: y.size }, (_, i) => Math.sin(i + 1)), y.shape, be.floatDType), be);
      const loss = sum(mul(y, w));
      const seed = Tensor.fromHandle(be.fill([], be.floatDType, 1), be);
      for (const g of gradients(loss, inputs, { seed })) out.grads.push(await g.data());
    }
    return out;
  };
  // The CPU backend is the reference; its module is loaded on first use, as init does.
  const { CpuBackend } = await loadCpuBackend('checkKernelParity');
  const want = await run(new CpuBackend('float32'));
  const got = await run(options.backend);
  const rtol = options.rtol ?? 1e-5;
  const atol = options.atol ?? 8 * EPS32;
  const forward = compare(got.y, want.y, rtol, atol);
  let problem = forward.worstRatio > 1 ? `${def.name} forward on ${options.backend.name}: ${forward.worst}` : null;
  let grads: Record<string, ParityComparison> | undefined;
  if (withGradients) {
    grads = {};
    def.inputs.forEach((k, j) => {
      const c = compare(got.grads[j], want.grads[j], rtol, atol);
      grads![k] = c;
      if (!problem && c.worstRatio > 1) problem = `${def.name} gradient of '${k}' on ${options.backend.name}: ${c.worst}`;
    });
  }
  return { ok: problem === null, forward, gradients: grads, problem };
}

function compare(got: ArrayLike<number>, want: ArrayLike<number>, rtol: number, atol: number): ParityComparison {
  if (got.length !== want.length) return { worstRatio: Infinity, worst: `length ${got.length}, expected ${want.length}` };
  let scale = 1;
  for (let i = 0; i < want.length; i++) if (Number.isFinite(want[i])) scale = Math.max(scale, Math.abs(want[i]));
  let worstRatio = 0;
  let worst = 'none';
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    const w = want[i];
    let ratio: number;
    if (Number.isNaN(w) || !Number.isFinite(w)) ratio = Object.is(g, w) || (Number.isNaN(g) && Number.isNaN(w)) ? 0 : Infinity;
    else ratio = Math.abs(g - w) / (rtol * Math.abs(w) + atol * scale);
    if (!(ratio <= worstRatio)) {
      worstRatio = Number.isNaN(ratio) ? Infinity : ratio;
      worst = `element ${i}: ${g}, expected ${w} (allowed ${rtol} relative + ${(atol * scale).toExponential(2)} absolute)`;
    }
  }
  return { worstRatio, worst };
}
