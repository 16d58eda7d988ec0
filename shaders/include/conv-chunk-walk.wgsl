// The walk over a chunk's output pixels of the blocked filter-gradient kernels
// (conv2d_backprop_filter.wgsl, conv2d_backprop_filter_vec4.wgsl).
#include "include/conv-chunks.wgsl"
// Output pixel q as (ow, oh, n), and the next one in row-major order, so a chunk is walked
// without a division per pixel.
fn outputPixel(q: u32) -> vec3<u32> { return vec3<u32>(q % p.outW, (q / p.outW) % p.outH, q / (p.outW * p.outH)); }
fn nextPixel(at: vec3<u32>) -> vec3<u32> {
  var next = at;
  next.x++;
  if (next.x == p.outW) { next.x = 0u; next.y++; if (next.y == p.outH) { next.y = 0u; next.z++; } }
  return next;
}
