// batch_norm: y = (x - mean[c]) * inverseSqrt(variance[c] + epsilon) * scale[c] + offset[c], c = i % C
// (the channel is the last axis). Training and inference differ only in where mean and variance come from.
struct Params { n: u32, C: u32, epsilon: f32, }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> mean: array<f32>;
@group(0) @binding(3) var<storage, read> variance: array<f32>;
@group(0) @binding(4) var<storage, read> scale: array<f32>;
@group(0) @binding(5) var<storage, read> offset: array<f32>;
@group(0) @binding(6) var<storage, read_write> y: array<f32>;
override WG: u32 = 64;
@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + nwg.x * (wid.y + nwg.y * wid.z)) * WG + lid;
  if (i >= p.n) { return; }
  let c = i % p.C;
  y[i] = (x[i] - mean[c]) * inverseSqrt(variance[c] + p.epsilon) * scale[c] + offset[c];
}
