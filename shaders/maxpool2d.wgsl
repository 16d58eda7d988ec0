// maxPool2d: y[n, oh, ow, c] = max over the window, and argmax = the flat NHWC index in x of the
// first maximum (row-major window order, TensorFlow's convention). Padded positions are skipped.
#include "include/elements.wgsl"
#include "include/pool.wgsl"
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> argmax: array<i32>;
fn element(i: u32) {
  let o = nhwc(i, p.outH, p.outW);
  let b = o.x;
  let oh = o.y;
  let ow = o.z;
  let c = o.w;
  let ih0 = i32(oh * p.strideH) - i32(p.padTop);
  let iw0 = i32(ow * p.strideW) - i32(p.padLeft);
  var best = -3.402823e38;
  var at = -1;
  for (var ph = 0u; ph < p.poolH; ph++) {
    let ih = ih0 + i32(ph);
    if (ih < 0 || ih >= i32(p.inH)) { continue; }
    for (var pw = 0u; pw < p.poolW; pw++) {
      let iw = iw0 + i32(pw);
      if (iw < 0 || iw >= i32(p.inW)) { continue; }
      let idx = ((b * p.inH + u32(ih)) * p.inW + u32(iw)) * p.channels + c;
      let v = x[idx];
      if (at < 0 || v > best) { best = v; at = i32(idx); }
    }
  }
  y[i] = best;
  argmax[i] = at;
}
