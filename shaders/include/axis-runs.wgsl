// Indexing over runs of kept and reduced axes (the host merges adjacent axes: at most 4 runs of
// each): keptShape/keptStrides and redShape/redStrides, keptRank and redRank, members of the
// kernel's Params (include/reduction.wgsl, sum_tiled.wgsl, sum_subgroup.wgsl).
// Offset in x of output o's first element.
fn keptBase(o: u32) -> u32 {
  var base = 0u;
  var rest = o;
  for (var d = i32(p.keptRank) - 1; d >= 0; d--) {
    let s = p.keptShape[d];
    base += (rest % s) * p.keptStrides[d];
    rest = rest / s;
  }
  return base;
}
// Offset of the r-th reduced element (row-major over the reduced runs) from a base.
fn reducedOffset(r: u32) -> u32 {
  var off = 0u;
  var q = r;
  for (var d = i32(p.redRank) - 1; d >= 0; d--) {
    let s = p.redShape[d];
    off += (q % s) * p.redStrides[d];
    q = q / s;
  }
  return off;
}
