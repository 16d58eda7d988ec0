// moments: mean and (biased) variance over the reduced axes, two passes per output: the mean, then the
// mean squared deviation from it. Axes are collapsed by the host as for reduce.wgsl.
struct Params {
  outSize: u32, redSize: u32, keptRank: u32, redRank: u32,
  keptShape: vec4<u32>, keptStrides: vec4<u32>,
  redShape: vec4<u32>, redStrides: vec4<u32>,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> mean: array<f32>;
@group(0) @binding(3) var<storage, read_write> variance: array<f32>;
override WG: u32 = 64;

fn offset_of(r: u32) -> u32 {
  var off = 0u;
  var q = r;
  for (var d = i32(p.redRank) - 1; d >= 0; d--) {
    let s = p.redShape[d];
    off += (q % s) * p.redStrides[d];
    q = q / s;
  }
  return off;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let o = (wid.x + nwg.x * (wid.y + nwg.y * wid.z)) * WG + lid;
  if (o >= p.outSize) { return; }
  var base = 0u;
  var rest = o;
  for (var d = i32(p.keptRank) - 1; d >= 0; d--) {
    let s = p.keptShape[d];
    base += (rest % s) * p.keptStrides[d];
    rest = rest / s;
  }
  var s = 0.0;
  for (var r = 0u; r < p.redSize; r++) { s += x[base + offset_of(r)]; }
  let mu = s / f32(p.redSize);
  var q = 0.0;
  for (var r = 0u; r < p.redSize; r++) {
    let dev = x[base + offset_of(r)] - mu;
    q += dev * dev;
  }
  mean[o] = mu;
  variance[o] = q / f32(p.redSize);
}
