// conv2dBackpropFilter's buffers and output matrix, shared by the blocked kernel
// (conv2d_backprop_filter.wgsl) and the operands of its variants (include/gemm-conv2d-filter.wgsl):
// dW[K = kH*kW*inC, outC] from x and dy, written per chunk of the reduction as
// partial[chunk, K, outC] (the host sums the chunks).
#include "include/conv.wgsl"
#storage(1) read x: f32, read dy: f32, read_write partial: f32
fn outputExtent() -> vec2<u32> { return vec2<u32>(p.kH * p.kW * p.inC, p.outC); }
