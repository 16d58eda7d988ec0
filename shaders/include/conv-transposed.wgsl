// The stride test of the blocked input-gradient kernels (conv2d_backprop_input*.wgsl).
#include "include/conv-pixels.wgsl"
// One axis of the transposed convolution (the input gradient), for four pixels: t is the padded
// input position less the tap; the output position o = t / stride exists when t >= 0 is a
// multiple of stride and o < size.
struct Taps4 { at: vec4<i32>, valid: vec4<bool>, }
fn stridedTaps(t: vec4<i32>, stride: u32, size: u32) -> Taps4 {
  let s = vec4<i32>(i32(stride));
  let o = t / s;
  return Taps4(o, (t >= vec4<i32>(0)) & (t % s == vec4<i32>(0)) & (o < vec4<i32>(i32(size))));
}
// Four input pixels (rows m of the input gradient's matrix) as their batch row offset n * outH
// and padded positions (ih + padTop, iw + padLeft), from which stridedTaps finds each tap's source.
struct Sources4 { n: vec4<i32>, ih: vec4<i32>, iw: vec4<i32>, }
fn sources4(m: vec4<u32>) -> Sources4 {
  let px = pixels4(m, p.inH, p.inW);
  return Sources4(vec4<i32>(px.n) * i32(p.outH), vec4<i32>(px.h) + i32(p.padTop), vec4<i32>(px.w) + i32(p.padLeft));
}
// The offset of dy[n, oh, ow, 0] of each pixel's tap where valid, else 0 (in bounds).
fn dyOffsets(s: Sources4, h: Taps4, w: Taps4, valid: vec4<bool>) -> vec4<u32> {
  return vec4<u32>(select(vec4<i32>(0), ((s.n + h.at) * i32(p.outW) + w.at) * i32(p.outC), valid));
}
// The row order of the block8 input-gradient kernels (conv2d_backprop_input_vec4.wgsl, _c4): the
// images in groups of 8, each group pixel-major (8 images' pixel 0, their pixel 1, ...), the
// last group holding the batch's remainder. An 8-row block then holds ONE pixel of 8 images, so
// every tap is valid for all of its rows or for none, and the `continue` on unreached taps skips
// exactly the zero halo of the transposed convolution (the CNN's valid 3x3 convs: 28% of conv2's
// taps, 64% of conv3's, which row-major blocks multiplied by zeros). Same sums in the same order
// as row-major blocks, so bit-identical outputs. Measured at batch 256 (bench/kernels-conv.ts,
// 2026-12-02, one core): conv2 1.16x and conv3 2.08x on SwiftShader, 1.22x and 2.00x on lavapipe.
// Returns each row's pixel index n * inH * inW + ih * inW + iw.
const ROW_GROUP: u32 = 8u;
fn groupedPixels4(m: vec4<u32>) -> vec4<u32> {
  let pixels = p.inH * p.inW;
  let grouped = (p.batch / ROW_GROUP) * ROW_GROUP;
  let groupedRows = grouped * pixels;
  let tail = max(p.batch - grouped, 1u);
  let r = m % vec4<u32>(ROW_GROUP * pixels);
  let nGroup = (m / vec4<u32>(ROW_GROUP * pixels)) * ROW_GROUP + r % vec4<u32>(ROW_GROUP);
  let sGroup = r / vec4<u32>(ROW_GROUP);
  // Rows of the last, partial group (the subtraction wraps for the others, which select drops).
  let rt = m - vec4<u32>(groupedRows);
  let nTail = vec4<u32>(grouped) + rt % vec4<u32>(tail);
  let sTail = rt / vec4<u32>(tail);
  let inGroups = m < vec4<u32>(groupedRows);
  return select(nTail, nGroup, inGroups) * pixels + select(sTail, sGroup, inGroups);
}
