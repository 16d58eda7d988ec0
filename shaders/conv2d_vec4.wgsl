// conv2d forward, vec4 variant (outC a multiple of 4): the implicit GEMM of conv2d.wgsl with each
// invocation computing 8 output pixels x 8 output channels (two vec4 of W and Y per row) in
// registers, no workgroup memory. On SwiftShader every storage load is a per-lane gather with a
// bounds clamp (~20 instructions), so loads per multiply-add is what counts; register spills and
// swizzles are cheap in comparison. Per input channel this kernel does 8 x + 2 vec4 w loads for
// 64 multiply-adds (the 4x4 kernel: 8 loads for 16). Measured on SwiftShader (2 busy cores):
// 4x8 blocks gave only 1.2x over 4x4; 8x8 blocks: see the commit message.
// Index math is hoisted: the 8 pixels' input offsets are computed once, the padded window is
// checked once per (kh, kw), the inner loop over input channels only adds 1.
// Invocations are numbered linearly (channel block fastest), so no lane idles when outC < 8*WGX;
// the workgroup size WGX*WGY is an override constant. tilesX = channel blocks, tilesY = pixel blocks.
struct Params {
  batch: u32, inH: u32, inW: u32, inC: u32,
  outH: u32, outW: u32, outC: u32, kH: u32,
  kW: u32, strideH: u32, strideW: u32, padTop: u32,
  padLeft: u32, tilesX: u32, tilesY: u32, flags: u32, // flags: 1 = bias, 2 = relu
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> bias: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> y: array<vec4<f32>>;
override WGX: u32 = 8;
override WGY: u32 = 8;
@compute @workgroup_size(WGX, WGY)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let gi = (wid.x + nwg.x * (wid.y + nwg.y * wid.z)) * (WGX * WGY) + li;
  let mb = gi / p.tilesX;
  if (mb >= p.tilesY) { return; }
  let M = p.batch * p.outH * p.outW;
  let C4 = p.outC / 4u;
  let m0 = mb * 8u;
  let ca = (gi % p.tilesX) * 2u; // first vec4 of output channels
  let cb = min(ca + 1u, C4 - 1u); // second (clamped; stored only if < C4)
  let last = M - 1u;
  let msA = vec4<u32>(m0, min(m0 + 1u, last), min(m0 + 2u, last), min(m0 + 3u, last));
  let msB = vec4<u32>(min(m0 + 4u, last), min(m0 + 5u, last), min(m0 + 6u, last), min(m0 + 7u, last));
  let hw = vec4<u32>(p.outH * p.outW);
  let oW = vec4<u32>(p.outW);
  let rA = msA % hw;
  let rB = msB % hw;
  let ihA = vec4<i32>((rA / oW) * p.strideH) - i32(p.padTop);
  let ihB = vec4<i32>((rB / oW) * p.strideH) - i32(p.padTop);
  let iwA = vec4<i32>((rA % oW) * p.strideW) - i32(p.padLeft);
  let iwB = vec4<i32>((rB % oW) * p.strideW) - i32(p.padLeft);
  let inC = i32(p.inC);
  // Offset of (n, ih0, iw0, 0) in x; may be negative when padded, used only when valid.
  let xbA = ((vec4<i32>(msA / hw) * i32(p.inH) + ihA) * i32(p.inW) + iwA) * inC;
  let xbB = ((vec4<i32>(msB / hw) * i32(p.inH) + ihB) * i32(p.inW) + iwB) * inC;
  let inH = vec4<i32>(i32(p.inH));
  let inW = vec4<i32>(i32(p.inW));
  let zero = vec4<i32>(0);
  var a0 = vec4<f32>(0.0); var b0 = vec4<f32>(0.0);
  var a1 = vec4<f32>(0.0); var b1 = vec4<f32>(0.0);
  var a2 = vec4<f32>(0.0); var b2 = vec4<f32>(0.0);
  var a3 = vec4<f32>(0.0); var b3 = vec4<f32>(0.0);
  var a4 = vec4<f32>(0.0); var b4 = vec4<f32>(0.0);
  var a5 = vec4<f32>(0.0); var b5 = vec4<f32>(0.0);
  var a6 = vec4<f32>(0.0); var b6 = vec4<f32>(0.0);
  var a7 = vec4<f32>(0.0); var b7 = vec4<f32>(0.0);
  for (var kh = 0u; kh < p.kH; kh++) {
    let vhA = (ihA + i32(kh) >= zero) & (ihA + i32(kh) < inH);
    let vhB = (ihB + i32(kh) >= zero) & (ihB + i32(kh) < inH);
    for (var kw = 0u; kw < p.kW; kw++) {
      let vA = vhA & (iwA + i32(kw) >= zero) & (iwA + i32(kw) < inW);
      let vB = vhB & (iwB + i32(kw) >= zero) & (iwB + i32(kw) < inW);
      let tap = (i32(kh) * i32(p.inW) + i32(kw)) * inC;
      let oA = vec4<u32>(select(zero, xbA + tap, vA));
      let oB = vec4<u32>(select(zero, xbB + tap, vB));
      let mA = select(vec4<f32>(0.0), vec4<f32>(1.0), vA);
      let mB = select(vec4<f32>(0.0), vec4<f32>(1.0), vB);
      var wr = (kh * p.kW + kw) * p.inC * C4; // vec4 index of W[kh, kw, 0, 0]
      for (var ic = 0u; ic < p.inC; ic++) {
        let xA = vec4<f32>(x[oA.x + ic], x[oA.y + ic], x[oA.z + ic], x[oA.w + ic]) * mA;
        let xB = vec4<f32>(x[oB.x + ic], x[oB.y + ic], x[oB.z + ic], x[oB.w + ic]) * mB;
        let wa = w[wr + ca];
        let wb = w[wr + cb];
        wr += C4;
        a0 += xA.x * wa; b0 += xA.x * wb;
        a1 += xA.y * wa; b1 += xA.y * wb;
        a2 += xA.z * wa; b2 += xA.z * wb;
        a3 += xA.w * wa; b3 += xA.w * wb;
        a4 += xB.x * wa; b4 += xB.x * wb;
        a5 += xB.y * wa; b5 += xB.y * wb;
        a6 += xB.z * wa; b6 += xB.z * wb;
        a7 += xB.w * wa; b7 += xB.w * wb;
      }
    }
  }
  var ba = vec4<f32>(0.0);
  var bb = vec4<f32>(0.0);
  if ((p.flags & 1u) != 0u) { ba = bias[ca]; bb = bias[cb]; }
  let relu = (p.flags & 2u) != 0u;
  let two = ca + 1u < C4;
  store(m0, M, C4, ca, two, a0 + ba, b0 + bb, relu);
  store(m0 + 1u, M, C4, ca, two, a1 + ba, b1 + bb, relu);
  store(m0 + 2u, M, C4, ca, two, a2 + ba, b2 + bb, relu);
  store(m0 + 3u, M, C4, ca, two, a3 + ba, b3 + bb, relu);
  store(m0 + 4u, M, C4, ca, two, a4 + ba, b4 + bb, relu);
  store(m0 + 5u, M, C4, ca, two, a5 + ba, b5 + bb, relu);
  store(m0 + 6u, M, C4, ca, two, a6 + ba, b6 + bb, relu);
  store(m0 + 7u, M, C4, ca, two, a7 + ba, b7 + bb, relu);
}
fn store(m: u32, M: u32, C4: u32, ca: u32, two: bool, va: vec4<f32>, vb: vec4<f32>, relu: bool) {
  if (m >= M) { return; }
  let o = m * C4 + ca;
  y[o] = select(va, max(va, vec4<f32>(0.0)), relu);
  if (two) { y[o + 1u] = select(vb, max(vb, vec4<f32>(0.0)), relu); }
}
