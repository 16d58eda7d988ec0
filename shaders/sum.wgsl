// sum: partial sums of x over a set of reduced axes, split into chunks for parallelism.
// The host collapses adjacent axes, so the kept axes (keptShape/keptStrides, <= 4) and the
// reduced axes (redShape/redStrides, <= 4) index x directly. Thread t handles output
// o = t / chunks and chunk c = t % chunks, summing reduced elements [c*chunkLen, (c+1)*chunkLen),
// and writes out[o * chunks + c]; the host sums the chunks with a second pass when chunks > 1.
#include "include/thread.wgsl"
#include "include/sum.wgsl"
fn invocation(t: u32) {
  if (t >= p.outSize * p.chunks) { return; }
  let o = t / p.chunks;
  let c = t % p.chunks;
  let base = keptBase(o);
  let start = c * p.chunkLen;
  let end = min(start + p.chunkLen, p.redSize);
  var acc = 0.0;
  if (p.redRank == 1u) {
    let st = p.redStrides[0];
    for (var r = start; r < end; r++) { acc += x[base + r * st]; }
  } else {
    for (var r = start; r < end; r++) { acc += x[base + reducedOffset(r)]; }
  }
  out[t] = acc;
}
