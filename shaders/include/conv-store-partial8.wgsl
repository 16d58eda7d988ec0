// The store of a row of 8 filter-gradient channels into partial[chunk, K, outC] (a vec4 array),
// for the register-blocked filter-gradient kernels (conv2d_backprop_filter_vec4.wgsl, _c8, _c1_3x3):
// block8.wgsl's storeRow, and conv2d_backprop_filter_c1_3x3's 9 rows.
fn storeRow(k: u32, c0: u32, chunk: u32, va: vec4<f32>, vb: vec4<f32>) {
  let o = ((chunk * p.kH * p.kW * p.inC + k) * p.outC + c0) / 4u;
  partial[o] = va;
  if (c0 + 4u < p.outC) { partial[o + 1u] = vb; }
}
