// countCorrect: atomically counts rows of the logits x [rows, cols] whose first maximum is at
// the label. The host zero-fills `count` first.
#include "include/row-argmax.wgsl"
struct Params { rows: u32, cols: u32, }
@group(0) @binding(2) var<storage, read> labels: array<i32>;
@group(0) @binding(3) var<storage, read_write> count: array<atomic<i32>>;
fn row(r: u32, base: u32) {
  if (i32(rowArgmax(base)) == labels[r]) { atomicAdd(&count[0], 1); }
}
