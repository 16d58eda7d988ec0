// matmul, the tiled variant (variants.ts): include/gemm-tiled.wgsl over the operands of
// include/gemm-matmul.wgsl.
#include "include/gemm-tiled.wgsl"
#include "include/gemm-matmul.wgsl"
