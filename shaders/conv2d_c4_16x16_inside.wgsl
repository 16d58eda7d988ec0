// conv2d forward, conv2d_c4_16x16.wgsl for windows that lie inside the input ('valid' padding:
// the tutorial's convolutions): the same kernel with include/conv-windows-inside.wgsl, whose
// position tests are constant. Taken where `windowsInside` (engine/ops/geometry.ts) holds; same
// sums in the same order, so the same bits.
#include "include/conv-windows-inside.wgsl"
#include "include/conv2d-c4-16x16.wgsl"
