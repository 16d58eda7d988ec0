// gather: x viewed as [outer, rows, inner], out [outer, count, inner]: out[o, j, k] = x[o, indices[j], k],
// zero for an index outside [0, rows). Raw 32-bit words (every dtype).
#include "include/elements.wgsl"
struct Params { n: u32, count: u32, rows: u32, inner: u32, }
@group(0) @binding(1) var<storage, read> x: array<u32>;
@group(0) @binding(2) var<storage, read> indices: array<i32>;
@group(0) @binding(3) var<storage, read_write> out: array<u32>;
fn element(i: u32) {
  let k = i % p.inner;
  let j = (i / p.inner) % p.count;
  let o = i / (p.inner * p.count);
  let r = indices[j];
  if (r < 0 || u32(r) >= p.rows) { out[i] = 0u; return; }
  out[i] = x[(o * p.rows + u32(r)) * p.inner + k];
}
