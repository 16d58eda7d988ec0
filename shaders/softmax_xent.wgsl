// softmaxCrossEntropy, per row: probs = softmax(logits) and rowLoss = logsumexp(logits) - logits[label].
// The host then averages rowLoss over the batch (sum kernel, then scale).
struct Params { rows: u32, cols: u32, }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<i32>;
@group(0) @binding(3) var<storage, read_write> probs: array<f32>;
@group(0) @binding(4) var<storage, read_write> rowLoss: array<f32>;
override WG: u32 = 64;
@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let r = (wid.x + nwg.x * (wid.y + nwg.y * wid.z)) * WG + lid;
  if (r >= p.rows) { return; }
  let base = r * p.cols;
  var mx = -3.402823e38;
  for (var j = 0u; j < p.cols; j++) { mx = max(mx, logits[base + j]); }
  var s = 0.0;
  for (var j = 0u; j < p.cols; j++) { s += exp(logits[base + j] - mx); }
  for (var j = 0u; j < p.cols; j++) { probs[base + j] = exp(logits[base + j] - mx) / s; }
  let label = u32(clamp(labels[r], 0, i32(p.cols) - 1));
  rowLoss[r] = mx + log(s) - logits[base + label];
}
