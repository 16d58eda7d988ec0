// norm_column_sums: the parameter gradients of batch and layer norm over rows [R, C]: one invocation per
// column c sums dOffset[c] = Σ_r dy and dScale[c] = Σ_r dy * x̂. x̂ = (x - mean) * rstd with per-column
// statistics (mode 0, batch norm: stat is the variance, rstd = inverseSqrt(stat + epsilon)) or per-row
// ones (mode 1, layer norm: stat is rstd itself).
#include "include/thread.wgsl"
struct Params { rows: u32, C: u32, mode: u32, epsilon: f32, }
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read> mean: array<f32>;
@group(0) @binding(4) var<storage, read> stat: array<f32>;
@group(0) @binding(5) var<storage, read_write> dScale: array<f32>;
@group(0) @binding(6) var<storage, read_write> dOffset: array<f32>;
fn invocation(c: u32) {
  if (c >= p.C) { return; }
  var sumDy = 0.0;
  var sumDyXhat = 0.0;
  if (p.mode == 0u) {
    let mu = mean[c];
    let rstd = inverseSqrt(stat[c] + p.epsilon);
    for (var r = 0u; r < p.rows; r++) {
      let d = dy[r * p.C + c];
      sumDy += d;
      sumDyXhat += d * (x[r * p.C + c] - mu) * rstd;
    }
  } else {
    for (var r = 0u; r < p.rows; r++) {
      let d = dy[r * p.C + c];
      sumDy += d;
      sumDyXhat += d * (x[r * p.C + c] - mean[r]) * stat[r];
    }
  }
  dScale[c] = sumDyXhat;
  dOffset[c] = sumDy;
}
