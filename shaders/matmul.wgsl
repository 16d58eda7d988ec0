// matmul: C[M, N] = op(A)[M, K] · op(B)[K, N], register-blocked: each invocation computes a
// 4x4 block of C in registers, no workgroup memory (on software adapters barriers and shared
// memory cost more than they save). A(i, k) = a[i*aRow + k*aCol], B(k, j) = b[k*bRow + j*bCol],
// so the transposes are just strides. The workgroup shape WGX x WGY is an override constant
// chosen per adapter.
#include "include/tiles.wgsl"
#include "include/block4.wgsl"
#include "include/matmul.wgsl"
fn computeBlock(row0: u32, col0: u32, layer: u32) {
  let ar = span4(row0, p.M - 1u) * p.aRow;
  let bc = span4(col0, p.N - 1u) * p.bCol;
  var acc: Block4;
  for (var k = 0u; k < p.K; k++) {
    let ak = k * p.aCol;
    let bk = k * p.bRow;
    mac4(&acc, vec4<f32>(a[ar.x + ak], a[ar.y + ak], a[ar.z + ak], a[ar.w + ak]), vec4<f32>(b[bk + bc.x], b[bk + bc.y], b[bk + bc.z], b[bk + bc.w]));
  }
  storeBlock4(acc, row0, col0, layer);
}
