// softmax over the last axis of x [rows, cols], one invocation per row, max subtracted.
#include "include/row-map.wgsl"
fn row(r: u32, base: u32) {
  let st = rowStats(base);
  for (var j = 0u; j < p.cols; j++) { y[base + j] = exp(x[base + j] - st.mx) / st.sumExp; }
}
