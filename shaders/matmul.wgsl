// matmul: C[M, N] = op(A)[M, K] · op(B)[K, N], register-blocked: each invocation computes a
// 4x4 block of C in registers, no workgroup memory (on software adapters barriers and shared
// memory cost more than they save). A(i, k) = a[i*aRow + k*aCol], B(k, j) = b[k*bRow + j*bCol],
// so the transposes are just strides. The workgroup shape WGX x WGY is an override constant
// chosen per adapter.
#include "include/tiles.wgsl"
#include "include/block4.wgsl"
#include "include/matmul.wgsl"
#include "include/strided-block.wgsl"
fn computeBlock(row0: u32, col0: u32, layer: u32) {
  storeBlock4(stridedBlock(span4(row0, p.M - 1u) * p.aRow, span4(col0, p.N - 1u) * p.bCol), row0, col0, layer);
}
