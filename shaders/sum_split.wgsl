// sum, chunk-major (the 'blocked' variant of a long sum whose outputs are contiguous in x, e.g.
// a bias gradient: [pixels, channels] summed over the pixels): the partial sums of sum.wgsl, but
// thread t handles chunk c = t / outSize of output o = t % outSize and writes
// out[c * outSize + o]. Neighbouring threads then read neighbouring elements of x, so each cache
// line is read once, by one workgroup, at one time; in sum.wgsl's order (chunks of one output
// side by side) every line is fetched again for each output it holds (conv1's bias gradient at
// batch 256: 22 MB read 16 times, 740 ms on lavapipe). The host sums the chunks with a second
// pass when chunks > 1 (a column sum again: kept outSize:1, reduced chunks:outSize).
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
