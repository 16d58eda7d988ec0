// matmul: C[M, N] = op(A)[M, K] · op(B)[K, N], register-blocked: each invocation computes a
// 4x4 block of C in registers, no workgroup memory (on software adapters barriers and shared
// memory cost more than they save). A(i, k) = a[i*aRow + k*aCol], B(k, j) = b[k*bRow + j*bCol],
// so the transposes are just strides. The workgroup shape WGX x WGY is an override constant
// chosen per adapter.
#include "include/tiles.wgsl"
#include "include/block4.wgsl"
struct Params {
  M: u32, N: u32, K: u32, aRow: u32,
  aCol: u32, bRow: u32, bCol: u32, tilesX: u32,
  tilesY: u32, layers: u32,
}
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;
fn outputExtent() -> vec2<u32> { return vec2<u32>(p.M, p.N); }
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
fn storeRow(row: u32, col0: u32, layer: u32, v: vec4<f32>) {
  let base = row * p.N;
  for (var j = 0u; j < 4u; j++) {
    if (col0 + j < p.N) { c[base + col0 + j] = v[j]; }
  }
}
