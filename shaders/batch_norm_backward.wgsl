// batch_norm_backward: dx from the coefficients (batch_norm_coefficients.wgsl) and the column sums
// (norm_column_sums.wgsl: sums = [Σdy·x̂ | Σdy]). training 1: the statistics are the batch's own,
// dx = scale*rstd/R * (R*dy - Σdy - x̂*Σdy·x̂); training 0: they are constants, dx = dy*scale*rstd.
#include "include/elements.wgsl"
struct Params { n: u32, C: u32, rows: u32, training: u32, }
#storage(1) read dy: f32, read x: f32, read coef: f32, read sums: f32, read_write dx: f32
fn element(i: u32) {
  let c = i % p.C;
  let k = coef[2u * p.C + c];
  if (p.training == 1u) {
    let R = f32(p.rows);
    let xhat = (x[i] - coef[c]) * coef[p.C + c];
    dx[i] = k / R * (R * dy[i] - sums[p.C + c] - xhat * sums[c]);
  } else {
    dx[i] = dy[i] * k;
  }
}
