// The operands of the conv forward pass as a GEMM for the variant entry points
// (include/gemm-tiled.wgsl, include/gemm-subgroup.wgsl): Y[M = N*outH*outW, outC] =
// patches(X)[M, kH*kW*inC] · W[kH*kW*inC, outC], as in conv2d.wgsl; bias and ReLU
// (NaN-preserving) are applied at the store.
#include "include/conv2d-io.wgsl"
fn reductionRange(layer: u32) -> vec2<u32> { return vec2<u32>(0u, p.kH * p.kW * p.inC); }
// Output pixel m: its window origin (ih0, iw0) and the offset of (n, ih0, iw0, 0) in x (negative
// when padded; used only for taps inside the image).
struct RowInfo { base: i32, ih0: i32, iw0: i32, }
fn rowInfo(m: u32) -> RowInfo {
  let hw = p.outH * p.outW;
  let r = m % hw;
  let ih0 = i32((r / p.outW) * p.strideH) - i32(p.padTop);
  let iw0 = i32((r % p.outW) * p.strideW) - i32(p.padLeft);
  return RowInfo(((i32((m / hw) * p.inH) + ih0) * i32(p.inW) + iw0) * i32(p.inC), ih0, iw0);
}
// k = (kh, kw, ic), the HWIO row.
fn loadA(r: RowInfo, k: u32) -> f32 {
  let kwc = p.kW * p.inC;
  let kh = k / kwc;
  let rem = k % kwc;
  let kw = rem / p.inC;
  let ih = r.ih0 + i32(kh);
  let iw = r.iw0 + i32(kw);
  if (ih < 0 || ih >= i32(p.inH) || iw < 0 || iw >= i32(p.inW)) { return 0.0; }
  return x[u32(r.base + (i32(kh) * i32(p.inW) + i32(kw)) * i32(p.inC)) + rem % p.inC];
}
fn loadB4(k: u32, cols: vec4<u32>) -> vec4<f32> {
  let wb = k * p.outC;
  return vec4<f32>(w[wb + cols.x], w[wb + cols.y], w[wb + cols.z], w[wb + cols.w]);
}
fn storeRow(m: u32, c0: u32, layer: u32, v: vec4<f32>) {
  let cs = span4(c0, p.outC - 1u);
  let biased = select(v, v + vec4<f32>(bias[cs.x], bias[cs.y], bias[cs.z], bias[cs.w]), (p.flags & 1u) != 0u);
  let o = select(biased, relu4(biased), (p.flags & 2u) != 0u);
  let base = m * p.outC;
  for (var j = 0u; j < 4u; j++) {
    if (c0 + j < p.outC) { y[base + c0 + j] = o[j]; }
  }
}
