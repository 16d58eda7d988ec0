// softmaxCrossEntropyBackward: dlogits = (probs - onehot(label)) * dLoss / rows.
struct Params { n: u32, cols: u32, invRows: f32, }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> probs: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<i32>;
@group(0) @binding(3) var<storage, read> dLoss: array<f32>;
@group(0) @binding(4) var<storage, read_write> dlogits: array<f32>;
override WG: u32 = 64;
@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + nwg.x * (wid.y + nwg.y * wid.z)) * WG + lid;
  if (i >= p.n) { return; }
  let r = i / p.cols;
  let j = i % p.cols;
  let hot = select(0.0, 1.0, i32(j) == labels[r]);
  dlogits[i] = (probs[i] - hot) * dLoss[0] * p.invRows;
}
