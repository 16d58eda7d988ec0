// binary: out = a op b with NumPy broadcasting (rank <= 8); op 0 add, 1 sub, 2 mul, 3 div.
// shape: the output shape; aStrides/bStrides: element strides of a and b per output axis (0 where broadcast).
struct Params {
  n: u32, rank: u32, op: u32, contiguous: u32,
  shape: array<vec4<u32>, 2>,
  aStrides: array<vec4<u32>, 2>,
  bStrides: array<vec4<u32>, 2>,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
override WG: u32 = 64;
@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + nwg.x * (wid.y + nwg.y * wid.z)) * WG + lid;
  if (i >= p.n) { return; }
  var ia = i;
  var ib = i;
  if (p.contiguous == 0u) {
    ia = 0u;
    ib = 0u;
    var rest = i;
    for (var d = i32(p.rank) - 1; d >= 0; d--) {
      let du = u32(d);
      let size = p.shape[du / 4u][du % 4u];
      let c = rest % size;
      rest = rest / size;
      ia += c * p.aStrides[du / 4u][du % 4u];
      ib += c * p.bStrides[du / 4u][du % 4u];
    }
  }
  let va = a[ia];
  let vb = b[ib];
  var r: f32;
  switch (p.op) {
    case 0u: { r = va + vb; }
    case 1u: { r = va - vb; }
    case 2u: { r = va * vb; }
    default: { r = va / vb; }
  }
  out[i] = r;
}
