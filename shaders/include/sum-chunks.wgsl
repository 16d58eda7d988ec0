// The work of the workgroup sums (sum_tiled.wgsl, sum_subgroup.wgsl): the same Params and
// output layout as sum.wgsl (out[o * chunks + c], summed again by the host when chunks > 1), but
// a whole workgroup per (output o, chunk c), its lanes reading every WG-th element of the chunk.
#include "include/axis-runs.wgsl"
struct Params {
  outSize: u32, chunks: u32, chunkLen: u32, redSize: u32,
  keptRank: u32, redRank: u32, _p0: u32, _p1: u32,
  keptShape: vec4<u32>, keptStrides: vec4<u32>,
  redShape: vec4<u32>, redStrides: vec4<u32>,
}
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
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
