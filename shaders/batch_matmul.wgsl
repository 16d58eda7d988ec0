// batch_matmul: C[t] = op(A[t]) · op(B[t]) for every batch element t (the layer), register-blocked
// as matmul.wgsl: each invocation a 4x4 block of C, no workgroup memory, blocks numbered linearly
// (include/blocks.wgsl). Element t finds A and B through the batch strides, 0 along batch axes that
// broadcast (batchRank <= 4). A(i, k) = a[aOff + i*aRow + k*aCol], B(k, j) = b[bOff + k*bRow + j*bCol]:
// the transposes are strides.
#include "include/blocks.wgsl"
#include "include/block4.wgsl"
struct Params {
  M: u32, N: u32, K: u32, aRow: u32,
  aCol: u32, bRow: u32, bCol: u32, tilesX: u32,
  tilesY: u32, layers: u32, batchRank: u32, _p0: u32,
  batchShape: vec4<u32>, aBatchStrides: vec4<u32>, bBatchStrides: vec4<u32>,
}
#storage(1) read a: f32, read b: f32, read_write c: f32
fn outputExtent() -> vec2<u32> { return vec2<u32>(p.M, p.N); }
fn computeBlock(row0: u32, col0: u32, layer: u32) {
  var aOff = 0u;
  var bOff = 0u;
  var rest = layer;
  for (var d = i32(p.batchRank) - 1; d >= 0; d--) {
    let s = p.batchShape[d];
    let i = rest % s;
    rest = rest / s;
    aOff += i * p.aBatchStrides[d];
    bOff += i * p.bBatchStrides[d];
  }
  let ar = span4(row0, p.M - 1u) * p.aRow + vec4<u32>(aOff);
  let bc = span4(col0, p.N - 1u) * p.bCol + vec4<u32>(bOff);
  var acc: Block4;
  for (var k = 0u; k < p.K; k++) {
    let ak = k * p.aCol;
    let bk = k * p.bRow;
    mac4(&acc, vec4<f32>(a[ar.x + ak], a[ar.y + ak], a[ar.z + ak], a[ar.w + ak]), vec4<f32>(b[bk + bc.x], b[bk + bc.y], b[bk + bc.z], b[bk + bc.w]));
  }
  storeBlock4(acc, row0, col0, layer);
}
fn storeRow(row: u32, col0: u32, layer: u32, v: vec4<f32>) {
  let base = layer * p.M * p.N + row * p.N;
  for (var j = 0u; j < 4u; j++) {
    if (col0 + j < p.N) { c[base + col0 + j] = v[j]; }
  }
}
