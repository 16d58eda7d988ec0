// conv2dBackpropInput, conv2d_backprop_input_c4.wgsl's kernel with 8 input pixels x 32 input
// channels an invocation (include/block8x32.wgsl) instead of 8 x 8: per 4 output channels, 8 vec4
// dy + 32 vec4 w loads feed 1,024 multiply-adds. Taken where inC % 32 == 0 and Tiling.wideBlocks
// (SwiftShader: conv2's input gradient 1.16x the 8 x 8 kernel, bench/kernels-conv.ts, batch
// 256, 2026-12-05). Same sums in the same order as the 8 x 8 kernel, so the same bits.
#include "include/conv-transposed.wgsl"
#include "include/conv-grouped-rows.wgsl"
#include "include/blocks.wgsl"
#include "include/block8x32.wgsl"
#include "include/conv2d-input-c4-io.wgsl"
#storage(1) read dy: vec4<f32>, read w: vec4<f32>, read_write dx: vec4<f32>
fn outputExtent() -> vec2<u32> { return vec2<u32>(p.batch * p.inH * p.inW, p.inC); }
fn computeBlock(m0: u32, c0: u32, layer: u32) {
  let lanes = lanes8x32(m0, c0);
  let a = sources4(groupedPixels4(lanes.rowsA));
  let b = sources4(groupedPixels4(lanes.rowsB));
  let outC4 = p.outC / 4u;
  var acc: Block8x32;
  for (var kh = 0u; kh < p.kH; kh++) {
    let hA = stridedTaps(a.ih - i32(kh), p.strideH, p.outH);
    let hB = stridedTaps(b.ih - i32(kh), p.strideH, p.outH);
    for (var kw = 0u; kw < p.kW; kw++) {
      let wA = stridedTaps(a.iw - i32(kw), p.strideW, p.outW);
      let wB = stridedTaps(b.iw - i32(kw), p.strideW, p.outW);
      let vA = hA.valid & wA.valid;
      let vB = hB.valid & wB.valid;
      if (!any(vA) && !any(vB)) { continue; }
      // vec4 indices of dy[n, oh, ow, 0] (outC % 4 == 0 keeps them whole).
      let oA = dyOffsets(a, hA, wA, vA) / 4u;
      let oB = dyOffsets(b, hB, wB, vB) / 4u;
      // W[kh, kw, ic, 0] for the 32 channels ic = 4*lo.x .. 4*hi.w+3, 4 at a time, as vec4 indices.
      let wk = (kh * p.kW + kw) * p.inC;
      let w0r = (wk + 4u * lanes.lo.x) * outC4;
      let w1r = (wk + 4u * lanes.lo.y) * outC4;
      let w2r = (wk + 4u * lanes.lo.z) * outC4;
      let w3r = (wk + 4u * lanes.lo.w) * outC4;
      let w4r = (wk + 4u * lanes.hi.x) * outC4;
      let w5r = (wk + 4u * lanes.hi.y) * outC4;
      let w6r = (wk + 4u * lanes.hi.z) * outC4;
      let w7r = (wk + 4u * lanes.hi.w) * outC4;
      for (var o4 = 0u; o4 < outC4; o4++) {
        let dA = gradients4(oA + o4, vA);
        let dB = gradients4(oB + o4, vB);
        let w0 = weights4(w0r + o4, outC4);
        let w1 = weights4(w1r + o4, outC4);
        let w2 = weights4(w2r + o4, outC4);
        let w3 = weights4(w3r + o4, outC4);
        let w4 = weights4(w4r + o4, outC4);
        let w5 = weights4(w5r + o4, outC4);
        let w6 = weights4(w6r + o4, outC4);
        let w7 = weights4(w7r + o4, outC4);
        mac8x32(&acc, dA[0], dB[0], Cols32(w0[0], w1[0], w2[0], w3[0], w4[0], w5[0], w6[0], w7[0]));
        mac8x32(&acc, dA[1], dB[1], Cols32(w0[1], w1[1], w2[1], w3[1], w4[1], w5[1], w6[1], w7[1]));
        mac8x32(&acc, dA[2], dB[2], Cols32(w0[2], w1[2], w2[2], w3[2], w4[2], w5[2], w6[2], w7[2]));
        mac8x32(&acc, dA[3], dB[3], Cols32(w0[3], w1[3], w2[3], w3[3], w4[3], w5[3], w6[3], w7[3]));
      }
    }
  }
  storeBlock8x32(acc, m0, c0, layer);
}
