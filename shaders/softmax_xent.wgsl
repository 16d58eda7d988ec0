// softmaxCrossEntropy, per row of the logits x: probs = softmax(x) and
// rowLoss = logsumexp(x) - x[label]; a label out of range gives NaN and is reported
// (include/labels.wgsl). The host then averages rowLoss over the batch (sum kernel, then scale).
#include "include/xent-forward.wgsl"
struct Params { rows: u32, cols: u32, }
fn row(r: u32, base: u32) {
  let st = rowStats(base);
  for (var j = 0u; j < p.cols; j++) { probs[base + j] = exp(x[base + j] - st.mx) / st.sumExp; }
  let label = labels[r];
  rowLoss[r] = select(nan(), st.mx + log(st.sumExp) - x[base + u32(label)], labelOk(label, r));
}
