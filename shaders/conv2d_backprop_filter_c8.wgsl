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
#include "include/conv2d-filter-tap-channels.wgsl"
#storage(1) read x: vec4<f32>, read dy: vec4<f32>, read_write partial: vec4<f32>
fn outputExtent() -> vec2<u32> { return vec2<u32>(p.kH * p.kW * p.inC, p.outC); }
fn computeBlock(k0: u32, c0: u32, chunk: u32) {
  let lanes = lanes8(k0, c0);
  let C4 = p.outC / 4u;
  let tap = tapChannels(k0);
  let range = reductionRange(chunk);
  var at = outputPixel(range.x); // (ow, oh, n), walked incrementally
  var acc: Block8;
  for (var q = range.x; q < range.y; q++) {
    let xs = channels8(tap, at);
    mac8(&acc, xs.a, xs.b, dy[q * C4 + lanes.ca], dy[q * C4 + lanes.cb]);
    at = nextPixel(at);
  }
  storeBlock8(acc, k0, c0, chunk);
}
