// maxPool2d, 2 x 2 windows that lie inside the input (no padded taps; any stride), four channels
// per invocation: maxpool2d_vec4.wgsl with the window walk written out. SwiftShader pays for
// each loop iteration; the tutorial's two 2x2/2 pools take this kernel (kernels/pool.ts says
// when). Taps in the same order (row-major), the first maximum wins: the same y and argmax.
#include "include/elements.wgsl"
#include "include/pool-windows.wgsl"
#storage(1) read x: vec4<f32>, read_write y: vec4<f32>, read_write argmax: vec4<i32>
fn element(i: u32) {
  let o = nhwc(4u * i, p.outH, p.outW);
  let i00 = nhwcAt(o, i32(o.h * p.strideH), i32(o.w * p.strideW), p.inH, p.inW);
  let i01 = i00 + p.channels;
  let i10 = i00 + p.inW * p.channels;
  let i11 = i10 + p.channels;
  let lanes = vec4<i32>(0, 1, 2, 3);
  var best = x[i00 / 4u];
  var at = vec4<i32>(i32(i00)) + lanes;
  let v01 = x[i01 / 4u];
  let t01 = v01 > best;
  best = select(best, v01, t01);
  at = select(at, vec4<i32>(i32(i01)) + lanes, t01);
  let v10 = x[i10 / 4u];
  let t10 = v10 > best;
  best = select(best, v10, t10);
  at = select(at, vec4<i32>(i32(i10)) + lanes, t10);
  let v11 = x[i11 / 4u];
  let t11 = v11 > best;
  best = select(best, v11, t11);
  at = select(at, vec4<i32>(i32(i11)) + lanes, t11);
  y[i] = best;
  argmax[i] = at;
}
