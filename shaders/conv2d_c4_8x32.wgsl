// conv2d forward, conv2d_c4.wgsl's kernel with 8 pixels x 32 output channels an invocation
// (include/block8x32.wgsl) instead of 8 x 8: per 4 input channels, 8 vec4 x + 32 vec4 w loads
// feed 1,024 multiply-adds. Taken where outC % 32 == 0 and Tiling.wideBlocks (SwiftShader:
// conv2's and conv3's forward pass 1.31x and 1.35x the 8 x 8 kernel, bench/kernels-conv.ts,
// batch 256, 2026-12-05). Same sums in the same order as conv2d_c4, so the same bits.
#include "include/conv-windows.wgsl"
#include "include/blocks.wgsl"
#include "include/block8x32.wgsl"
#include "include/conv-store-y8.wgsl"
#include "include/conv-channels4.wgsl"
#storage(1) read x: vec4<f32>, read w: vec4<f32>, read bias: vec4<f32>, read_write y: vec4<f32>
fn outputExtent() -> vec2<u32> { return vec2<u32>(p.batch * p.outH * p.outW, p.outC); }
// Filter row `row` (the vec4 index of W[kh, kw, ic, 0]) at the block's 32 output channels.
fn weights32(row: u32, l: Lanes8x32) -> Cols32 {
  return Cols32(w[row + l.lo.x], w[row + l.lo.y], w[row + l.lo.z], w[row + l.lo.w], w[row + l.hi.x], w[row + l.hi.y], w[row + l.hi.z], w[row + l.hi.w]);
}
fn bias32(l: Lanes8x32) -> Cols32 {
  return Cols32(bias[l.lo.x], bias[l.lo.y], bias[l.lo.z], bias[l.lo.w], bias[l.hi.x], bias[l.hi.y], bias[l.hi.z], bias[l.hi.w]);
}
fn computeBlock(m0: u32, c0: u32, layer: u32) {
  let lanes = lanes8x32(m0, c0);
  let a = windows4(lanes.rowsA);
  let b = windows4(lanes.rowsB);
  let C4 = p.outC / 4u;
  let inC4 = p.inC / 4u;
  var acc: Block8x32;
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
        mac8x32(&acc, tA[0], tB[0], weights32(wr, lanes));
        wr += C4;
        mac8x32(&acc, tA[1], tB[1], weights32(wr, lanes));
        wr += C4;
        mac8x32(&acc, tA[2], tB[2], weights32(wr, lanes));
        wr += C4;
        mac8x32(&acc, tA[3], tB[3], weights32(wr, lanes));
        wr += C4;
      }
    }
  }
  if ((p.flags & 1u) != 0u) { addCols8x32(&acc, bias32(lanes)); }
  storeBlock8x32(acc, m0, c0, layer);
}
