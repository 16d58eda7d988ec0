// conv2d_backprop_filter, the subgroup variant (variants.ts; needs the `subgroups` feature):
// include/gemm-subgroup.wgsl over the operands of include/gemm-conv2d-filter.wgsl.
#include "include/gemm-subgroup.wgsl"
#include "include/gemm-conv2d-filter.wgsl"
