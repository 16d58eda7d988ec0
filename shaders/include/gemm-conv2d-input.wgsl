// The operands of conv2dBackpropInput as a GEMM for the variant entry points
// (include/gemm-tiled.wgsl, include/gemm-subgroup.wgsl): dX[M = N*inH*inW, inC] =
// dYpatches[M, kH*kW*outC] · Wᵀ, where the row of input pixel (n, ih, iw) at k = (kh, kw, oc) is
// dy[n, oh, ow, oc] when ih + padTop - kh = oh*strideH (and the same along w) lands inside dy,
// and zero otherwise (the transposed convolution of conv2d_backprop_input.wgsl).
#include "include/conv2d-input-io.wgsl"
fn reductionRange(layer: u32) -> vec2<u32> { return vec2<u32>(0u, p.kH * p.kW * p.outC); }
// Input pixel m: n*outH, and its padded position (ih + padTop, iw + padLeft).
struct RowInfo { nOut: i32, h: i32, w: i32, }
fn rowInfo(m: u32) -> RowInfo {
  let hw = p.inH * p.inW;
  let r = m % hw;
  return RowInfo(i32((m / hw) * p.outH), i32(r / p.inW + p.padTop), i32(r % p.inW + p.padLeft));
}
fn loadA(r: RowInfo, k: u32) -> f32 {
  let kwc = p.kW * p.outC;
  let kh = k / kwc;
  let rem = k % kwc;
  let nh = r.h - i32(kh);
  let nw = r.w - i32(rem / p.outC);
  let sh = i32(p.strideH);
  let sw = i32(p.strideW);
  if (nh < 0 || nw < 0 || nh % sh != 0 || nw % sw != 0) { return 0.0; }
  let oh = nh / sh;
  let ow = nw / sw;
  if (oh >= i32(p.outH) || ow >= i32(p.outW)) { return 0.0; }
  return dy[u32(((r.nOut + oh) * i32(p.outW) + ow) * i32(p.outC)) + rem % p.outC];
}
// B(k = (kh, kw, oc), ic) = W[kh, kw, ic, oc].
fn loadB4(k: u32, cols: vec4<u32>) -> vec4<f32> {
  let oc = k % p.outC;
  let wb = (k / p.outC) * p.inC;
  return vec4<f32>(w[(wb + cols.x) * p.outC + oc], w[(wb + cols.y) * p.outC + oc], w[(wb + cols.z) * p.outC + oc], w[(wb + cols.w) * p.outC + oc]);
}
