// matmul_vec4_nt: C[M, N] = A[M, K] · B[N, K]ᵀ when K is a multiple of 4 (a dense layer's input
// gradient, dY · Wᵀ): rows of A and rows of B both run along K, so each step of 4 along K loads
// 4 vec4 of A and 4 vec4 of B, as matmul_vec4 does, where matmul.wgsl's strides load 32 scalars.
// The 4 x 4 register transpose of the two blocks costs nothing on the software adapters (their
// vec4 lanes are separate registers). The k order and the fma per k are matmul.wgsl's, so the
// same bits. Columns past N are clamped on load and skipped on store, so N is free.
#include "include/tiles.wgsl"
#include "include/block4.wgsl"
#include "include/c-rows.wgsl"
struct Params { M: u32, N: u32, K4: u32, tilesX: u32, tilesY: u32, layers: u32, }
#storage(1) read a: vec4<f32>, read b: vec4<f32>, read_write c: f32
fn outputExtent() -> vec2<u32> { return vec2<u32>(p.M, p.N); }
fn computeBlock(row0: u32, col0: u32, layer: u32) {
  let r = span4(row0, p.M - 1u) * p.K4;
  let n = span4(col0, p.N - 1u) * p.K4;
  var acc: Block4;
  for (var k = 0u; k < p.K4; k++) {
    let a0 = a[r.x + k];
    let a1 = a[r.y + k];
    let a2 = a[r.z + k];
    let a3 = a[r.w + k];
    let b0 = b[n.x + k];
    let b1 = b[n.y + k];
    let b2 = b[n.z + k];
    let b3 = b[n.w + k];
    mac4(&acc, vec4<f32>(a0.x, a1.x, a2.x, a3.x), vec4<f32>(b0.x, b1.x, b2.x, b3.x));
    mac4(&acc, vec4<f32>(a0.y, a1.y, a2.y, a3.y), vec4<f32>(b0.y, b1.y, b2.y, b3.y));
    mac4(&acc, vec4<f32>(a0.z, a1.z, a2.z, a3.z), vec4<f32>(b0.z, b1.z, b2.z, b3.z));
    mac4(&acc, vec4<f32>(a0.w, a1.w, a2.w, a3.w), vec4<f32>(b0.w, b1.w, b2.w, b3.w));
  }
  storeBlock4(acc, row0, col0, layer);
}
fn storeRow(row: u32, col0: u32, layer: u32, v: vec4<f32>) { storeRowOfC(row * p.N, col0, v); }
