// The input windows of four output pixels for the register-blocked forward kernels
// (conv2d_vec4.wgsl, conv2d_c4.wgsl, conv2d_c1_3x3.wgsl, conv2d_c4_16x16.wgsl): their origins
// (include/conv-window-origins.wgsl) and the tests of which taps fall inside the input.
#include "include/conv-window-origins.wgsl"
// Whether filter row kh (column kw) of each window lies inside the input.
fn rowsInside(w: Windows4, kh: u32) -> vec4<bool> {
  let h = w.ih0 + i32(kh);
  return (h >= vec4<i32>(0)) & (h < vec4<i32>(i32(p.inH)));
}
fn colsInside(w: Windows4, kw: u32) -> vec4<bool> {
  let c = w.iw0 + i32(kw);
  return (c >= vec4<i32>(0)) & (c < vec4<i32>(i32(p.inW)));
}
