// conv2dBackpropInput's buffers, output matrix and block4 store, shared by the blocked kernel
// (conv2d_backprop_input.wgsl) and the operands of its variants (include/gemm-conv2d-input.wgsl):
// dX[M = N*inH*inW, inC] from dy and the HWIO filter w.
#include "include/conv.wgsl"
#storage(1) read dy: f32, read w: f32, read_write dx: f32
fn outputExtent() -> vec2<u32> { return vec2<u32>(p.batch * p.inH * p.inW, p.inC); }
fn storeRow(m: u32, c0: u32, layer: u32, v: vec4<f32>) {
  let base = m * p.inC;
  for (var j = 0u; j < 4u; j++) {
    if (c0 + j < p.inC) { dx[base + c0 + j] = v[j]; }
  }
}
