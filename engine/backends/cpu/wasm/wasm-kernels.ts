/**
 * matmul and the three convolution kernels on the wasm SIMD GEMM (float32),
 * and the memory-bound kernels of pointwise-kernels.ts. Each finds or stages
 * its operands in wasm memory (tensors that live there are used in place),
 * describes them to the GEMM with offset tables (gemm-layout.ts), runs one job
 * and writes the result in place or copies it out.
 *
 * No im2col matrix is ever built: the GEMM packs its blocks straight from the
 * image through the tables (an implicit GEMM), with 'same' padding made real
 * by copying the image into a zero-bordered one first.
 *
 *   forward:      y[rows, outC]  = col(x)[rows, taps] · W[taps, outC]  (+ bias, ReLU in the GEMM's epilogue)
 *   filter grad:  dW[taps, outC] = col(x)ᵀ · dy[rows, outC]
 *   input grad:   dx = the 'full' correlation of dy (dilated by the stride) with the flipped filter,
 *                 a forward convolution whose rows are input positions: no col2im scatter, and
 *                 threads write disjoint rows.
 */
import type { Conv2DGeometry, Pool2DGeometry } from '../../backend.js';
import type { WasmRuntime } from './wasm-runtime.js';

/**
 * An NHWC image staged in wasm memory with a zero border: [batch, H, W, C] with
 * the original pixel (h, w) at (h + top, w + left).
 */
interface StagedImage {
  address: number;
  H: number;
  W: number;
  C: number;
}

/**
 * Copies x [batch, inH, inW, C] into an image of height H and width W with the
 * pixel (h, w) at (h + top, w + left); rows and columns that fall outside are
 * dropped, the rest is zero. Without a border it is one copy.
 */
function stageImage(rt: WasmRuntime, x: Float32Array, batch: number, inH: number, inW: number, C: number,
  H: number, W: number, top: number, left: number, strideH = 1, strideW = 1): StagedImage {
  if (top === 0 && left === 0 && H <= inH && W <= inW && strideH === 1 && strideW === 1) {
    return { address: rt.put(x), H: inH, W: inW, C };
  }
  const address = rt.zeros(batch * H * W * C);
  const dst = rt.f32(address, batch * H * W * C);
  // Columns w0 .. w1-1 land inside; with stride 1 each row is one contiguous copy.
  const w0 = Math.max(0, Math.ceil(-left / strideW));
  const w1 = Math.min(inW, Math.floor((W - 1 - left) / strideW) + 1);
  for (let n = 0; n < batch; n++) {
    for (let h = 0; h < inH; h++) {
      const ph = top + h * strideH;
      if (ph < 0 || ph >= H || w1 <= w0) continue;
      const s = ((n * inH + h) * inW + w0) * C;
      const d = ((n * H + ph) * W + left + w0 * strideW) * C;
      if (strideW === 1) {
        dst.set(x.subarray(s, s + (w1 - w0) * C), d);
      } else {
        for (let w = 0; w < w1 - w0; w++) dst.set(x.subarray(s + w * C, s + (w + 1) * C), d + w * strideW * C);
      }
    }
  }
  return { address, H, W, C };
}

/** Element offsets of the output positions (n, oh, ow) of a window walk over an image: where each window starts. */
function windowStarts(rt: WasmRuntime, img: StagedImage, batch: number, outH: number, outW: number, strideH: number, strideW: number): number {
  const rows = batch * outH * outW;
  const at = rt.alloc(4 * rows);
  const t = rt.i32(at, rows);
  let r = 0;
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) t[r++] = ((n * img.H + oh * strideH) * img.W + ow * strideW) * img.C;
    }
  }
  return at;
}

/** Element offsets, inside a window, of the taps (kh, kw, c) in HWIO order. */
function tapOffsets(rt: WasmRuntime, img: StagedImage, kH: number, kW: number): number {
  const K = kH * kW * img.C;
  const at = rt.alloc(4 * K);
  const t = rt.i32(at, K);
  let k = 0;
  for (let kh = 0; kh < kH; kh++) for (let kw = 0; kw < kW; kw++) for (let c = 0; c < img.C; c++) t[k++] = (kh * img.W + kw) * img.C + c;
  return at;
}

/** x staged with the forward pass's padding: every window lies inside. */
function stageInput(rt: WasmRuntime, x: Float32Array, g: Conv2DGeometry): StagedImage {
  const H = (g.outH - 1) * g.strideH + g.kH;
  const W = (g.outW - 1) * g.strideW + g.kW;
  return stageImage(rt, x, g.batch, g.inH, g.inW, g.inC, H, W, g.padTop, g.padLeft);
}

export function wasmMatmul(rt: WasmRuntime, threads: number, a: Float32Array, aShape: readonly number[], b: Float32Array, bShape: readonly number[],
  transposeA: boolean, transposeB: boolean, c: Float32Array): void {
  const [aR, aC] = aShape;
  const [bR, bC] = bShape;
  const M = transposeA ? aC : aR;
  const K = transposeA ? aR : aC;
  const N = transposeB ? bR : bC;
  rt.begin();
  const aSrc = rt.put(a);
  const bSrc = rt.put(b);
  const out = rt.outputAddress(c);
  rt.run({
    M, N, K,
    aSrc, aRowTab: rt.table(M, transposeA ? 1 : aC), aColTab: rt.table(K, transposeA ? aC : 1),
    bSrc, bRowTab: rt.table(K, transposeB ? 1 : bC), bColTab: rt.table(N, transposeB ? bC : 1), bContig: !transposeB,
    c: out, ldc: N, bias: 0, relu: false,
  }, threads);
  rt.finish(c, out);
}

export function wasmConv2dForward(rt: WasmRuntime, threads: number, x: Float32Array, w: Float32Array, bias: Float32Array | null,
  g: Conv2DGeometry, relu: boolean, y: Float32Array): void {
  const rows = g.batch * g.outH * g.outW;
  const taps = g.kH * g.kW * g.inC;
  rt.begin();
  const img = stageInput(rt, x, g);
  const wSrc = rt.put(w);
  const out = rt.outputAddress(y);
  rt.run({
    M: rows, N: g.outC, K: taps,
    aSrc: img.address, aRowTab: windowStarts(rt, img, g.batch, g.outH, g.outW, g.strideH, g.strideW), aColTab: tapOffsets(rt, img, g.kH, g.kW),
    bSrc: wSrc, bRowTab: rt.table(taps, g.outC), bColTab: rt.table(g.outC, 1), bContig: true,
    c: out, ldc: g.outC, bias: bias ? rt.putBias(bias) : 0, relu,
  }, threads);
  rt.finish(y, out);
}

export function wasmConv2dBackpropFilter(rt: WasmRuntime, threads: number, x: Float32Array, dy: Float32Array, g: Conv2DGeometry, dw: Float32Array): void {
  const rows = g.batch * g.outH * g.outW;
  const taps = g.kH * g.kW * g.inC;
  rt.begin();
  const img = stageInput(rt, x, g);
  const dySrc = rt.put(dy);
  const out = rt.outputAddress(dw);
  // A = col(x)ᵀ: its rows are the taps, its columns the output positions.
  rt.run({
    M: taps, N: g.outC, K: rows,
    aSrc: img.address, aRowTab: tapOffsets(rt, img, g.kH, g.kW), aColTab: windowStarts(rt, img, g.batch, g.outH, g.outW, g.strideH, g.strideW),
    bSrc: dySrc, bRowTab: rt.table(rows, g.outC), bColTab: rt.table(g.outC, 1), bContig: true,
    c: out, ldc: g.outC, bias: 0, relu: false,
  }, threads);
  rt.finish(dw, out);
}

/**
 * dx = col2im(dy · Wᵀ): the GEMM's rows are the output positions, its columns
 * the taps, and each block of it is added into dx (through a zero-bordered
 * image with 'same' padding) as soon as it is complete, so the column matrix
 * never exists. The flops are the forward pass's, for any stride. Where the
 * GEMM cannot scatter (more than 256 output channels), dx is the 'full'
 * correlation of dy (dilated by the stride) with the flipped filter instead.
 */
export function wasmConv2dBackpropInput(rt: WasmRuntime, threads: number, dy: Float32Array, w: Float32Array, g: Conv2DGeometry, dx: Float32Array): void {
  const taps = g.kH * g.kW * g.inC;
  if (!rt.canScatter(g.outC, taps)) {
    backpropInputByCorrelation(rt, threads, dy, w, g, dx);
    return;
  }
  const rows = g.batch * g.outH * g.outW;
  rt.begin();
  const dySrc = rt.put(dy);
  const wSrc = rt.put(w);
  // The image the windows land in: dx itself, or a zero-bordered one cropped into dx afterwards.
  const H = Math.max((g.outH - 1) * g.strideH + g.kH, g.padTop + g.inH);
  const W = Math.max((g.outW - 1) * g.strideW + g.kW, g.padLeft + g.inW);
  const direct = g.padTop === 0 && g.padLeft === 0 && H === g.inH && W === g.inW;
  let img: StagedImage;
  if (direct) {
    img = { address: rt.outputAddress(dx), H, W, C: g.inC };
    rt.f32(img.address, dx.length).fill(0);
  } else {
    img = { address: rt.zeros(g.batch * H * W * g.inC), H, W, C: g.inC };
  }
  rt.run({
    M: rows, N: taps, K: g.outC,
    aSrc: dySrc, aRowTab: rt.table(rows, g.outC), aColTab: rt.table(g.outC, 1),
    // B(oc, tap) = W[tap, oc]: Wᵀ read through the tables.
    bSrc: wSrc, bRowTab: rt.table(g.outC, 1), bColTab: rt.table(taps, g.outC), bContig: false,
    c: 0, ldc: taps, bias: 0, relu: false,
    scatter: {
      dst: img.address,
      rowTab: windowStarts(rt, img, g.batch, g.outH, g.outW, g.strideH, g.strideW),
      colTab: tapOffsets(rt, img, g.kH, g.kW),
      rowsPerImage: g.outH * g.outW,
    },
  }, threads);
  if (direct) {
    rt.finish(dx, img.address);
    return;
  }
  const padded = rt.f32(img.address, g.batch * H * W * g.inC);
  const rowLen = g.inW * g.inC;
  for (let n = 0; n < g.batch; n++) {
    for (let h = 0; h < g.inH; h++) {
      const s = ((n * H + h + g.padTop) * W + g.padLeft) * g.inC;
      dx.set(padded.subarray(s, s + rowLen), (n * g.inH + h) * rowLen);
    }
  }
}

/** dx as a forward convolution over input positions (used where the scattering GEMM does not fit). */
function backpropInputByCorrelation(rt: WasmRuntime, threads: number, dy: Float32Array, w: Float32Array, g: Conv2DGeometry, dx: Float32Array): void {
  const { kH, kW, inC, outC } = g;
  rt.begin();
  // dx(ih, iw, ic) = sum over kh, kw, oc of dy(oh, ow, oc) W(kh, kw, ic, oc) where oh·sH = ih + padTop - kh:
  // with dy dilated by the stride and shifted by kH-1-padTop, tap (kh', kw') = (kH-1-kh, kW-1-kw) of a
  // window starting at (ih, iw) reads it.
  const img = stageImage(rt, dy, g.batch, g.outH, g.outW, outC, g.inH + kH - 1, g.inW + kW - 1,
    kH - 1 - g.padTop, kW - 1 - g.padLeft, g.strideH, g.strideW);
  const wSrc = rt.put(w);
  const taps = kH * kW * outC;
  const rows = g.batch * g.inH * g.inW;
  // B(k' = (kh', kw', oc), ic) = W[kH-1-kh', kW-1-kw', ic, oc].
  const bRowTab = rt.alloc(4 * taps);
  const t = rt.i32(bRowTab, taps);
  let k = 0;
  for (let kh = 0; kh < kH; kh++) {
    for (let kw = 0; kw < kW; kw++) {
      const base = ((kH - 1 - kh) * kW + (kW - 1 - kw)) * inC * outC;
      for (let oc = 0; oc < outC; oc++) t[k++] = base + oc;
    }
  }
  const out = rt.outputAddress(dx);
  rt.run({
    M: rows, N: inC, K: taps,
    aSrc: img.address, aRowTab: windowStarts(rt, img, g.batch, g.inH, g.inW, 1, 1), aColTab: tapOffsets(rt, img, kH, kW),
    bSrc: wSrc, bRowTab, bColTab: rt.table(inC, outC), bContig: false,
    c: out, ldc: inC, bias: 0, relu: false,
  }, threads);
  rt.finish(dx, out);
}

/** The pointwise kernels run only on tensors that live in wasm memory: copying them in and out would cost more than they save. */
export function resident(rt: WasmRuntime, ...arrays: ArrayBufferView[]): boolean {
  return arrays.every((a) => rt.addressOf(a) >= 0);
}

/** y = x <= 0 ? 0 : x (NaN kept); false (nothing done) unless both live in wasm memory. */
export function wasmRelu(rt: WasmRuntime, x: Float32Array, y: Float32Array): boolean {
  if (!resident(rt, x, y)) return false;
  rt.kernels.relu(rt.addressOf(x), rt.addressOf(y), y.length);
  return true;
}

/** out = a + b, all three of one length; false (nothing done) unless they live in wasm memory. */
export function wasmAdd(rt: WasmRuntime, a: Float32Array, b: Float32Array, out: Float32Array): boolean {
  if (a.length !== out.length || b.length !== out.length || !resident(rt, a, b, out)) return false;
  rt.kernels.add(rt.addressOf(a), rt.addressOf(b), rt.addressOf(out), out.length);
  return true;
}

/** dx = y > 0 ? dy : 0; false (nothing done) unless all three live in wasm memory. */
export function wasmReluBackward(rt: WasmRuntime, dy: Float32Array, y: Float32Array, dx: Float32Array): boolean {
  if (!resident(rt, dy, y, dx)) return false;
  rt.kernels.reluBackward(rt.addressOf(dy), rt.addressOf(y), rt.addressOf(dx), dx.length);
  return true;
}

/** 2x2 max-pool with windows inside the input and channels a multiple of 4; false (nothing done) otherwise. */
export function wasmMaxPool2x2(rt: WasmRuntime, x: Float32Array, g: Pool2DGeometry, y: Float32Array, argmax: Int32Array): boolean {
  const inside = g.padTop === 0 && g.padLeft === 0 && (g.outH - 1) * g.strideH + 2 <= g.inH && (g.outW - 1) * g.strideW + 2 <= g.inW;
  if (g.poolH !== 2 || g.poolW !== 2 || !inside || g.channels % 4 !== 0 || !resident(rt, x, y, argmax)) return false;
  rt.kernels.maxPool2x2(rt.addressOf(x), rt.addressOf(y), rt.addressOf(argmax), g.batch, g.inH, g.inW, g.channels, g.outH, g.outW, g.strideH, g.strideW);
  return true;
}

/** dx[argmax[i]] += dy[i] into a zeroed dx; false (nothing done) unless all three live in wasm memory. */
export function wasmScatterAdd(rt: WasmRuntime, dy: Float32Array, argmax: Int32Array, dx: Float32Array): boolean {
  if (!resident(rt, dy, argmax, dx)) return false;
  rt.kernels.scatterAdd(rt.addressOf(dy), rt.addressOf(argmax), rt.addressOf(dx), dy.length);
  return true;
}

/** out[j] = sum over rows of x[rows, cols] (cols a multiple of 4, x in wasm memory); false (nothing done) otherwise. */
export function wasmColumnSums(rt: WasmRuntime, x: Float32Array, cols: number, out: Float32Array): boolean {
  if (cols % 4 !== 0 || !resident(rt, x)) return false;
  rt.begin();
  const acc = rt.alloc(8 * cols);
  const at = rt.outputAddress(out);
  rt.kernels.columnSums(rt.addressOf(x), x.length / cols, cols, acc, at);
  rt.finish(out, at);
  return true;
}
