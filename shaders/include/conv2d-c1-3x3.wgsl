// The forward conv with one input channel and a 3x3 filter (conv2d_c1_3x3.wgsl and its interim
// form conv2d_c1_3x3_rows.wgsl): 8 pixels x 8 channels per invocation (block8.wgsl); one tap of
// the 9 at a time, bias and ReLU fused. Both forms take the taps in the same order (row-major),
// so they make the same sums and the same bits.
#include "include/conv-windows.wgsl"
#include "include/blocks.wgsl"
#include "include/block8.wgsl"
#include "include/conv-store-y8.wgsl"
#storage(1) read x: f32, read w: vec4<f32>, read bias: vec4<f32>, read_write y: vec4<f32>
fn outputExtent() -> vec2<u32> { return vec2<u32>(p.batch * p.outH * p.outW, p.outC); }
// x at tap (kh, kw) of 4 windows, 0 outside the image.
fn xAt(px: Windows4, kh: u32, kw: u32) -> vec4<f32> {
  let valid = rowsInside(px, kh) & colsInside(px, kw);
  let o = tapOffsets(px, kh, kw, valid);
  return select(vec4<f32>(0.0), vec4<f32>(x[o.x], x[o.y], x[o.z], x[o.w]), valid);
}
fn tap(acc: ptr<function, Block8>, a: Windows4, b: Windows4, kh: u32, kw: u32, ca: u32, cb: u32) {
  let t = (kh * 3u + kw) * (p.outC / 4u);
  mac8(acc, xAt(a, kh, kw), xAt(b, kh, kw), w[t + ca], w[t + cb]);
}
// The 3 taps of filter row kh.
fn filterRow(acc: ptr<function, Block8>, a: Windows4, b: Windows4, kh: u32, ca: u32, cb: u32) {
  tap(acc, a, b, kh, 0u, ca, cb); tap(acc, a, b, kh, 1u, ca, cb); tap(acc, a, b, kh, 2u, ca, cb);
}
fn finishBlock(acc: Block8, m0: u32, c0: u32, layer: u32, ca: u32, cb: u32) {
  var out = acc;
  if ((p.flags & 1u) != 0u) { addCols8(&out, bias[ca], bias[cb]); }
  storeBlock8(out, m0, c0, layer);
}
