// logSoftmax over the last axis of x [rows, cols]: x - max - log(sum(exp(x - max))).
#include "include/row-map.wgsl"
fn row(r: u32, base: u32) {
  let st = rowStats(base);
  let lse = st.mx + log(st.sumExp);
  for (var j = 0u; j < p.cols; j++) { y[base + j] = x[base + j] - lse; }
}
