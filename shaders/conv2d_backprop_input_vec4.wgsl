// conv2dBackpropInput, vec4 variant (inC a multiple of 4): the transposed convolution of
// conv2d_backprop_input.wgsl with each invocation computing 8 input pixels x 8 input channels
// in registers (per output channel: 8 dy + 8 w loads for 64 multiply-adds; the 4x4 kernel does
// 8 loads for 16). On SwiftShader loads are per-lane gathers and dominate; see conv2d_vec4.wgsl.
// The stride/padding test is done once per (kh, kw); a tap that no pixel of the block reaches
// is skipped. Invocations are numbered linearly (channel block fastest); the workgroup size
// WGX*WGY is an override constant. tilesX = channel blocks, tilesY = pixel blocks.
struct Params {
  batch: u32, inH: u32, inW: u32, inC: u32,
  outH: u32, outW: u32, outC: u32, kH: u32,
  kW: u32, strideH: u32, strideW: u32, padTop: u32,
  padLeft: u32, tilesX: u32, tilesY: u32, _p0: u32,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<vec4<f32>>;
override WGX: u32 = 8;
override WGY: u32 = 8;
@compute @workgroup_size(WGX, WGY)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let gi = (wid.x + nwg.x * (wid.y + nwg.y * wid.z)) * (WGX * WGY) + li;
  let mb = gi / p.tilesX;
  if (mb >= p.tilesY) { return; }
  let M = p.batch * p.inH * p.inW;
  let C4 = p.inC / 4u;
  let m0 = mb * 8u;
  let ca = (gi % p.tilesX) * 2u; // first vec4 of input channels
  let cb = min(ca + 1u, C4 - 1u); // second (clamped; stored only if < C4)
  let last = M - 1u;
  let msA = vec4<u32>(m0, min(m0 + 1u, last), min(m0 + 2u, last), min(m0 + 3u, last));
  let msB = vec4<u32>(min(m0 + 4u, last), min(m0 + 5u, last), min(m0 + 6u, last), min(m0 + 7u, last));
  let hw = vec4<u32>(p.inH * p.inW);
  let iW = vec4<u32>(p.inW);
  let rA = msA % hw;
  let rB = msB % hw;
  let nA = vec4<i32>(msA / hw) * i32(p.outH);
  let nB = vec4<i32>(msB / hw) * i32(p.outH);
  let ihA = vec4<i32>(rA / iW) + i32(p.padTop);
  let ihB = vec4<i32>(rB / iW) + i32(p.padTop);
  let iwA = vec4<i32>(rA % iW) + i32(p.padLeft);
  let iwB = vec4<i32>(rB % iW) + i32(p.padLeft);
  let sH = vec4<i32>(i32(p.strideH));
  let sW = vec4<i32>(i32(p.strideW));
  let oH = vec4<i32>(i32(p.outH));
  let oW = vec4<i32>(i32(p.outW));
  let zero = vec4<i32>(0);
  let outC = p.outC;
  var a0 = vec4<f32>(0.0); var b0 = vec4<f32>(0.0);
  var a1 = vec4<f32>(0.0); var b1 = vec4<f32>(0.0);
  var a2 = vec4<f32>(0.0); var b2 = vec4<f32>(0.0);
  var a3 = vec4<f32>(0.0); var b3 = vec4<f32>(0.0);
  var a4 = vec4<f32>(0.0); var b4 = vec4<f32>(0.0);
  var a5 = vec4<f32>(0.0); var b5 = vec4<f32>(0.0);
  var a6 = vec4<f32>(0.0); var b6 = vec4<f32>(0.0);
  var a7 = vec4<f32>(0.0); var b7 = vec4<f32>(0.0);
  for (var kh = 0u; kh < p.kH; kh++) {
    let nhA = ihA - i32(kh);
    let nhB = ihB - i32(kh);
    let ohA = nhA / sH;
    let ohB = nhB / sH;
    let vhA = (nhA >= zero) & (nhA % sH == zero) & (ohA < oH);
    let vhB = (nhB >= zero) & (nhB % sH == zero) & (ohB < oH);
    for (var kw = 0u; kw < p.kW; kw++) {
      let nwA = iwA - i32(kw);
      let nwB = iwB - i32(kw);
      let owA = nwA / sW;
      let owB = nwB / sW;
      let vA = vhA & (nwA >= zero) & (nwA % sW == zero) & (owA < oW);
      let vB = vhB & (nwB >= zero) & (nwB % sW == zero) & (owB < oW);
      if (!any(vA) && !any(vB)) { continue; }
      let oA = vec4<u32>(select(zero, ((nA + ohA) * i32(p.outW) + owA) * i32(outC), vA));
      let oB = vec4<u32>(select(zero, ((nB + ohB) * i32(p.outW) + owB) * i32(outC), vB));
      let mA = select(vec4<f32>(0.0), vec4<f32>(1.0), vA);
      let mB = select(vec4<f32>(0.0), vec4<f32>(1.0), vB);
      // W[kh, kw, ic, oc] for the 8 channels ic = 4*ca .. 4*ca+3, 4*cb .. 4*cb+3.
      let wk = (kh * p.kW + kw) * p.inC;
      let wa = (wk + 4u * ca) * outC;
      let wb = (wk + 4u * cb) * outC;
      for (var oc = 0u; oc < outC; oc++) {
        let dA = vec4<f32>(dy[oA.x + oc], dy[oA.y + oc], dy[oA.z + oc], dy[oA.w + oc]) * mA;
        let dB = vec4<f32>(dy[oB.x + oc], dy[oB.y + oc], dy[oB.z + oc], dy[oB.w + oc]) * mB;
        let va = vec4<f32>(w[wa + oc], w[wa + outC + oc], w[wa + 2u * outC + oc], w[wa + 3u * outC + oc]);
        let vb = vec4<f32>(w[wb + oc], w[wb + outC + oc], w[wb + 2u * outC + oc], w[wb + 3u * outC + oc]);
        a0 += dA.x * va; b0 += dA.x * vb;
        a1 += dA.y * va; b1 += dA.y * vb;
        a2 += dA.z * va; b2 += dA.z * vb;
        a3 += dA.w * va; b3 += dA.w * vb;
        a4 += dB.x * va; b4 += dB.x * vb;
        a5 += dB.y * va; b5 += dB.y * vb;
        a6 += dB.z * va; b6 += dB.z * vb;
        a7 += dB.w * va; b7 += dB.w * vb;
      }
    }
  }
  let two = ca + 1u < C4;
  store(m0, M, C4, ca, two, a0, b0);
  store(m0 + 1u, M, C4, ca, two, a1, b1);
  store(m0 + 2u, M, C4, ca, two, a2, b2);
  store(m0 + 3u, M, C4, ca, two, a3, b3);
  store(m0 + 4u, M, C4, ca, two, a4, b4);
  store(m0 + 5u, M, C4, ca, two, a5, b5);
  store(m0 + 6u, M, C4, ca, two, a6, b6);
  store(m0 + 7u, M, C4, ca, two, a7, b7);
}
fn store(m: u32, M: u32, C4: u32, ca: u32, two: bool, va: vec4<f32>, vb: vec4<f32>) {
  if (m >= M) { return; }
  let o = m * C4 + ca;
  dx[o] = va;
  if (two) { dx[o + 1u] = vb; }
}
