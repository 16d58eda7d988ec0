// conv2d forward, one input channel, 3x3 filter, outC % 4 == 0 (why: kernels/conv2d.ts): 8 pixels
// x 8 channels per invocation (block8.wgsl), the 9 taps written out; bias and ReLU fused.
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
fn computeBlock(m0: u32, c0: u32, layer: u32) {
  let lanes = lanes8(m0, c0);
  let a = windows4(lanes.rowsA);
  let b = windows4(lanes.rowsB);
  let ca = lanes.ca;
  let cb = lanes.cb;
  var acc: Block8;
  tap(&acc, a, b, 0u, 0u, ca, cb); tap(&acc, a, b, 0u, 1u, ca, cb); tap(&acc, a, b, 0u, 2u, ca, cb);
  tap(&acc, a, b, 1u, 0u, ca, cb); tap(&acc, a, b, 1u, 1u, ca, cb); tap(&acc, a, b, 1u, 2u, ca, cb);
  tap(&acc, a, b, 2u, 0u, ca, cb); tap(&acc, a, b, 2u, 1u, ca, cb); tap(&acc, a, b, 2u, 2u, ca, cb);
  if ((p.flags & 1u) != 0u) { addCols8(&acc, bias[ca], bias[cb]); }
  storeBlock8(acc, m0, c0, layer);
}
