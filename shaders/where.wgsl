// where: out = cond != 0 ? a : b, all three broadcast to the output (include/broadcast.wgsl,
// rank <= 8). a, b and out are raw 32-bit words, so one kernel serves float32 and int32.
#include "include/elements.wgsl"
#include "include/broadcast.wgsl"
struct Params {
  n: u32, rank: u32, contiguous: u32, _p0: u32,
  shape: array<vec4<u32>, 2>,
  aStrides: array<vec4<u32>, 2>,
  bStrides: array<vec4<u32>, 2>,
  condStrides: array<vec4<u32>, 2>,
}
#storage(1) read cond: i32, read a: u32, read b: u32, read_write out: u32
fn operandStrides(axis: u32) -> vec3<u32> {
  let q = axis / 4u;
  let r = axis % 4u;
  return vec3<u32>(p.aStrides[q][r], p.bStrides[q][r], p.condStrides[q][r]);
}
fn element(i: u32) {
  let at = broadcastIndex(i);
  out[i] = select(b[at.y], a[at.x], cond[at.z] != 0);
}
