// conv2dBackpropFilter, conv2d_backprop_filter_c8.wgsl's kernel with 8 rows (one tap's 8
// channels) x 32 output channels an invocation (include/block8x32.wgsl) instead of 8 x 8: per
// output pixel, 2 vec4 x + 8 vec4 dy loads feed 256 multiply-adds. Taken where outC % 32 == 0
// and Tiling.wideBlocks (SwiftShader: conv2's and conv3's filter gradients 1.21x and 1.22x the
// 8 x 8 kernel, bench/kernels-conv.ts, batch 256, 2026-12-05; on lavapipe 0.65-0.70x). The
// launch splits P into the 8 x 8 kernel's chunks (kernels/conv2d.ts), so the same sums, the same bits.
// The pixel loop takes 4 pixels an iteration: SwiftShader pays per loop iteration about as much
// as for 256 multiply-adds (conv2's and conv3's filter gradients 1.31x and 1.24x the loop of one
// pixel, 8 an iteration no faster, bench/kernels-conv.ts --exp, 2026-12-05). The sums keep
// their order. The 8 x 8 kernel keeps one pixel an iteration: unrolled, it ran 0.48x on lavapipe.
#include "include/conv-chunk-walk.wgsl"
#include "include/blocks.wgsl"
#include "include/conv-store-partial8.wgsl"
#include "include/block8x32.wgsl"
#include "include/conv2d-filter-c8-taps.wgsl"
#storage(1) read x: vec4<f32>, read dy: vec4<f32>, read_write partial: vec4<f32>
fn outputExtent() -> vec2<u32> { return vec2<u32>(p.kH * p.kW * p.inC, p.outC); }
// dy at output pixel q, the block's 32 output channels.
fn gradients32(q: u32, l: Lanes8x32) -> Cols32 {
  let d = q * (p.outC / 4u);
  return Cols32(dy[d + l.lo.x], dy[d + l.lo.y], dy[d + l.lo.z], dy[d + l.lo.w], dy[d + l.hi.x], dy[d + l.hi.y], dy[d + l.hi.z], dy[d + l.hi.w]);
}
fn computeBlock(k0: u32, c0: u32, chunk: u32) {
  let lanes = lanes8x32(k0, c0);
  let tap = tap8(k0);
  let range = reductionRange(chunk);
  var at = outputPixel(range.x); // (ow, oh, n), walked incrementally
  var acc: Block8x32;
  var q = range.x;
  for (; q + 4u <= range.y; q += 4u) {
    let x0 = channels8(tap, at);
    at = nextPixel(at);
    let x1 = channels8(tap, at);
    at = nextPixel(at);
    let x2 = channels8(tap, at);
    at = nextPixel(at);
    let x3 = channels8(tap, at);
    at = nextPixel(at);
    mac8x32(&acc, x0.a, x0.b, gradients32(q, lanes));
    mac8x32(&acc, x1.a, x1.b, gradients32(q + 1u, lanes));
    mac8x32(&acc, x2.a, x2.b, gradients32(q + 2u, lanes));
    mac8x32(&acc, x3.a, x3.b, gradients32(q + 3u, lanes));
  }
  for (; q < range.y; q++) { // the chunk's last pixels, fewer than 4
    let xs = channels8(tap, at);
    mac8x32(&acc, xs.a, xs.b, gradients32(q, lanes));
    at = nextPixel(at);
  }
  storeBlock8x32(acc, k0, c0, chunk);
}
