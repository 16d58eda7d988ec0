// batch_norm_coefficients: per channel c, the coefficients the batch-norm kernels read, in blocks of
// C: coef = [mean | rstd | scale * rstd | offset], rstd = inverseSqrt(variance + epsilon). One
// invocation per channel; packing them keeps the element kernels at few bindings.
#include "include/elements.wgsl"
struct Params { n: u32, epsilon: f32, }
@group(0) @binding(1) var<storage, read> mean: array<f32>;
@group(0) @binding(2) var<storage, read> variance: array<f32>;
@group(0) @binding(3) var<storage, read> scale: array<f32>;
@group(0) @binding(4) var<storage, read> offset: array<f32>;
@group(0) @binding(5) var<storage, read_write> coef: array<f32>;
fn element(c: u32) {
  let rstd = inverseSqrt(variance[c] + p.epsilon);
  coef[c] = mean[c];
  coef[p.n + c] = rstd;
  coef[2u * p.n + c] = scale[c] * rstd;
  coef[3u * p.n + c] = offset[c];
}
