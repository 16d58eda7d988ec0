// softmax_xent_rows: per-row softmax cross-entropy from logits [rows, cols] and int32 labels, with label
// smoothing s (target (1 - s)*onehot + s/cols) and optional class weights (row weight weights[label]).
// One invocation per row: maximum, softmax into probs, rowLoss = w * Σ_c t_c * (logSumExp - x_c).
struct Params { rows: u32, cols: u32, smoothing: f32, hasWeights: u32, }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<i32>;
@group(0) @binding(3) var<storage, read> weights: array<f32>;
@group(0) @binding(4) var<storage, read_write> rowLoss: array<f32>;
@group(0) @binding(5) var<storage, read_write> probs: array<f32>;
override WG: u32 = 64;
@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let r = (wid.x + nwg.x * (wid.y + nwg.y * wid.z)) * WG + lid;
  if (r >= p.rows) { return; }
  let base = r * p.cols;
  let label = labels[r];
  var mx = -3.402823e38;
  for (var c = 0u; c < p.cols; c++) { mx = max(mx, logits[base + c]); }
  var s = 0.0;
  for (var c = 0u; c < p.cols; c++) { s += exp(logits[base + c] - mx); }
  let lse = log(s);
  let off = p.smoothing / f32(p.cols);
  var loss = 0.0;
  for (var c = 0u; c < p.cols; c++) {
    let shifted = logits[base + c] - mx;
    probs[base + c] = exp(shifted) / s;
    let t = select(0.0, 1.0 - p.smoothing, i32(c) == label) + off;
    loss += t * (lse - shifted);
  }
  var w = 1.0;
  if (p.hasWeights == 1u) {
    w = select(0.0, weights[min(u32(max(label, 0)), p.cols - 1u)], label >= 0 && u32(label) < p.cols);
  }
  rowLoss[r] = w * loss;
}
