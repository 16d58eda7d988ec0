// conv2dBackpropFilter, conv2d_backprop_filter_c8.wgsl's kernel with 16 rows (one tap's 16
// channels) x 16 output channels an invocation (include/block16x16.wgsl) instead of 8 x 8: per
// output pixel, 4 vec4 x + 4 vec4 dy loads feed 256 multiply-adds. Taken where inC % 16 == 0,
// outC % 16 == 0 and Tiling.wideBlocks (SwiftShader: conv2's and conv3's filter gradients 1.14x
// and 1.06x the 8 x 32 kernel it replaced; bench/kernels-conv.ts, batch 256, 2026-12-05; on
// lavapipe the 8 x 32 one ran 0.65-0.70x the 8 x 8). The launch splits P into the 8 x 8 kernel's
// chunks (kernels/conv2d.ts), so the same sums, the same bits.
// The pixel loop takes 4 pixels an iteration: SwiftShader pays per loop iteration about as much
// as for 256 multiply-adds (with 8 x 32 blocks, conv2's and conv3's filter gradients ran 1.31x
// and 1.24x the loop of one pixel, 8 an iteration no faster, 2026-12-05). The sums keep their
// order. The 8 x 8 kernel keeps one pixel an iteration: unrolled, it ran 0.48x on lavapipe.
#include "include/conv-chunk-walk.wgsl"
#include "include/blocks.wgsl"
#include "include/conv-store-partial8.wgsl"
#include "include/block16x16.wgsl"
#include "include/conv2d-filter-tap-channels.wgsl"
#storage(1) read x: vec4<f32>, read dy: vec4<f32>, read_write partial: vec4<f32>
fn outputExtent() -> vec2<u32> { return vec2<u32>(p.kH * p.kW * p.inC, p.outC); }
// Output pixel q's x (the tap's 16 channels) times its dy at the block's 16 output channels.
fn macPixel(acc: ptr<function, Block16>, q: u32, xs: Channels16, l: Lanes16) {
  let d = q * (p.outC / 4u);
  mac16(acc, xs.a, xs.b, xs.c, xs.d, dy[d + l.cols.x], dy[d + l.cols.y], dy[d + l.cols.z], dy[d + l.cols.w]);
}
fn computeBlock(k0: u32, c0: u32, chunk: u32) {
  let lanes = lanes16(k0, c0);
  let tap = tapChannels(k0);
  let range = reductionRange(chunk);
  var at = outputPixel(range.x); // (ow, oh, n), walked incrementally
  var acc: Block16;
  var q = range.x;
  for (; q + 4u <= range.y; q += 4u) {
    let x0 = channels16(tap, at);
    at = nextPixel(at);
    let x1 = channels16(tap, at);
    at = nextPixel(at);
    let x2 = channels16(tap, at);
    at = nextPixel(at);
    let x3 = channels16(tap, at);
    at = nextPixel(at);
    macPixel(&acc, q, x0, lanes);
    macPixel(&acc, q + 1u, x1, lanes);
    macPixel(&acc, q + 2u, x2, lanes);
    macPixel(&acc, q + 3u, x3, lanes);
  }
  for (; q < range.y; q++) { // the chunk's last pixels, fewer than 4
    macPixel(&acc, q, channels16(tap, at), lanes);
    at = nextPixel(at);
  }
  storeBlock16(acc, k0, c0, chunk);
}
