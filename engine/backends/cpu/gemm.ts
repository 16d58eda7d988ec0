/**
 * One cache-blocked, register-unrolled GEMM that every matrix product of the CPU
 * backend goes through (matmul, and conv via im2col):
 *
 *   C[M, N] += A[M, K] · B[K, N]
 *
 * B and C are row-major with leading dimensions `ldb` and `ldc`. A is read
 * through two strides (`aRs` between rows, `aCs` between columns), so a
 * transposed A costs nothing: its elements are only loaded into registers, 16
 * at a time, outside the inner loop. The inner loop walks j along rows of B
 * and C (i-k-j order), four rows of C by four steps of k per pass, so each
 * B load feeds four multiply-adds and each C element is loaded and stored once
 * per four k. Blocking over K and N keeps a KC x NC panel of B in cache while
 * all rows of A stream past it.
 *
 * V8 specialises this code for the typed-array type it sees first; a process
 * that runs both float32 and float64 (the test suite) gets polymorphic code,
 * about half as fast, for whichever type comes second.
 */
import type { TypedArray } from '../backend.js';

export type FloatArray = Float32Array | Float64Array;

const KC = 256;
const NC = 512;

export function gemm(
  M: number,
  N: number,
  K: number,
  A: FloatArray,
  aOff: number,
  aRs: number,
  aCs: number,
  B: FloatArray,
  bOff: number,
  ldb: number,
  C: FloatArray,
  cOff: number,
  ldc: number,
): void {
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kEnd = Math.min(K, k0 + KC);
    for (let j0 = 0; j0 < N; j0 += NC) {
      const jEnd = Math.min(N, j0 + NC);
      gemmBlock(M, k0, kEnd, j0, jEnd, A, aOff, aRs, aCs, B, bOff, ldb, C, cOff, ldc);
    }
  }
}

function gemmBlock(
  M: number,
  k0: number,
  kEnd: number,
  j0: number,
  jEnd: number,
  A: FloatArray,
  aOff: number,
  aRs: number,
  aCs: number,
  B: FloatArray,
  bOff: number,
  ldb: number,
  C: FloatArray,
  cOff: number,
  ldc: number,
): void {
  const k4End = k0 + ((kEnd - k0) & ~3);
  let i = 0;
  for (; i + 4 <= M; i += 4) {
    const c0 = cOff + i * ldc;
    const c1 = c0 + ldc;
    const c2 = c1 + ldc;
    const c3 = c2 + ldc;
    const ar0 = aOff + i * aRs;
    const ar1 = ar0 + aRs;
    const ar2 = ar1 + aRs;
    const ar3 = ar2 + aRs;
    let k = k0;
    for (; k < k4End; k += 4) {
      const ka = k * aCs;
      const a00 = A[ar0 + ka], a01 = A[ar0 + ka + aCs], a02 = A[ar0 + ka + 2 * aCs], a03 = A[ar0 + ka + 3 * aCs];
      const a10 = A[ar1 + ka], a11 = A[ar1 + ka + aCs], a12 = A[ar1 + ka + 2 * aCs], a13 = A[ar1 + ka + 3 * aCs];
      const a20 = A[ar2 + ka], a21 = A[ar2 + ka + aCs], a22 = A[ar2 + ka + 2 * aCs], a23 = A[ar2 + ka + 3 * aCs];
      const a30 = A[ar3 + ka], a31 = A[ar3 + ka + aCs], a32 = A[ar3 + ka + 2 * aCs], a33 = A[ar3 + ka + 3 * aCs];
      const p0 = bOff + k * ldb;
      const p1 = p0 + ldb;
      const p2 = p1 + ldb;
      const p3 = p2 + ldb;
      for (let j = j0; j < jEnd; j++) {
        const b0 = B[p0 + j], b1 = B[p1 + j], b2 = B[p2 + j], b3 = B[p3 + j];
        C[c0 + j] += a00 * b0 + a01 * b1 + a02 * b2 + a03 * b3;
        C[c1 + j] += a10 * b0 + a11 * b1 + a12 * b2 + a13 * b3;
        C[c2 + j] += a20 * b0 + a21 * b1 + a22 * b2 + a23 * b3;
        C[c3 + j] += a30 * b0 + a31 * b1 + a32 * b2 + a33 * b3;
      }
    }
    for (; k < kEnd; k++) {
      const ka = k * aCs;
      const a0 = A[ar0 + ka], a1 = A[ar1 + ka], a2 = A[ar2 + ka], a3 = A[ar3 + ka];
      const p = bOff + k * ldb;
      for (let j = j0; j < jEnd; j++) {
        const b = B[p + j];
        C[c0 + j] += a0 * b;
        C[c1 + j] += a1 * b;
        C[c2 + j] += a2 * b;
        C[c3 + j] += a3 * b;
      }
    }
  }
  for (; i < M; i++) {
    const c0 = cOff + i * ldc;
    const ar0 = aOff + i * aRs;
    let k = k0;
    for (; k < k4End; k += 4) {
      const ka = ar0 + k * aCs;
      const a0 = A[ka], a1 = A[ka + aCs], a2 = A[ka + 2 * aCs], a3 = A[ka + 3 * aCs];
      const p0 = bOff + k * ldb;
      const p1 = p0 + ldb;
      const p2 = p1 + ldb;
      const p3 = p2 + ldb;
      for (let j = j0; j < jEnd; j++) {
        C[c0 + j] += a0 * B[p0 + j] + a1 * B[p1 + j] + a2 * B[p2 + j] + a3 * B[p3 + j];
      }
    }
    for (; k < kEnd; k++) {
      const a0 = A[ar0 + k * aCs];
      const p = bOff + k * ldb;
      for (let j = j0; j < jEnd; j++) C[c0 + j] += a0 * B[p + j];
    }
  }
}

/** dst[cols, rows] = src[rows, cols]ᵀ (row-major), blocked for cache. */
export function transposeInto(src: TypedArray, srcOff: number, rows: number, cols: number, dst: TypedArray, dstOff: number): void {
  const T = 32;
  for (let r0 = 0; r0 < rows; r0 += T) {
    const rEnd = Math.min(rows, r0 + T);
    for (let c0 = 0; c0 < cols; c0 += T) {
      const cEnd = Math.min(cols, c0 + T);
      for (let r = r0; r < rEnd; r++) {
        const s = srcOff + r * cols;
        for (let c = c0; c < cEnd; c++) dst[dstOff + c * rows + r] = src[s + c];
      }
    }
  }
}
