// conv2d forward, vec4 variant for inC a multiple of 4 (the CNN's conv2 and conv3): the 8 pixels
// x 8 channels blocks of conv2d_vec4.wgsl, but x is read 4 input channels at a time, one vec4
// per pixel, and the 4 x 4 block of (pixel, channel) values transposed in registers into the 4
// channel rows mac8 takes. Per 4 input channels: 8 vec4 x + 8 vec4 w loads for 256 multiply-adds,
// where conv2d_vec4 (any inC) makes 32 scalar x gathers + 8 vec4 w loads. Bias and ReLU
// (NaN-preserving) are fused into the store. A pixel outside the padded window reads a zero
// vector (select, not a multiply by 0, so an Infinity elsewhere in x cannot make a NaN here).
#include "include/conv-pixels.wgsl"
#include "include/blocks.wgsl"
#include "include/block8.wgsl"
#include "include/relu.wgsl"
#storage(1) read x: vec4<f32>, read w: vec4<f32>, read bias: vec4<f32>, read_write y: vec4<f32>
fn outputExtent() -> vec2<u32> { return vec2<u32>(p.batch * p.outH * p.outW, p.outC); }
// The 4 channels at vec4 index o of x for the four pixels of a row group (zeros where not valid),
// transposed: column c holds channel c of the four pixels.
fn channels4(o: vec4<u32>, valid: vec4<bool>) -> mat4x4<f32> {
  let z = vec4<f32>(0.0);
  return transpose(mat4x4<f32>(select(z, x[o.x], valid.x), select(z, x[o.y], valid.y), select(z, x[o.z], valid.z), select(z, x[o.w], valid.w)));
}
fn computeBlock(m0: u32, c0: u32, layer: u32) {
  let lanes = lanes8(m0, c0);
  let pA = pixels4(lanes.rowsA, p.outH, p.outW);
  let pB = pixels4(lanes.rowsB, p.outH, p.outW);
  let ihA = vec4<i32>(pA.h * p.strideH) - i32(p.padTop);
  let ihB = vec4<i32>(pB.h * p.strideH) - i32(p.padTop);
  let iwA = vec4<i32>(pA.w * p.strideW) - i32(p.padLeft);
  let iwB = vec4<i32>(pB.w * p.strideW) - i32(p.padLeft);
  let inC = i32(p.inC);
  // Offset of (n, ih0, iw0, 0) in x; may be negative when padded, used only when valid.
  let xbA = ((vec4<i32>(pA.n) * i32(p.inH) + ihA) * i32(p.inW) + iwA) * inC;
  let xbB = ((vec4<i32>(pB.n) * i32(p.inH) + ihB) * i32(p.inW) + iwB) * inC;
  let C4 = p.outC / 4u;
  let inC4 = p.inC / 4u;
  let inH = vec4<i32>(i32(p.inH));
  let inW = vec4<i32>(i32(p.inW));
  let zero = vec4<i32>(0);
  var acc: Block8;
  for (var kh = 0u; kh < p.kH; kh++) {
    let vhA = (ihA + i32(kh) >= zero) & (ihA + i32(kh) < inH);
    let vhB = (ihB + i32(kh) >= zero) & (ihB + i32(kh) < inH);
    for (var kw = 0u; kw < p.kW; kw++) {
      let vA = vhA & (iwA + i32(kw) >= zero) & (iwA + i32(kw) < inW);
      let vB = vhB & (iwB + i32(kw) >= zero) & (iwB + i32(kw) < inW);
      let tap = (i32(kh) * i32(p.inW) + i32(kw)) * inC;
      // vec4 indices of (pixel, tap, channel 0): inC % 4 == 0 keeps them whole.
      let oA = vec4<u32>(select(zero, xbA + tap, vA)) / 4u;
      let oB = vec4<u32>(select(zero, xbB + tap, vB)) / 4u;
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
fn storeRow(m: u32, c0: u32, layer: u32, va: vec4<f32>, vb: vec4<f32>) {
  let relu = (p.flags & 2u) != 0u;
  let o = (m * p.outC + c0) / 4u;
  y[o] = select(va, relu4(va), relu);
  if (c0 + 4u < p.outC) { y[o + 1u] = select(vb, relu4(vb), relu); }
}
