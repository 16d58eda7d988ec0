// conv2dBackpropInput, conv2d_backprop_input_c4.wgsl's kernel with 16 input pixels x 16 input
// channels an invocation (include/block16x16.wgsl) instead of 8 x 8: per 4 output channels, 16
// vec4 dy + 16 vec4 w loads feed 1,024 multiply-adds. Its rows come 16 images at a pixel
// (groupedPixels4 groups a block's rows), so a tap is still valid for all of a block or for none.
// Taken where inC % 16 == 0 and Tiling.wideBlocks (SwiftShader: conv2's and conv3's input
// gradients 1.19x and 1.33x the 8 x 32 kernel it replaced; bench/kernels-conv.ts, batch 256,
// 2026-12-05). Same sums in the same order as the 8 x 8 kernel, so the same bits.
#include "include/conv-transposed.wgsl"
#include "include/conv-grouped-rows.wgsl"
#include "include/blocks.wgsl"
#include "include/block16x16.wgsl"
#include "include/conv2d-input-c4-io.wgsl"
#storage(1) read dy: vec4<f32>, read w: vec4<f32>, read_write dx: vec4<f32>
fn outputExtent() -> vec2<u32> { return vec2<u32>(p.batch * p.inH * p.inW, p.inC); }
fn computeBlock(m0: u32, c0: u32, layer: u32) {
  let lanes = lanes16(m0, c0);
  let a = sources4(groupedPixels4(lanes.r0));
  let b = sources4(groupedPixels4(lanes.r1));
  let c = sources4(groupedPixels4(lanes.r2));
  let d = sources4(groupedPixels4(lanes.r3));
  let outC4 = p.outC / 4u;
  var acc: Block16;
  for (var kh = 0u; kh < p.kH; kh++) {
    let hA = stridedTaps(a.ih - i32(kh), p.strideH, p.outH);
    let hB = stridedTaps(b.ih - i32(kh), p.strideH, p.outH);
    let hC = stridedTaps(c.ih - i32(kh), p.strideH, p.outH);
    let hD = stridedTaps(d.ih - i32(kh), p.strideH, p.outH);
    for (var kw = 0u; kw < p.kW; kw++) {
      let wA = stridedTaps(a.iw - i32(kw), p.strideW, p.outW);
      let wB = stridedTaps(b.iw - i32(kw), p.strideW, p.outW);
      let wC = stridedTaps(c.iw - i32(kw), p.strideW, p.outW);
      let wD = stridedTaps(d.iw - i32(kw), p.strideW, p.outW);
      let vA = hA.valid & wA.valid;
      let vB = hB.valid & wB.valid;
      let vC = hC.valid & wC.valid;
      let vD = hD.valid & wD.valid;
      if (!any(vA | vB | vC | vD)) { continue; }
      // vec4 indices of dy[n, oh, ow, 0] (outC % 4 == 0 keeps them whole).
      let oA = dyOffsets(a, hA, wA, vA) / 4u;
      let oB = dyOffsets(b, hB, wB, vB) / 4u;
      let oC = dyOffsets(c, hC, wC, vC) / 4u;
      let oD = dyOffsets(d, hD, wD, vD) / 4u;
      // W[kh, kw, ic, 0] for the 16 channels ic = 4*cols.x .. 4*cols.w+3, 4 at a time, as vec4 indices.
      let wk = (kh * p.kW + kw) * p.inC;
      let w0r = (wk + 4u * lanes.cols.x) * outC4;
      let w1r = (wk + 4u * lanes.cols.y) * outC4;
      let w2r = (wk + 4u * lanes.cols.z) * outC4;
      let w3r = (wk + 4u * lanes.cols.w) * outC4;
      for (var o4 = 0u; o4 < outC4; o4++) {
        let dA = gradients4(oA + o4, vA);
        let dB = gradients4(oB + o4, vB);
        let dC = gradients4(oC + o4, vC);
        let dD = gradients4(oD + o4, vD);
        let w0 = weights4(w0r + o4, outC4);
        let w1 = weights4(w1r + o4, outC4);
        let w2 = weights4(w2r + o4, outC4);
        let w3 = weights4(w3r + o4, outC4);
        mac16(&acc, dA[0], dB[0], dC[0], dD[0], w0[0], w1[0], w2[0], w3[0]);
        mac16(&acc, dA[1], dB[1], dC[1], dD[1], w0[1], w1[1], w2[1], w3[1]);
        mac16(&acc, dA[2], dB[2], dC[2], dD[2], w0[2], w1[2], w2[2], w3[2]);
        mac16(&acc, dA[3], dB[3], dC[3], dD[3], w0[3], w1[3], w2[3], w3[3]);
      }
    }
  }
  storeBlock16(acc, m0, c0, layer);
}
