// conv2d forward, one input channel, 3x3 filter, outC % 4 == 0 (why: kernels/conv2d.ts): 8 pixels
// x 8 channels per invocation (block8.wgsl), the 9 taps written out; bias and ReLU fused.
#include "include/conv.wgsl"
#include "include/blocks.wgsl"
#include "include/block8.wgsl"
#include "include/relu.wgsl"
#storage(1) read x: f32, read w: vec4<f32>, read bias: vec4<f32>, read_write y: vec4<f32>
fn outputExtent() -> vec2<u32> { return vec2<u32>(p.batch * p.outH * p.outW, p.outC); }
// 4 pixels' window origins and the offsets of (n, ih0, iw0) in x.
struct Pixels { ih0: vec4<i32>, iw0: vec4<i32>, base: vec4<i32>, }
fn pixels(ms: vec4<u32>) -> Pixels {
  let hw = vec4<u32>(p.outH * p.outW);
  let r = ms % hw;
  let ih0 = vec4<i32>((r / vec4<u32>(p.outW)) * p.strideH) - vec4<i32>(i32(p.padTop));
  let iw0 = vec4<i32>((r % vec4<u32>(p.outW)) * p.strideW) - vec4<i32>(i32(p.padLeft));
  return Pixels(ih0, iw0, (vec4<i32>(ms / hw) * i32(p.inH) + ih0) * i32(p.inW) + iw0);
}
// x at tap (kh, kw) of 4 pixels, 0 outside the image.
fn xAt(px: Pixels, kh: i32, kw: i32) -> vec4<f32> {
  let ih = px.ih0 + vec4<i32>(kh);
  let iw = px.iw0 + vec4<i32>(kw);
  let valid = (ih >= vec4<i32>(0)) & (ih < vec4<i32>(i32(p.inH))) & (iw >= vec4<i32>(0)) & (iw < vec4<i32>(i32(p.inW)));
  let o = vec4<u32>(select(vec4<i32>(0), px.base + vec4<i32>(kh * i32(p.inW) + kw), valid));
  return select(vec4<f32>(0.0), vec4<f32>(x[o.x], x[o.y], x[o.z], x[o.w]), valid);
}
fn tap(acc: ptr<function, Block8>, a: Pixels, b: Pixels, kh: i32, kw: i32, ca: u32, cb: u32) {
  let t = u32(kh * 3 + kw) * (p.outC / 4u);
  mac8(acc, xAt(a, kh, kw), xAt(b, kh, kw), w[t + ca], w[t + cb]);
}
fn computeBlock(m0: u32, c0: u32, layer: u32) {
  let lanes = lanes8(m0, c0);
  let a = pixels(lanes.rowsA);
  let b = pixels(lanes.rowsB);
  let ca = lanes.ca;
  let cb = lanes.cb;
  var acc: Block8;
  tap(&acc, a, b, 0, 0, ca, cb); tap(&acc, a, b, 0, 1, ca, cb); tap(&acc, a, b, 0, 2, ca, cb);
  tap(&acc, a, b, 1, 0, ca, cb); tap(&acc, a, b, 1, 1, ca, cb); tap(&acc, a, b, 1, 2, ca, cb);
  tap(&acc, a, b, 2, 0, ca, cb); tap(&acc, a, b, 2, 1, ca, cb); tap(&acc, a, b, 2, 2, ca, cb);
  if ((p.flags & 1u) != 0u) { addCols8(&acc, bias[ca], bias[cb]); }
  storeBlock8(acc, m0, c0, layer);
}
fn storeRow(m: u32, c0: u32, layer: u32, va: vec4<f32>, vb: vec4<f32>) {
  let relu = (p.flags & 2u) != 0u;
  let o = (m * p.outC + c0) / 4u;
  y[o] = select(va, relu4(va), relu);
  if (c0 + 4u < p.outC) { y[o + 1u] = select(vb, relu4(vb), relu); }
}
