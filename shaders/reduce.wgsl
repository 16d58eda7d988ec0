// reduce: one invocation per output scans its reduced elements in row-major order (as the CPU twin).
// op: 0 max, 1 min, 2 logSumExp (maximum subtracted), 3 argmax, 4 argmin (int32: the first extreme's
// position in the reduced block). out holds raw 32-bit words: float results are bitcast, indices not.
#include "include/thread.wgsl"
#include "include/reduction.wgsl"
#storage(1) read x: f32, read_write out: u32
fn invocation(o: u32) {
  if (o >= p.outSize) { return; }
  let base = keptBase(o);
  var best = x[base];
  var at = 0u;
  let lowest = p.op == 1u || p.op == 4u;
  for (var r = 1u; r < p.redSize; r++) {
    let v = x[base + reducedOffset(r)];
    if (select(v > best, v < best, lowest)) { best = v; at = r; }
  }
  if (p.op == 3u || p.op == 4u) {
    out[o] = at;
  } else if (p.op == 2u) {
    // best is the maximum here; an infinite maximum is the result itself.
    if (abs(best) > 3.402823e38) {
      out[o] = bitcast<u32>(best);
      return;
    }
    var s = 0.0;
    for (var r = 0u; r < p.redSize; r++) { s += exp(x[base + reducedOffset(r)] - best); }
    out[o] = bitcast<u32>(best + log(s));
  } else {
    out[o] = bitcast<u32>(best);
  }
}
