// norm_column_sums: the parameter gradients of batch and layer norm over rows [R, C]. One invocation
// per column c sums sums[c] = Σ_r dy * x̂ (dScale) and sums[C + c] = Σ_r dy (dOffset), with
// x̂ = (x - mean) * rstd from per-column statistics (mode 0, batch norm: stats is the coefficient
// block [mean | rstd | ...] of batch_norm_coefficients.wgsl) or per-row ones (mode 1, layer norm:
// stats holds (mean, rstd) per row, interleaved).
#include "include/thread.wgsl"
struct Params { rows: u32, C: u32, mode: u32, }
#storage(1) read dy: f32, read x: f32, read stats: f32, read_write sums: f32
fn invocation(c: u32) {
  if (c >= p.C) { return; }
  var sumDy = 0.0;
  var sumDyXhat = 0.0;
  if (p.mode == 0u) {
    let mu = stats[c];
    let rstd = stats[p.C + c];
    for (var r = 0u; r < p.rows; r++) {
      let d = dy[r * p.C + c];
      sumDy += d;
      sumDyXhat += d * (x[r * p.C + c] - mu) * rstd;
    }
  } else {
    for (var r = 0u; r < p.rows; r++) {
      let d = dy[r * p.C + c];
      sumDy += d;
      sumDyXhat += d * (x[r * p.C + c] - stats[2u * r]) * stats[2u * r + 1u];
    }
  }
  sums[c] = sumDyXhat;
  sums[p.C + c] = sumDy;
}
