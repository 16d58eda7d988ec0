// conv2d_backprop_filter, the tiled variant (variants.ts): include/gemm-tiled.wgsl over the operands of
// include/gemm-conv2d-filter.wgsl.
#include "include/gemm-tiled.wgsl"
#include "include/gemm-conv2d-filter.wgsl"
