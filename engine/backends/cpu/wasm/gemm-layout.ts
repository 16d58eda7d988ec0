/**
 * The contract between the generated GEMM module (gemm-kernels.ts emits it) and
 * the code that drives it (wasm-runtime.ts): the fields of the two structs the
 * driver reads from memory, as i32 word indices, and the epilogue mode bits.
 *
 * A GEMM job computes C[M, N] = A[M, K] · B[K, N] (+ bias, ReLU) where both
 * operands are read through offset tables, so one packing routine serves plain,
 * transposed and im2col operands alike:
 *
 *   A(i, k) = f32 at aSrc + 4 * (aRowTab[i] + aColTab[k])
 *   B(k, j) = f32 at bSrc + 4 * (bRowTab[k] + bColTab[j])
 *   C(i, j) = f32 at task.c + 4 * (i * ldc + j)
 *
 * A task is one thread's share: rows m0..m1 of C over the reduction range
 * k0..k1, with its own packing workspaces. Instead of storing C, a job can
 * scatter-add it into an image (the input gradient's col2im, JOB.scatter).
 */
export const JOB = {
  M: 0, N: 1, K: 2,
  aSrc: 3, aRowTab: 4, aColTab: 5,
  bSrc: 6, bRowTab: 7, bColTab: 8,
  /** 1 when bColTab[j] = bColTab[0] + j (B's rows are contiguous): packing uses vector loads. */
  bContig: 9,
  ldc: 10,
  /** Byte address of the bias (padded to a multiple of NR floats), or 0. */
  bias: 11,
  relu: 12,
  MC: 13, KC: 14, NC: 15,
  /**
   * 1: C is not stored but scattered (col2im): each block of C, once
   * complete (K fits one block, N one block), is added into the image at
   * sDst: C(i, j) to f32 at sDst + 4 * (sRowTab[i] + sColTab[j]). task.c is
   * then an MC x ldc scratch block.
   */
  scatter: 16, sDst: 17, sRowTab: 18, sColTab: 19,
  words: 20,
} as const;

export const TASK = {
  m0: 0, m1: 1, k0: 2, k1: 3,
  /** Byte address of C(0, 0) for this task (the output, or this task's partial sum). */
  c: 4,
  /** Packed A block (MC x KC, rows rounded up to MR), packed B block (KC x NC, columns rounded up to NR), an MR x NR tile. */
  aPack: 5, bPack: 6, tile: 7,
  words: 8,
} as const;

/** Epilogue of one macro-kernel call. */
export const MODE = {
  /** Start from the bias row instead of zero (first K block). */
  initBias: 1,
  /** Add to what C holds (later K blocks). */
  accumulate: 2,
  /** max(x, 0) on store, NaN kept (last K block). */
  relu: 4,
} as const;
