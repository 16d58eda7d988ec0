// The softmax cross-entropy backward kernels, one invocation per element (r, c) of probs
// [rows, cols]: dx = rowScale(r) * (probs - t_c), t the smoothed target (include/labels.wgsl); a
// label out of range gives NaN and is reported. The kernel declares `struct Params` with n and
// cols first, its binding 3, `fn smoothing() -> f32` and `fn rowScale(r: u32) -> f32`.
#include "include/elements.wgsl"
#include "include/labels.wgsl"
#include "include/smoothed-target.wgsl"
#storage(1) read probs: f32, read labels: i32
#storage(4) read_write dx: f32
fn element(i: u32) {
  let r = i / p.cols;
  let label = labels[r];
  let ok = labelOk(label, r);
  dx[i] = select(nan(), rowScale(r) * (probs[i] - smoothedTarget(i % p.cols, label, smoothing())), ok);
}
