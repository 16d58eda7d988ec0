// conv2dBackpropFilter, conv2d_backprop_filter_c8.wgsl's kernel with 8 rows (one tap's 8
// channels) x 32 output channels an invocation (include/block8x32.wgsl) instead of 8 x 8: per
// output pixel, 2 vec4 x + 8 vec4 dy loads feed 256 multiply-adds. Taken where outC % 32 == 0
// and Tiling.wideBlocks (SwiftShader: conv2's and conv3's filter gradients 1.21x and 1.22x the
// 8 x 8 kernel, bench/kernels-conv.ts, batch 256, 2026-12-05; on lavapipe 0.65-0.70x). The
// launch splits P into the 8 x 8 kernel's chunks (kernels/conv2d.ts), so the same sums, the same bits.
#include "include/conv-chunk-walk.wgsl"
#include "include/blocks.wgsl"
#include "include/conv-store-partial8.wgsl"
#include "include/block8x32.wgsl"
#include "include/conv2d-filter-c8-taps.wgsl"
#storage(1) read x: vec4<f32>, read dy: vec4<f32>, read_write partial: vec4<f32>
fn outputExtent() -> vec2<u32> { return vec2<u32>(p.kH * p.kW * p.inC, p.outC); }
fn computeBlock(k0: u32, c0: u32, chunk: u32) {
  let lanes = lanes8x32(k0, c0);
  let C4 = p.outC / 4u;
  let tap = tap8(k0);
  let range = reductionRange(chunk);
  var at = outputPixel(range.x); // (ow, oh, n), walked incrementally
  var acc: Block8x32;
  for (var q = range.x; q < range.y; q++) {
    let xs = channels8(tap, at);
    let d = q * C4;
    mac8x32(&acc, xs.a, xs.b, Cols32(dy[d + lanes.lo.x], dy[d + lanes.lo.y], dy[d + lanes.lo.z], dy[d + lanes.lo.w], dy[d + lanes.hi.x], dy[d + lanes.hi.y], dy[d + lanes.hi.z], dy[d + lanes.hi.w]));
    at = nextPixel(at);
  }
  storeBlock8x32(acc, k0, c0, chunk);
}
