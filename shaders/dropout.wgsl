// dropout: y = bits(i) >= threshold ? x * keepScale : 0, bits being the counter-based hash of
// engine/counter-hash.ts (lowbias32 twice, keyed by the seed) in the same wrapping u32 arithmetic, so
// the mask is the CPU's bit for bit.
struct Params { n: u32, key: u32, threshold: u32, keepScale: f32, }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
override WG: u32 = 64;

fn mix32(v: u32) -> u32 {
  var h = v;
  h ^= h >> 16u;
  h *= 0x7feb352du;
  h ^= h >> 15u;
  h *= 0x846ca68bu;
  h ^= h >> 16u;
  return h;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + nwg.x * (wid.y + nwg.y * wid.z)) * WG + lid;
  if (i >= p.n) { return; }
  let bits = mix32(mix32(i ^ p.key) + p.key);
  y[i] = select(0.0, x[i] * p.keepScale, bits >= p.threshold);
}
