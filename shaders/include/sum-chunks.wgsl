// The work of the workgroup sums (sum_tiled.wgsl, sum_subgroup.wgsl): the problem of sum.wgsl
// (include/sum.wgsl), but a whole workgroup per (output o, chunk c), its lanes reading every
// WG-th element of the chunk.
#include "include/sum.wgsl"
fn workItems() -> u32 { return p.outSize * p.chunks; }
fn lanePartial(g: u32, lane: u32) -> f32 {
  let base = keptBase(g / p.chunks);
  let start = (g % p.chunks) * p.chunkLen;
  let end = min(start + p.chunkLen, p.redSize);
  var acc = 0.0;
  if (p.redRank == 1u) {
    let st = p.redStrides[0];
    for (var r = start + lane; r < end; r += WG) { acc += x[base + r * st]; }
  } else {
    for (var r = start + lane; r < end; r += WG) { acc += x[base + reducedOffset(r)]; }
  }
  return acc;
}
fn storeItem(g: u32, total: f32) { out[g] = total; }
