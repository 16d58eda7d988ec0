/**
 * Batched matmul of the CPU backend: the batch axes broadcast NumPy-style, and each batch
 * element is one call of the shared GEMM (gemm.ts). A transposed A is read through strides; a
 * transposed B is packed once per batch element, as the 2-D matmul does.
 */
import type { Shape } from '../backend.js';
import { gemm, transposeInto, type FloatArray } from './gemm.js';
import { broadcastOffsets } from './math.js';
import { scratch } from './scratch.js';

export function batchMatmul(
  a: FloatArray, aShape: Shape, b: FloatArray, bShape: Shape, transposeA: boolean, transposeB: boolean, outShape: Shape, c: FloatArray,
): void {
  const rank = outShape.length;
  const [aR, aC] = aShape.slice(-2);
  const [bR, bC] = bShape.slice(-2);
  const M = outShape[rank - 2];
  const N = outShape[rank - 1];
  const K = transposeA ? aR : aC;
  const batchShape = outShape.slice(0, -2);
  const batches = batchShape.reduce((n, d) => n * d, 1);
  const ia = broadcastOffsets(aShape.slice(0, -2), batchShape);
  const ib = broadcastOffsets(bShape.slice(0, -2), batchShape);
  const packed = transposeB ? scratch(b, 'batch-matmul-bt', K * N) : null;
  for (let t = 0; t < batches; t++) {
    const aOff = (ia ? ia[t] : t) * aR * aC;
    let B = b;
    let bOff = (ib ? ib[t] : t) * bR * bC;
    if (packed) {
      transposeInto(b, bOff, bR, bC, packed, 0);
      B = packed;
      bOff = 0;
    }
    gemm(M, N, K, a, aOff, transposeA ? 1 : aC, transposeA ? aC : 1, B, bOff, N, c, t * M * N, N);
  }
}
