// sum.wgsl's partial sums, chunk-major (why: kernels/reduce.ts): thread t sums chunk t / outSize of
// output t % outSize into out[t], so neighbouring threads read neighbouring elements of x.
#include "include/thread.wgsl"
#include "include/sum.wgsl"
fn invocation(t: u32) {
  if (t >= p.outSize * p.chunks) { return; }
  let c = t / p.outSize;
  let base = keptBase(t % p.outSize);
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
