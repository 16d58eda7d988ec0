// conv2dBackpropInput, tap-looped subgroup variant (kernels/conv2d.ts): include/conv-subgroup-taps.wgsl
// over include/gemm-conv2d-input.wgsl's operands; tap (kh, kw) of input pixel m reads dy at
// ((ih + padTop - kh) / strideH, (iw + padLeft - kw) / strideW) where exact and inside; B = Wᵀ.
#include "include/conv-subgroup-taps.wgsl"
#include "include/gemm-conv2d-input.wgsl"
fn tapChannels() -> u32 { return p.outC; }
fn tapOffset(r: RowInfo, t: u32) -> i32 {
  let nh = r.h - i32(t / p.kW);
  let nw = r.w - i32(t % p.kW);
  let sh = i32(p.strideH);
  let sw = i32(p.strideW);
  if (nh < 0 || nw < 0 || nh % sh != 0 || nw % sw != 0) { return -1; }
  let oh = nh / sh;
  let ow = nw / sw;
  if (oh >= i32(p.outH) || ow >= i32(p.outW)) { return -1; }
  return ((r.nOut + oh) * i32(p.outW) + ow) * i32(p.outC);
}
fn tapA(i: u32) -> f32 { return dy[i]; }
fn tapB4(t: u32, c: u32, cols: vec4<u32>) -> vec4<f32> {
  let wb = t * p.inC;
  return vec4<f32>(w[(wb + cols.x) * p.outC + c], w[(wb + cols.y) * p.outC + c], w[(wb + cols.z) * p.outC + c], w[(wb + cols.w) * p.outC + c]);
}
