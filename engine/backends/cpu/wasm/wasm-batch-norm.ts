/**
 * Batch norm's kernels (moments over every axis but the channels, the forward pass, the
 * backward pass) on the wasm module's float64 column kernels (pointwise-kernels.ts), for
 * tensors that live in wasm memory with channels a multiple of 4. Each computes what its JS
 * twin does (reductions.ts's moments, normalization.ts's batchNorm and batchNormBackward),
 * operation for operation in float64, so the results are bit for bit the same
 * (test/cpu-wasm.test.ts); the per-column divisions and square roots stay on the host. Each
 * returns false, having done nothing, where its conditions do not hold: the JS twin runs then.
 *
 * Why: in a ResNet step on the CPU backend the JS batch-norm kernels took 36% of the time
 * (1 thread, 2026-12-03), as much as the convolutions' forward passes and input gradients together.
 */
import { resident } from './wasm-kernels.js';
import type { WasmRuntime } from './wasm-runtime.js';

/** Channels the column kernels take: a whole number of f32x4 per row. */
const columnsFit = (C: number) => C > 0 && C % 4 === 0;

/** Scratch float64 arrays of C each, allocated first (allocating may grow the memory) and then viewed. */
function columnArrays(rt: WasmRuntime, C: number, count: number): { at: number[]; view: Float64Array[] } {
  const at = Array.from({ length: count }, () => rt.alloc(8 * C));
  return { at, view: at.map((a) => rt.f64(a, C)) };
}

/** The host's per-column float64 inputs of both passes: mean as given, rstd = 1 / sqrt(variance + epsilon), as normalization.ts has them. */
function normalizers(mean: Float32Array, variance: Float32Array, epsilon: number, mu: Float64Array, rstd: Float64Array): void {
  for (let c = 0; c < mean.length; c++) {
    mu[c] = mean[c];
    rstd[c] = 1 / Math.sqrt(variance[c] + epsilon);
  }
}

/** mean and variance of x[rows, C] over the rows (moments over every axis but the last). */
export function wasmColumnMoments(rt: WasmRuntime, x: Float32Array, C: number, mean: Float32Array, variance: Float32Array): boolean {
  if (!columnsFit(C) || !resident(rt, x)) return false;
  const m = x.length / C;
  rt.begin();
  const { at, view: [sums, mu, squares] } = columnArrays(rt, C, 3);
  sums.fill(0);
  squares.fill(0);
  const ax = rt.addressOf(x);
  rt.kernels.columnSumsF64(ax, 4 * x.length, 4 * C, at[0]);
  for (let c = 0; c < C; c++) mu[c] = sums[c] / m;
  rt.kernels.columnSquaredDeviations(ax, 4 * x.length, 4 * C, at[1], at[2]);
  for (let c = 0; c < C; c++) {
    mean[c] = mu[c];
    variance[c] = squares[c] / m;
  }
  return true;
}

/** y = (x - mean) / sqrt(variance + epsilon) * scale + offset per channel. */
export function wasmBatchNorm(
  rt: WasmRuntime, x: Float32Array, mean: Float32Array, variance: Float32Array, scale: Float32Array, offset: Float32Array, epsilon: number, y: Float32Array,
): boolean {
  const C = mean.length;
  if (!columnsFit(C) || !resident(rt, x, y)) return false;
  rt.begin();
  const { at, view: [mu, rstd, sc, off] } = columnArrays(rt, C, 4);
  normalizers(mean, variance, epsilon, mu, rstd);
  sc.set(scale);
  off.set(offset);
  rt.kernels.batchNormApply(rt.addressOf(x), rt.addressOf(y), 4 * x.length, 4 * C, at[0], at[1], at[2], at[3]);
  return true;
}

/** dx, dScale (Σ dy·x̂) and dOffset (Σ dy), as KernelSignatures.batchNormBackward defines them. */
export function wasmBatchNormBackward(
  rt: WasmRuntime, dy: Float32Array, x: Float32Array, mean: Float32Array, variance: Float32Array, scale: Float32Array, epsilon: number, training: boolean,
  dx: Float32Array, dScale: Float32Array, dOffset: Float32Array,
): boolean {
  const C = mean.length;
  if (!columnsFit(C) || !resident(rt, dy, x, dx)) return false;
  const R = x.length / C;
  rt.begin();
  const { at, view: [mu, rstd, sumDy, sumDyXhat, kR] } = columnArrays(rt, C, 5);
  normalizers(mean, variance, epsilon, mu, rstd);
  sumDy.fill(0);
  sumDyXhat.fill(0);
  const [ady, ax] = [rt.addressOf(dy), rt.addressOf(x)];
  rt.kernels.batchNormGradSums(ady, ax, 4 * x.length, 4 * C, at[0], at[1], at[2], at[3]);
  for (let c = 0; c < C; c++) {
    const k = scale[c] * rstd[c];
    kR[c] = training ? k / R : k;
  }
  rt.kernels.batchNormGradInput(ady, ax, rt.addressOf(dx), 4 * x.length, 4 * C, at[0], at[1], at[2], at[3], at[4], R, training ? 1 : 0);
  dScale.set(sumDyXhat);
  dOffset.set(sumDy);
  return true;
}
