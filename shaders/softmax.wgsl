// softmax over the last axis of x [rows, cols], one invocation per row, max subtracted.
#include "include/row-stats.wgsl"
struct Params { rows: u32, cols: u32, }
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
fn row(r: u32, base: u32) {
  let st = rowStats(base);
  for (var j = 0u; j < p.cols; j++) { y[base + j] = exp(x[base + j] - st.mx) / st.sumExp; }
}
