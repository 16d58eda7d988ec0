// batch_norm: y = (x - mean[c]) * (scale[c] * rstd[c]) + offset[c], c = i % C (the channel is the last
// axis), from the coefficients of batch_norm_coefficients.wgsl. Training and inference differ only in
// where mean and variance come from.
#include "include/elements.wgsl"
struct Params { n: u32, C: u32, }
#storage(1) read x: f32, read coef: f32, read_write y: f32
fn element(i: u32) {
  let c = i % p.C;
  y[i] = (x[i] - coef[c]) * coef[2u * p.C + c] + coef[3u * p.C + c];
}
