// matmul_vec4: C[M, N] = A[M, K] · B[K, N] (no transposes) when K and N are multiples of 4:
// the register-blocked kernel of matmul.wgsl with vec4 loads. Each invocation keeps a 4x4 block
// of C; per step of 4 along K it loads 4 vec4 of A and 4 vec4 of B (8 loads for 64 FMAs instead
// of 32). No workgroup memory; the workgroup shape WGX x WGY is an override constant.
struct Params { M: u32, N4: u32, K4: u32, tilesX: u32, tilesY: u32, }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> b: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> c: array<vec4<f32>>;
override WGX: u32 = 8;
override WGY: u32 = 8;
@compute @workgroup_size(WGX, WGY)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let g = wid.x + nwg.x * (wid.y + nwg.y * wid.z);
  let ty = g / p.tilesX;
  if (ty >= p.tilesY) { return; }
  let tx = g % p.tilesX;
  let row0 = (ty * WGY + lid.y) * 4u;
  let col = tx * WGX + lid.x; // in vec4 units
  if (row0 >= p.M || col >= p.N4) { return; }
  let r = vec4<u32>(row0, min(row0 + 1u, p.M - 1u), min(row0 + 2u, p.M - 1u), min(row0 + 3u, p.M - 1u)) * p.K4;
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
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
    acc0 += a0.x * b0 + a0.y * b1 + a0.z * b2 + a0.w * b3;
    acc1 += a1.x * b0 + a1.y * b1 + a1.z * b2 + a1.w * b3;
    acc2 += a2.x * b0 + a2.y * b1 + a2.z * b2 + a2.w * b3;
    acc3 += a3.x * b0 + a3.y * b1 + a3.z * b2 + a3.w * b3;
  }
  c[row0 * p.N4 + col] = acc0;
  if (row0 + 1u < p.M) { c[(row0 + 1u) * p.N4 + col] = acc1; }
  if (row0 + 2u < p.M) { c[(row0 + 2u) * p.N4 + col] = acc2; }
  if (row0 + 3u < p.M) { c[(row0 + 3u) * p.N4 + col] = acc3; }
}
