// The sums' parameter block (include/sum.wgsl, sum_split_vec4.wgsl): the kept and reduced runs
// of include/axis-runs.wgsl and the split of the reduction into `chunks` of chunkLen elements.
struct Params {
  outSize: u32, chunks: u32, chunkLen: u32, redSize: u32,
  keptRank: u32, redRank: u32, _p0: u32, _p1: u32,
  keptShape: vec4<u32>, keptStrides: vec4<u32>,
  redShape: vec4<u32>, redStrides: vec4<u32>,
}
