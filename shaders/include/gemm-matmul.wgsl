// The operands of matmul as a GEMM for the variant entry points (include/gemm-tiled.wgsl,
// include/gemm-subgroup.wgsl): C[M, N] = op(A)[M, K] · op(B)[K, N] with A(i, k) =
// a[i*aRow + k*aCol] and B(k, j) = b[k*bRow + j*bCol], so the transposes are strides (as in
// matmul.wgsl).
struct Params {
  M: u32, N: u32, K: u32, aRow: u32,
  aCol: u32, bRow: u32, bCol: u32, tilesX: u32,
  tilesY: u32, layers: u32,
}
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;
fn outputExtent() -> vec2<u32> { return vec2<u32>(p.M, p.N); }
fn reductionRange(layer: u32) -> vec2<u32> { return vec2<u32>(0u, p.K); }
struct RowInfo { base: u32, }
fn rowInfo(m: u32) -> RowInfo { return RowInfo(m * p.aRow); }
fn loadA(r: RowInfo, k: u32) -> f32 { return a[r.base + k * p.aCol]; }
fn loadB4(k: u32, cols: vec4<u32>) -> vec4<f32> {
  let bk = k * p.bRow;
  let bc = cols * p.bCol;
  return vec4<f32>(b[bk + bc.x], b[bk + bc.y], b[bk + bc.z], b[bk + bc.w]);
}
fn storeRow(row: u32, col0: u32, layer: u32, v: vec4<f32>) {
  let base = row * p.N;
  for (var j = 0u; j < 4u; j++) {
    if (col0 + j < p.N) { c[base + col0 + j] = v[j]; }
  }
}
