// The float binary ops with NumPy broadcasting (rank <= 8): out = combine(op, a, b), where the
// kernel declares `fn combine(op: u32, va: f32, vb: f32) -> f32`. shape: the output shape;
// aStrides/bStrides: element strides of a and b per output axis (0 where broadcast).
#include "include/elements.wgsl"
#include "include/broadcast.wgsl"
struct Params {
  n: u32, rank: u32, op: u32, contiguous: u32,
  shape: array<vec4<u32>, 2>,
  aStrides: array<vec4<u32>, 2>,
  bStrides: array<vec4<u32>, 2>,
}
#storage(1) read a: f32, read b: f32, read_write out: f32
fn operandStrides(axis: u32) -> vec3<u32> { return vec3<u32>(p.aStrides[axis / 4u][axis % 4u], p.bStrides[axis / 4u][axis % 4u], 0u); }
fn element(i: u32) {
  let at = broadcastIndex(i);
  out[i] = combine(p.op, a[at.x], b[at.y]);
}
