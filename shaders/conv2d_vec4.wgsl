// conv2d forward, vec4 variant (outC a multiple of 4): the implicit GEMM of conv2d.wgsl with each
// invocation computing a block of 8 output pixels x 8 output channels (include/block8.wgsl) in
// registers, no workgroup memory. Per input channel it does 8 x + 2 vec4 w loads for 64
// multiply-adds (the 4x4 kernel: 8 loads for 16). Measured on SwiftShader (2 busy cores): 4x8
// blocks gave only 1.2x over 4x4. Index math is hoisted: the 8 pixels' input offsets are
// computed once, the padded window is checked once per (kh, kw), the inner loop over input
// channels only adds 1. Bias and ReLU (NaN-preserving) are fused into the store.
#include "include/conv-windows.wgsl"
#include "include/blocks.wgsl"
#include "include/block8.wgsl"
#include "include/conv-store-y8.wgsl"
#storage(1) read x: f32, read w: vec4<f32>, read bias: vec4<f32>, read_write y: vec4<f32>
fn outputExtent() -> vec2<u32> { return vec2<u32>(p.batch * p.outH * p.outW, p.outC); }
fn computeBlock(m0: u32, c0: u32, layer: u32) {
  let lanes = lanes8(m0, c0);
  let a = windows4(lanes.rowsA);
  let b = windows4(lanes.rowsB);
  let C4 = p.outC / 4u;
  var acc: Block8;
  for (var kh = 0u; kh < p.kH; kh++) {
    let vhA = rowsInside(a, kh);
    let vhB = rowsInside(b, kh);
    for (var kw = 0u; kw < p.kW; kw++) {
      let vA = vhA & colsInside(a, kw);
      let vB = vhB & colsInside(b, kw);
      let oA = tapOffsets(a, kh, kw, vA);
      let oB = tapOffsets(b, kh, kw, vB);
      let mA = select(vec4<f32>(0.0), vec4<f32>(1.0), vA);
      let mB = select(vec4<f32>(0.0), vec4<f32>(1.0), vB);
      var wr = (kh * p.kW + kw) * p.inC * C4; // vec4 index of W[kh, kw, 0, 0]
      for (var ic = 0u; ic < p.inC; ic++) {
        let xA = vec4<f32>(x[oA.x + ic], x[oA.y + ic], x[oA.z + ic], x[oA.w + ic]) * mA;
        let xB = vec4<f32>(x[oB.x + ic], x[oB.y + ic], x[oB.z + ic], x[oB.w + ic]) * mB;
        mac8(&acc, xA, xB, w[wr + lanes.ca], w[wr + lanes.cb]);
        wr += C4;
      }
    }
  }
  if ((p.flags & 1u) != 0u) { addCols8(&acc, bias[lanes.ca], bias[lanes.cb]); }
  storeBlock8(acc, m0, c0, layer);
}
