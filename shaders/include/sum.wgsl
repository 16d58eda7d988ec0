// The sums' parameter block and buffers (sum.wgsl; sum_tiled.wgsl and sum_subgroup.wgsl through
// include/sum-chunks.wgsl): the kept and reduced runs of include/axis-runs.wgsl, and the split of
// the reduction into `chunks` of chunkLen elements; out[o * chunks + c] is output o's chunk c,
// summed again by the host when chunks > 1.
#include "include/axis-runs.wgsl"
struct Params {
  outSize: u32, chunks: u32, chunkLen: u32, redSize: u32,
  keptRank: u32, redRank: u32, _p0: u32, _p1: u32,
  keptShape: vec4<u32>, keptStrides: vec4<u32>,
  redShape: vec4<u32>, redStrides: vec4<u32>,
}
#storage(1) read x: f32, read_write out: f32
