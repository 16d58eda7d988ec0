// The conv forward pass's buffers and output matrix, shared by the blocked kernel (conv2d.wgsl)
// and the operands of its variants (include/gemm-conv2d.wgsl): Y[M = N*outH*outW, outC] from x,
// the HWIO filter w and the bias; flags add the bias and apply ReLU (include/relu.wgsl).
#include "include/conv.wgsl"
#include "include/relu.wgsl"
#storage(1) read x: f32, read w: f32, read bias: f32, read_write y: f32
fn outputExtent() -> vec2<u32> { return vec2<u32>(p.batch * p.outH * p.outW, p.outC); }
