// softmaxCrossEntropyBackward: dlogits = (probs - onehot(label)) * dLoss / rows; a label out of
// range gives a row of NaN and is reported (include/labels.wgsl).
#include "include/elements.wgsl"
#include "include/labels.wgsl"
struct Params { n: u32, cols: u32, invRows: f32, }
@group(0) @binding(1) var<storage, read> probs: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<i32>;
@group(0) @binding(3) var<storage, read> dLoss: array<f32>;
@group(0) @binding(4) var<storage, read_write> dlogits: array<f32>;
fn element(i: u32) {
  let r = i / p.cols;
  let j = i % p.cols;
  let label = labels[r];
  let ok = labelOk(label, r);
  let hot = select(0.0, 1.0, i32(j) == label);
  dlogits[i] = select(nan(), (probs[i] - hot) * dLoss[0] * p.invRows, ok);
}
