// conv2dBackpropInput, vec4 variant (inC a multiple of 4): the transposed convolution of
// conv2d_backprop_input.wgsl with each invocation computing a block of 8 input pixels x 8 input
// channels (include/block8.wgsl) in registers (per output channel: 8 dy + 8 w loads for 64
// multiply-adds; the 4x4 kernel does 8 loads for 16). The stride/padding test is done once per
// (kh, kw); a tap that no pixel of the block reaches is skipped. Rows in groupedPixels4 order
// (include/conv-grouped-rows.wgsl): a block is one pixel of 8 images, so the skip is exact.
#include "include/conv-transposed.wgsl"
#include "include/conv-grouped-rows.wgsl"
#include "include/blocks.wgsl"
#include "include/block8.wgsl"
#storage(1) read dy: f32, read w: f32, read_write dx: vec4<f32>
fn outputExtent() -> vec2<u32> { return vec2<u32>(p.batch * p.inH * p.inW, p.inC); }
fn computeBlock(m0: u32, c0: u32, layer: u32) {
  let lanes = lanes8(m0, c0);
  let a = sources4(groupedPixels4(lanes.rowsA));
  let b = sources4(groupedPixels4(lanes.rowsB));
  let outC = p.outC;
  var acc: Block8;
  for (var kh = 0u; kh < p.kH; kh++) {
    let hA = stridedTaps(a.ih - i32(kh), p.strideH, p.outH);
    let hB = stridedTaps(b.ih - i32(kh), p.strideH, p.outH);
    for (var kw = 0u; kw < p.kW; kw++) {
      let wA = stridedTaps(a.iw - i32(kw), p.strideW, p.outW);
      let wB = stridedTaps(b.iw - i32(kw), p.strideW, p.outW);
      let vA = hA.valid & wA.valid;
      let vB = hB.valid & wB.valid;
      if (!any(vA) && !any(vB)) { continue; }
      let oA = dyOffsets(a, hA, wA, vA);
      let oB = dyOffsets(b, hB, wB, vB);
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
  let o = (groupedPixels4(vec4<u32>(m)).x * p.inC + c0) / 4u;
  dx[o] = va;
  if (c0 + 4u < p.inC) { dx[o + 1u] = vb; }
}
