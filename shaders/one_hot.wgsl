// one_hot: out[i, c] = c == indices[i] ? onValue : offValue (raw bits); an index outside [0, depth) gives a row of offValue.
struct Params { n: u32, depth: u32, onValue: u32, offValue: u32, }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> indices: array<i32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;
override WG: u32 = 64;
@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + nwg.x * (wid.y + nwg.y * wid.z)) * WG + lid;
  if (i >= p.n) { return; }
  let at = indices[i / p.depth];
  out[i] = select(p.offValue, p.onValue, at >= 0 && u32(at) == i % p.depth);
}
