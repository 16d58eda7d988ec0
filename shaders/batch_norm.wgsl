// batch_norm: y = (x - mean[c]) * inverseSqrt(variance[c] + epsilon) * scale[c] + offset[c], c = i % C
// (the channel is the last axis). Training and inference differ only in where mean and variance come from.
#include "include/elements.wgsl"
struct Params { n: u32, C: u32, epsilon: f32, }
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> mean: array<f32>;
@group(0) @binding(3) var<storage, read> variance: array<f32>;
@group(0) @binding(4) var<storage, read> scale: array<f32>;
@group(0) @binding(5) var<storage, read> offset: array<f32>;
@group(0) @binding(6) var<storage, read_write> y: array<f32>;
fn element(i: u32) {
  let c = i % p.C;
  y[i] = (x[i] - mean[c]) * inverseSqrt(variance[c] + p.epsilon) * scale[c] + offset[c];
}
