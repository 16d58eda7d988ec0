// matmul, the subgroup variant (variants.ts; needs the `subgroups` feature):
// include/gemm-subgroup.wgsl over the operands of include/gemm-matmul.wgsl.
#include "include/gemm-subgroup.wgsl"
#include "include/gemm-matmul.wgsl"
