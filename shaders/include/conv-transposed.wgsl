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
