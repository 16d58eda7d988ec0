// The reductions' parameter block and indexing (reduce.wgsl, moments.wgsl): the host merges
// adjacent axes into runs of kept axes (keptShape/keptStrides, <= 4) and reduced axes
// (redShape/redStrides, <= 4) that index x directly; one invocation per output o, for which the
// kernel's `fn reduceOutput(o: u32, base: u32)` runs, base the offset of o's first element in x.
#include "include/thread.wgsl"
struct Params {
  outSize: u32, redSize: u32, keptRank: u32, redRank: u32,
  op: u32, _p0: u32, _p1: u32, _p2: u32,
  keptShape: vec4<u32>, keptStrides: vec4<u32>,
  redShape: vec4<u32>, redStrides: vec4<u32>,
}
#include "include/axis-runs.wgsl"
fn invocation(o: u32) {
  if (o < p.outSize) { reduceOutput(o, keptBase(o)); }
}
