// logSoftmax over the last axis of x [rows, cols]: x - max - log(sum(exp(x - max))).
#include "include/row-stats.wgsl"
struct Params { rows: u32, cols: u32, }
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
fn row(r: u32, base: u32) {
  let st = rowStats(base);
  let lse = st.mx + log(st.sumExp);
  for (var j = 0u; j < p.cols; j++) { y[base + j] = x[base + j] - lse; }
}
