// moments: mean and (biased) variance over the reduced axes, two passes per output: the mean, then
// the mean squared deviation from it (op unused).
#include "include/thread.wgsl"
#include "include/reduction.wgsl"
#storage(1) read x: f32, read_write mean: f32, read_write variance: f32
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
