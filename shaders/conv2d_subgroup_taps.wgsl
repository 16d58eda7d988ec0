// conv2d, tap-looped subgroup variant (kernels/conv2d.ts): include/conv-subgroup-taps.wgsl over
// include/gemm-conv2d.wgsl's operands; tap (kh, kw) of row m reads x at (ih0 + kh, iw0 + kw).
#include "include/conv-subgroup-taps.wgsl"
#include "include/gemm-conv2d.wgsl"
fn tapChannels() -> u32 { return p.inC; }
fn tapOffset(r: RowInfo, t: u32) -> i32 {
  let kh = i32(t / p.kW);
  let kw = i32(t % p.kW);
  let ih = r.ih0 + kh;
  let iw = r.iw0 + kw;
  if (ih < 0 || ih >= i32(p.inH) || iw < 0 || iw >= i32(p.inW)) { return -1; }
  return r.base + (kh * i32(p.inW) + kw) * i32(p.inC);
}
fn tapA(i: u32) -> f32 { return x[i]; }
// W[kh, kw, c, cols] (HWIO).
fn tapB4(t: u32, c: u32, cols: vec4<u32>) -> vec4<f32> {
  let wb = (t * p.inC + c) * p.outC;
  return vec4<f32>(w[wb + cols.x], w[wb + cols.y], w[wb + cols.z], w[wb + cols.w]);
}
