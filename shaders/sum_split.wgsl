// sum.wgsl's partial sums, chunk-major (why: kernels/reduce.ts): thread t sums chunk t / outSize of
// output t % outSize into out[t], so neighbouring threads read neighbouring elements of x.
#include "include/thread.wgsl"
#include "include/axis-runs.wgsl"
struct Params {
  outSize: u32, chunks: u32, chunkLen: u32, redSize: u32,
  keptRank: u32, redRank: u32, _p0: u32, _p1: u32,
  keptShape: vec4<u32>, keptStrides: vec4<u32>,
  redShape: vec4<u32>, redStrides: vec4<u32>,
}
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
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
