// gather: x viewed as [outer, rows, inner], out [outer, count, inner]: out[o, j, k] = x[o, indices[j], k],
// zero for an index outside [0, rows). Raw 32-bit words (every dtype).
#include "include/gather.wgsl"
#storage(1) read x: u32, read indices: i32, read_write out: u32
fn element(i: u32) {
  let k = i % p.inner;
  let j = (i / p.inner) % p.count;
  let o = i / (p.inner * p.count);
  let r = indices[j];
  if (r < 0 || u32(r) >= p.rows) { out[i] = 0u; return; }
  out[i] = x[(o * p.rows + u32(r)) * p.inner + k];
}
