// norm_column_sums: the parameter gradients of batch and layer norm over rows [R, C]. One invocation
// per column c sums sums[c] = Σ_r dy * x̂ (dScale) and sums[C + c] = Σ_r dy (dOffset), with
// x̂ = (x - mean) * rstd from per-column statistics (mode 0, batch norm: stats is the coefficient
// block [mean | rstd | ...] of batch_norm_coefficients.wgsl) or per-row ones (mode 1, layer norm:
// stats holds (mean, rstd) per row, interleaved).
#include "include/thread.wgsl"
struct Params { rows: u32, C: u32, mode: u32, }
#storage(1) read dy: f32, read x: f32, read stats: f32, read_write sums: f32
// (mean, rstd) of element (r, c): column c's (mode 0) or row r's (mode 1).
fn statsAt(r: u32, c: u32) -> vec2<f32> {
  if (p.mode == 0u) { return vec2<f32>(stats[c], stats[p.C + c]); }
  return vec2<f32>(stats[2u * r], stats[2u * r + 1u]);
}
fn invocation(c: u32) {
  if (c >= p.C) { return; }
  var sumDy = 0.0;
  var sumDyXhat = 0.0;
  for (var r = 0u; r < p.rows; r++) {
    let st = statsAt(r, c);
    let d = dy[r * p.C + c];
    sumDy += d;
    sumDyXhat += d * (x[r * p.C + c] - st.x) * st.y;
  }
  sums[c] = sumDyXhat;
  sums[p.C + c] = sumDy;
}
