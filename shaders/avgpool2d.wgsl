// avgPool2d: y[n, oh, ow, c] = the mean of the window's taps that lie inside x (padded taps are not
// counted, TensorFlow's 'same' rule). One invocation per output.
#include "include/elements.wgsl"
#include "include/pool.wgsl"
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
fn element(i: u32) {
  let o = nhwc(i, p.outH, p.outW);
  let b = o.x;
  let oh = o.y;
  let ow = o.z;
  let c = o.w;
  let h0 = max(i32(oh * p.strideH) - i32(p.padTop), 0);
  let h1 = min(i32(oh * p.strideH) - i32(p.padTop) + i32(p.poolH), i32(p.inH));
  let w0 = max(i32(ow * p.strideW) - i32(p.padLeft), 0);
  let w1 = min(i32(ow * p.strideW) - i32(p.padLeft) + i32(p.poolW), i32(p.inW));
  var acc = 0.0;
  for (var h = h0; h < h1; h++) {
    for (var w = w0; w < w1; w++) {
      acc += x[((b * p.inH + u32(h)) * p.inW + u32(w)) * p.channels + c];
    }
  }
  y[i] = acc / f32((h1 - h0) * (w1 - w0));
}
