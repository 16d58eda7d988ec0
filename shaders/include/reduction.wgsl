// The reductions' parameter block and indexing (reduce.wgsl, moments.wgsl): the host merges
// adjacent axes into runs of kept axes (keptShape/keptStrides, <= 4) and reduced axes
// (redShape/redStrides, <= 4) that index x directly; one invocation per output o.
struct Params {
  outSize: u32, redSize: u32, keptRank: u32, redRank: u32,
  op: u32, _p0: u32, _p1: u32, _p2: u32,
  keptShape: vec4<u32>, keptStrides: vec4<u32>,
  redShape: vec4<u32>, redStrides: vec4<u32>,
}
#include "include/strided.wgsl"
// Offset in x of output o's first element.
fn keptBase(o: u32) -> u32 { return stridedOffset(o, p.keptRank, p.keptShape, p.keptStrides); }
// Offset of the r-th reduced element (row-major over the reduced runs) from a base.
fn reducedOffset(r: u32) -> u32 { return stridedOffset(r, p.redRank, p.redShape, p.redStrides); }
