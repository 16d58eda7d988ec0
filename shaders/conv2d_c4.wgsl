// conv2d forward, vec4 variant for inC a multiple of 4 (the CNN's conv2 and conv3): the 8 pixels
// x 8 channels blocks of conv2d_vec4.wgsl, but x is read 4 input channels at a time, one vec4
// per pixel, and the 4 x 4 block of (pixel, channel) values transposed in registers into the 4
// channel rows mac8 takes. Per 4 input channels: 8 vec4 x + 8 vec4 w loads for 256 multiply-adds,
// where conv2d_vec4 (any inC) makes 32 scalar x gathers + 8 vec4 w loads. Bias and ReLU
// (NaN-preserving) are fused into the store. A pixel outside the padded window reads a zero
// vector (select, not a multiply by 0, so an Infinity elsewhere in x cannot make a NaN here).
#include "include/conv-windows.wgsl"
#include "include/blocks.wgsl"
#include "include/block8.wgsl"
#include "include/conv-store-y8.wgsl"
#include "include/conv-channels4.wgsl"
#storage(1) read x: vec4<f32>, read w: vec4<f32>, read bias: vec4<f32>, read_write y: vec4<f32>
fn outputExtent() -> vec2<u32> { return vec2<u32>(p.batch * p.outH * p.outW, p.outC); }
fn computeBlock(m0: u32, c0: u32, layer: u32) {
  let lanes = lanes8(m0, c0);
  let a = windows4(lanes.rowsA);
  let b = windows4(lanes.rowsB);
  let C4 = p.outC / 4u;
  let inC4 = p.inC / 4u;
  var acc: Block8;
  for (var kh = 0u; kh < p.kH; kh++) {
    let vhA = rowsInside(a, kh);
    let vhB = rowsInside(b, kh);
    for (var kw = 0u; kw < p.kW; kw++) {
      let vA = vhA & colsInside(a, kw);
      let vB = vhB & colsInside(b, kw);
      // vec4 indices of (pixel, tap, channel 0): inC % 4 == 0 keeps them whole.
      let oA = tapOffsets(a, kh, kw, vA) / 4u;
      let oB = tapOffsets(b, kh, kw, vB) / 4u;
      var wr = (kh * p.kW + kw) * p.inC * C4; // vec4 index of W[kh, kw, 0, 0]
      for (var i4 = 0u; i4 < inC4; i4++) {
        let tA = channels4(oA + i4, vA);
        let tB = channels4(oB + i4, vB);
        mac8(&acc, tA[0], tB[0], w[wr + lanes.ca], w[wr + lanes.cb]);
        wr += C4;
        mac8(&acc, tA[1], tB[1], w[wr + lanes.ca], w[wr + lanes.cb]);
        wr += C4;
        mac8(&acc, tA[2], tB[2], w[wr + lanes.ca], w[wr + lanes.cb]);
        wr += C4;
        mac8(&acc, tA[3], tB[3], w[wr + lanes.ca], w[wr + lanes.cb]);
        wr += C4;
      }
    }
  }
  if ((p.flags & 1u) != 0u) { addCols8(&acc, bias[lanes.ca], bias[lanes.cb]); }
  storeBlock8(acc, m0, c0, layer);
}
