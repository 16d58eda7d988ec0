// layer_norm_backward: dx per row of x [rows, cols] (include/rows.wgsl): g = dy * scale,
// dx = rstd * (g - mean(g) - x̂ * mean(g * x̂)), with (mean, rstd) of the row from stats. The
// parameter gradients are norm_column_sums (mode 1).
#include "include/rows.wgsl"
struct Params { rows: u32, cols: u32, }
#storage(2) read dy: f32, read stats: f32, read scale: f32, read_write dx: f32
fn row(r: u32, base: u32) {
  let mu = stats[2u * r];
  let inv = stats[2u * r + 1u];
  var sg = 0.0;
  var sgx = 0.0;
  for (var c = 0u; c < p.cols; c++) {
    let g = dy[base + c] * scale[c];
    sg += g;
    sgx += g * (x[base + c] - mu) * inv;
  }
  let n = f32(p.cols);
  for (var c = 0u; c < p.cols; c++) {
    let xhat = (x[base + c] - mu) * inv;
    dx[base + c] = inv * (dy[base + c] * scale[c] - sg / n - xhat * sgx / n);
  }
}
