// Indexing over runs of kept and reduced axes (the host merges adjacent axes: at most 4 runs of
// each): keptShape/keptStrides and redShape/redStrides, keptRank and redRank, members of the
// kernel's Params (include/reduction.wgsl, sum_tiled.wgsl, sum_subgroup.wgsl).
// Offset of the i-th element (row-major) of a block of `rank` runs with these sizes and strides.
fn runsOffset(i: u32, rank: u32, shape: vec4<u32>, strides: vec4<u32>) -> u32 {
  var off = 0u;
  var rest = i;
  for (var d = i32(rank) - 1; d >= 0; d--) {
    let s = shape[d];
    off += (rest % s) * strides[d];
    rest = rest / s;
  }
  return off;
}
// Offset in x of output o's first element.
fn keptBase(o: u32) -> u32 { return runsOffset(o, p.keptRank, p.keptShape, p.keptStrides); }
// Offset of the r-th reduced element (row-major over the reduced runs) from a base.
fn reducedOffset(r: u32) -> u32 { return runsOffset(r, p.redRank, p.redShape, p.redStrides); }
