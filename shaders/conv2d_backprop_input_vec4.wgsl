// conv2dBackpropInput, vec4 variant (inC a multiple of 4): the transposed convolution of
// conv2d_backprop_input.wgsl with each invocation computing a block of 8 input pixels x 8 input
// channels (include/block8.wgsl) in registers (per output channel: 8 dy + 8 w loads for 64
// multiply-adds; the 4x4 kernel does 8 loads for 16). The stride/padding test is done once per
// (kh, kw); a tap that no pixel of the block reaches is skipped.
#include "include/conv.wgsl"
#include "include/blocks.wgsl"
#include "include/block8.wgsl"
#storage(1) read dy: f32, read w: f32, read_write dx: vec4<f32>
fn outputExtent() -> vec2<u32> { return vec2<u32>(p.batch * p.inH * p.inW, p.inC); }
fn computeBlock(m0: u32, c0: u32, layer: u32) {
  let lanes = lanes8(m0, c0);
  let msA = lanes.rowsA;
  let msB = lanes.rowsB;
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
  var acc: Block8;
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
      let wa = (wk + 4u * lanes.ca) * outC;
      let wb = (wk + 4u * lanes.cb) * outC;
      for (var oc = 0u; oc < outC; oc++) {
        let dA = vec4<f32>(dy[oA.x + oc], dy[oA.y + oc], dy[oA.z + oc], dy[oA.w + oc]) * mA;
        let dB = vec4<f32>(dy[oB.x + oc], dy[oB.y + oc], dy[oB.z + oc], dy[oB.w + oc]) * mB;
        let va = vec4<f32>(w[wa + oc], w[wa + outC + oc], w[wa + 2u * outC + oc], w[wa + 3u * outC + oc]);
        let vb = vec4<f32>(w[wb + oc], w[wb + outC + oc], w[wb + 2u * outC + oc], w[wb + 3u * outC + oc]);
        mac8(&acc, dA, dB, va, vb);
      }
    }
  }
  storeBlock8(acc, m0, c0, layer);
}
fn storeRow(m: u32, c0: u32, layer: u32, va: vec4<f32>, vb: vec4<f32>) {
  let o = (m * p.inC + c0) / 4u;
  dx[o] = va;
  if (c0 + 4u < p.inC) { dx[o + 1u] = vb; }
}
