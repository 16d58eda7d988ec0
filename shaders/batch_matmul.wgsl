// batch_matmul: C[t] = op(A[t]) · op(B[t]) for every batch element t. Each invocation computes a 4x4
// block of C in registers (no workgroup memory, as matmul.wgsl); blocks are numbered linearly over all
// batch elements (blocksX * blocksY per element), so any workgroup size works. Element t finds its A
// and B through the batch strides, 0 along batch axes that broadcast (batchRank <= 4).
// A(i, k) = a[aOff + i*aRow + k*aCol], B(k, j) = b[bOff + k*bRow + j*bCol]: transposes are strides.
struct Params {
  M: u32, N: u32, K: u32, blocksX: u32,
  aRow: u32, aCol: u32, bRow: u32, bCol: u32,
  blocksY: u32, batches: u32, batchRank: u32, _p0: u32,
  batchShape: vec4<u32>, aBatchStrides: vec4<u32>, bBatchStrides: vec4<u32>,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;
override WG: u32 = 64;
@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let blk = (wid.x + nwg.x * (wid.y + nwg.y * wid.z)) * WG + lid;
  let perBatch = p.blocksX * p.blocksY;
  let t = blk / perBatch;
  if (t >= p.batches) { return; }
  let local = blk % perBatch;
  let row0 = (local / p.blocksX) * 4u;
  let col0 = (local % p.blocksX) * 4u;
  var aOff = 0u;
  var bOff = 0u;
  var rest = t;
  for (var d = i32(p.batchRank) - 1; d >= 0; d--) {
    let s = p.batchShape[d];
    let i = rest % s;
    rest = rest / s;
    aOff += i * p.aBatchStrides[d];
    bOff += i * p.bBatchStrides[d];
  }
  // Clamp loads to valid rows/columns; results outside C are never stored.
  let ar = vec4<u32>(min(row0, p.M - 1u), min(row0 + 1u, p.M - 1u), min(row0 + 2u, p.M - 1u), min(row0 + 3u, p.M - 1u)) * p.aRow + aOff;
  let bc = vec4<u32>(min(col0, p.N - 1u), min(col0 + 1u, p.N - 1u), min(col0 + 2u, p.N - 1u), min(col0 + 3u, p.N - 1u)) * p.bCol + bOff;
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
  let cOff = t * p.M * p.N;
  store(cOff, row0, col0, acc0);
  store(cOff, row0 + 1u, col0, acc1);
  store(cOff, row0 + 2u, col0, acc2);
  store(cOff, row0 + 3u, col0, acc3);
}
fn store(cOff: u32, row: u32, col0: u32, v: vec4<f32>) {
  if (row >= p.M) { return; }
  let base = cOff + row * p.N;
  for (var j = 0u; j < 4u; j++) {
    if (col0 + j < p.N) { c[base + col0 + j] = v[j]; }
  }
}
