// batch_norm_coefficients: per channel c, the coefficients the batch-norm kernels read, in blocks of
// C: coef = [mean | rstd | scale * rstd | offset], rstd = inverseSqrt(variance + epsilon). One
// invocation per channel; packing them keeps the element kernels at few bindings.
#include "include/elements.wgsl"
struct Params { n: u32, epsilon: f32, }
#storage(1) read mean: f32, read variance: f32, read scale: f32, read offset: f32, read_write coef: f32
fn element(c: u32) {
  let rstd = inverseSqrt(variance[c] + p.epsilon);
  coef[c] = mean[c];
  coef[p.n + c] = rstd;
  coef[2u * p.n + c] = scale[c] * rstd;
  coef[3u * p.n + c] = offset[c];
}
