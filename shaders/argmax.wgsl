// argmax: index of the first maximum of each row of x [rows, cols] (int32); a first NaN wins.
struct Params { rows: u32, cols: u32, }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<i32>;
override WG: u32 = 64;
@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let r = (wid.x + nwg.x * (wid.y + nwg.y * wid.z)) * WG + lid;
  if (r >= p.rows) { return; }
  // The first NaN counts as the maximum, as on the CPU; NaN is tested on the bits, since WGSL lets
  // the compiler assume float comparisons never see NaN.
  var best = x[r * p.cols];
  var at = 0u;
  for (var j = 1u; j < p.cols && !isNan(best); j++) {
    let v = x[r * p.cols + j];
    if (isNan(v) || v > best) { best = v; at = j; }
  }
  out[r] = i32(at);
}
fn isNan(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u; }
