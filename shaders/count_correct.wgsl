// countCorrect: atomically counts rows of the logits x [rows, cols] whose first maximum is at
// the label. The host zero-fills `count` first.
#include "include/row-argmax.wgsl"
struct Params { rows: u32, cols: u32, }
#storage(2) read labels: i32, read_write count: atomic<i32>
fn row(r: u32, base: u32) {
  if (i32(rowArgmax(base)) == labels[r]) { atomicAdd(&count[0], 1); }
}
