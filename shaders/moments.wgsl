// moments: mean and (biased) variance over the reduced axes, two passes per output: the mean, then
// the mean squared deviation from it (op unused).
#include "include/thread.wgsl"
#include "include/reduction.wgsl"
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> mean: array<f32>;
@group(0) @binding(3) var<storage, read_write> variance: array<f32>;
fn invocation(o: u32) {
  if (o >= p.outSize) { return; }
  let base = keptBase(o);
  var s = 0.0;
  for (var r = 0u; r < p.redSize; r++) { s += x[base + reducedOffset(r)]; }
  let mu = s / f32(p.redSize);
  var q = 0.0;
  for (var r = 0u; r < p.redSize; r++) {
    let dev = x[base + reducedOffset(r)] - mu;
    q += dev * dev;
  }
  mean[o] = mu;
  variance[o] = q / f32(p.redSize);
}
