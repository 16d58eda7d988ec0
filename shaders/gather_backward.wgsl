// gather_backward: the scatter-add of gather's gradient done as a gather, with no atomics: one invocation
// per dx element (o, r, k) sums dy[o, j, k] over every j with indices[j] == r, in increasing j (the
// CPU twin's order, so float32 results match bit for bit, and every run gives the same bits).
#include "include/gather.wgsl"
#storage(1) read dy: f32, read indices: i32, read_write dx: f32
fn element(i: u32) {
  let k = i % p.inner;
  let r = i32((i / p.inner) % p.rows);
  let o = i / (p.inner * p.rows);
  var acc = 0.0;
  for (var j = 0u; j < p.count; j++) {
    if (indices[j] == r) { acc += dy[(o * p.count + j) * p.inner + k]; }
  }
  dx[i] = acc;
}
