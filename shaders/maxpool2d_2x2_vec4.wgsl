// maxPool2d, 2 x 2 windows that lie inside the input (no padded taps; any stride), four channels
// per invocation: maxpool2d_vec4.wgsl with the window walk written out. SwiftShader pays for
// each loop iteration; the tutorial's two 2x2/2 pools take this kernel (kernels/pool.ts says
// when). Taps in the same order (row-major), the first maximum wins: the same y and argmax.
#include "include/elements.wgsl"
#include "include/pool-windows.wgsl"
#storage(1) read x: vec4<f32>, read_write y: vec4<f32>, read_write argmax: vec4<i32>
// Tap `idx` replaces the running maximum of each channel where it is greater (ties keep the first).
fn takeGreater(best: ptr<function, vec4<f32>>, at: ptr<function, vec4<i32>>, idx: u32) {
  let v = x[idx / 4u];
  let take = v > *best;
  *best = select(*best, v, take);
  *at = select(*at, vec4<i32>(i32(idx)) + vec4<i32>(0, 1, 2, 3), take);
}
fn element(i: u32) {
  let o = nhwc(4u * i, p.outH, p.outW);
  let i00 = nhwcAt(o, i32(o.h * p.strideH), i32(o.w * p.strideW), p.inH, p.inW);
  let i10 = i00 + p.inW * p.channels;
  var best = x[i00 / 4u];
  var at = vec4<i32>(i32(i00)) + vec4<i32>(0, 1, 2, 3);
  takeGreater(&best, &at, i00 + p.channels);
  takeGreater(&best, &at, i10);
  takeGreater(&best, &at, i10 + p.channels);
  y[i] = best;
  argmax[i] = at;
}
