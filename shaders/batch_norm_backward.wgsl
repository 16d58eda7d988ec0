// batch_norm_backward: dx from the column sums of norm_column_sums (sumDyXhat = dScale, sumDy = dOffset).
// training 1: the statistics are the batch's own, dx = scale*rstd/R * (R*dy - sumDy - x̂*sumDyXhat);
// training 0: they are constants, dx = dy*scale*rstd.
#include "include/elements.wgsl"
struct Params { n: u32, C: u32, rows: u32, training: u32, epsilon: f32, }
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read> mean: array<f32>;
@group(0) @binding(4) var<storage, read> variance: array<f32>;
@group(0) @binding(5) var<storage, read> scale: array<f32>;
@group(0) @binding(6) var<storage, read> sumDyXhat: array<f32>;
@group(0) @binding(7) var<storage, read> sumDy: array<f32>;
@group(0) @binding(8) var<storage, read_write> dx: array<f32>;
fn element(i: u32) {
  let c = i % p.C;
  let rstd = inverseSqrt(variance[c] + p.epsilon);
  let k = scale[c] * rstd;
  if (p.training == 1u) {
    let R = f32(p.rows);
    let xhat = (x[i] - mean[c]) * rstd;
    dx[i] = k / R * (R * dy[i] - sumDy[c] - xhat * sumDyXhat[c]);
  } else {
    dx[i] = dy[i] * k;
  }
}
