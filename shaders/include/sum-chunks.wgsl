// The work of the workgroup sums (sum_tiled.wgsl, sum_subgroup.wgsl): the problem of sum.wgsl
// (include/sum.wgsl), but a whole workgroup per (output o, chunk c), its lanes reading every
// WG-th element of the chunk.
#include "include/sum.wgsl"
fn workItems() -> u32 { return p.outSize * p.chunks; }
fn lanePartial(g: u32, lane: u32) -> f32 {
  return chunkSum(g / p.chunks, g % p.chunks, lane, WG);
}
fn storeItem(g: u32, total: f32) { out[g] = total; }
