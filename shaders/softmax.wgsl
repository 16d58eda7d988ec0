// softmax over the last axis of x [rows, cols], one invocation per row, max subtracted.
struct Params { rows: u32, cols: u32, }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
override WG: u32 = 64;
@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let r = (wid.x + nwg.x * (wid.y + nwg.y * wid.z)) * WG + lid;
  if (r >= p.rows) { return; }
  let base = r * p.cols;
  var mx = -3.402823e38;
  for (var j = 0u; j < p.cols; j++) { mx = max(mx, x[base + j]); }
  var s = 0.0;
  for (var j = 0u; j < p.cols; j++) { s += exp(x[base + j] - mx); }
  for (var j = 0u; j < p.cols; j++) { y[base + j] = exp(x[base + j] - mx) / s; }
}
