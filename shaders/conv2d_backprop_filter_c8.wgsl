// conv2dBackpropFilter, vec4 variant for inC a multiple of 8 (the CNN's conv2 and conv3): the
// GEMM of conv2d_backprop_filter_vec4.wgsl (dW[K = kH*kW*inC, outC] = patches(X)ᵀ · dY over a
// chunk of the output pixels, an 8 x 8 block per invocation), but the block's 8 rows k are then
// 8 consecutive channels of one filter tap: at every pixel they are 8 consecutive floats of x,
// read as two vec4 loads behind one scalar bounds test. The _vec4 kernel, for any inC, reads
// them as 8 scalar gathers behind a vec4 of bounds tests; on SwiftShader, where each storage
// load is a per-lane gather, the loads per multiply-add are what cost.
#include "include/conv-chunk-walk.wgsl"
#include "include/blocks.wgsl"
#include "include/conv-store-partial8.wgsl"
#include "include/block8.wgsl"
#storage(1) read x: vec4<f32>, read dy: vec4<f32>, read_write partial: vec4<f32>
fn outputExtent() -> vec2<u32> { return vec2<u32>(p.kH * p.kW * p.inC, p.outC); }
fn computeBlock(k0: u32, c0: u32, chunk: u32) {
  let lanes = lanes8(k0, c0);
  let C4 = p.outC / 4u;
  // Rows k0..k0+7 = (tap, channels ic0..ic0+7): the tap's offset (dh, dw) from the window origin.
  let tap = k0 / p.inC;
  let dh = i32(tap / p.kW) - i32(p.padTop);
  let dw = i32(tap % p.kW) - i32(p.padLeft);
  let ic4 = (k0 % p.inC) / 4u;
  let inC4 = i32(p.inC / 4u);
  let inH = i32(p.inH);
  let inW = i32(p.inW);
  let range = reductionRange(chunk);
  var at = outputPixel(range.x); // (ow, oh, n), walked incrementally
  var acc: Block8;
  for (var q = range.x; q < range.y; q++) {
    let h = i32(at.y * p.strideH) + dh;
    let w = i32(at.x * p.strideW) + dw;
    // `&`, not `&&`: no short-circuit branch (SwiftShader runs both sides of a branch).
    let valid = (h >= 0) & (h < inH) & (w >= 0) & (w < inW);
    let o = select(0u, u32(((i32(at.z) * inH + h) * inW + w) * inC4) + ic4, valid);
    let xA = select(vec4<f32>(0.0), x[o], valid);
    let xB = select(vec4<f32>(0.0), x[o + 1u], valid);
    mac8(&acc, xA, xB, dy[q * C4 + lanes.ca], dy[q * C4 + lanes.cb]);
    at = nextPixel(at);
  }
  storeBlock8(acc, k0, c0, chunk);
}
