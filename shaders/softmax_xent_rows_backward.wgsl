// softmax_xent_rows_backward: dlogits[r, c] = dRow[r] * w_r * (probs[r, c] - t_c), t and w as in
// softmax_xent_rows.wgsl. One invocation per element.
struct Params { n: u32, cols: u32, smoothing: f32, hasWeights: u32, }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> probs: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<i32>;
@group(0) @binding(3) var<storage, read> weights: array<f32>;
@group(0) @binding(4) var<storage, read> dRow: array<f32>;
@group(0) @binding(5) var<storage, read_write> dx: array<f32>;
override WG: u32 = 64;
@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + nwg.x * (wid.y + nwg.y * wid.z)) * WG + lid;
  if (i >= p.n) { return; }
  let r = i / p.cols;
  let c = i % p.cols;
  let label = labels[r];
  var w = 1.0;
  if (p.hasWeights == 1u) {
    w = select(0.0, weights[min(u32(max(label, 0)), p.cols - 1u)], label >= 0 && u32(label) < p.cols);
  }
  let t = select(0.0, 1.0 - p.smoothing, i32(c) == label) + p.smoothing / f32(p.cols);
  dx[i] = dRow[r] * w * (probs[i] - t);
}
