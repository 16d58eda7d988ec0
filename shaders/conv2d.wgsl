// conv2d forward as an implicit GEMM: Y[M = N*outH*outW, outC] = patches(X)[M, kH*kW*inC] · W[kH*kW*inC, outC]
// (the HWIO filter is that matrix already). Each invocation computes 4 output pixels x 4 output
// channels in registers, no workgroup memory; optional bias and ReLU are fused into the store.
// Workgroup shape WGX x WGY is an override constant.
struct Params {
  batch: u32, inH: u32, inW: u32, inC: u32,
  outH: u32, outW: u32, outC: u32, kH: u32,
  kW: u32, strideH: u32, strideW: u32, padTop: u32,
  padLeft: u32, tilesX: u32, tilesY: u32, flags: u32, // flags: 1 = bias, 2 = relu
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;
override WGX: u32 = 8;
override WGY: u32 = 8;
@compute @workgroup_size(WGX, WGY)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let g = wid.x + nwg.x * (wid.y + nwg.y * wid.z);
  let ty = g / p.tilesX;
  if (ty >= p.tilesY) { return; }
  let tx = g % p.tilesX;
  let M = p.batch * p.outH * p.outW;
  let m0 = (ty * WGY + lid.y) * 4u;
  let c0 = (tx * WGX + lid.x) * 4u;
  if (m0 >= M || c0 >= p.outC) { return; }
  let ms = vec4<u32>(min(m0, M - 1u), min(m0 + 1u, M - 1u), min(m0 + 2u, M - 1u), min(m0 + 3u, M - 1u));
  let cs = vec4<u32>(min(c0, p.outC - 1u), min(c0 + 1u, p.outC - 1u), min(c0 + 2u, p.outC - 1u), min(c0 + 3u, p.outC - 1u));
  let hw = p.outH * p.outW;
  let n = ms / vec4<u32>(hw);
  let r = ms % vec4<u32>(hw);
  let oh = r / vec4<u32>(p.outW);
  let ow = r % vec4<u32>(p.outW);
  let ih0 = vec4<i32>(oh * p.strideH) - i32(p.padTop);
  let iw0 = vec4<i32>(ow * p.strideW) - i32(p.padLeft);
  let inH = i32(p.inH);
  let inW = i32(p.inW);
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
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
        let xv = vec4<f32>(x[off.x + ic], x[off.y + ic], x[off.z + ic], x[off.w + ic]) * mask;
        acc0 += xv.x * wv;
        acc1 += xv.y * wv;
        acc2 += xv.z * wv;
        acc3 += xv.w * wv;
      }
    }
  }
  var bv = vec4<f32>(0.0);
  if ((p.flags & 1u) != 0u) { bv = vec4<f32>(bias[cs.x], bias[cs.y], bias[cs.z], bias[cs.w]); }
  let relu = (p.flags & 2u) != 0u;
  store(m0, c0, M, acc0 + bv, relu);
  store(m0 + 1u, c0, M, acc1 + bv, relu);
  store(m0 + 2u, c0, M, acc2 + bv, relu);
  store(m0 + 3u, c0, M, acc3 + bv, relu);
}
fn store(m: u32, c0: u32, M: u32, v: vec4<f32>, relu: bool) {
  if (m >= M) { return; }
  let o = select(v, max(v, vec4<f32>(0.0)), relu);
  let base = m * p.outC;
  for (var j = 0u; j < 4u; j++) {
    if (c0 + j < p.outC) { y[base + c0 + j] = o[j]; }
  }
}
