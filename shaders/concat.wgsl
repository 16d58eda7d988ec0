// concat: copies one input, viewed as [outer, band], into its band of every row of the output
// [outer, outRow] starting at column `offset`; the host dispatches once per input. Raw 32-bit words.
struct Params { n: u32, band: u32, outRow: u32, offset: u32, }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;
override WG: u32 = 64;
@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + nwg.x * (wid.y + nwg.y * wid.z)) * WG + lid;
  if (i >= p.n) { return; }
  out[(i / p.band) * p.outRow + p.offset + i % p.band] = x[i];
}
