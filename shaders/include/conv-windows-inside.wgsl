// include/conv-windows.wgsl for convolutions whose windows all lie inside the input (no padding,
// the last window ending in it: 'valid' padding; `windowsInside` (engine/ops/geometry.ts)): the
// same functions, with the position tests constant, so the compiler drops them and the selects
// on them. conv2's forward pass on the 16 x 16 kernel at batch 256, Node's SwiftShader,
// 2026-12-06: 1.07-1.15x (conv3's 1.03-1.08x); same bits.
#include "include/conv-window-origins.wgsl"
fn rowsInside(w: Windows4, kh: u32) -> vec4<bool> { return vec4<bool>(true); }
fn colsInside(w: Windows4, kw: u32) -> vec4<bool> { return vec4<bool>(true); }
