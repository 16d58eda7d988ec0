// The split of the filter gradient's reduction over the P = N*outH*outW output pixels into
// chunks of chunkLen pixels, the launch's layers (conv2d_backprop_filter*.wgsl and
// include/gemm-conv2d-filter.wgsl), on the conv parameter block.
#include "include/conv.wgsl"
// The output pixels [start, end) of reduction chunk `chunk` (the launch's layer).
fn reductionRange(chunk: u32) -> vec2<u32> {
  let start = chunk * p.chunkLen;
  return vec2<u32>(start, min(start + p.chunkLen, p.batch * p.outH * p.outW));
}
