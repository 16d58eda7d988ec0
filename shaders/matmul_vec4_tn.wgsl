// matmul_vec4_tn: C[M, N] = A[K, M]ᵀ · B[K, N] when M and N are multiples of 4 (a dense layer's
// weight gradient, Xᵀ · dY): row k of A holds the block's 4 rows as one vec4 and row k of B its
// 4 columns, so each k is 2 vec4 loads for 16 multiply-adds, where matmul.wgsl's strides load 8
// scalars. The k order and the fma per k are matmul.wgsl's, so the same bits; K is free.
#include "include/tiles.wgsl"
#include "include/block4.wgsl"
struct Params { M4: u32, N4: u32, K: u32, tilesX: u32, tilesY: u32, layers: u32, }
#storage(1) read a: vec4<f32>, read b: vec4<f32>, read_write c: vec4<f32>
fn outputExtent() -> vec2<u32> { return vec2<u32>(4u * p.M4, 4u * p.N4); }
fn computeBlock(row0: u32, col0: u32, layer: u32) {
  let m = row0 / 4u; // in vec4 units; M % 4 == 0 keeps the block's 4 rows inside
  let n = col0 / 4u;
  var acc: Block4;
  var k = 0u;
  for (; k + 4u <= p.K; k += 4u) {
    let a0 = a[k * p.M4 + m];
    let a1 = a[(k + 1u) * p.M4 + m];
    let a2 = a[(k + 2u) * p.M4 + m];
    let a3 = a[(k + 3u) * p.M4 + m];
    let b0 = b[k * p.N4 + n];
    let b1 = b[(k + 1u) * p.N4 + n];
    let b2 = b[(k + 2u) * p.N4 + n];
    let b3 = b[(k + 3u) * p.N4 + n];
    mac4(&acc, a0, b0);
    mac4(&acc, a1, b1);
    mac4(&acc, a2, b2);
    mac4(&acc, a3, b3);
  }
  for (; k < p.K; k++) {
    mac4(&acc, a[k * p.M4 + m], b[k * p.N4 + n]);
  }
  storeBlock4(acc, row0, col0, layer);
}
fn storeRow(row: u32, col0: u32, layer: u32, v: vec4<f32>) { c[row * p.N4 + col0 / 4u] = v; }
