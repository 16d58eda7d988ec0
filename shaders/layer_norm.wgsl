// layer_norm: one invocation per row of x [rows, cols] (include/rows.wgsl): the row's mean, then its
// variance (two passes), then y = (x - mean) * rstd * scale + offset; stats keeps (mean,
// rstd = inverseSqrt(variance + epsilon)).
#include "include/rows.wgsl"
struct Params { rows: u32, cols: u32, epsilon: f32, }
#storage(2) read scale: f32, read offset: f32, read_write y: f32, read_write stats: f32
fn row(r: u32, base: u32) {
  var s = 0.0;
  for (var c = 0u; c < p.cols; c++) { s += x[base + c]; }
  let mu = s / f32(p.cols);
  var q = 0.0;
  for (var c = 0u; c < p.cols; c++) { let d = x[base + c] - mu; q += d * d; }
  let inv = inverseSqrt(q / f32(p.cols) + p.epsilon);
  for (var c = 0u; c < p.cols; c++) { y[base + c] = (x[base + c] - mu) * inv * scale[c] + offset[c]; }
  stats[2u * r] = mu;
  stats[2u * r + 1u] = inv;
}
