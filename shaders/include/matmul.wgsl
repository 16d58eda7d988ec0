// matmul's problem, shared by the blocked kernel (matmul.wgsl) and the operands of its variants
// (include/gemm-matmul.wgsl): C[M, N] = op(A)[M, K] · op(B)[K, N] with A(i, k) = a[i*aRow + k*aCol]
// and B(k, j) = b[k*bRow + j*bCol], so the transposes are strides. tilesX, tilesY and layers are
// the launch's block grid. storeRow is block4's: row `row` of C from column col0, columns past N
// skipped.
struct Params {
  M: u32, N: u32, K: u32, aRow: u32,
  aCol: u32, bRow: u32, bCol: u32, tilesX: u32,
  tilesY: u32, layers: u32,
}
#storage(1) read a: f32, read b: f32, read_write c: f32
fn outputExtent() -> vec2<u32> { return vec2<u32>(p.M, p.N); }
fn storeRow(row: u32, col0: u32, layer: u32, v: vec4<f32>) {
  let base = row * p.N;
  for (var j = 0u; j < 4u; j++) {
    if (col0 + j < p.N) { c[base + col0 + j] = v[j]; }
  }
}
