// matmul_vec4: C[M, N] = A[M, K] · B[K, N] (no transposes) when K and N are multiples of 4:
// the register-blocked kernel of matmul.wgsl with vec4 loads. Each invocation keeps a 4x4 block
// of C (four rows, one vec4 of columns); per step of 4 along K it loads 4 vec4 of A and 4 vec4 of
// B (8 loads for 64 FMAs instead of 32). No workgroup memory; the workgroup shape WGX x WGY is an
// override constant.
#include "include/tiles.wgsl"
#include "include/block4.wgsl"
struct Params { M: u32, N4: u32, K4: u32, tilesX: u32, tilesY: u32, layers: u32, }
#storage(1) read a: vec4<f32>, read b: vec4<f32>, read_write c: vec4<f32>
fn outputExtent() -> vec2<u32> { return vec2<u32>(p.M, 4u * p.N4); }
fn computeBlock(row0: u32, col0: u32, layer: u32) {
  let col = col0 / 4u; // in vec4 units
  let r = span4(row0, p.M - 1u) * p.K4;
  var acc: Block4;
  for (var k = 0u; k < p.K4; k++) {
    let bb = 4u * k * p.N4 + col;
    let b0 = b[bb];
    let b1 = b[bb + p.N4];
    let b2 = b[bb + 2u * p.N4];
    let b3 = b[bb + 3u * p.N4];
    let a0 = a[r.x + k];
    let a1 = a[r.y + k];
    let a2 = a[r.z + k];
    let a3 = a[r.w + k];
    acc.r0 += a0.x * b0 + a0.y * b1 + a0.z * b2 + a0.w * b3;
    acc.r1 += a1.x * b0 + a1.y * b1 + a1.z * b2 + a1.w * b3;
    acc.r2 += a2.x * b0 + a2.y * b1 + a2.z * b2 + a2.w * b3;
    acc.r3 += a3.x * b0 + a3.y * b1 + a3.z * b2 + a3.w * b3;
  }
  storeBlock4(acc, row0, col0, layer);
}
fn storeRow(row: u32, col0: u32, layer: u32, v: vec4<f32>) { c[row * p.N4 + col0 / 4u] = v; }
