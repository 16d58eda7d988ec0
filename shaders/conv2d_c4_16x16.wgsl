// conv2d forward, conv2d_c4.wgsl's kernel with 16 pixels x 16 output channels an invocation
// (include/block16x16.wgsl) instead of 8 x 8: per 4 input channels, 16 vec4 x + 16 vec4 w loads
// feed 1,024 multiply-adds. Taken where outC % 16 == 0 and Tiling.wideBlocks (SwiftShader:
// conv2's and conv3's forward pass 1.12x and 1.15x the 8 x 32 kernel it replaced, which ran
// 1.31x and 1.35x the 8 x 8 one; bench/kernels-conv.ts, batch 256, 2026-12-05). Same sums in the
// same order as conv2d_c4, so the same bits.
#include "include/conv-windows.wgsl"
#include "include/conv2d-c4-16x16.wgsl"
