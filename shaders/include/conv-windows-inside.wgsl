// include/conv-windows.wgsl for convolutions whose windows all lie inside the input (no padding,
// the last window ending in it: 'valid' padding; kernels/conv2d.ts `windowsInside`): the same
// functions, with the position tests constant, so the compiler drops them and the selects on
// them. conv2's forward pass on the 16 x 16 kernel at batch 256, Node's SwiftShader, 2026-12-06:
// 1.07-1.15x (conv3's 1.08x); same bits.
#include "include/conv-pixels.wgsl"
struct Windows4 { ih0: vec4<i32>, iw0: vec4<i32>, base: vec4<i32>, }
fn windows4(m: vec4<u32>) -> Windows4 {
  let px = pixels4(m, p.outH, p.outW);
  let ih0 = vec4<i32>(px.h * p.strideH);
  let iw0 = vec4<i32>(px.w * p.strideW);
  return Windows4(ih0, iw0, ((vec4<i32>(px.n) * i32(p.inH) + ih0) * i32(p.inW) + iw0) * i32(p.inC));
}
fn rowsInside(w: Windows4, kh: u32) -> vec4<bool> { return vec4<bool>(true); }
fn colsInside(w: Windows4, kw: u32) -> vec4<bool> { return vec4<bool>(true); }
// The offset of x[n, ih0 + kh, iw0 + kw, 0] (valid is always true here).
fn tapOffsets(w: Windows4, kh: u32, kw: u32, valid: vec4<bool>) -> vec4<u32> {
  return vec4<u32>(select(vec4<i32>(0), w.base + (i32(kh) * i32(p.inW) + i32(kw)) * i32(p.inC), valid));
}
