// conv2d forward as an implicit GEMM: Y[M = N*outH*outW, outC] = patches(X)[M, kH*kW*inC] · W[kH*kW*inC, outC]
// (the HWIO filter is that matrix already). Each invocation computes a block of 4 output pixels
// x 4 output channels in registers, no workgroup memory; optional bias and ReLU (NaN-preserving)
// are fused into the store. The workgroup shape WGX x WGY is an override constant.
#include "include/conv2d-io.wgsl"
#include "include/tiles.wgsl"
#include "include/block4.wgsl"
fn computeBlock(m0: u32, c0: u32, layer: u32) {
  let ms = span4(m0, p.batch * p.outH * p.outW - 1u);
  let cs = span4(c0, p.outC - 1u);
  let hw = p.outH * p.outW;
  let n = ms / vec4<u32>(hw);
  let r = ms % vec4<u32>(hw);
  let ih0 = vec4<i32>((r / vec4<u32>(p.outW)) * p.strideH) - i32(p.padTop);
  let iw0 = vec4<i32>((r % vec4<u32>(p.outW)) * p.strideW) - i32(p.padLeft);
  let inH = i32(p.inH);
  let inW = i32(p.inW);
  var acc: Block4;
  for (var kh = 0u; kh < p.kH; kh++) {
    let ih = ih0 + i32(kh);
    let vh = (ih >= vec4<i32>(0)) & (ih < vec4<i32>(inH));
    for (var kw = 0u; kw < p.kW; kw++) {
      let iw = iw0 + i32(kw);
      let valid = vh & (iw >= vec4<i32>(0)) & (iw < vec4<i32>(inW));
      let pix = (n * p.inH + vec4<u32>(max(ih, vec4<i32>(0)))) * p.inW + vec4<u32>(max(iw, vec4<i32>(0)));
      let off = select(vec4<u32>(0u), pix * p.inC, valid);
      let mask = select(vec4<f32>(0.0), vec4<f32>(1.0), valid);
      let wRow = (kh * p.kW + kw) * p.inC;
      for (var ic = 0u; ic < p.inC; ic++) {
        let wb = (wRow + ic) * p.outC;
        let wv = vec4<f32>(w[wb + cs.x], w[wb + cs.y], w[wb + cs.z], w[wb + cs.w]);
        mac4(&acc, vec4<f32>(x[off.x + ic], x[off.y + ic], x[off.z + ic], x[off.w + ic]) * mask, wv);
      }
    }
  }
  if ((p.flags & 1u) != 0u) { mac4(&acc, vec4<f32>(1.0), vec4<f32>(bias[cs.x], bias[cs.y], bias[cs.z], bias[cs.w])); }
  storeBlock4(acc, m0, c0, layer);
}
fn storeRow(m: u32, c0: u32, layer: u32, v: vec4<f32>) {
  let o = select(v, relu4(v), (p.flags & 2u) != 0u);
  let base = m * p.outC;
  for (var j = 0u; j < 4u; j++) {
    if (c0 + j < p.outC) { y[base + c0 + j] = o[j]; }
  }
}
