// The body of the 16 x 16 channel-vec4 forward kernels (conv2d_c4_16x16.wgsl, and
// conv2d_c4_16x16_inside.wgsl for windows inside the input): the kernel file includes the
// window functions first (include/conv-windows.wgsl or include/conv-windows-inside.wgsl).
#include "include/blocks.wgsl"
#include "include/block16x16.wgsl"
#include "include/conv-store-y8.wgsl"
#include "include/conv-channels4.wgsl"
#storage(1) read x: vec4<f32>, read w: vec4<f32>, read bias: vec4<f32>, read_write y: vec4<f32>
fn outputExtent() -> vec2<u32> { return vec2<u32>(p.batch * p.outH * p.outW, p.outC); }
// Filter row `row` (the vec4 index of W[kh, kw, ic, 0]) times the four pixel groups' channel ic.
fn macTap(acc: ptr<function, Block16>, row: u32, l: Lanes16, a: vec4<f32>, b: vec4<f32>, c: vec4<f32>, d: vec4<f32>) {
  mac16(acc, a, b, c, d, w[row + l.cols.x], w[row + l.cols.y], w[row + l.cols.z], w[row + l.cols.w]);
}
fn computeBlock(m0: u32, c0: u32, layer: u32) {
  let lanes = lanes16(m0, c0);
  let a = windows4(lanes.r0);
  let b = windows4(lanes.r1);
  let c = windows4(lanes.r2);
  let d = windows4(lanes.r3);
  let C4 = p.outC / 4u;
  let inC4 = p.inC / 4u;
  var acc: Block16;
  for (var kh = 0u; kh < p.kH; kh++) {
    let vhA = rowsInside(a, kh);
    let vhB = rowsInside(b, kh);
    let vhC = rowsInside(c, kh);
    let vhD = rowsInside(d, kh);
    for (var kw = 0u; kw < p.kW; kw++) {
      let vA = vhA & colsInside(a, kw);
      let vB = vhB & colsInside(b, kw);
      let vC = vhC & colsInside(c, kw);
      let vD = vhD & colsInside(d, kw);
      // vec4 indices of (pixel, tap, channel 0): inC % 4 == 0 keeps them whole.
      let oA = tapOffsets(a, kh, kw, vA) / 4u;
      let oB = tapOffsets(b, kh, kw, vB) / 4u;
      let oC = tapOffsets(c, kh, kw, vC) / 4u;
      let oD = tapOffsets(d, kh, kw, vD) / 4u;
      var wr = (kh * p.kW + kw) * p.inC * C4; // vec4 index of W[kh, kw, 0, 0]
      for (var i4 = 0u; i4 < inC4; i4++) {
        let tA = channels4(oA + i4, vA);
        let tB = channels4(oB + i4, vB);
        let tC = channels4(oC + i4, vC);
        let tD = channels4(oD + i4, vD);
        macTap(&acc, wr, lanes, tA[0], tB[0], tC[0], tD[0]);
        wr += C4;
        macTap(&acc, wr, lanes, tA[1], tB[1], tC[1], tD[1]);
        wr += C4;
        macTap(&acc, wr, lanes, tA[2], tB[2], tC[2], tD[2]);
        wr += C4;
        macTap(&acc, wr, lanes, tA[3], tB[3], tC[3], tD[3]);
        wr += C4;
      }
    }
  }
  if ((p.flags & 1u) != 0u) { addCols16(&acc, bias[lanes.cols.x], bias[lanes.cols.y], bias[lanes.cols.z], bias[lanes.cols.w]); }
  storeBlock16(acc, m0, c0, layer);
}
