// conv2d forward for one input channel and a 3x3 filter (the CNN's first layer), outC a multiple
// of 4: the register-blocked implicit GEMM of conv2d.wgsl (4 output pixels x 4 output channels
// per invocation, no workgroup memory) with its 9-long reduction written out, so no loop, no
// channel index and no division is left: per tap, the 4 pixels' position test is two compares of
// a vec4, then 4 x loads, one vec4 w load and 16 multiply-adds. The generic kernels spend as much
// on their loops and index arithmetic as on the 9 taps (conv1's forward on SwiftShader reached
// 44% of the matmul at its GEMM shape). Bias and ReLU (NaN-preserving) are fused into the store.
#include "include/conv.wgsl"
#include "include/tiles.wgsl"
#include "include/block4.wgsl"
#include "include/relu.wgsl"
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> bias: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> y: array<vec4<f32>>;
fn outputExtent() -> vec2<u32> { return vec2<u32>(p.batch * p.outH * p.outW, p.outC); }
// The 4 pixels of a block: their window origins and the offset of (n, ih0, iw0) in x.
struct Pixels { ih0: vec4<i32>, iw0: vec4<i32>, base: vec4<i32>, }
// Tap (kh, kw): acc += x at the 4 pixels' tap (0 outside the image) times W[kh, kw, 0, c4].
fn tap(acc: ptr<function, Block4>, px: Pixels, kh: i32, kw: i32, c4: u32) {
  let ih = px.ih0 + vec4<i32>(kh);
  let iw = px.iw0 + vec4<i32>(kw);
  let valid = (ih >= vec4<i32>(0)) & (ih < vec4<i32>(i32(p.inH))) & (iw >= vec4<i32>(0)) & (iw < vec4<i32>(i32(p.inW)));
  let o = vec4<u32>(select(vec4<i32>(0), px.base + vec4<i32>(kh * i32(p.inW) + kw), valid));
  let xs = select(vec4<f32>(0.0), vec4<f32>(x[o.x], x[o.y], x[o.z], x[o.w]), valid);
  mac4(acc, xs, w[u32(kh * 3 + kw) * (p.outC / 4u) + c4]);
}
fn computeBlock(m0: u32, c0: u32, layer: u32) {
  let ms = span4(m0, p.batch * p.outH * p.outW - 1u);
  let hw = vec4<u32>(p.outH * p.outW);
  let r = ms % hw;
  let ih0 = vec4<i32>((r / vec4<u32>(p.outW)) * p.strideH) - vec4<i32>(i32(p.padTop));
  let iw0 = vec4<i32>((r % vec4<u32>(p.outW)) * p.strideW) - vec4<i32>(i32(p.padLeft));
  let px = Pixels(ih0, iw0, (vec4<i32>(ms / hw) * i32(p.inH) + ih0) * i32(p.inW) + iw0);
  let c4 = c0 / 4u;
  var acc: Block4;
  tap(&acc, px, 0, 0, c4); tap(&acc, px, 0, 1, c4); tap(&acc, px, 0, 2, c4);
  tap(&acc, px, 1, 0, c4); tap(&acc, px, 1, 1, c4); tap(&acc, px, 1, 2, c4);
  tap(&acc, px, 2, 0, c4); tap(&acc, px, 2, 1, c4); tap(&acc, px, 2, 2, c4);
  if ((p.flags & 1u) != 0u) { mac4(&acc, vec4<f32>(1.0), bias[c4]); }
  storeBlock4(acc, m0, c0, layer);
}
fn storeRow(m: u32, c0: u32, layer: u32, v: vec4<f32>) {
  y[(m * p.outC + c0) / 4u] = select(v, relu4(v), (p.flags & 2u) != 0u);
}
