// For the cross-entropy kernels with label smoothing (Params.cols):
// Class c's target under label smoothing s: (1 - s) * onehot(label) + s / cols.
fn smoothedTarget(c: u32, label: i32, smoothing: f32) -> f32 {
  return select(0.0, 1.0 - smoothing, i32(c) == label) + smoothing / f32(p.cols);
}
