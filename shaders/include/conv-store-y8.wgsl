// block8.wgsl's storeRow for the register-blocked forward conv kernels (conv2d_vec4.wgsl,
// conv2d_c4.wgsl, conv2d_c1_3x3.wgsl): y is a vec4 array; bit 1 of p.flags fuses the ReLU
// (NaN-preserving, include/relu.wgsl).
#include "include/relu.wgsl"
fn storeRow(m: u32, c0: u32, layer: u32, va: vec4<f32>, vb: vec4<f32>) {
  let relu = (p.flags & 2u) != 0u;
  let o = (m * p.outC + c0) / 4u;
  y[o] = select(va, relu4(va), relu);
  if (c0 + 4u < p.outC) { y[o + 1u] = select(vb, relu4(vb), relu); }
}
