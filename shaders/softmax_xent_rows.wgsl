// softmax_xent_rows: per-row softmax cross-entropy from logits x [rows, cols] and int32 labels, with
// label smoothing s (target (1 - s)*onehot + s/cols). One invocation per row: softmax into probs,
// rowLoss = Σ_c t_c * (logSumExp - x_c), the row maximum subtracted. A label out of range gives NaN
// and is reported (include/labels.wgsl). Class weights are applied by the op (engine/ops/losses.ts).
#include "include/xent-forward.wgsl"
#include "include/smoothed-target.wgsl"
struct Params { rows: u32, cols: u32, smoothing: f32, }
fn row(r: u32, base: u32) {
  let st = rowStats(base);
  let lse = log(st.sumExp);
  let label = labels[r];
  var loss = 0.0;
  for (var c = 0u; c < p.cols; c++) {
    let shifted = x[base + c] - st.mx;
    probs[base + c] = exp(shifted) / st.sumExp;
    loss += smoothedTarget(c, label, p.smoothing) * (lse - shifted);
  }
  rowLoss[r] = select(nan(), loss, labelOk(label, r));
}
