#include "include/rows.wgsl"
// The row's maximum and sum of exp(x - max), for the row kernels (include/rows.wgsl): softmax
// is exp(x - mx) / sumExp, log-sum-exp is mx + log(sumExp), computed stably. The running
// maximum starts at the lowest finite f32: WGSL rejects infinity literals.
struct RowStats { mx: f32, sumExp: f32, }
fn rowStats(base: u32) -> RowStats {
  var mx = -3.402823e38;
  for (var j = 0u; j < p.cols; j++) { mx = max(mx, x[base + j]); }
  var s = 0.0;
  for (var j = 0u; j < p.cols; j++) { s += exp(x[base + j] - mx); }
  return RowStats(mx, s);
}
