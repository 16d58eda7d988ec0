// conv2dBackpropFilter's buffers and output matrix, shared by the blocked kernel
// (conv2d_backprop_filter.wgsl) and the operands of its variants (include/gemm-conv2d-filter.wgsl):
// dW[K = kH*kW*inC, outC] from x and dy, written per chunk of the reduction as
// partial[chunk, K, outC] (the host sums the chunks).
#include "include/conv-chunks.wgsl"
#storage(1) read x: f32, read dy: f32, read_write partial: f32
fn outputExtent() -> vec2<u32> { return vec2<u32>(p.kH * p.kW * p.inC, p.outC); }
// Row k of dW from column c0 in chunk `chunk`'s partial sums; columns past outC are skipped.
fn storeRow(k: u32, c0: u32, chunk: u32, v: vec4<f32>) {
  let base = (chunk * p.kH * p.kW * p.inC + k) * p.outC;
  for (var j = 0u; j < 4u; j++) {
    if (c0 + j < p.outC) { partial[base + c0 + j] = v[j]; }
  }
}
