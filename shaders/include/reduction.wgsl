// The reductions' parameter block and indexing (reduce.wgsl, moments.wgsl): the host merges
// adjacent axes into runs of kept axes (keptShape/keptStrides, <= 4) and reduced axes
// (redShape/redStrides, <= 4) that index x directly; one invocation per output o.
struct Params {
  outSize: u32, redSize: u32, keptRank: u32, redRank: u32,
  op: u32, _p0: u32, _p1: u32, _p2: u32,
  keptShape: vec4<u32>, keptStrides: vec4<u32>,
  redShape: vec4<u32>, redStrides: vec4<u32>,
}
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
