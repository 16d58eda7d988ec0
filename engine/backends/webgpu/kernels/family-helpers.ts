/**
 * Host-side arithmetic shared by the op families of issue 13 (math, indexing, reductions,
 * batch-matmul, ...): padded uniform arrays, bit patterns of constants, broadcast strides.
 */
import type { DType, Shape } from '../../backend.js';
import { sizeOf } from '../../backend.js';
import { broadcastStrides, sameShape } from '../../../ops/geometry.js';
import type { Gpu, Params, T } from './family.js';
import type { GemmShape, Replay } from '../variants.js';

/**
 * Whether a 1-D kernel over `count` things takes its vec4 program, four an invocation
 * (relu_backward_vec4, fill_vec4, maxpool2d_vec4, ...): with Tiling.vec4, where they divide.
 */
export function inFours(gpu: Pick<Gpu, 'tiling'>, count: number): boolean {
  return gpu.tiling.vec4 && count % 4 === 0;
}

/** Rank the broadcasting and index-map kernels' uniform arrays hold (2 x vec4). */
export const MAX_RANK = 8;

/** `v` padded with zeros (or cut) to `length` words. */
export function padded(v: readonly number[], length: number): number[] {
  return [...v, ...new Array<number>(length).fill(0)].slice(0, length);
}

/** A value's 32-bit pattern in `dtype`, for kernels that copy raw words. */
export function bitsOf(value: number, dtype: DType): number {
  const dv = new DataView(new ArrayBuffer(4));
  if (dtype === 'int32') dv.setInt32(0, value, true);
  else dv.setFloat32(0, value, true);
  return dv.getUint32(0, true);
}

export function checkRank(kernel: string, shape: Shape, max = MAX_RANK): void {
  if (shape.length > max) throw new Error(`webgpu ${kernel}: rank ${shape.length} (shape [${shape}]) > ${max} is not supported`);
}


/**
 * The uniforms of shaders/include/broadcast.wgsl: n, rank, the output shape, each input's strides
 * in the output's frame (0 where broadcast), and contiguous = 1 when every input has the output's
 * shape (the kernel then skips the index folding).
 */
export function broadcastParams(kernel: string, outShape: Shape, inputs: Record<string, Shape>): Params {
  checkRank(kernel, outShape);
  const rank = outShape.length;
  const shapes = Object.values(inputs);
  const params: Params = {
    n: sizeOf(outShape), rank, shape: padded(outShape, MAX_RANK),
    contiguous: shapes.every((s) => sameShape(s, outShape)) ? 1 : 0,
  };
  for (const [name, shape] of Object.entries(inputs)) params[name] = padded(broadcastStrides(shape, rank), MAX_RANK);
  return params;
}

/**
 * A repeatable launch for the tuner (variants.ts): inputs of these shapes, filled with 0.5 (pool
 * buffers may hold anything, and NaNs or denormals would time differently), and `call` run on
 * them; its outputs go straight back to the pool.
 */
export function replayOn(gpu: Gpu, shapes: readonly Shape[], gemm: GemmShape, call: (inputs: T[]) => T | readonly T[]): Replay {
  const inputs = shapes.map((s) => {
    const t = gpu.out(s, 'float32', 'tuning input');
    gpu.fillRange(t.storage, sizeOf(s), 'float32', 0.5);
    return t;
  });
  return {
    flops: 2 * gemm.M * gemm.N * gemm.K,
    gemm,
    run: () => {
      const out = call(inputs);
      for (const o of Array.isArray(out) ? out : [out]) gpu.release((o as T).storage);
    },
    dispose: () => inputs.forEach((t) => gpu.release(t.storage)),
  };
}
