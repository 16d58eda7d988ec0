// The input windows of four output pixels (four rows m of a forward conv's output matrix), shared
// by include/conv-windows.wgsl (padded windows) and include/conv-windows-inside.wgsl (windows
// inside the input): each window's origin (ih0, iw0), padding included, and the offset of
// x[n, ih0, iw0, 0], which is negative where padded and is used only where a tap is valid.
#include "include/conv-pixels.wgsl"
struct Windows4 { ih0: vec4<i32>, iw0: vec4<i32>, base: vec4<i32>, }
fn windows4(m: vec4<u32>) -> Windows4 {
  let px = pixels4(m, p.outH, p.outW);
  let ih0 = vec4<i32>(px.h * p.strideH) - i32(p.padTop);
  let iw0 = vec4<i32>(px.w * p.strideW) - i32(p.padLeft);
  return Windows4(ih0, iw0, ((vec4<i32>(px.n) * i32(p.inH) + ih0) * i32(p.inW) + iw0) * i32(p.inC));
}
// The offset of x[n, ih0 + kh, iw0 + kw, 0] where valid, else 0 (in bounds).
fn tapOffsets(w: Windows4, kh: u32, kw: u32, valid: vec4<bool>) -> vec4<u32> {
  return vec4<u32>(select(vec4<i32>(0), w.base + (i32(kh) * i32(p.inW) + i32(kw)) * i32(p.inC), valid));
}
