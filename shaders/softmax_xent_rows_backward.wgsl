// softmax_xent_rows_backward: dlogits[r, c] = dRow[r] * (probs[r, c] - t_c), t as in
// softmax_xent_rows.wgsl. One invocation per element; a label out of range gives NaN and is reported.
#include "include/elements.wgsl"
#include "include/labels.wgsl"
struct Params { n: u32, cols: u32, smoothing: f32, }
@group(0) @binding(1) var<storage, read> probs: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<i32>;
@group(0) @binding(3) var<storage, read> dRow: array<f32>;
@group(0) @binding(4) var<storage, read_write> dx: array<f32>;
fn element(i: u32) {
  let r = i / p.cols;
  let c = i % p.cols;
  let label = labels[r];
  let ok = labelOk(label, r);
  let t = select(0.0, 1.0 - p.smoothing, i32(c) == label) + p.smoothing / f32(p.cols);
  dx[i] = select(nan(), dRow[r] * (probs[i] - t), ok);
}
