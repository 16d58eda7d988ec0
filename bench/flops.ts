/**
 * Operation counts per kernel, written down so throughput figures can be checked.
 *
 * Conventions:
 * - A multiply-add is 2 FLOPs. Comparisons (max, ReLU masks) count as 1 FLOP each; exp, log,
 *   sqrt and division count as 1 FLOP each (so the softmax and Adam counts are "operations").
 * - `bytes` is the compulsory DRAM traffic of a perfect kernel: every input read once, every
 *   output written once, float32/int32 = 4 bytes. Real kernels re-read more; GB/s computed from
 *   these counts is the "effective" bandwidth, comparable across engines.
 * - Geometry is the engine's (Conv2DGeometry / Pool2DGeometry, NHWC, HWIO filters).
 */
import type { Conv2DGeometry, Pool2DGeometry } from '../engine/backends/backend.js';

export interface OpCount {
  readonly flops: number;
  readonly bytes: number;
}

const F = 4; // bytes per float32 / int32 element

/** M = output pixels, K = filter taps x input channels, N = output channels: conv as a GEMM. */
export function convGemm(g: Conv2DGeometry): { M: number; K: number; N: number } {
  return { M: g.batch * g.outH * g.outW, K: g.kH * g.kW * g.inC, N: g.outC };
}

const inputSize = (g: Conv2DGeometry) => g.batch * g.inH * g.inW * g.inC;

/** conv2d forward: 2·M·K·N, plus M·N bias adds and M·N ReLU comparisons when fused. */
export function conv2dCount(g: Conv2DGeometry, bias: boolean, relu: boolean): OpCount {
  const { M, K, N } = convGemm(g);
  const flops = 2 * M * K * N + (bias ? M * N : 0) + (relu ? M * N : 0);
  const bytes = F * (inputSize(g) + K * N + (bias ? N : 0) + M * N);
  return { flops, bytes };
}

/** dL/dx: the same 2·M·K·N multiply-adds (every dy meets every tap); reads dy and w, writes dx. */
export function conv2dBackpropInputCount(g: Conv2DGeometry): OpCount {
  const { M, K, N } = convGemm(g);
  return { flops: 2 * M * K * N, bytes: F * (M * N + K * N + inputSize(g)) };
}

/** dL/dw: 2·M·K·N (a K x N result summed over M pixels); reads x and dy, writes dw. */
export function conv2dBackpropFilterCount(g: Conv2DGeometry): OpCount {
  const { M, K, N } = convGemm(g);
  return { flops: 2 * M * K * N, bytes: F * (inputSize(g) + M * N + K * N) };
}

const poolIn = (g: Pool2DGeometry) => g.batch * g.inH * g.inW * g.channels;
const poolOut = (g: Pool2DGeometry) => g.batch * g.outH * g.outW * g.channels;

/** max-pool forward: poolH·poolW - 1 comparisons per output; reads x, writes y and argmax (int32). */
export function maxPoolCount(g: Pool2DGeometry): OpCount {
  return { flops: poolOut(g) * (g.poolH * g.poolW - 1), bytes: F * (poolIn(g) + 2 * poolOut(g)) };
}

/** max-pool backward: one add per dy; reads dy and argmax, writes dx (the full input size). */
export function maxPoolBackwardCount(g: Pool2DGeometry): OpCount {
  return { flops: poolOut(g), bytes: F * (2 * poolOut(g) + poolIn(g)) };
}

/** C[M,N] = A[M,K]·B[K,N] (transposes do not change the counts). */
export function matmulCount(M: number, N: number, K: number): OpCount {
  return { flops: 2 * M * N * K, bytes: F * (M * K + K * N + M * N) };
}

/** Element-wise binary op with broadcasting: one op per output; reads both inputs once. */
export function binaryCount(aSize: number, bSize: number, outSize: number): OpCount {
  return { flops: outSize, bytes: F * (aSize + bSize + outSize) };
}

/** ReLU backward: one comparison per element; reads dy and y, writes dx. */
export function reluBackwardCount(n: number): OpCount {
  return { flops: n, bytes: F * 3 * n };
}

/** Sum reduction: one add per input element; reads the input, writes the output. */
export function sumCount(inSize: number, outSize: number): OpCount {
  return { flops: inSize, bytes: F * (inSize + outSize) };
}

/**
 * Softmax cross-entropy forward over [N, C]: per element a max comparison, a subtraction, an exp,
 * an add to the row sum and a division for probs (5·N·C), per row a log and the label pick (2·N);
 * reads logits and labels, writes probs and the scalar loss.
 */
export function softmaxXentCount(N: number, C: number): OpCount {
  return { flops: 5 * N * C + 2 * N, bytes: F * (N * C + N + N * C + 1) };
}

/** Softmax cross-entropy backward: (probs - onehot) · dLoss / N, 2 ops per element; reads probs, labels, dLoss. */
export function softmaxXentBackwardCount(N: number, C: number): OpCount {
  return { flops: 2 * N * C, bytes: F * (N * C + N + 1 + N * C) };
}

/**
 * Adam over n parameters: m = b1·m + (1-b1)·g (3), v = b2·v + (1-b2)·g² (4),
 * p -= step·m / (sqrt(v) + eps) (5): 12 ops; reads p, g, m, v, writes p, m, v.
 */
export function adamCount(n: number): OpCount {
  return { flops: 12 * n, bytes: F * 7 * n };
}

/** argmax / countCorrect over [N, C]: C - 1 comparisons per row (+1 label compare); reads logits (and labels). */
export function countCorrectCount(N: number, C: number): OpCount {
  return { flops: N * C, bytes: F * (N * C + N + 1) };
}

/** GFLOP/s and GB/s of a count done in `ms` milliseconds. */
export function throughput(count: OpCount, ms: number): { gflops: number; gbps: number } {
  return { gflops: count.flops / (ms * 1e6), gbps: count.bytes / (ms * 1e6) };
}

/** Arithmetic intensity (FLOP per byte): below the adapter's ridge point a kernel is memory-bound. */
export function intensity(count: OpCount): number {
  return count.flops / count.bytes;
}
