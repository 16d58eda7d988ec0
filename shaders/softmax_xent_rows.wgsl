// softmax_xent_rows: per-row softmax cross-entropy from logits x [rows, cols] and int32 labels, with
// label smoothing s (target (1 - s)*onehot + s/cols). One invocation per row: softmax into probs,
// rowLoss = Σ_c t_c * (logSumExp - x_c), the row maximum subtracted. A label out of range gives NaN
// and is reported (include/labels.wgsl). Class weights are applied by the op (engine/ops/losses.ts).
#include "include/thread.wgsl"
#include "include/labels.wgsl"
struct Params { rows: u32, cols: u32, smoothing: f32, }
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<i32>;
@group(0) @binding(3) var<storage, read_write> probs: array<f32>;
@group(0) @binding(4) var<storage, read_write> rowLoss: array<f32>;
fn invocation(r: u32) {
  if (r >= p.rows) { return; }
  let base = r * p.cols;
  var mx = -3.402823e38;
  for (var c = 0u; c < p.cols; c++) { mx = max(mx, x[base + c]); }
  var s = 0.0;
  for (var c = 0u; c < p.cols; c++) { s += exp(x[base + c] - mx); }
  let lse = log(s);
  let label = labels[r];
  let off = p.smoothing / f32(p.cols);
  var loss = 0.0;
  for (var c = 0u; c < p.cols; c++) {
    let shifted = x[base + c] - mx;
    probs[base + c] = exp(shifted) / s;
    let t = select(0.0, 1.0 - p.smoothing, i32(c) == label) + off;
    loss += t * (lse - shifted);
  }
  rowLoss[r] = select(nan(), loss, labelOk(label, r));
}
