#include "include/rows.wgsl"
// For the row kernels (include/rows.wgsl): the index of the row's first maximum (TensorFlow's tie rule), where a row's first NaN counts as the
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
