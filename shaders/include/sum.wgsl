// The sums' parameter block and buffers (sum.wgsl; sum_tiled.wgsl and sum_subgroup.wgsl through
// include/sum-chunks.wgsl): the kept and reduced runs of include/axis-runs.wgsl, and the split of
// the reduction into `chunks` of chunkLen elements; out[o * chunks + c] is output o's chunk c,
// summed again by the host when chunks > 1.
#include "include/axis-runs.wgsl"
#include "include/sum-params.wgsl"
#storage(1) read x: f32, read_write out: f32
// The sum over chunk c of output o's reduced elements r, from r = c*chunkLen + lane in steps of
// `step` (sum.wgsl: the whole chunk, lane 0, step 1; include/sum-chunks.wgsl: one lane's share,
// step WG). A single reduced run is indexed by its stride alone.
fn chunkSum(o: u32, c: u32, lane: u32, step: u32) -> f32 {
  let base = keptBase(o);
  let start = c * p.chunkLen;
  let first = start + lane;
  let end = min(start + p.chunkLen, p.redSize);
  var acc = 0.0;
  if (p.redRank == 1u) {
    let st = p.redStrides[0];
    for (var r = first; r < end; r += step) { acc += x[base + r * st]; }
  } else {
    for (var r = first; r < end; r += step) { acc += x[base + reducedOffset(r)]; }
  }
  return acc;
}
