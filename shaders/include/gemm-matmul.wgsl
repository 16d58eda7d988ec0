// The operands of matmul (include/matmul.wgsl: C = op(A) · op(B), the transposes as strides) as a
// GEMM for the variant entry points (include/gemm-tiled.wgsl, include/gemm-subgroup.wgsl).
#include "include/matmul.wgsl"
fn reductionRange(layer: u32) -> vec2<u32> { return vec2<u32>(0u, p.K); }
struct RowInfo { base: u32, }
fn rowInfo(m: u32) -> RowInfo { return RowInfo(m * p.aRow); }
fn loadA(r: RowInfo, k: u32) -> f32 { return a[r.base + k * p.aCol]; }
fn loadB4(k: u32, cols: vec4<u32>) -> vec4<f32> {
  let bk = k * p.bRow;
  let bc = cols * p.bCol;
  return vec4<f32>(b[bk + bc.x], b[bk + bc.y], b[bk + bc.z], b[bk + bc.w]);
}
