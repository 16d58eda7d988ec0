// Row kernels over x [rows, cols], one invocation per row: the kernel declares `struct Params`
// with rows and cols (and any uniforms of its own), its other buffers from binding 2 and
// `fn row(r: u32, base: u32)` (base = r * cols), called for r < rows only. Running maxima start
// at the lowest finite f32: WGSL rejects infinity literals.
@group(0) @binding(1) var<storage, read> x: array<f32>;
#include "include/thread.wgsl"
fn invocation(r: u32) {
  if (r < p.rows) { row(r, r * p.cols); }
}
// The row's maximum and sum of exp(x - max): softmax is exp(x - mx) / sumExp, log-sum-exp is
// mx + log(sumExp), computed stably.
struct RowStats { mx: f32, sumExp: f32, }
fn rowStats(base: u32) -> RowStats {
  var mx = -3.402823e38;
  for (var j = 0u; j < p.cols; j++) { mx = max(mx, x[base + j]); }
  var s = 0.0;
  for (var j = 0u; j < p.cols; j++) { s += exp(x[base + j] - mx); }
  return RowStats(mx, s);
}
// Index of the first maximum (TensorFlow's tie rule), where a row's first NaN counts as the
// maximum, as on the CPU (engine/ops/argmax.ts). NaN is tested on the bits: WGSL lets the
// compiler assume that float comparisons never see NaN. The ops refuse rows of 0 columns.
fn rowArgmax(base: u32) -> u32 {
  var best = x[base];
  var at = 0u;
  for (var j = 1u; j < p.cols && !isNan(best); j++) {
    let v = x[base + j];
    if (isNan(v) || v > best) { best = v; at = j; }
  }
  return at;
}
fn isNan(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u; }
