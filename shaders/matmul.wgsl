// matmul: C[M, N] = op(A)[M, K] · op(B)[K, N], register-blocked: each invocation computes a
// 4x4 block of C in registers, no workgroup memory (on software adapters barriers and shared
// memory cost more than they save). A(i, k) = a[i*aRow + k*aCol], B(k, j) = b[k*bRow + j*bCol],
// so the transposes are just strides. The workgroup shape (WGX x WGY invocations, i.e. a
// 4*WGY x 4*WGX tile of C) is an override constant chosen per adapter.
struct Params {
  M: u32, N: u32, K: u32, tilesX: u32,
  aRow: u32, aCol: u32, bRow: u32, bCol: u32,
  tilesY: u32,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;
override WGX: u32 = 8;
override WGY: u32 = 8;
@compute @workgroup_size(WGX, WGY)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let g = wid.x + nwg.x * (wid.y + nwg.y * wid.z);
  let ty = g / p.tilesX;
  if (ty >= p.tilesY) { return; }
  let tx = g % p.tilesX;
  let row0 = (ty * WGY + lid.y) * 4u;
  let col0 = (tx * WGX + lid.x) * 4u;
  if (row0 >= p.M || col0 >= p.N) { return; }
  // Clamp loads to valid rows/columns; results outside C are never stored.
  let ar = vec4<u32>(min(row0, p.M - 1u), min(row0 + 1u, p.M - 1u), min(row0 + 2u, p.M - 1u), min(row0 + 3u, p.M - 1u)) * p.aRow;
  let bc = vec4<u32>(min(col0, p.N - 1u), min(col0 + 1u, p.N - 1u), min(col0 + 2u, p.N - 1u), min(col0 + 3u, p.N - 1u)) * p.bCol;
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  for (var k = 0u; k < p.K; k++) {
    let ak = k * p.aCol;
    let bk = k * p.bRow;
    let bv = vec4<f32>(b[bk + bc.x], b[bk + bc.y], b[bk + bc.z], b[bk + bc.w]);
    acc0 += a[ar.x + ak] * bv;
    acc1 += a[ar.y + ak] * bv;
    acc2 += a[ar.z + ak] * bv;
    acc3 += a[ar.w + ak] * bv;
  }
  store(row0, col0, acc0);
  store(row0 + 1u, col0, acc1);
  store(row0 + 2u, col0, acc2);
  store(row0 + 3u, col0, acc3);
}
fn store(row: u32, col0: u32, v: vec4<f32>) {
  if (row >= p.M) { return; }
  let base = row * p.N;
  for (var j = 0u; j < 4u; j++) {
    if (col0 + j < p.N) { c[base + col0 + j] = v[j]; }
  }
}
