// conv2dBackpropInput, vec4 variant for inC and outC multiples of 4 (the CNN's conv2 and
// conv3): the 8 input pixels x 8 input channels blocks of conv2d_backprop_input_vec4.wgsl, but
// dy and w are read 4 output channels at a time as vec4 and transposed in registers into the
// rows and columns mac8 takes. Per 4 output channels: 8 vec4 dy + 8 vec4 w loads for 256
// multiply-adds, where the _vec4 kernel makes 32 scalar dy + 32 scalar w gathers. A tap that
// no pixel of the block reaches is skipped; an unreached pixel reads a zero vector (select). Rows
// in groupedPixels4 order (include/conv-grouped-rows.wgsl): a block is one pixel of 8 images.
#include "include/conv-transposed.wgsl"
#include "include/conv-grouped-rows.wgsl"
#include "include/blocks.wgsl"
#include "include/block8.wgsl"
#include "include/conv2d-input-c4-io.wgsl"
#storage(1) read dy: vec4<f32>, read w: vec4<f32>, read_write dx: vec4<f32>
fn outputExtent() -> vec2<u32> { return vec2<u32>(p.batch * p.inH * p.inW, p.inC); }
fn computeBlock(m0: u32, c0: u32, layer: u32) {
  let lanes = lanes8(m0, c0);
  let a = sources4(groupedPixels4(lanes.rowsA));
  let b = sources4(groupedPixels4(lanes.rowsB));
  let outC4 = p.outC / 4u;
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
      // vec4 indices of dy[n, oh, ow, 0] (outC % 4 == 0 keeps them whole).
      let oA = dyOffsets(a, hA, wA, vA) / 4u;
      let oB = dyOffsets(b, hB, wB, vB) / 4u;
      // W[kh, kw, ic, 0] for the 8 channels ic = 4*ca .. 4*ca+3, 4*cb .. 4*cb+3, as vec4 indices.
      let wk = (kh * p.kW + kw) * p.inC;
      let wa = (wk + 4u * lanes.ca) * outC4;
      let wb = (wk + 4u * lanes.cb) * outC4;
      for (var o4 = 0u; o4 < outC4; o4++) {
        let dA = gradients4(oA + o4, vA);
        let dB = gradients4(oB + o4, vB);
        let wA4 = weights4(wa + o4, outC4);
        let wB4 = weights4(wb + o4, outC4);
        mac8(&acc, dA[0], dB[0], wA4[0], wB4[0]);
        mac8(&acc, dA[1], dB[1], wA4[1], wB4[1]);
        mac8(&acc, dA[2], dB[2], wA4[2], wB4[2]);
        mac8(&acc, dA[3], dB[3], wA4[3], wB4[3]);
      }
    }
  }
  storeBlock8(acc, m0, c0, layer);
}
